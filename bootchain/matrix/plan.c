/* The plan: which kernels and hypervisors, and one cell for each pair with what the
 * suite expects of it. Everything that can be checked without booting is checked here. */
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bootchain/matrix/bls.h"
#include "bootchain/matrix/image.h"
#include "bootchain/matrix/matrix.h"
#include "bootchain/matrix/util.h"

#define GUESTS_READY 1

const char *mx_firmware_name(enum mx_firmware fw) { return fw == MX_FW_UEFI ? "uefi" : "bios"; }
const char *mx_config_name(enum mx_config c)
{
	static const char *const names[] = { "grub2", "grub-legacy", "xen-efi", "bls" };
	return names[c];
}

const char *mx_verdict_name(enum mx_verdict v)
{
	static const char *const names[] = { "PENDING", "PASS", "FAIL", "XFAIL", "XPASS", "SKIP" };
	return names[v];
}

/* What /sys/hypervisor/type must say; NULL when anything goes. */
const char *mx_hv_expected_type(enum mx_hv_kind kind)
{
	switch (kind) {
	case MX_HV_NONE: return "none";
	case MX_HV_XEN_PV:
	case MX_HV_XEN_PVH: return "xen";
	case MX_HV_BCHV: return "bchv"; /* no /sys/hypervisor: the marker reads its CPUID signature */
	default: return NULL;
	}
}

void mx_cell_name(const struct mx_plan *plan, const struct mx_cell *cell, char *out, size_t len)
{
	mx_fmt(out, len, "%s-%s-%s-%s", plan->kernels[cell->kernel].version,
		 plan->hvs[cell->hv].label, mx_firmware_name(cell->firmware),
		 mx_config_name(cell->config));
}

/* A kernel named with --kernel must be one; a file found in the boot directory that is
 * not (a stray vmlinuz-*) is skipped with a note. */
static int add_kernel(struct mx_plan *plan, const char *path, bool named)
{
	struct mx_kernel *k = &plan->kernels[plan->nkernels];
	char err[MX_REASON_MAX + PATH_MAX];
	memset(k, 0, sizeof(*k));
	mx_fmt(k->path, sizeof(k->path), "%s", path);
	if (mx_bzimage_release(path, k->version, sizeof(k->version), err, sizeof(err))) {
		fprintf(stderr, "bootchain matrix: %s%s\n", named ? "" : "skipping ", err);
		return named ? -1 : 0;
	}
	char dir[PATH_MAX];
	mx_fmt(dir, sizeof(dir), "%s", path);
	mx_fmt(k->config, sizeof(k->config), "%s/config-%s", dirname(dir), k->version);
	if (access(k->config, R_OK))
		k->config[0] = '\0';
	mx_fmt(k->modules, sizeof(k->modules), "/lib/modules/%s", k->version);
	if (access(k->modules, R_OK))
		k->modules[0] = '\0';
	plan->nkernels++;
	return 0;
}

static int find_kernels(const struct mx_options *opt, struct mx_plan *plan)
{
	if (opt->root[0]) {
		struct mx_kernel *k = &plan->kernels[plan->nkernels++];
		memset(k, 0, sizeof(*k));
		mx_fmt(k->path, sizeof(k->path), "%s", opt->root);
		mx_fmt(k->version, sizeof(k->version), "root-default");
		for (int kind = 0; kind < MX_HV_KINDS; kind++)
			k->can_boot[kind] = true;
		k->dom0_capable = true;
		return 0;
	}
	for (int i = 0; i < opt->nkernels; i++)
		if (add_kernel(plan, opt->kernels[i], true))
			return -1;
	if (opt->nkernels)
		return 0;
	char pattern[PATH_MAX + 16];
	glob_t g;
	mx_fmt(pattern, sizeof(pattern), "%s/vmlinuz-*", opt->boot_dir);
	if (glob(pattern, 0, NULL, &g) || g.gl_pathc == 0) {
		fprintf(stderr, "bootchain matrix: no kernels: nothing matches %s\n", pattern);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < g.gl_pathc && plan->nkernels < MX_MAX_KERNELS && !rc; i++)
		rc = add_kernel(plan, g.gl_pathv[i], false);
	globfree(&g);
	if (!rc && !plan->nkernels) {
		fprintf(stderr, "bootchain matrix: no kernels: nothing in %s is a Linux bzImage\n",
			pattern);
		return -1;
	}
	return rc;
}

/* The newest xen-*.gz in the boot dir: the Debian package's Xen. */
static void find_xen(const struct mx_options *opt, char *out, size_t len)
{
	char pattern[PATH_MAX + 16];
	glob_t g;
	out[0] = '\0';
	mx_fmt(pattern, sizeof(pattern), "%s/xen-*.gz", opt->boot_dir);
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc)
		mx_fmt(out, len, "%s", g.gl_pathv[g.gl_pathc - 1]);
	if (g.gl_pathc || glob(pattern, 0, NULL, &g) != GLOB_NOMATCH)
		globfree(&g);
}

static int add_hypervisor(const struct mx_options *opt, struct mx_plan *plan, const char *name)
{
	struct mx_hypervisor *h = &plan->hvs[plan->nhvs];
	memset(h, 0, sizeof(*h));
	mx_fmt(h->label, sizeof(h->label), "%s", name);
	if (!strcmp(name, "none")) {
		h->kind = MX_HV_NONE;
	} else if (!strcmp(name, "xen-pv") || !strcmp(name, "xen-pvh")) {
		h->kind = strcmp(name, "xen-pvh") ? MX_HV_XEN_PV : MX_HV_XEN_PVH;
		find_xen(opt, h->path, sizeof(h->path));
		if (!h->path[0])
			mx_fmt(h->missing, sizeof(h->missing), "no %s/xen-*.gz", opt->boot_dir);
	} else if (!strcmp(name, "bchv")) {
		h->kind = MX_HV_BCHV;
		mx_fmt(h->path, sizeof(h->path), "%s/../boot/bchv.gz", opt->tools);
		if (access(h->path, R_OK))
			mx_fmt(h->missing, sizeof(h->missing), "not built");
	} else {
		h->kind = MX_HV_FILE;
		mx_fmt(h->path, sizeof(h->path), "%s", name);
		char base[PATH_MAX];
		mx_fmt(base, sizeof(base), "%s", name);
		mx_fmt(h->label, sizeof(h->label), "%.31s", basename(base));
	}
	/* a column that exists must hold a multiboot image; say so before any boot */
	if (h->path[0] && !h->missing[0]) {
		char err[MX_REASON_MAX + PATH_MAX];
		if (mx_multiboot_check(h->path, err, sizeof(err)) < 0) {
			fprintf(stderr, "bootchain matrix: %s\n", err);
			return -1;
		}
		if (h->kind == MX_HV_BCHV &&
		    mx_multiboot_load_range(h->path, &h->hidden_lo, &h->hidden_len, err, sizeof(err))) {
			fprintf(stderr, "bootchain matrix: %s\n", err);
			return -1;
		}
	}
	plan->nhvs++;
	return 0;
}

static int find_hypervisors(const struct mx_options *opt, struct mx_plan *plan)
{
	static const char *const defaults[] = { "none", "xen-pv", "xen-pvh", "bchv" };
	static const char *const quick[] = { "none", "xen-pv" };
	if (opt->nhvs) {
		for (int i = 0; i < opt->nhvs; i++)
			if (add_hypervisor(opt, plan, opt->hvs[i]))
				return -1;
		return 0;
	}
	if (opt->root[0])
		return add_hypervisor(opt, plan, "none");
	const char *const *list = opt->quick ? quick : defaults;
	int n = opt->quick ? 2 : 4;
	for (int i = 0; i < n; i++)
		if (add_hypervisor(opt, plan, list[i]))
			return -1;
	return 0;
}

/* --quick keeps the first dom0-capable kernel only. */
static void keep_quick_kernel(struct mx_plan *plan)
{
	for (int i = 0; i < plan->nkernels; i++) {
		if (plan->kernels[i].dom0_capable) {
			plan->kernels[0] = plan->kernels[i];
			break;
		}
	}
	plan->nkernels = 1;
}

static void plan_cell(const struct mx_options *opt, struct mx_plan *plan, int k, int h,
		      enum mx_firmware fw, enum mx_config cfg)
{
	if (!mx_xenefi_applies(plan->hvs[h].kind, cfg))
		return;
	struct mx_cell *c = &plan->cells[plan->ncells++];
	const struct mx_kernel *kern = &plan->kernels[k];
	const struct mx_hypervisor *hv = &plan->hvs[h];
	memset(c, 0, sizeof(*c));
	c->kernel = k;
	c->hv = h;
	c->firmware = fw;
	c->config = cfg;
	c->expect = MX_PASS;
	c->to_marker_s = -1;
	if (hv->missing[0]) {
		c->expect = MX_SKIP;
		mx_fmt(c->expect_reason, sizeof(c->expect_reason), "%s", hv->missing);
	} else if (mx_xenefi_skip(c, c->expect_reason, sizeof(c->expect_reason)) ||
		   mx_bls_skip(cfg, hv->kind, c->expect_reason, sizeof(c->expect_reason))) {
		c->expect = MX_SKIP;
	} else if (c->firmware == MX_FW_UEFI && c->config == MX_CFG_LEGACY &&
		   hv->kind != MX_HV_NONE && hv->kind != MX_HV_BCHV) {
		/* seen with Xen 4.17: GRUB2 says "no suitable video mode found" and Xen never
		 * prints a line; an XPASS will say when this stops being true. bchv needs
		 * neither a video mode nor EFI services (its console is the serial port,
		 * its memory map GRUB's), and boots there */
		c->expect = MX_XFAIL;
		mx_fmt(c->expect_reason, sizeof(c->expect_reason),
		       "GRUB-legacy entries start the hypervisor through multiboot1, which does not "
		       "boot under UEFI (no console, no EFI hand-over)");
	} else if (!kern->can_boot[hv->kind]) {
		c->expect = MX_XFAIL;
		mx_fmt(c->expect_reason, sizeof(c->expect_reason), "%s", kern->why_not[hv->kind]);
	}
	c->initramfs = opt->root[0] ? MX_INITRAMFS_BUSYBOX : opt->initramfs;
	if (c->initramfs == MX_INITRAMFS_AUTO)
		c->initramfs = hv->kind == MX_HV_XEN_PV && kern->dom0_capable && cfg != MX_CFG_XENEFI
				       ? MX_INITRAMFS_DRACUT : MX_INITRAMFS_BUSYBOX;
	bool xen = hv->kind == MX_HV_XEN_PV || hv->kind == MX_HV_XEN_PVH;
	/* guests need a dom0 that boots: not in cells expected to fail, nor with a kernel
	 * that cannot be dom0 anywhere. Every config style boots the same dom0 image:
	 * guests and their disks are inside it, the medium only carries it. */
	c->guests = GUESTS_READY && !opt->root[0] && !opt->no_guests && xen && kern->dom0_capable &&
		    opt->initramfs == MX_INITRAMFS_AUTO && c->expect == MX_PASS;
	if (c->guests)
		c->initramfs = MX_INITRAMFS_DOM0;
	c->run_xl = !opt->root[0] && xen &&
		    (c->initramfs == MX_INITRAMFS_DRACUT || c->initramfs == MX_INITRAMFS_DOM0);
	mx_stages_plan(c, kern);
}

int mx_plan_build(const struct mx_options *opt, struct mx_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (find_kernels(opt, plan) || find_hypervisors(opt, plan))
		return -1;
	for (int i = 0; i < plan->nkernels && !opt->root[0]; i++)
		mx_kernel_dom0_check(&plan->kernels[i]);
	if (opt->quick && !opt->nkernels && !opt->root[0])
		keep_quick_kernel(plan);
	for (int k = 0; k < plan->nkernels; k++)
		for (int h = 0; h < plan->nhvs; h++)
			for (int f = 0; f < opt->nfirmwares; f++)
				for (int g = 0; g < opt->nconfigs; g++)
					if (opt->configs[g] != MX_CFG_BLS ||
					    mx_bls_cell_possible(opt->firmwares[f], plan->hvs[h].kind))
						plan_cell(opt, plan, k, h, opt->firmwares[f], opt->configs[g]);
	if (!plan->ncells) { /* only bls was asked for, where it cannot be */
		fprintf(stderr, "bootchain matrix: no cell to boot: --config bls needs --firmware uefi "
			"and --hypervisor none, xen-pv or xen-pvh\n");
		return -1;
	}
	return 0;
}
