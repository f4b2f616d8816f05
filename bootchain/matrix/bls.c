/* The "bls" config style: systemd-boot reading the Boot Loader Specification entries
 * that new-kernel-pkg (grubby --bls) wrote, no GRUB at all. The sandbox root's /boot is
 * the ESP: its fstab mounts /boot, so entry paths are relative to it, and it holds
 * /boot/loader (loader.conf, entries/). The medium is an ESP image of that /boot
 * (bootloader/esp.c) with systemd-boot as \EFI\BOOT\BOOTX64.EFI, booted by OVMF as a disk.
 * A Xen cell's entry starts xen.efi through systemd-boot's "efi" key with the kernel's
 * section of the xen.cfg beside it, both written by new-kernel-pkg. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bootloader/esp.h"
#include "bootchain/matrix/bls.h"
#include "bootchain/matrix/util.h"

#define SYSTEMD_BOOT "/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
#define MACHINE_ID "b0075c4a1200b1500000000000000001"

bool mx_bls_cell_possible(enum mx_firmware fw, enum mx_hv_kind hv)
{
	/* systemd-boot is a UEFI program; it starts Xen (PV or PVH dom0) through xen.efi,
	 * not multiboot. bchv's cells are planned to say so (mx_bls_skip). */
	return fw == MX_FW_UEFI &&
	       (hv == MX_HV_NONE || hv == MX_HV_XEN_PV || hv == MX_HV_XEN_PVH || hv == MX_HV_BCHV);
}

bool mx_bls_skip(enum mx_config cfg, enum mx_hv_kind hv, char *why, size_t len)
{
	if (cfg != MX_CFG_BLS || hv != MX_HV_BCHV)
		return false;
	mx_fmt(why, len, "not planned: bchv is a multiboot2 image, and systemd-boot starts only EFI "
	       "programs");
	return true;
}

int mx_bls_tools_check(const struct mx_plan *plan, char *err, size_t len)
{
	bool bls = false;
	for (int i = 0; i < plan->ncells && !bls; i++)
		bls = plan->cells[i].config == MX_CFG_BLS && plan->cells[i].expect != MX_SKIP;
	if (!bls)
		return 0;
	if (access(SYSTEMD_BOOT, R_OK)) {
		mx_fmt(err, len, "%s: systemd-boot missing (package systemd-boot-efi)", SYSTEMD_BOOT);
		return -1;
	}
	return bl_esp_tools_check(err, len);
}

static int fail(struct mx_cell_ctx *ctx, const char *what, const char *path)
{
	mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "bls: %s %s", what, path);
	return -1;
}

/* xen-4.17-amd64.gz -> xen-4.17-amd64.efi beside it, as Debian installs them */
static void efi_beside(const char *gz, char *out, size_t len)
{
	size_t n = strlen(gz);
	if (n > 3 && !strcmp(gz + n - 3, ".gz"))
		n -= 3;
	mx_fmt(out, len, "%.*s.efi", (int)n, gz);
}

int mx_bls_seed(struct mx_cell_ctx *ctx)
{
	char path[PATH_MAX + 64];
	const struct mx_hypervisor *hv = &ctx->plan->hvs[ctx->cell->hv];
	mx_fmt(path, sizeof(path), "%s/boot/loader/entries", ctx->root);
	if (mx_mkdir_p(path))
		return fail(ctx, "cannot create", path);
	/* timeout 0: straight to the default entry, which new-kernel-pkg sets */
	mx_fmt(path, sizeof(path), "%s/boot/loader/loader.conf", ctx->root);
	if (mx_write_file(path, "timeout 0\nconsole-mode keep\n"))
		return fail(ctx, "cannot write", path);
	mx_fmt(path, sizeof(path), "%s/etc", ctx->root);
	if (mx_mkdir_p(path))
		return fail(ctx, "cannot create", path);
	/* grubby names the entry MACHINEID-VERSION.conf */
	mx_fmt(path, sizeof(path), "%s/etc/machine-id", ctx->root);
	if (mx_write_file(path, MACHINE_ID "\n"))
		return fail(ctx, "cannot write", path);
	/* /boot is a file system of its own (the ESP): entries name files from its root */
	mx_fmt(path, sizeof(path), "%s/etc/fstab", ctx->root);
	if (mx_write_file(path, "LABEL=ESP /boot vfat defaults 0 2\n"))
		return fail(ctx, "cannot write", path);
	mx_fmt(path, sizeof(path), "%s/etc/os-release", ctx->root);
	if (mx_write_file(path, "NAME=\"bootchain sandbox\"\nID=bootchain\nVERSION=\"1\"\n"))
		return fail(ctx, "cannot write", path);
	if (hv->path[0]) {
		char efi[PATH_MAX], base[PATH_MAX], dest[PATH_MAX + 64];
		efi_beside(hv->path, efi, sizeof(efi));
		mx_fmt(base, sizeof(base), "%s", efi);
		mx_fmt(dest, sizeof(dest), "%s/boot/%s", ctx->root, basename(base));
		if (mx_copy_file(efi, dest))
			return fail(ctx, "cannot copy the hypervisor's EFI image", efi);
	}
	return 0;
}

/* The ESP: /boot of the root at its top, systemd-boot the removable-media loader. */
static int bls_files(struct mx_cell_ctx *ctx, struct bl_esp *esp, char *err, size_t len)
{
	char boot[PATH_MAX + 8];
	mx_fmt(boot, sizeof(boot), "%s/boot", ctx->root);
	if (bl_esp_add(esp, SYSTEMD_BOOT, "EFI/BOOT/BOOTX64.EFI")) {
		mx_fmt(err, len, "out of memory");
		return -1;
	}
	return bl_esp_add_tree(esp, boot, "", err, len);
}

int mx_bls_medium(struct mx_cell_ctx *ctx)
{
	if (access(SYSTEMD_BOOT, R_OK))
		return fail(ctx, "no systemd-boot (package systemd-boot-efi):", SYSTEMD_BOOT);
	return mx_esp_medium(ctx, "bls", bls_files);
}
