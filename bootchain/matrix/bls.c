/* The "bls" config style: systemd-boot reading the Boot Loader Specification entries
 * that new-kernel-pkg (grubby --bls) wrote, no GRUB at all. The sandbox root's /boot is
 * the ESP: its fstab mounts /boot, so entry paths are relative to it, and it holds
 * /boot/loader (loader.conf, entries/). The medium is a FAT image of that /boot made
 * with mtools, with systemd-boot as \EFI\BOOT\BOOTX64.EFI, booted by OVMF as a disk.
 * A Xen cell's entry starts xen.efi through systemd-boot's "efi" key with the kernel's
 * section of the xen.cfg beside it. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include "bootchain/matrix/bls.h"
#include "bootchain/matrix/util.h"

#define SYSTEMD_BOOT "/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
#define MACHINE_ID "b0075c4a1200b1500000000000000001"

bool mx_bls_cell_possible(enum mx_firmware fw, enum mx_hv_kind hv)
{
	/* systemd-boot is a UEFI program; it starts Xen through xen.efi, not multiboot */
	return fw == MX_FW_UEFI && (hv == MX_HV_NONE || hv == MX_HV_XEN_PV);
}

int mx_bls_tools_check(const struct mx_plan *plan, char *err, size_t len)
{
	bool bls = false;
	for (int i = 0; i < plan->ncells && !bls; i++)
		bls = plan->cells[i].config == MX_CFG_BLS;
	if (!bls)
		return 0;
	if (access(SYSTEMD_BOOT, R_OK)) {
		mx_fmt(err, len, "%s: systemd-boot missing (package systemd-boot-efi)", SYSTEMD_BOOT);
		return -1;
	}
	static const char *const tools[] = { "mformat", "mmd", "mcopy" };
	for (int i = 0; i < 3; i++)
		if (!mx_on_path(tools[i])) {
			mx_fmt(err, len, "%s not found on PATH (package mtools)", tools[i]);
			return -1;
		}
	return 0;
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

/* The dom0 kernel's section of the xen.cfg the entry names (\xen-4.17-amd64.cfg beside
 * the .efi, section = kernel version). A stand-in until new-kernel-pkg writes xen.cfg
 * itself: the minimal [VERSION] section, kernel= with its arguments and ramdisk=. */
static int bls_xen_cfg_section_stub(struct mx_cell_ctx *ctx)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	const struct mx_hypervisor *hv = &ctx->plan->hvs[ctx->cell->hv];
	char efi[PATH_MAX], base[PATH_MAX], cfg[PATH_MAX + 64], text[2048], kargs[512];
	mx_cell_kernel_args(ctx, kargs, sizeof(kargs));
	efi_beside(hv->path, efi, sizeof(efi));
	mx_fmt(base, sizeof(base), "%s", efi);
	char *name = basename(base);
	name[strlen(name) - 4] = '\0';
	mx_fmt(cfg, sizeof(cfg), "%s/boot/%s.cfg", ctx->root, name);
	mx_fmt(text, sizeof(text),
	       "# the dom0 kernel of each BLS entry that starts Xen, by kernel version\n"
	       "[%s]\n"
	       "kernel=\\vmlinuz-%s %s\n"
	       "ramdisk=\\initramfs-%s.img\n",
	       k->version, k->version, kargs, k->version);
	if (mx_write_file(cfg, text))
		return fail(ctx, "cannot write", cfg);
	return 0;
}

/* Bytes of the files under dir (the ESP's contents). */
static long long tree_size(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long long total = 0;
	while (d && (de = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    mx_fmt(p, sizeof(p), "%s/%s", dir, de->d_name) >= (int)sizeof(p) || stat(p, &st))
			continue;
		total += S_ISDIR(st.st_mode) ? tree_size(p) : (long long)st.st_size;
	}
	if (d)
		closedir(d);
	return total;
}

static int run(struct mx_cell_ctx *ctx, char *const argv[])
{
	int rc = mx_run(argv, ctx->medium_log);
	if (rc) {
		char last[MX_REASON_MAX];
		mx_last_line(ctx->medium_log, last, sizeof(last));
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "bls: %s exited with %d: %s",
		       argv[0], rc, last);
		return -1;
	}
	return 0;
}

/* The ESP image: /boot of the root at its top, systemd-boot the removable-media loader. */
int mx_bls_medium(struct mx_cell_ctx *ctx)
{
	char boot[PATH_MAX + 8], img[PATH_MAX + 16], size[32];
	if (access(SYSTEMD_BOOT, R_OK))
		return fail(ctx, "no systemd-boot (package systemd-boot-efi):", SYSTEMD_BOOT);
	if (ctx->plan->hvs[ctx->cell->hv].kind != MX_HV_NONE && bls_xen_cfg_section_stub(ctx))
		return -1;
	mx_fmt(boot, sizeof(boot), "%s/boot", ctx->root);
	mx_fmt(img, sizeof(img), "%s/esp.img", ctx->work);
	/* room for the files, FAT's own tables and slack; FAT32 wants 64 MiB at least */
	long long mb = tree_size(boot) / (1024 * 1024) + 48;
	mx_fmt(size, sizeof(size), "%lldM", mb < 64 ? 64 : mb);
	unlink(img);
	char *truncate[] = { "truncate", "-s", size, img, NULL };
	char *mformat[] = { "mformat", "-i", img, "-F", "-v", "ESP", "::", NULL };
	char *mmd[] = { "mmd", "-i", img, "::/EFI", "::/EFI/BOOT", NULL };
	char *loader[] = { "mcopy", "-i", img, SYSTEMD_BOOT, "::/EFI/BOOT/BOOTX64.EFI", NULL };
	if (run(ctx, truncate) || run(ctx, mformat) || run(ctx, mmd) || run(ctx, loader))
		return -1;
	/* every file and directory of /boot, dot files (locks) left out */
	DIR *d = opendir(boot);
	struct dirent *de;
	int rc = d ? 0 : fail(ctx, "cannot read", boot);
	while (!rc && d && (de = readdir(d))) {
		char src[PATH_MAX + 300];
		if (de->d_name[0] == '.')
			continue;
		mx_fmt(src, sizeof(src), "%s/%s", boot, de->d_name);
		char *mcopy[] = { "mcopy", "-s", "-o", "-i", img, src, "::/", NULL };
		rc = run(ctx, mcopy);
	}
	if (d)
		closedir(d);
	if (!rc)
		mx_fmt(ctx->iso, sizeof(ctx->iso), "%s", img);
	return rc;
}
