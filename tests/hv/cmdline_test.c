/* The hypervisor's command line: Xen-style options, sizes, bad values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/core/cmdline.h"
#include "hypervisor/core/log.h"

static void defaults_when_empty(void **state)
{
	(void)state;
	struct hv_options o;
	hv_options_parse(NULL, &o);
	assert_true(o.console_serial);
	assert_false(o.noreboot);
	assert_int_equal(o.loglvl, LOG_INFO);
	assert_int_equal(o.dom0_mem, 0);
	hv_options_parse("   ", &o);
	assert_int_equal(o.nr_unknown, 0);
	assert_null(o.bad);
}

static void known_options(void **state)
{
	(void)state;
	struct hv_options o;
	hv_options_parse("console=com1 noreboot dom0_mem=512M loglvl=debug", &o);
	assert_true(o.console_serial);
	assert_true(o.noreboot);
	assert_int_equal(o.dom0_mem, 512ull << 20);
	assert_int_equal(o.loglvl, LOG_DEBUG);
	assert_int_equal(o.nr_unknown, 0);
	assert_null(o.bad);
	hv_options_parse("console=none loglvl=warning/all\tdom0_mem=max:1G,min:128M", &o);
	assert_false(o.console_serial);
	assert_int_equal(o.loglvl, LOG_WARN);
	assert_int_equal(o.dom0_mem, 1ull << 30);
}

static void unknown_and_bad_options(void **state)
{
	(void)state;
	struct hv_options o;
	hv_options_parse("iommu=1 dom0=pvh loglvl=loud dom0_mem=12Q noreboot", &o);
	assert_int_equal(o.nr_unknown, 2);
	assert_int_equal(o.unknown_len[0], 7);
	assert_memory_equal(o.unknown[0], "iommu=1", 7);
	assert_memory_equal(o.unknown[1], "dom0=pvh", 8);
	assert_non_null(o.bad);
	assert_memory_equal(o.bad, "loglvl=loud", o.bad_len);
	assert_int_equal(o.loglvl, LOG_INFO);       /* unchanged by the bad value */
	assert_int_equal(o.dom0_mem, 0);
	assert_true(o.noreboot);
	assert_false(o.dom0_native);
	hv_options_parse("console=vga", &o);
	assert_non_null(o.bad);
	hv_options_parse("dom0=pvh,native noreboot", &o);
	assert_true(o.dom0_native);
	assert_int_equal(o.nr_unknown, 0);
}

static void sizes(void **state)
{
	(void)state;
	u64 v;
	assert_true(hv_parse_size("4096", 4, &v));
	assert_int_equal(v, 4096ull << 10);          /* no suffix: KiB, as Xen */
	assert_true(hv_parse_size("100B", 4, &v));
	assert_int_equal(v, 100);
	assert_true(hv_parse_size("3g", 2, &v));
	assert_int_equal(v, 3ull << 30);
	assert_true(hv_parse_size("2T", 2, &v));
	assert_int_equal(v, 2ull << 40);
	assert_false(hv_parse_size("", 0, &v));
	assert_false(hv_parse_size("M", 1, &v));
	assert_false(hv_parse_size("12MB", 4, &v));
	assert_false(hv_parse_size("99999999999999999999", 20, &v));
	assert_false(hv_parse_size("17179869184G", 12, &v));   /* 2^34 GiB overflows */
}

static void image_name_skipped(void **state)
{
	(void)state;
	assert_string_equal(hv_cmdline_skip_image_name("/boot/bchv.gz  noreboot x=1"), "noreboot x=1");
	assert_string_equal(hv_cmdline_skip_image_name("/boot/bchv.gz"), "");
	assert_string_equal(hv_cmdline_skip_image_name(""), "");
}

static void dom0_console_hvc0_becomes_ttyS0(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(hv_dom0_cmdline("root=/dev/sda1 console=hvc0 panic=-1", out, sizeof(out)), 1);
	assert_string_equal(out, "root=/dev/sda1 console=ttyS0 panic=-1");
	assert_int_equal(hv_dom0_cmdline("console=hvc0,115200  console=tty0", out, sizeof(out)), 1);
	assert_string_equal(out, "console=ttyS0,115200  console=tty0");
	/* only the exact device: hvc01 and xconsole=hvc0 are left alone */
	assert_int_equal(hv_dom0_cmdline("console=hvc01 xconsole=hvc0", out, sizeof(out)), 0);
	assert_string_equal(out, "console=hvc01 xconsole=hvc0");
	assert_int_equal(hv_dom0_cmdline("", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* too small for the longer result */
	assert_int_equal(hv_dom0_cmdline("console=hvc0", out, 13), -1);
	assert_int_equal(hv_dom0_cmdline("console=hvc0", out, 14), 1);
	assert_string_equal(out, "console=ttyS0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_when_empty),
		cmocka_unit_test(known_options),
		cmocka_unit_test(unknown_and_bad_options),
		cmocka_unit_test(sizes),
		cmocka_unit_test(image_name_skipped),
		cmocka_unit_test(dom0_console_hvc0_becomes_ttyS0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
