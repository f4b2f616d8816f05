/* Stage 1: a sandbox root that looks like a freshly installed system: the kernel, its
 * config and modules, the hypervisor, /etc/sysconfig/kernel naming it, and an empty
 * boot-loader config for grubby to add the entry to. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bootchain/matrix/bls.h"
#include "bootchain/matrix/stages.h"
#include "bootchain/matrix/util.h"

/* no_timer_check: under a loaded TCG host the IO-APIC timer check can fail spuriously
 * ("IO-APIC + timer doesn't work!"), which says nothing about the boot chain. */
const char *mx_kernel_args(enum mx_hv_kind kind)
{
	return kind == MX_HV_NONE ? "console=ttyS0 panic=-1 no_timer_check"
				  : "console=hvc0 panic=-1 no_timer_check";
}

const char *mx_hypervisor_args(enum mx_hv_kind kind, bool guests)
{
	switch (kind) {
	case MX_HV_XEN_PV:
		return guests ? "console=com1 com1=115200 dom0_mem=1024M,max:1024M"
			      : "console=com1 com1=115200 dom0_mem=512M";
	case MX_HV_XEN_PVH:
		return guests ? "console=com1 com1=115200 dom0_mem=1024M,max:1024M dom0=pvh iommu=1"
			      : "console=com1 com1=115200 dom0_mem=512M dom0=pvh iommu=1";
	case MX_HV_NONE: return "";
	default: return "console=com1";
	}
}

/* dom0 keeps 1 GiB (guests' images, a save file); the guests get the rest */
#define GUESTS_MEMORY_MB 2048

int mx_cell_memory_mb(const struct mx_options *opt, const struct mx_cell *cell)
{
	return cell->guests && opt->mem_mb < GUESTS_MEMORY_MB ? GUESTS_MEMORY_MB : opt->mem_mb;
}

static int fail(struct mx_cell_ctx *ctx, const char *what, const char *path)
{
	mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "sandbox: %s %s", what, path);
	return -1;
}

static int copy_into(struct mx_cell_ctx *ctx, const char *from, const char *name, char *dest,
		     size_t len)
{
	mx_fmt(dest, len, "%s/boot/%s", ctx->root, name);
	if (mx_copy_file(from, dest))
		return fail(ctx, "cannot copy", from);
	return 0;
}

/* The config file grubby edits, as an installed system has it: defaults plus one entry
 * that grubby takes as its template (new-kernel-pkg always asks for --copy-default). The
 * template's kernel need not exist: under --root, new-kernel-pkg passes --bad-image-okay. */
static int seed_bootloader_config(struct mx_cell_ctx *ctx)
{
	char dir[PATH_MAX + 32], file[PATH_MAX + 64];
	bool legacy = ctx->cell->config == MX_CFG_LEGACY;
	mx_fmt(dir, sizeof(dir), "%s/boot/%s", ctx->root, legacy ? "grub" : "grub2");
	mx_fmt(file, sizeof(file), "%s/%s", dir, legacy ? "grub.conf" : "grub.cfg");
	if (mx_mkdir_p(dir))
		return fail(ctx, "cannot create", dir);
	const char *text = legacy ? "default=0\ntimeout=0\n"
				    "title Seed entry (grubby template)\n"
				    "\tkernel /boot/vmlinuz-0-seed ro panic=-1\n"
				    "\tinitrd /boot/initramfs-0-seed.img\n"
				  : "set default=0\nset timeout=0\n"
				    "menuentry 'Seed entry (grubby template)' {\n"
				    "\tlinux /boot/vmlinuz-0-seed ro panic=-1\n"
				    "\tinitrd /boot/initramfs-0-seed.img\n"
				    "}\n";
	if (mx_write_file(file, text))
		return fail(ctx, "cannot write", file);
	return 0;
}

/* /etc/sysconfig/kernel as the distribution would have it, HYPERVISOR as the cell says. */
int mx_write_sysconfig(const char *root, const char *hypervisor, const char *args)
{
	char dir[PATH_MAX], file[PATH_MAX + 16], text[PATH_MAX + 512];
	mx_fmt(dir, sizeof(dir), "%s/etc/sysconfig", root);
	mx_fmt(file, sizeof(file), "%s/kernel", dir);
	mx_fmt(text, sizeof(text),
		 "# written by bootchain matrix\n"
		 "UPDATEDEFAULT=yes\n"
		 "DEFAULTKERNEL=kernel\n"
		 "HYPERVISOR=%s\n"
		 "HYPERVISOR_ARGS=\"%s\"\n", hypervisor, args);
	return mx_mkdir_p(dir) || mx_write_file(file, text) ? -1 : 0;
}

static int link_modules(struct mx_cell_ctx *ctx, const struct mx_kernel *k)
{
	char dir[PATH_MAX + 16], link_path[PATH_MAX + 160];
	if (!k->modules[0])
		return 0;
	mx_fmt(dir, sizeof(dir), "%s/lib/modules", ctx->root);
	mx_fmt(link_path, sizeof(link_path), "%s/%s", dir, k->version);
	/* 400 MB of modules are read, never written: a link is enough */
	if (mx_mkdir_p(dir) || symlink(k->modules, link_path))
		return fail(ctx, "cannot link modules at", link_path);
	return 0;
}

int mx_stage_sandbox(struct mx_cell_ctx *ctx)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	const struct mx_hypervisor *hv = &ctx->plan->hvs[ctx->cell->hv];
	char boot[PATH_MAX + 8], name[PATH_MAX], dest[PATH_MAX + 8], hv_in_root[PATH_MAX] = "";
	if (mx_rm_rf(ctx->root))
		return fail(ctx, "cannot clear", ctx->root);
	mx_fmt(boot, sizeof(boot), "%s/boot", ctx->root);
	if (mx_mkdir_p(boot))
		return fail(ctx, "cannot create", boot);
	mx_fmt(name, sizeof(name), "vmlinuz-%s", k->version);
	if (copy_into(ctx, k->path, name, dest, sizeof(dest)))
		return -1;
	if (k->config[0]) {
		mx_fmt(name, sizeof(name), "config-%s", k->version);
		if (copy_into(ctx, k->config, name, dest, sizeof(dest)))
			return -1;
	}
	if (hv->path[0]) {
		char base[PATH_MAX];
		mx_fmt(base, sizeof(base), "%s", hv->path);
		mx_fmt(name, sizeof(name), "%s", basename(base));
		if (copy_into(ctx, hv->path, name, dest, sizeof(dest)))
			return -1;
		mx_fmt(hv_in_root, sizeof(hv_in_root), "/boot/%s", name);
	}
	bool xenefi = ctx->cell->config == MX_CFG_XENEFI; /* xen.efi, not a multiboot entry */
	if (mx_write_sysconfig(ctx->root, xenefi ? "" : hv_in_root,
			       mx_hypervisor_args(hv->kind, ctx->cell->guests)))
		return fail(ctx, "cannot write /etc/sysconfig/kernel in", ctx->root);
	/* dracut (run by new-kernel-pkg) reads the root's configuration directory */
	mx_fmt(dest, sizeof(dest), "%s/etc/dracut.conf.d", ctx->root);
	if (mx_mkdir_p(dest))
		return fail(ctx, "cannot create", dest);
	if (link_modules(ctx, k))
		return -1;
	if (xenefi ? mx_xenefi_sandbox(ctx, hv_in_root)
	    : ctx->cell->config == MX_CFG_BLS ? mx_bls_seed(ctx) : seed_bootloader_config(ctx))
		return -1;
	return 0;
}
