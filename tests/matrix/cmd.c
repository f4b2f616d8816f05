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
#include "tests/matrix/matrix.h"
#include "tests/matrix/report.h"
#include "tests/matrix/run.h"
#include "tests/matrix/stages.h"
#include "tests/matrix/util.h"

static int error(const char *fmt, const char *what)
{
	fprintf(stderr, "bootchain matrix: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	return -1;
}

/* Tools default to this binary's directory, the marker to the source tree's tests/boot. */
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
		static const char *const guesses[] = { "/../../tests/boot", "/../../../tests/boot",
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
	if (!opt->cache[0])
		mx_fmt(opt->cache, sizeof(opt->cache), "%s/cache", opt->output);
	if (mx_mkdir_p(opt->cache) || !(abs = realpath(opt->cache, NULL)))
		return error("%s: cannot create the cache directory", opt->cache);
	mx_fmt(opt->cache, sizeof(opt->cache), "%s", abs);
	free(abs);
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
		char *argv[] = { (char *)mx_tool_path(opt, "bootchain"), "initramfs", "--help", NULL };
		if (mx_run(argv, NULL))
			return error("%s initramfs is not built yet: the busybox test initramfs needs it",
				     mx_tool_path(opt, "bootchain"));
	}
	if (plan_needs(plan, MX_INITRAMFS_DRACUT) && !mx_on_path("dracut"))
		return error("%s not found on PATH (package dracut-core)", "dracut");
	return 0;
}

static int check_root(const struct mx_options *opt)
{
	char cfg[PATH_MAX + 32];
	mx_fmt(cfg, sizeof(cfg), "%s/boot/%s", opt->root,
		 opt->config == MX_CFG_LEGACY ? "grub/grub.conf" : "grub2/grub.cfg");
	if (access(cfg, R_OK))
		return error("%s: no boot-loader config to boot (wrong --config?)", cfg);
	return 0;
}

static int preflight(const struct mx_options *opt, const struct mx_plan *plan)
{
	char err[PATH_MAX + MX_REASON_MAX];
	char marker[PATH_MAX];
	if (!mx_on_path("qemu-system-x86_64"))
		return error("%s not found on PATH (package qemu-system-x86)", "qemu-system-x86_64");
	if (bl_media_tools_check(opt->firmware == MX_FW_UEFI, err, sizeof(err)))
		return error("%s", err);
	if (opt->root[0])
		return check_root(opt);
	mx_marker_path(opt, marker, sizeof(marker));
	if (access(marker, R_OK))
		return error("%s: marker script not found (use --data)", marker);
	return check_install_tools(opt, plan);
}

int bc_cmd_matrix(int argc, char **argv)
{
	static struct mx_options opt;
	static struct mx_plan plan;
	int rc = mx_parse_options(argc, argv, &opt);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (resolve_dirs(&opt) || mx_plan_build(&opt, &plan) || preflight(&opt, &plan))
		return 2;
	int interrupted = mx_run_cells(&opt, &plan);
	mx_report_table(stdout, &plan);
	fflush(stdout);
	if (mx_report_write(&plan, opt.output))
		return 2;
	fprintf(stderr, "bootchain matrix: reports in %s/report.md and %s/junit.xml\n", opt.output,
		opt.output);
	if (interrupted)
		return 130;
	return mx_count(&plan, MX_FAIL) || mx_count(&plan, MX_XPASS) ? 1 : 0;
}
