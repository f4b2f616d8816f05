/* `bootchain matrix`: options -> plan -> checks that need no boot -> cells -> reports.
 * Everything that can be wrong before booting (kernels, hypervisor images, QEMU,
 * firmware, GRUB2 tools, the install tools) is a one-line error up front. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bootchain/bootchain.h"
#include "bootloader/media.h"
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/bls.h"
#include "bootchain/matrix/guests.h"
#include "bootchain/matrix/matrix.h"
#include "bootchain/matrix/report.h"
#include "bootchain/matrix/run.h"
#include "bootchain/matrix/shard.h"
#include "bootchain/matrix/stages.h"
#include "bootchain/matrix/util.h"

static int error(const char *fmt, const char *what)
{
	fprintf(stderr, "bootchain matrix: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	return -1;
}

/* Tools default to this binary's directory, the scripts to the source tree's
 * bootchain/matrix/scripts. */
static int resolve_dirs(struct mx_options *opt)
{
	char self[PATH_MAX], buf[PATH_MAX + 32];
	if (!opt->tools[0]) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0)
			return error("cannot find its own binary (%s)", "/proc/self/exe");
		self[n] = '\0';
		mx_fmt(opt->tools, sizeof(opt->tools), "%s", dirname(self));
	}
	if (!opt->data[0]) {
		const char *env = getenv("BOOTCHAIN_DATA");
		/* build/bin or build/sanitize/bin in a source tree; PREFIX/bin when installed */
		static const char *const guesses[] = { "/../../bootchain/matrix/scripts",
						       "/../../../bootchain/matrix/scripts",
						       "/../share/bootchain" };
		for (size_t i = 0; !env && i < sizeof(guesses) / sizeof(guesses[0]); i++) {
			mx_fmt(buf, sizeof(buf), "%s%s/marker.sh", opt->tools, guesses[i]);
			if (access(buf, R_OK) == 0) {
				mx_fmt(buf, sizeof(buf), "%s%s", opt->tools, guesses[i]);
				break;
			}
		}
		mx_fmt(opt->data, sizeof(opt->data), "%s", env ? env : buf);
	}
	/* dracut and new-kernel-pkg run elsewhere: hand them absolute paths */
	char *abs = realpath(opt->data, NULL);
	if (!abs)
		return error("%s: marker script directory not found (use --data)", opt->data);
	mx_fmt(opt->data, sizeof(opt->data), "%s", abs);
	free(abs);
	if (mx_mkdir_p(opt->output) || !(abs = realpath(opt->output, NULL)))
		return error("%s: cannot create the output directory", opt->output);
	mx_fmt(opt->output, sizeof(opt->output), "%s", abs);
	free(abs);
	/* a cache CI keeps between jobs: shards on one machine may share it at once */
	if (!opt->cache[0] && getenv("BOOTCHAIN_MATRIX_CACHE") && *getenv("BOOTCHAIN_MATRIX_CACHE"))
		mx_fmt(opt->cache, sizeof(opt->cache), "%s", getenv("BOOTCHAIN_MATRIX_CACHE"));
	if (!opt->cache[0])
		mx_fmt(opt->cache, sizeof(opt->cache), "%s/cache", opt->output);
	if (mx_mkdir_p(opt->cache) || !(abs = realpath(opt->cache, NULL)))
		return error("%s: cannot create the cache directory", opt->cache);
	mx_fmt(opt->cache, sizeof(opt->cache), "%s", abs);
	free(abs);
	mx_cache_sweep(opt->cache);
	mx_fmt(buf, sizeof(buf), "%s/logs", opt->output);
	if (mx_mkdir_p(buf))
		return error("%s: cannot create the log directory", buf);
	return 0;
}

static bool plan_needs(const struct mx_plan *plan, enum mx_initramfs kind)
{
	for (int i = 0; i < plan->ncells; i++)
		if (plan->cells[i].expect != MX_SKIP && plan->cells[i].initramfs == kind)
			return true;
	return false;
}

/* What the dom0 image of cells with guest stages is made of (--no-guests needs none). */
static int check_guest_tools(const struct mx_options *opt)
{
	static const char *const scripts[] = { "dom0-guests.sh", "guest-marker.sh" };
	char path[PATH_MAX + 32];
	mx_xen_tools_dir(path, sizeof(path));
	if (!path[0])
		return error("%s not found: guest stages need the Xen toolstack (package "
			     "xen-utils-4.17; or --no-guests)", "/usr/lib/xen-*/bin/xl");
	if (access(MX_PVGRUB_BIN, R_OK))
		return error("%s not found: the PV-GRUB2 guest needs it (package grub-xen-host; or "
			     "--no-guests)", MX_PVGRUB_BIN);
	if (!mx_on_path("mke2fs"))
		return error("%s not found on PATH (package e2fsprogs; or --no-guests)", "mke2fs");
	for (int i = 0; i < 2; i++) {
		mx_fmt(path, sizeof(path), "%s/%s", opt->data, scripts[i]);
		if (access(path, R_OK))
			return error("%s: guest stage script not found (use --data)", path);
	}
	return 0;
}

static int check_install_tools(const struct mx_options *opt, const struct mx_plan *plan)
{
	static const char *const tools[] = { "new-kernel-pkg", "grubby" };
	for (int i = 0; i < 2; i++)
		if (!mx_is_executable(mx_tool_path(opt, tools[i])))
			return error("%s not found: the install stage needs it (run make, or --tools DIR)",
				     mx_tool_path(opt, tools[i]));
	if (plan_needs(plan, MX_INITRAMFS_BUSYBOX)) {
		if (access("/bin/busybox", X_OK))
			return error("%s not found (package busybox-static)", "/bin/busybox");
	}
	if (plan_needs(plan, MX_INITRAMFS_DRACUT) && !mx_on_path("dracut"))
		return error("%s not found on PATH (package dracut-core)", "dracut");
	if (plan_needs(plan, MX_INITRAMFS_DOM0))
		return check_guest_tools(opt);
	return 0;
}

static int check_root(const struct mx_options *opt)
{
	char cfg[PATH_MAX + 32];
	for (int i = 0; i < opt->nconfigs; i++) {
		mx_fmt(cfg, sizeof(cfg), "%s/boot/%s", opt->root,
		       opt->configs[i] == MX_CFG_LEGACY ? "grub/grub.conf" :
		       opt->configs[i] == MX_CFG_BLS ? "loader/entries" : "grub2/grub.cfg");
		if (access(cfg, R_OK))
			return error("%s: no boot-loader config to boot (wrong --config?)", cfg);
	}
	return 0;
}

static bool wants_uefi(const struct mx_options *opt)
{
	for (int i = 0; i < opt->nfirmwares; i++)
		if (opt->firmwares[i] == MX_FW_UEFI)
			return true;
	return false;
}

static int preflight(const struct mx_options *opt, const struct mx_plan *plan)
{
	char err[PATH_MAX + MX_REASON_MAX];
	char marker[PATH_MAX];
	if (!mx_on_path("qemu-system-x86_64"))
		return error("%s not found on PATH (package qemu-system-x86)", "qemu-system-x86_64");
	if (bl_media_tools_check(wants_uefi(opt), err, sizeof(err)) ||
	    mx_bls_tools_check(plan, err, sizeof(err)))
		return error("%s", err);
	if (opt->root[0])
		return check_root(opt);
	mx_marker_path(opt, marker, sizeof(marker));
	if (access(marker, R_OK))
		return error("%s: marker script not found (use --data)", marker);
	if (check_install_tools(opt, plan))
		return -1;
	mx_dom0_probe_path(opt, marker, sizeof(marker));
	if (access(marker, R_OK))
		return error("%s: the marker's dom0 probe not found (run make, or --tools DIR)", marker);
	return 0;
}

/* The output records the whole plan's identity before any boot (a shard that dies
 * still says what it was); then the plan keeps only this shard's cells. */
static int record_and_slice(const struct mx_options *opt, struct mx_plan *plan)
{
	char *id = mx_plan_id_text(plan, opt);
	int k = opt->shard_n ? opt->shard_k : 1, n = opt->shard_n ? opt->shard_n : 1;
	int rc = id ? mx_shard_write_id(opt->output, id, k, n) : -1;
	free(id);
	if (!rc && opt->shard_n)
		mx_shard_select(plan, k, n);
	return rc;
}

int bc_cmd_matrix(int argc, char **argv)
{
	static struct mx_options opt;
	static struct mx_plan plan;
	if (argc > 1 && !strcmp(argv[1], "merge"))
		return mx_cmd_merge(argc - 1, argv + 1);
	int rc = mx_parse_options(argc, argv, &opt);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (resolve_dirs(&opt) || mx_plan_build(&opt, &plan))
		return 2;
	if (opt.list) {
		struct mx_slice s;
		if (opt.shard_n)
			s = mx_shard_select(&plan, opt.shard_k, opt.shard_n);
		mx_report_list(stdout, &plan);
		if (opt.shard_n)
			mx_shard_list_summary(stdout, &s, opt.shard_k, opt.shard_n);
		return 0;
	}
	if (preflight(&opt, &plan) || record_and_slice(&opt, &plan))
		return 2;
	int interrupted = mx_run_cells(&opt, &plan);
	mx_report_table(stdout, &plan);
	fflush(stdout);
	if (mx_report_write(&plan, opt.output) || mx_shard_write_results(opt.output, &plan))
		return 2;
	fprintf(stderr, "bootchain matrix: reports in %s/report.md and %s/junit.xml\n", opt.output,
		opt.output);
	if (interrupted)
		return 130;
	return mx_count(&plan, MX_FAIL) || mx_count(&plan, MX_XPASS) ? 1 : 0;
}
