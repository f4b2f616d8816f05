/* Report writers, progress line, cache keys, media wrapper and QEMU command lines. */
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
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/progress.h"
#include "bootchain/matrix/qemu.h"
#include "bootchain/matrix/report.h"

static struct mx_plan plan;

/* two kernels x two hypervisors, one cell of each verdict kind */
static int setup(void **state)
{
	(void)state;
	memset(&plan, 0, sizeof(plan));
	plan.nkernels = 2;
	strcpy(plan.kernels[0].version, "6.1.0-56-amd64");
	strcpy(plan.kernels[1].version, "6.1.0-56-cloud-amd64");
	plan.nhvs = 2;
	strcpy(plan.hvs[0].label, "none");
	plan.hvs[1].kind = MX_HV_XEN_PV;
	strcpy(plan.hvs[1].label, "xen-pv");
	const enum mx_verdict v[4] = { MX_PASS, MX_FAIL, MX_PASS, MX_XFAIL };
	for (int i = 0; i < 4; i++) {
		struct mx_cell *c = &plan.cells[plan.ncells++];
		c->kernel = i / 2;
		c->hv = i % 2;
		c->verdict = v[i];
		c->to_marker_s = v[i] == MX_PASS ? 10.25 : -1;
		c->wall_s = 20;
	}
	strcpy(plan.cells[1].reason, "kernel panic: <oops> & \"quotes\" | pipe");
	plan.cells[3].expect = MX_XFAIL;
	strcpy(plan.cells[3].expect_reason, "lacks dom0 support");
	strcpy(plan.cells[3].reason, "no marker before the time limit");
	strcpy(plan.cells[0].marker, "BOOTCHAIN-MARKER hv=none release=6.1.0-56-amd64");
	/* the failing Xen cell ran guest stages: one failed, one was then not run */
	struct mx_stage *st = plan.cells[1].stage;
	st[MX_ST_PV_GUEST] = (struct mx_stage){ .planned = true, .verdict = MX_FAIL, .time_s = 30 };
	strcpy(st[MX_ST_PV_GUEST].reason, "xl create: no disk");
	st[MX_ST_SAVE_RESTORE] = (struct mx_stage){ .planned = true, .verdict = MX_SKIP, .time_s = -1 };
	strcpy(st[MX_ST_SAVE_RESTORE].reason, "not run: pv-guest failed");
	return 0;
}

/* Run a writer into a string. */
static char *capture(void (*writer)(FILE *, const struct mx_plan *, const char *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	writer(f, &plan, "logs");
	fclose(f);
	return text;
}

static void table_wrapper(FILE *f, const struct mx_plan *p, const char *dir)
{
	(void)dir;
	mx_report_table(f, p);
}

static void table_has_every_cell_and_reasons(void **state)
{
	(void)state;
	char *t = capture(table_wrapper);
	assert_non_null(strstr(t, "6.1.0-56-cloud-amd64"));
	assert_non_null(strstr(t, "PASS 10.2s"));
	assert_non_null(strstr(t, "XFAIL"));
	assert_non_null(strstr(t, "FAIL 6.1.0-56-amd64-xen-pv-bios-grub2: kernel panic"));
	assert_non_null(strstr(t, "2 passed, 1 failed, 1 expected failures"));
	free(t);
	assert_int_equal(mx_count(&plan, MX_PASS), 2);
}

static void markdown_escapes_pipes(void **state)
{
	(void)state;
	char *t = capture(mx_report_markdown);
	assert_non_null(strstr(t, "| kernel | firmware | config | none | xen-pv |"));
	assert_non_null(strstr(t, "| 6.1.0-56-amd64 | bios | grub2 | PASS 10.2s | FAIL |"));
	assert_non_null(strstr(t, "  - stage boot: PASS in 10.2s\n"));
	assert_non_null(strstr(t, "  - stage pv-guest: FAIL in 30.0s (xl create: no disk)\n"));
	/* the skipped stage has no time: the guest stages took the failed one's */
	assert_non_null(strstr(t, "(xl create: no disk)\n  - stage save-restore: SKIP (not run: "
				  "pv-guest failed)\n  - guest stages together: 30.0s\n"));
	assert_int_equal(mx_guest_stages_s(&plan.cells[0]) < 0, 1);
	assert_non_null(strstr(t, "\\| pipe"));
	assert_non_null(strstr(t, "(expected to fail: lacks dom0 support)"));
	assert_non_null(strstr(t, "`logs/6.1.0-56-amd64-none-bios-grub2.serial.log`"));
	free(t);
}

static void junit_counts_and_escapes(void **state)
{
	(void)state;
	char *t = capture(mx_report_junit);
	/* one testcase a stage: four boots, and two guest stages of the xen-pv cell */
	assert_non_null(strstr(t, "<testsuites name=\"bootchain matrix\" tests=\"6\" failures=\"2\" "
				  "errors=\"0\" skipped=\"2\""));
	assert_non_null(strstr(t, "&lt;oops&gt; &amp; &quot;quotes&quot;"));
	assert_null(strstr(t, "<oops>"));
	assert_non_null(strstr(t, "<skipped message=\"XFAIL: lacks dom0 support\"/>"));
	assert_non_null(strstr(t, "classname=\"matrix.6.1.0-56-cloud-amd64-none-bios-grub2\" "
				  "name=\"boot\""));
	assert_non_null(strstr(t, "classname=\"matrix.6.1.0-56-amd64-xen-pv-bios-grub2\" "
				  "name=\"pv-guest\" time=\"30.000\""));
	/* every opened testcase is closed */
	int open = 0, close = 0;
	for (const char *p = t; (p = strstr(p, "<testcase ")); p++)
		open++;
	for (const char *p = t; (p = strstr(p, "</testcase>")); p++)
		close++;
	assert_int_equal(open, 6);
	assert_int_equal(close, 6);
	free(t);
}

static void tsv_one_line_a_stage(void **state)
{
	(void)state;
	char *t = capture(mx_report_tsv);
	int lines = 0;
	for (const char *p = t; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 1 + 6);
	assert_non_null(strstr(t, "cell\tstage\tverdict\tstage_s\t"));
	assert_non_null(strstr(t, "6.1.0-56-amd64-xen-pv-bios-grub2\tpv-guest\tFAIL\t30.0\t"));
	assert_non_null(strstr(t, "\tsave-restore\tSKIP\t-1.0\t"));
	free(t);
}

static void list_wrapper(FILE *f, const struct mx_plan *p, const char *dir)
{
	(void)dir;
	mx_report_list(f, p);
}

static void list_names_cells_and_stages(void **state)
{
	(void)state;
	char *t = capture(list_wrapper);
	assert_non_null(strstr(t, "6.1.0-56-amd64-xen-pv-bios-grub2\n  boot\n  pv-guest\n"
				  "  save-restore\n"));
	assert_non_null(strstr(t, "4 cells, 6 stages\n"));
	free(t);
}

static void progress_line(void **state)
{
	(void)state;
	char line[1024];
	const char *running[] = { "a-none", "b-xen-pv" };
	mx_progress_format(line, sizeof(line), 3, 8, 75.9, running, 2);
	assert_string_equal(line, "matrix: 3/8 cells done, 1:15 elapsed; running: a-none, b-xen-pv");
	char many[40][16];
	const char *names[40];
	for (int i = 0; i < 40; i++) {
		snprintf(many[i], sizeof(many[i]), "cell-%02d", i);
		names[i] = many[i];
	}
	mx_progress_format(line, sizeof(line), 0, 40, 0, names, 40);
	assert_true(strlen(line) <= 160);
	assert_string_equal(line + strlen(line) - 3, "...");
}

static void cache_keys_follow_content(void **state)
{
	(void)state;
	struct mx_hash a, b, c;
	char ka[33], kb[33], kc[33];
	mx_hash_init(&a);
	mx_hash_init(&b);
	mx_hash_init(&c);
	mx_hash_str(&a, "ab");
	mx_hash_str(&a, "c");
	mx_hash_str(&b, "ab");
	mx_hash_str(&b, "c");
	mx_hash_str(&c, "a");
	mx_hash_str(&c, "bc");
	mx_hash_hex(&a, ka);
	mx_hash_hex(&b, kb);
	mx_hash_hex(&c, kc);
	assert_string_equal(ka, kb);
	assert_string_not_equal(ka, kc);
	assert_int_equal(strlen(ka), 32);
	assert_int_equal(mx_hash_file(&a, "/nonexistent/file"), -1);
}

static void media_wrapper_hands_over(void **state)
{
	(void)state;
	char text[512];
	assert_int_equal(bl_media_wrapper(false, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "serial --unit=0"));
	assert_non_null(strstr(text, "configfile /boot/grub2/grub.cfg"));
	assert_null(strstr(text, "legacy_configfile"));
	assert_int_equal(bl_media_wrapper(true, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "legacy_configfile /boot/grub/grub.conf"));
	assert_int_equal(bl_media_wrapper(true, text, 20), -1);
}

static bool has_pair(char **argv, const char *opt, const char *value)
{
	for (int i = 0; argv[i] && argv[i + 1]; i++)
		if (!strcmp(argv[i], opt) && !strcmp(argv[i + 1], value))
			return true;
	return false;
}

static void qemu_command_lines(void **state)
{
	(void)state;
	char *argv[40], storage[64];
	struct mx_qemu_spec q = { .iso = "/x.iso", .hv = MX_HV_XEN_PV, .mem_mb = 1024 };
	assert_true(mx_qemu_argv(&q, argv, 40, storage, sizeof(storage)) > 0);
	/* Xen trusts an invariant TSC and then does not trap RDTSC */
	assert_true(has_pair(argv, "-cpu", "qemu64,+invtsc,x-force-features=on"));
	/* BIOS Xen: memory above 4 GiB, away from the pages GRUB ran its code in */
	assert_true(has_pair(argv, "-machine", "pc,max-ram-below-4g=1G"));
	assert_true(has_pair(argv, "-cdrom", "/x.iso"));
	assert_true(has_pair(argv, "-m", "1024"));
	assert_false(has_pair(argv, "-device", "amd-iommu"));
	assert_true(has_pair(argv, "-vga", "none")); /* BIOS: serial consoles only */
	q.hv = MX_HV_XEN_PVH;
	q.firmware = MX_FW_UEFI;
	q.ovmf = "/ovmf.fd";
	assert_true(mx_qemu_argv(&q, argv, 40, storage, sizeof(storage)) > 0);
	assert_true(has_pair(argv, "-machine", "q35"));
	assert_true(has_pair(argv, "-device", "amd-iommu"));
	assert_true(has_pair(argv, "-cpu", "qemu64,+svm,+npt,+invtsc,x-force-features=on"));
	assert_true(has_pair(argv, "-bios", "/ovmf.fd"));
	assert_false(has_pair(argv, "-vga", "none"));
	q.firmware = MX_FW_BIOS;
	assert_true(mx_qemu_argv(&q, argv, 40, storage, sizeof(storage)) > 0);
	assert_true(has_pair(argv, "-machine", "q35,max-ram-below-4g=1G"));
	q.hv = MX_HV_NONE; /* bare metal keeps the plain machine */
	assert_true(mx_qemu_argv(&q, argv, 40, storage, sizeof(storage)) > 0);
	assert_true(has_pair(argv, "-machine", "pc"));
	assert_true(has_pair(argv, "-cpu", "qemu64")); /* only Xen cells claim the TSC */
	q.hv = MX_HV_BCHV;
	assert_true(mx_qemu_argv(&q, argv, 40, storage, sizeof(storage)) > 0);
	assert_true(has_pair(argv, "-cpu", "qemu64,+svm,+npt"));
	q.hv = MX_HV_XEN_PVH;
	q.firmware = MX_FW_UEFI;
	assert_int_equal(mx_qemu_argv(&q, argv, 5, storage, sizeof(storage)), -1);
	/* xen-efi: the ESP is a raw disk image, not a CD */
	q.disk = true;
	q.iso = "/esp.img";
	assert_true(mx_qemu_argv(&q, argv, 40, storage, sizeof(storage)) > 0);
	/* a cached image may be booted by several cells at once: never written */
	assert_true(has_pair(argv, "-drive", "format=raw,snapshot=on,file=/esp.img"));
	assert_false(has_pair(argv, "-cdrom", "/esp.img"));
	assert_int_equal(mx_qemu_argv(&q, argv, 40, storage, 16), -1);
}

/* A console that prints once and then nothing: with a silence limit the boot stops for
 * the silence, long before its time limit, and says so; one that never printed runs to
 * its time limit. */
static void qemu_stops_on_silence(void **state)
{
	(void)state;
	char dir[] = "/tmp/bc-silence-XXXXXX", path[256], log[256], env[4200];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/qemu-system-x86_64", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\necho 'Welcome to GRUB!'\nexec sleep 60\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	char old[4096];
	snprintf(old, sizeof(old), "%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	snprintf(env, sizeof(env), "%s:%s", dir, old);
	setenv("PATH", env, 1);
	snprintf(log, sizeof(log), "%s/serial.log", dir);
	struct mx_qemu_spec q = { .iso = "/x.iso", .hv = MX_HV_XEN_PV, .mem_mb = 64,
				  .timeout_s = 50, .log = log, .silence_s = 1 };
	struct mx_boot_result r;
	assert_int_equal(mx_qemu_boot(&q, &r), 0);
	setenv("PATH", old, 1);
	assert_true(r.timed_out);
	assert_int_equal(r.silent_s, 1); /* not the 50 s limit */
	assert_false(r.marker_seen);
	/* a console that has said nothing yet (firmware starting) is not silent: the
	 * time limit ends that boot */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexec sleep 60\n", f);
	fclose(f);
	setenv("PATH", env, 1);
	q.timeout_s = 3;
	assert_int_equal(mx_qemu_boot(&q, &r), 0);
	setenv("PATH", old, 1);
	assert_true(r.timed_out);
	assert_int_equal(r.silent_s, 0);
	unlink(log);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_has_every_cell_and_reasons),
		cmocka_unit_test(markdown_escapes_pipes),
		cmocka_unit_test(junit_counts_and_escapes),
		cmocka_unit_test(tsv_one_line_a_stage),
		cmocka_unit_test(list_names_cells_and_stages),
		cmocka_unit_test(progress_line),
		cmocka_unit_test(cache_keys_follow_content),
		cmocka_unit_test(media_wrapper_hands_over),
		cmocka_unit_test(qemu_command_lines),
		cmocka_unit_test(qemu_stops_on_silence),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
