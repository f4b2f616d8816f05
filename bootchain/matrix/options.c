/* Command-line options of `bootchain matrix`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bootchain/matrix/matrix.h"
#include "bootchain/matrix/shard.h"

void mx_usage(FILE *to)
{
	fprintf(to,
		"usage: bootchain matrix [OPTIONS]\n"
		"Boot each kernel on bare metal and as dom0 in QEMU, through the entries that\n"
		"new-kernel-pkg and grubby write and GRUB2 reads; print a table of verdicts.\n\n"
		"  --kernel PATH          a kernel to boot (repeatable; default: every /boot/vmlinuz-*)\n"
		"  --hypervisor H         none, xen-pv, xen-pvh, bchv or a multiboot image PATH\n"
		"                         (repeatable; default: none xen-pv xen-pvh bchv)\n"
		"  --firmware bios|uefi   firmware of the QEMU machine (repeatable; default both)\n"
		"  --config grub2|grub-legacy|xen-efi|bls  config style the entries are written in\n"
		"                            (xen-efi: xen.efi with xen.cfg; bls: systemd-boot; UEFI only)\n"
		"                         (repeatable; default both)\n"
		"  --initramfs auto|busybox|dracut  test initramfs kind (auto: dracut for Xen PV,\n"
		"                         the guest-serving dom0 image in cells with guest stages)\n"
		"  --no-guests            no guest stages in Xen dom0 cells (boot and xl list only)\n"
		"  --quick                a small subset for CI: the first dom0-capable kernel, none +\n"
		"                         xen-pv, bios, grub2; the xen-pv cell runs its guest stages\n"
		"  --list                 print the cells and stages a run would do; boot nothing\n"
		"  --shard K/N            run the K-th of N slices of the cells, balanced by expected\n"
		"                         time, the same on every machine (with --list: show it)\n"
		"  --output DIR           reports and serial logs (default build/matrix)\n"
		"  --root DIR             boot the default entry of an already installed root\n"
		"                         (no sandbox or install stage; --hypervisor gives the expectation)\n"
		"  --boot-dir DIR         where default kernels are looked for (default /boot)\n"
		"  --tools DIR            where grubby, new-kernel-pkg and bootchain are (default: this binary's)\n"
		"  --data DIR             where the marker scripts are (default: bootchain/matrix/scripts\n"
		"                         in the source tree, else PREFIX/share/bootchain)\n"
		"  --jobs N               cells at once (default: cores, capped by memory)\n"
		"  --timeout SECONDS      time limit of each boot (default 240)\n"
		"  --memory MB            QEMU guest memory (default 1024)\n"
		"  --cache DIR            initramfs images and media by content, safe to share between\n"
		"                         runs at once (default $BOOTCHAIN_MATRIX_CACHE, else OUTPUT/cache)\n"
		"  --no-cache             rebuild initramfs images and media\n"
		"  --progress / --no-progress  live progress line (default: when stderr is a terminal)\n\n"
		"bootchain matrix merge [-o DIR] SHARD-DIR...  joins the outputs of the shards of one\n"
		"plan into the reports of a single run (see bootchain matrix merge --help).\n");
}

static int parse_int(const char *what, const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max) {
		fprintf(stderr, "bootchain matrix: %s must be a number from %d to %d, not '%s'\n",
			what, min, max, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int copy_path(char *dst, const char *src, const char *what)
{
	if (strlen(src) >= PATH_MAX) {
		fprintf(stderr, "bootchain matrix: %s path too long: %.60s...\n", what, src);
		return -1;
	}
	strcpy(dst, src);
	return 0;
}

static int parse_choice(const char *what, const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	fprintf(stderr, "bootchain matrix: unknown %s '%s'\n", what, s);
	return -1;
}

static void set_defaults(struct mx_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	strcpy(opt->output, "build/matrix");
	strcpy(opt->boot_dir, "/boot");
	opt->timeout_s = 240;
	opt->mem_mb = 1024;
	opt->progress = isatty(STDERR_FILENO);
}

enum { O_KERNEL = 256, O_HV, O_FW, O_CFG, O_INITRAMFS, O_QUICK, O_OUTPUT, O_ROOT, O_BOOTDIR,
       O_TOOLS, O_DATA, O_CACHE, O_JOBS, O_TIMEOUT, O_MEMORY, O_NOCACHE, O_PROGRESS, O_NOPROGRESS,
       O_NOGUESTS, O_LIST, O_SHARD, O_HELP };

static const struct option long_options[] = {
	{ "kernel", required_argument, 0, O_KERNEL },
	{ "hypervisor", required_argument, 0, O_HV },
	{ "firmware", required_argument, 0, O_FW },
	{ "config", required_argument, 0, O_CFG },
	{ "initramfs", required_argument, 0, O_INITRAMFS },
	{ "quick", no_argument, 0, O_QUICK },
	{ "output", required_argument, 0, O_OUTPUT },
	{ "root", required_argument, 0, O_ROOT },
	{ "boot-dir", required_argument, 0, O_BOOTDIR },
	{ "tools", required_argument, 0, O_TOOLS },
	{ "data", required_argument, 0, O_DATA },
	{ "cache", required_argument, 0, O_CACHE },
	{ "jobs", required_argument, 0, O_JOBS },
	{ "timeout", required_argument, 0, O_TIMEOUT },
	{ "memory", required_argument, 0, O_MEMORY },
	{ "no-cache", no_argument, 0, O_NOCACHE },
	{ "progress", no_argument, 0, O_PROGRESS },
	{ "no-progress", no_argument, 0, O_NOPROGRESS },
	{ "no-guests", no_argument, 0, O_NOGUESTS },
	{ "list", no_argument, 0, O_LIST },
	{ "shard", required_argument, 0, O_SHARD },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 },
};

static const char *const fw_names[] = { "bios", "uefi" };
static const char *const cfg_names[] = { "grub2", "grub-legacy", "xen-efi", "bls" };
static const char *const initramfs_names[] = { "auto", "busybox", "dracut" };

/* A repeated --firmware or --config names its value once. */
static bool contains(const int *list, int n, int v)
{
	for (int i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* Firmware and config not given: all of them, or the first for --quick and --root. */
static void default_axes(struct mx_options *opt)
{
	bool one = opt->quick || opt->root[0];
	if (!opt->nfirmwares) {
		opt->firmwares[opt->nfirmwares++] = MX_FW_BIOS;
		if (!one)
			opt->firmwares[opt->nfirmwares++] = MX_FW_UEFI;
	}
	if (!opt->nconfigs) {
		opt->configs[opt->nconfigs++] = MX_CFG_GRUB2;
		if (!one)
			opt->configs[opt->nconfigs++] = MX_CFG_LEGACY;
		if (!one)
			opt->configs[opt->nconfigs++] = MX_CFG_XENEFI;
		if (!one) /* UEFI cells only: systemd-boot */
			opt->configs[opt->nconfigs++] = MX_CFG_BLS;
	}
}

/* One option; returns 0, 1 for --help, -1 on a bad value. */
static int apply_option(struct mx_options *opt, int c, const char *arg)
{
	int v;
	switch (c) {
	case O_KERNEL:
		if (opt->nkernels == MX_MAX_KERNELS) {
			fprintf(stderr, "bootchain matrix: at most %d kernels\n", MX_MAX_KERNELS);
			return -1;
		}
		return copy_path(opt->kernels[opt->nkernels++], arg, "kernel");
	case O_HV:
		if (opt->nhvs == MX_MAX_HVS) {
			fprintf(stderr, "bootchain matrix: at most %d hypervisors\n", MX_MAX_HVS);
			return -1;
		}
		return copy_path(opt->hvs[opt->nhvs++], arg, "hypervisor");
	case O_FW:
		if ((v = parse_choice("firmware", arg, fw_names, 2)) < 0)
			return -1;
		if (!contains((const int *)opt->firmwares, opt->nfirmwares, v))
			opt->firmwares[opt->nfirmwares++] = (enum mx_firmware)v;
		return 0;
	case O_CFG:
		if ((v = parse_choice("config style", arg, cfg_names, MX_MAX_CONFIGS)) < 0)
			return -1;
		if (!contains((const int *)opt->configs, opt->nconfigs, v))
			opt->configs[opt->nconfigs++] = (enum mx_config)v;
		return 0;
	case O_INITRAMFS:
		if ((v = parse_choice("initramfs kind", arg, initramfs_names, 3)) < 0)
			return -1;
		opt->initramfs = (enum mx_initramfs)v;
		return 0;
	case O_QUICK: opt->quick = true; return 0;
	case O_OUTPUT: return copy_path(opt->output, arg, "output");
	case O_ROOT: return copy_path(opt->root, arg, "root");
	case O_BOOTDIR: return copy_path(opt->boot_dir, arg, "boot dir");
	case O_TOOLS: return copy_path(opt->tools, arg, "tools");
	case O_DATA: return copy_path(opt->data, arg, "data");
	case O_CACHE: return copy_path(opt->cache, arg, "cache");
	case O_JOBS: return parse_int("--jobs", arg, 1, 64, &opt->jobs);
	case O_TIMEOUT: return parse_int("--timeout", arg, 5, 3600, &opt->timeout_s);
	case O_MEMORY: return parse_int("--memory", arg, 256, 16384, &opt->mem_mb);
	case O_NOCACHE: opt->no_cache = true; return 0;
	case O_PROGRESS: opt->progress = true; return 0;
	case O_NOPROGRESS: opt->progress = false; return 0;
	case O_NOGUESTS: opt->no_guests = true; return 0;
	case O_LIST: opt->list = true; return 0;
	case O_SHARD: return mx_shard_parse(arg, &opt->shard_k, &opt->shard_n);
	case O_HELP: return 1;
	default: return -1;
	}
}

/* Returns 0 to run, 1 when --help was printed, -1 on bad usage (message printed). */
int mx_parse_options(int argc, char **argv, struct mx_options *opt)
{
	set_defaults(opt);
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (c == '?') {
			fprintf(stderr, "bootchain matrix: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return -1;
		}
		int r = apply_option(opt, c, optarg);
		if (r == 1) {
			mx_usage(stdout);
			return 1;
		}
		if (r < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "bootchain matrix: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (opt->root[0] && opt->nkernels) {
		fprintf(stderr, "bootchain matrix: --root boots the root's own entry; drop --kernel\n");
		return -1;
	}
	default_axes(opt);
	return 0;
}
