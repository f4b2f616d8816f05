/* The serial-log classifier and the verdicts it leads to, on sample logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "bootchain/matrix/matrix.h"

static const char *classify(const char *log, char *detail)
{
	return mx_classify_log(log, strlen(log), detail, MX_REASON_MAX);
}

static void xen_panic_names_the_message(void **state)
{
	(void)state;
	char detail[MX_REASON_MAX];
	const char *log = "(XEN) Xen version 4.17\n"
			  "(XEN) ****************************************\n"
			  "(XEN) Panic on CPU 0:\n"
			  "(XEN) Could not set up DOM0 guest OS (rc = -22)\n"
			  "(XEN) ****************************************\n";
	assert_string_equal(classify(log, detail), "hypervisor panic");
	assert_string_equal(detail, "Could not set up DOM0 guest OS (rc = -22)");
}

static void kernel_panic_keeps_its_reason(void **state)
{
	(void)state;
	char detail[MX_REASON_MAX];
	const char *log = "[    1.0] Run /init as init process\r\n"
			  "[    2.8] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000\r\n"
			  "[    2.9] CPU: 0 PID: 1\r\n";
	assert_string_equal(classify(log, detail), "kernel panic");
	assert_string_equal(detail, "Attempted to kill init! exitcode=0x00000000");
}

static void dom0_crash_outranks_kernel_panic(void **state)
{
	(void)state;
	char detail[MX_REASON_MAX];
	const char *log = "[ 0.5] Kernel panic - not syncing: early\n"
			  "(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds.\n";
	assert_string_equal(classify(log, detail), "dom0 crash");
}

static void qemu_and_grub_errors(void **state)
{
	(void)state;
	char detail[MX_REASON_MAX];
	assert_string_equal(classify("qemu-system-x86_64: -bios /x.fd: could not load firmware\n", detail),
			    "QEMU error");
	assert_string_equal(detail, "-bios /x.fd: could not load firmware");
	/* a warning leaves QEMU running; an error after it is still the reason */
	const char *warned = "qemu-system-x86_64: warning: TCG doesn't support requested feature: "
			     "CPUID.80000007H:EDX.invtsc [bit 8]\n";
	assert_null(classify(warned, detail));
	char both[256];
	snprintf(both, sizeof(both), "%sqemu-system-x86_64: -m 99999999: cannot set up guest memory\n",
		 warned);
	assert_string_equal(classify(both, detail), "QEMU error");
	assert_string_equal(detail, "-m 99999999: cannot set up guest memory");
	assert_string_equal(classify("Booting `x'\n\nerror: file `/boot/vmlinuz-9' not found.\n", detail),
			    "GRUB error: file");
	assert_string_equal(detail, "/boot/vmlinuz-9' not found.");
}

static void a_clean_log_has_no_reason(void **state)
{
	(void)state;
	char detail[MX_REASON_MAX];
	/* "error: " inside a kernel line is not a GRUB error */
	assert_null(classify("[ 1.0] ACPI error: none here\n[ 2.0] all fine\n", detail));
	assert_string_equal(detail, "");
}

static void marker_fields(void **state)
{
	(void)state;
	const char *m = MX_MARKER_TAG " hv=xen release=6.1.0-56-amd64 xl=Domain-0 "
			"cmdline=console=hvc0 panic=-1";
	char v[128];
	assert_true(mx_marker_field(m, "hv", v, sizeof(v)));
	assert_string_equal(v, "xen");
	assert_true(mx_marker_field(m, "release", v, sizeof(v)));
	assert_string_equal(v, "6.1.0-56-amd64");
	assert_true(mx_marker_field(m, "cmdline", v, sizeof(v)));
	assert_string_equal(v, "console=hvc0 panic=-1");
	assert_false(mx_marker_field(m, "nothere", v, sizeof(v)));
	assert_false(mx_marker_field("X hv=none", "v", v, sizeof(v)));
}

#define XEN_LOG "(XEN) Xen version 4.17\n(XEN) *** LOADING DOMAIN 0 ***\n"

static struct mx_boot_result seen(const char *marker)
{
	struct mx_boot_result b = { .marker_seen = true, .to_marker_s = 12.5, .qemu_status = 3 };
	strcpy(b.marker, marker);
	return b;
}

static void verdict_pass_and_wrong_hypervisor(void **state)
{
	(void)state;
	struct mx_hypervisor xen = { .kind = MX_HV_XEN_PV };
	struct mx_cell c = { .expect = MX_PASS };
	struct mx_boot_result b = seen(MX_MARKER_TAG " hv=xen release=6.1 xl=none cmdline=x");
	mx_verdict_decide(&c, &xen, &b, XEN_LOG, strlen(XEN_LOG));
	assert_int_equal(c.verdict, MX_PASS);
	assert_true(c.to_marker_s > 12.0);
	b = seen(MX_MARKER_TAG " hv=none release=6.1 xl=none cmdline=x");
	mx_verdict_decide(&c, &xen, &b, XEN_LOG, strlen(XEN_LOG));
	assert_int_equal(c.verdict, MX_FAIL);
	assert_non_null(strstr(c.reason, "wrong hypervisor"));
}

/* A cell with the toolstack and guest stages, as the plan makes it. */
static void guest_cell(struct mx_cell *c, const char *guests_why_not)
{
	struct mx_kernel k = { 0 };
	snprintf(k.guests_why_not, sizeof(k.guests_why_not), "%s", guests_why_not);
	memset(c, 0, sizeof(*c));
	c->expect = MX_PASS;
	c->run_xl = true;
	c->guests = true;
	mx_stages_plan(c, &k);
}

static void verdict_needs_domain0_when_xl_runs(void **state)
{
	(void)state;
	struct mx_hypervisor xen = { .kind = MX_HV_XEN_PV };
	struct mx_cell c = { .expect = MX_PASS, .run_xl = true };
	mx_stages_plan(&c, &(struct mx_kernel){ 0 });
	assert_true(c.stage[MX_ST_TOOLSTACK].planned);
	assert_false(c.stage[MX_ST_PV_GUEST].planned);
	struct mx_boot_result b = seen(MX_MARKER_TAG " hv=xen release=6.1 xl=empty cmdline=x");
	mx_verdict_decide(&c, &xen, &b, XEN_LOG, strlen(XEN_LOG));
	mx_stages_decide(&c, XEN_LOG, strlen(XEN_LOG));
	assert_int_equal(c.stage[MX_ST_BOOT].verdict, MX_PASS);
	assert_int_equal(c.stage[MX_ST_TOOLSTACK].verdict, MX_FAIL);
	assert_int_equal(c.verdict, MX_FAIL);
	assert_non_null(strstr(c.reason, "toolstack: xl list did not show Domain-0 (xl=empty)"));
	b = seen(MX_MARKER_TAG " hv=xen release=6.1 xl=Domain-0 cmdline=x");
	mx_verdict_decide(&c, &xen, &b, XEN_LOG, strlen(XEN_LOG));
	mx_stages_decide(&c, XEN_LOG, strlen(XEN_LOG));
	assert_int_equal(c.verdict, MX_PASS);
	assert_int_equal(c.stage[MX_ST_TOOLSTACK].verdict, MX_PASS);
}

#define STAGE_LOG(name, rest) "BOOTCHAIN-STAGE name=" name " " rest "\n"

static void guest_stages_from_dom0_lines(void **state)
{
	(void)state;
	struct mx_hypervisor xen = { .kind = MX_HV_XEN_PV };
	struct mx_cell c;
	guest_cell(&c, "");
	const char *log = "(XEN) Xen version 4.17\n"
		"BOOTCHAIN-STAGE-START name=pv-guest\n"
		STAGE_LOG("pv-guest", "verdict=PASS time=16.6 detail=domid=1 hv=xen")
		STAGE_LOG("save-restore", "verdict=FAIL time=9.0 detail=xl restore: cannot restore")
		STAGE_LOG("balloon", "verdict=PASS time=3.5 detail=")
		"BOOTCHAIN-STAGE-START name=pvh-guest\n";
	char now[24];
	mx_stage_current(log, strlen(log), now, sizeof(now));
	assert_string_equal(now, "pvh-guest");
	struct mx_boot_result b = seen(MX_MARKER_TAG " hv=xen release=6.1 xl=Domain-0 cmdline=x");
	b.to_marker_s = 100;
	mx_verdict_decide(&c, &xen, &b, log, strlen(log));
	mx_stages_decide(&c, log, strlen(log));
	assert_int_equal(c.stage[MX_ST_PV_GUEST].verdict, MX_PASS);
	assert_true(c.stage[MX_ST_PV_GUEST].time_s > 16.5);
	/* the boot's own time: QEMU start to marker, less the stages dom0 ran before it */
	assert_true(c.stage[MX_ST_BOOT].time_s > 70.0 && c.stage[MX_ST_BOOT].time_s < 71.0);
	assert_int_equal(c.stage[MX_ST_SAVE_RESTORE].verdict, MX_FAIL);
	assert_string_equal(c.stage[MX_ST_SAVE_RESTORE].reason, "xl restore: cannot restore");
	assert_int_equal(c.stage[MX_ST_BALLOON].verdict, MX_PASS);
	/* started, never ended: dom0 stopped (a time limit or a crash) */
	assert_int_equal(c.stage[MX_ST_PVH_GUEST].verdict, MX_FAIL);
	assert_non_null(strstr(c.stage[MX_ST_PVH_GUEST].reason, "no result"));
	assert_int_equal(c.verdict, MX_FAIL);
	assert_non_null(strstr(c.reason, "save-restore: xl restore"));

	/* a dom0 that did not boot runs no guest */
	guest_cell(&c, "");
	b = (struct mx_boot_result){ .timed_out = true, .qemu_status = -1 };
	mx_verdict_decide(&c, &xen, &b, "", 0);
	mx_stages_decide(&c, "", 0);
	assert_int_equal(c.stage[MX_ST_PV_GUEST].verdict, MX_SKIP);
	assert_string_equal(c.stage[MX_ST_PV_GUEST].reason, "not run: dom0 did not boot");
	assert_int_equal(c.verdict, MX_FAIL);
}

static void guest_stages_predicted_to_fail(void **state)
{
	(void)state;
	struct mx_hypervisor xen = { .kind = MX_HV_XEN_PV };
	struct mx_cell c;
	guest_cell(&c, "no CONFIG_XEN_BLKDEV_BACKEND");
	assert_int_equal(c.stage[MX_ST_PV_GUEST].expect, MX_XFAIL);
	const char *log = STAGE_LOG("pv-guest", "verdict=FAIL time=30 detail=xl create: unable to add disk")
		STAGE_LOG("save-restore", "verdict=SKIP time=0 detail=not run: pv-guest failed")
		STAGE_LOG("shutdown", "verdict=PASS time=1 detail=");
	struct mx_boot_result b = seen(MX_MARKER_TAG " hv=xen release=6.1 xl=Domain-0 cmdline=x");
	mx_verdict_decide(&c, &xen, &b, XEN_LOG, strlen(XEN_LOG));
	mx_stages_decide(&c, log, strlen(log));
	assert_int_equal(c.stage[MX_ST_PV_GUEST].verdict, MX_XFAIL);
	assert_non_null(strstr(c.stage[MX_ST_PV_GUEST].reason, "BLKDEV_BACKEND"));
	assert_int_equal(c.stage[MX_ST_SAVE_RESTORE].verdict, MX_SKIP);
	/* a predicted failure that passes is a stale expectation */
	assert_int_equal(c.stage[MX_ST_SHUTDOWN].verdict, MX_XPASS);
	/* a stage dom0 never reported is not run when the one it needs did not pass, and
	 * fails otherwise (here as predicted) */
	assert_int_equal(c.stage[MX_ST_BALLOON].verdict, MX_SKIP);
	assert_int_equal(c.stage[MX_ST_PVH_GUEST].verdict, MX_XFAIL);
	assert_int_equal(c.verdict, MX_XPASS);
	assert_non_null(strstr(c.reason, "shutdown: expected to fail but passed"));
}

static void verdict_timeout_and_expected_failures(void **state)
{
	(void)state;
	struct mx_hypervisor xen = { .kind = MX_HV_XEN_PVH };
	struct mx_cell c = { .expect = MX_PASS };
	struct mx_boot_result b = { .timed_out = true, .qemu_status = -1 };
	const char *log = "(XEN) booting\n[ 0.1] Linux version 6.1\n";
	mx_verdict_decide(&c, &xen, &b, log, strlen(log));
	assert_int_equal(c.verdict, MX_FAIL);
	assert_string_equal(c.reason, "no marker before the time limit");
	assert_true(c.to_marker_s < 0);

	c.expect = MX_XFAIL;
	strcpy(c.expect_reason, "lacks dom0 support");
	mx_verdict_decide(&c, &xen, &b, log, strlen(log));
	assert_int_equal(c.verdict, MX_XFAIL);
	/* an expected failure stopped once its console fell silent says so */
	b.silent_s = 20;
	mx_verdict_decide(&c, &xen, &b, log, strlen(log));
	assert_int_equal(c.verdict, MX_XFAIL);
	assert_string_equal(c.reason, "no marker: the console was silent for 20 s");

	b = seen(MX_MARKER_TAG " hv=xen release=6.1 xl=none cmdline=x");
	mx_verdict_decide(&c, &xen, &b, XEN_LOG, strlen(XEN_LOG));
	assert_int_equal(c.verdict, MX_XPASS);
	assert_non_null(strstr(c.reason, "lacks dom0 support"));
}

static void verdict_quits_without_marker(void **state)
{
	(void)state;
	struct mx_hypervisor none = { .kind = MX_HV_NONE };
	struct mx_cell c = { .expect = MX_PASS };
	struct mx_boot_result b = { .qemu_status = 0 };
	const char *log = "[ 2.8] Kernel panic - not syncing: VFS: Unable to mount root fs\n";
	mx_verdict_decide(&c, &none, &b, log, strlen(log));
	assert_int_equal(c.verdict, MX_FAIL);
	assert_string_equal(c.reason, "kernel panic: VFS: Unable to mount root fs");
	mx_verdict_decide(&c, &none, &b, "", 0);
	assert_string_equal(c.reason, "the machine reset before the marker");
	b.qemu_status = 1;
	mx_verdict_decide(&c, &none, &b, "", 0);
	assert_string_equal(c.reason, "QEMU ended (status 1) without a marker");
}

static void our_hypervisor_must_show_in_the_log(void **state)
{
	(void)state;
	struct mx_hypervisor bchv = { .kind = MX_HV_BCHV };
	struct mx_cell c = { .expect = MX_PASS };
	struct mx_boot_result b = seen(MX_MARKER_TAG " hv=bchv release=6.1 xl=none sig=bchvbchvbchv "
					    "hidden=yes cmdline=x bchv_probe=0x200000:0x30000");
	const char *log = "(bchv) [ 4.29] bchv 0.1: bootchain x86-64 hypervisor\n";
	mx_verdict_decide(&c, &bchv, &b, log, strlen(log));
	assert_int_equal(c.verdict, MX_PASS);
	assert_string_equal(c.reason, "");
	/* a marker with no sign of the hypervisor: GRUB booted the kernel directly */
	mx_verdict_decide(&c, &bchv, &b, "[ 0.0] Linux version\n", 21);
	assert_int_equal(c.verdict, MX_FAIL);
	assert_non_null(strstr(c.reason, "never ran"));
}

/* A bchv boot passes only with dom0's proof that it is contained. */
static void bchv_needs_proof_of_containment(void **state)
{
	(void)state;
	struct mx_hypervisor bchv = { .kind = MX_HV_BCHV };
	struct mx_cell c = { .expect = MX_PASS };
	const char *log = "(bchv) [ 4.29] bchv 0.1: bootchain x86-64 hypervisor\n";
	static const struct { const char *marker, *reason; } cases[] = {
		{ " hv=none release=6.1 xl=none cmdline=x",
		  "dom0 not shown contained: the marker has no sig=/hidden= (no bchv_probe= argument, "
		  "or no bootchain-dom0-probe in the initramfs)" },
		/* dom0=native: the CPU's own signature */
		{ " hv=none release=6.1 xl=none sig=TCGTCGTCGTCG hidden=no cmdline=x",
		  "dom0 not contained: CPUID 0x40000000 signature is 'TCGTCGTCGTCG', not bchvbchvbchv" },
		{ " hv=bchv release=6.1 xl=none sig=bchvbchvbchv hidden=no cmdline=x",
		  "dom0 not contained: /dev/mem read of bchv's memory gave hidden=no, not all ones" },
		{ " hv=bchv release=6.1 xl=none sig=bchvbchvbchv hidden=unreadable cmdline=x",
		  "dom0 not contained: /dev/mem read of bchv's memory gave hidden=unreadable, not all ones" },
		{ " hv=bchv release=6.1 xl=none sig=bchvbchvbchv cmdline=x hidden=yes",
		  "dom0 not contained: /dev/mem read of bchv's memory gave hidden=(none), not all ones" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char m[256];
		snprintf(m, sizeof(m), "%s%s", MX_MARKER_TAG, cases[i].marker);
		struct mx_boot_result b = seen(m);
		mx_verdict_decide(&c, &bchv, &b, log, strlen(log));
		assert_int_equal(c.verdict, MX_FAIL);
		assert_string_equal(c.reason, cases[i].reason);
	}
}

static void fatal_messages_end_the_wait(void **state)
{
	(void)state;
	const char *halted = "(XEN) Freed 656kB init memory\n(XEN) Hardware Dom0 halted: halting machine\n";
	const char *booting = "(XEN) Freed 656kB init memory\n[ 1.0] Linux version 6.1\n";
	assert_true(mx_classify_terminal(halted, strlen(halted)));
	assert_false(mx_classify_terminal(booting, strlen(booting)));
	char detail[MX_REASON_MAX];
	assert_string_equal(classify(halted, detail), "dom0 halted before the marker");
	/* GRUB writes its lines after a carriage return */
	const char *grub = "\r  Booting `x'\r\n\rerror: invalid magic number.\r\n";
	assert_string_equal(classify(grub, detail), "GRUB error");
	assert_string_equal(detail, "invalid magic number.");
	assert_false(mx_classify_terminal(grub, strlen(grub)));
	/* UEFI GRUB2 says this of every multiboot image: not a reason */
	const char *video = "\r  Booting `x'\r\n\rerror: no suitable video mode found.\r\n"
			    "(XEN) Xen version 4.17\r\n";
	assert_null(classify(video, detail));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xen_panic_names_the_message),
		cmocka_unit_test(kernel_panic_keeps_its_reason),
		cmocka_unit_test(dom0_crash_outranks_kernel_panic),
		cmocka_unit_test(qemu_and_grub_errors),
		cmocka_unit_test(a_clean_log_has_no_reason),
		cmocka_unit_test(marker_fields),
		cmocka_unit_test(verdict_pass_and_wrong_hypervisor),
		cmocka_unit_test(verdict_needs_domain0_when_xl_runs),
		cmocka_unit_test(guest_stages_from_dom0_lines),
		cmocka_unit_test(guest_stages_predicted_to_fail),
		cmocka_unit_test(verdict_timeout_and_expected_failures),
		cmocka_unit_test(verdict_quits_without_marker),
		cmocka_unit_test(our_hypervisor_must_show_in_the_log),
		cmocka_unit_test(bchv_needs_proof_of_containment),
		cmocka_unit_test(fatal_messages_end_the_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
