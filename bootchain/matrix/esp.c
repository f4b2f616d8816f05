/* The xen-efi config style: no GRUB at all. The UEFI firmware starts xen.efi as
 * \EFI\BOOT\BOOTX64.EFI from an EFI system partition image (bootloader/esp.c),
 * and xen.efi reads BOOTX64.cfg beside it (the .cfg of its own name): the xen.cfg that
 * new-kernel-pkg and grubby wrote in the sandbox root, next to the kernel, initramfs
 * and xen.efi that new-kernel-pkg copied there. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "bootloader/esp.h"
#include "bootchain/matrix/stages.h"
#include "bootchain/matrix/util.h"

#define ESP_MOUNT "/boot/efi"
#define ESP_BOOT_DIR "/boot/efi/EFI/BOOT"
#define XENEFI_CONFIG ESP_BOOT_DIR "/BOOTX64.cfg"

bool mx_xenefi_applies(enum mx_hv_kind kind, enum mx_config cfg)
{
	return cfg != MX_CFG_XENEFI || kind == MX_HV_XEN_PV || kind == MX_HV_XEN_PVH;
}

bool mx_xenefi_skip(const struct mx_cell *cell, char *why, size_t len)
{
	if (cell->config != MX_CFG_XENEFI || cell->firmware != MX_FW_BIOS)
		return false;
	mx_fmt(why, len, "not planned: xen.efi is a UEFI program, a BIOS has no way to start it");
	return true;
}

static int fail(struct mx_cell_ctx *ctx, const char *stage, const char *what, const char *path)
{
	mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "%s: %s %s", stage, what, path);
	return -1;
}

/* xen.efi beside the hypervisor's multiboot image (xen-4.17-amd64.gz ->
 * xen-4.17-amd64.efi, both from xen-hypervisor-4.17-amd64) into the root's /boot, and
 * /etc/sysconfig/kernel telling new-kernel-pkg to keep the ESP's xen.cfg and copy it */
int mx_xenefi_sandbox(struct mx_cell_ctx *ctx, const char *hv_in_root)
{
	const struct mx_hypervisor *hv = &ctx->plan->hvs[ctx->cell->hv];
	char efi[PATH_MAX], in_root[PATH_MAX], dest[PATH_MAX * 2], dir[PATH_MAX + 32];
	mx_fmt(efi, sizeof(efi), "%s", hv->path);
	char *dot = strrchr(efi, '.');
	if (dot && !strcmp(dot, ".gz"))
		*dot = '\0';
	mx_fmt(efi + strlen(efi), sizeof(efi) - strlen(efi), ".efi");
	if (access(efi, R_OK))
		return fail(ctx, "sandbox", "no xen.efi beside the hypervisor:", efi);
	mx_fmt(in_root, sizeof(in_root), "%s", hv_in_root);
	dot = strrchr(in_root, '.');
	if (dot && !strcmp(dot, ".gz"))
		*dot = '\0';
	mx_fmt(in_root + strlen(in_root), sizeof(in_root) - strlen(in_root), ".efi");
	mx_fmt(dest, sizeof(dest), "%s%s", ctx->root, in_root);
	mx_fmt(dir, sizeof(dir), "%s" ESP_BOOT_DIR, ctx->root);
	if (mx_copy_file(efi, dest) || mx_mkdir_p(dir))
		return fail(ctx, "sandbox", "cannot set up", dir);
	char file[PATH_MAX + 32], line[PATH_MAX + 128];
	mx_fmt(file, sizeof(file), "%s/etc/sysconfig/kernel", ctx->root);
	mx_fmt(line, sizeof(line), "XEN_EFI_CONFIG=" XENEFI_CONFIG "\nXEN_EFI_IMAGE=%s\n", in_root);
	FILE *f = fopen(file, "a");
	bool ok = f && fputs(line, f) >= 0;
	if (f && fclose(f))
		ok = false;
	return ok ? 0 : fail(ctx, "sandbox", "cannot write", file);
}

int mx_esp_medium(struct mx_cell_ctx *ctx, const char *stage, mx_esp_list_fn list)
{
	char img[PATH_MAX + 16], err[MX_REASON_MAX];
	mx_fmt(img, sizeof(img), "%s/esp.img", ctx->work);
	struct bl_esp esp = {
		.work_img = img,
		.cache_dir = ctx->opt->no_cache ? NULL : ctx->cache,
		.log = ctx->medium_log,
	};
	int rc = list(ctx, &esp, err, sizeof(err));
	if (!rc)
		rc = bl_esp_build(&esp, err, sizeof(err));
	if (rc)
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "%s: %s", stage, err);
	else
		mx_fmt(ctx->iso, sizeof(ctx->iso), "%s", esp.img);
	ctx->cell->cached_medium = esp.cached;
	bl_esp_free(&esp);
	return rc;
}

/* \EFI\BOOT with everything new-kernel-pkg put there; BOOTX64.efi becomes the
 * removable-media boot path \EFI\BOOT\BOOTX64.EFI. */
static int xenefi_files(struct mx_cell_ctx *ctx, struct bl_esp *esp, char *err, size_t len)
{
	char src[PATH_MAX + 32];
	mx_fmt(src, sizeof(src), "%s" ESP_BOOT_DIR, ctx->root);
	int rc = bl_esp_add_tree(esp, src, "EFI/BOOT", err, len);
	for (size_t i = 0; !rc && i < esp->n; i++)
		if (!strcasecmp(esp->files[i].dest, "EFI/BOOT/BOOTX64.efi"))
			memcpy(esp->files[i].dest, "EFI/BOOT/BOOTX64.EFI", sizeof("EFI/BOOT/BOOTX64.EFI"));
	return rc;
}

int mx_stage_esp(struct mx_cell_ctx *ctx)
{
	char cfg[PATH_MAX + 48];
	mx_fmt(cfg, sizeof(cfg), "%s" XENEFI_CONFIG, ctx->root);
	if (access(cfg, R_OK))
		return fail(ctx, "medium", "new-kernel-pkg wrote no", cfg);
	return mx_esp_medium(ctx, "medium", xenefi_files);
}
