/* The stages that need no boot: sandbox contents, medium building and caching, and the
 * parallel runner's handling of skipped and failing cells. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "bootloader/media.h"
#include "bootchain/matrix/run.h"
#include "bootchain/matrix/stages.h"
#include "bootchain/matrix/util.h"
#include "tests/boot/scratch_dir.h"

static struct mx_options opt;
static struct mx_plan plan;

static bool file_has(const char *path, const char *text)
{
	char *s = mx_read_file(path, NULL);
	bool found = s && strstr(s, text);
	free(s);
	return found;
}

/* One kernel (a plain file: the sandbox only copies it), Xen PV and bare metal. */
static int setup(void **state)
{
	(void)state;
	if (scratch_make() != 0)
		return -1;
	mx_mkdir_p(in_dir("boot"));
	mx_write_file(in_dir("boot/vmlinuz-9.9-test"), "kernel bytes\n");
	mx_write_file(in_dir("boot/config-9.9-test"), "CONFIG_XEN_DOM0=y\n");
	mx_write_file(in_dir("boot/xen-4.17-amd64.gz"), "xen bytes\n");
	memset(&opt, 0, sizeof(opt));
	snprintf(opt.output, sizeof(opt.output), "%s", in_dir("out"));
	snprintf(opt.cache, sizeof(opt.cache), "%s", in_dir("out/cache"));
	opt.jobs = 2;
	memset(&plan, 0, sizeof(plan));
	plan.nkernels = 1;
	snprintf(plan.kernels[0].path, PATH_MAX, "%s", in_dir("boot/vmlinuz-9.9-test"));
	snprintf(plan.kernels[0].config, PATH_MAX, "%s", in_dir("boot/config-9.9-test"));
	snprintf(plan.kernels[0].modules, PATH_MAX, "%s", in_dir("boot"));
	strcpy(plan.kernels[0].version, "9.9-test");
	plan.nhvs = 2;
	strcpy(plan.hvs[0].label, "none");
	plan.hvs[1].kind = MX_HV_XEN_PV;
	strcpy(plan.hvs[1].label, "xen-pv");
	snprintf(plan.hvs[1].path, PATH_MAX, "%s", in_dir("boot/xen-4.17-amd64.gz"));
	plan.ncells = 2;
	plan.cells[1].hv = 1;
	return 0;
}

static void sandbox_is_an_installed_system(void **state)
{
	(void)state;
	struct mx_cell_ctx ctx;
	mx_cell_paths(&ctx, &opt, &plan, &plan.cells[1]);
	assert_string_equal(ctx.name, "9.9-test-xen-pv-bios-grub2");
	assert_int_equal(mx_stage_sandbox(&ctx), 0);
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/boot/vmlinuz-9.9-test", ctx.root);
	assert_true(file_has(path, "kernel bytes"));
	snprintf(path, sizeof(path), "%s/boot/xen-4.17-amd64.gz", ctx.root);
	assert_true(file_has(path, "xen bytes"));
	snprintf(path, sizeof(path), "%s/etc/sysconfig/kernel", ctx.root);
	assert_true(file_has(path, "HYPERVISOR=/boot/xen-4.17-amd64.gz\n"));
	assert_true(file_has(path, "HYPERVISOR_ARGS=\"console=com1"));
	snprintf(path, sizeof(path), "%s/boot/grub2/grub.cfg", ctx.root);
	assert_true(file_has(path, "menuentry 'Seed entry"));
	snprintf(path, sizeof(path), "%s/lib/modules/9.9-test/vmlinuz-9.9-test", ctx.root);
	assert_int_equal(access(path, R_OK), 0); /* the link to the modules */
	snprintf(path, sizeof(path), "%s/etc/dracut.conf.d", ctx.root);
	assert_int_equal(access(path, R_OK), 0);

	/* bare metal: HYPERVISOR empty; legacy config style seeds grub.conf */
	plan.cells[0].config = MX_CFG_LEGACY;
	mx_cell_paths(&ctx, &opt, &plan, &plan.cells[0]);
	assert_int_equal(mx_stage_sandbox(&ctx), 0);
	snprintf(path, sizeof(path), "%s/etc/sysconfig/kernel", ctx.root);
	assert_true(file_has(path, "HYPERVISOR=\n"));
	snprintf(path, sizeof(path), "%s/boot/grub/grub.conf", ctx.root);
	assert_true(file_has(path, "title Seed entry"));
	plan.cells[0].config = MX_CFG_GRUB2;
}

static void medium_is_built_once_then_cached(void **state)
{
	(void)state;
	char err[512];
	if (bl_media_tools_check(false, err, sizeof(err))) {
		skip(); /* GRUB2 tools missing: nothing to build with */
		return;
	}
	mx_mkdir_p(in_dir("root/boot/grub2"));
	mx_write_file(in_dir("root/boot/grub2/grub.cfg"), "menuentry 'x' { linux /boot/vmlinuz }\n");
	mx_write_file(in_dir("root/boot/vmlinuz"), "kernel\n");
	char boot[PATH_MAX], stage[PATH_MAX], cache[PATH_MAX], log[PATH_MAX];
	snprintf(boot, sizeof(boot), "%s", in_dir("root/boot"));
	snprintf(stage, sizeof(stage), "%s", in_dir("stage"));
	snprintf(cache, sizeof(cache), "%s", in_dir("mcache"));
	snprintf(log, sizeof(log), "%s", in_dir("medium.log"));
	struct bl_media m = { .boot_dir = boot, .stage_dir = stage, .cache_dir = cache, .log = log };
	assert_int_equal(bl_media_build(&m, err, sizeof(err)), 0);
	assert_false(m.cached);
	struct stat st;
	assert_int_equal(stat(m.iso, &st), 0);
	assert_true(st.st_size > 1 << 20);
	char first[PATH_MAX];
	snprintf(first, sizeof(first), "%s", m.iso);
	assert_int_equal(bl_media_build(&m, err, sizeof(err)), 0);
	assert_true(m.cached);
	assert_string_equal(m.iso, first);
	/* new-kernel-pkg's lock names its holder's PID: not part of the medium */
	mx_write_file(in_dir("root/boot/.new-kernel-pkg.lock"), "4242 install\n");
	assert_int_equal(bl_media_build(&m, err, sizeof(err)), 0);
	assert_true(m.cached);
	assert_string_equal(m.iso, first);
	snprintf(log, sizeof(log), "%s", in_dir("stage/boot/vmlinuz"));
	assert_int_equal(access(log, F_OK), 0); /* staged, but without the lock */
	snprintf(log, sizeof(log), "%s", in_dir("stage/boot/.new-kernel-pkg.lock"));
	assert_int_not_equal(access(log, F_OK), 0);
	snprintf(log, sizeof(log), "%s", in_dir("medium.log"));
	/* a changed config is a different medium */
	mx_write_file(in_dir("root/boot/grub2/grub.cfg"), "menuentry 'y' { linux /boot/vmlinuz }\n");
	assert_int_equal(bl_media_build(&m, err, sizeof(err)), 0);
	assert_false(m.cached);
	assert_string_not_equal(m.iso, first);
	/* a boot dir that is not there is a clear error */
	m.boot_dir = in_dir("nowhere");
	assert_int_equal(bl_media_build(&m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nowhere"));
}

static void runner_reports_skips_and_stage_failures(void **state)
{
	(void)state;
	plan.cells[0].expect = MX_SKIP;
	strcpy(plan.cells[0].expect_reason, "not built");
	/* the kernel file vanishes: the sandbox stage fails in the cell's own process */
	snprintf(plan.kernels[0].path, PATH_MAX, "%s", in_dir("boot/vmlinuz-gone"));
	plan.cells[1].verdict = MX_PENDING;
	assert_int_equal(mx_run_cells(&opt, &plan), 0);
	assert_int_equal(plan.cells[0].verdict, MX_SKIP);
	assert_string_equal(plan.cells[0].reason, "not built");
	assert_int_equal(plan.cells[1].verdict, MX_FAIL);
	assert_non_null(strstr(plan.cells[1].reason, "sandbox: cannot copy"));
	assert_true(plan.cells[1].wall_s >= 0);
	assert_int_equal(mx_jobs(&opt), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sandbox_is_an_installed_system),
		cmocka_unit_test(medium_is_built_once_then_cached),
		cmocka_unit_test(runner_reports_skips_and_stage_failures),
	};
	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
