/* inspect's boot verdicts from synthetic facts: every rule that says no. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/host/verdict.h"

static struct bc_bzimage xz_bz;
static struct bc_xen_notes full_notes;
static u8 xz_payload[16] = { 0xFD, '7', 'z', 'X', 'Z', 0, 0, 1 };   /* check type CRC32 */

static int setup(void **state)
{
	(void)state;
	xz_bz = (struct bc_bzimage){ .protocol = 0x020F, .payload = xz_payload,
				     .payload_len = sizeof(xz_payload), .codec = &bc_dc_xz };
	full_notes = (struct bc_xen_notes){
		.count = 12, .guest_os = "linux", .xen_version = "xen-3.0", .loader = "generic",
		.supported_features = 0x8801, .phys32_entry = 0x1000240,
		.present = (1u << BC_XEN_ENTRY) | (1u << BC_XEN_GUEST_OS) | (1u << BC_XEN_XEN_VERSION) |
			   (1u << BC_XEN_LOADER) | (1u << BC_XEN_SUPPORTED_FEATURES) |
			   (1u << BC_XEN_PHYS32_ENTRY),
	};
	return 0;
}

static struct bc_boot_facts dom0_kernel(void)
{
	return (struct bc_boot_facts){
		.is_bzimage = true, .bz = &xz_bz, .notes = &full_notes, .loadable_elf = true,
		.elf_machine = 62, .segments_below_4g = true,
		.xen_dom0 = 'y', .xen_pvh = 'y', .pvh = 'y', .xen_major = 4, .xen_minor = 17,
	};
}

static void all_yes_for_a_dom0_kernel(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	for (int w = 0; w < BC_WAY_COUNT; w++) {
		assert_int_equal(v[w].answer, BC_YES);
		assert_string_equal(v[w].why, "");
	}
}

static void no_dom0_config_says_lacks_dom0(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	f.xen_dom0 = 'n';
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_BARE_METAL].answer, BC_YES);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_NO);
	assert_non_null(strstr(v[BC_WAY_XEN_PV].why, "lacks dom0 support"));
	assert_non_null(strstr(v[BC_WAY_XEN_PV].why, "CONFIG_XEN_DOM0"));
	assert_int_equal(v[BC_WAY_XEN_PVH].answer, BC_NO);
	assert_int_equal(v[BC_WAY_OURS].answer, BC_YES);   /* ours does not need Xen dom0 */
	/* a yes for bchv holds with a condition on the machine, not the kernel */
	assert_non_null(v[BC_WAY_OURS].host);
	assert_non_null(strstr(v[BC_WAY_OURS].host, "contained only on AMD SVM hosts with nested paging"));
	assert_non_null(strstr(v[BC_WAY_OURS].host, "dom0=native, uncontained"));
	assert_null(v[BC_WAY_XEN_PV].host);
	assert_null(v[BC_WAY_BARE_METAL].host);
}

static void no_notes_at_all(void **state)
{
	(void)state;
	struct bc_xen_notes none = { 0 };
	struct bc_boot_facts f = dom0_kernel();
	f.notes = &none;
	f.xen_dom0 = f.xen_pvh = f.pvh = '?';   /* no config either */
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_NO);
	assert_string_equal(v[BC_WAY_XEN_PV].why, "no Xen ELF notes");
	assert_int_equal(v[BC_WAY_XEN_PVH].answer, BC_NO);
	assert_int_equal(v[BC_WAY_OURS].answer, BC_NO);
	assert_non_null(strstr(v[BC_WAY_OURS].why, "PHYS32_ENTRY"));
	assert_null(v[BC_WAY_OURS].host);           /* a no needs no host condition */
}

static void no_phys32_entry(void **state)
{
	(void)state;
	struct bc_xen_notes n = full_notes;
	n.present &= ~(1u << BC_XEN_PHYS32_ENTRY);
	struct bc_boot_facts f = dom0_kernel();
	f.notes = &n;
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_YES);
	assert_int_equal(v[BC_WAY_XEN_PVH].answer, BC_NO);
	assert_string_equal(v[BC_WAY_XEN_PVH].why, "no PHYS32_ENTRY note (CONFIG_PVH not set)");
	assert_int_equal(v[BC_WAY_OURS].answer, BC_NO);
}

static void dom0_feature_bit_missing(void **state)
{
	(void)state;
	struct bc_xen_notes n = full_notes;
	n.supported_features = 0x8001;
	struct bc_boot_facts f = dom0_kernel();
	f.notes = &n;
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_NO);
	assert_non_null(strstr(v[BC_WAY_XEN_PV].why, "SUPPORTED_FEATURES"));
	assert_int_equal(v[BC_WAY_XEN_PVH].answer, BC_NO);
}

static void old_xen_cannot_decompress(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	f.xen_major = 4;
	f.xen_minor = 1;
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_NO);
	assert_string_equal(v[BC_WAY_XEN_PV].why,
			    "Xen 4.1 cannot decompress a xz payload (needs Xen 4.2 or later)");
	assert_int_equal(v[BC_WAY_XEN_PVH].answer, BC_NO);
	assert_non_null(strstr(v[BC_WAY_XEN_PVH].why, "no PVH dom0 builder"));
	assert_int_equal(v[BC_WAY_OURS].answer, BC_YES);
	char buf[128];
	assert_null(bc_xen_payload_problem(&xz_bz, 4, 2, buf, sizeof(buf)));
	struct bc_bzimage zstd = xz_bz;
	zstd.codec = &bc_dc_zstd;
	assert_non_null(bc_xen_payload_problem(&zstd, 4, 14, buf, sizeof(buf)));
	assert_null(bc_xen_payload_problem(&zstd, 4, 15, buf, sizeof(buf)));
	assert_null(bc_xen_payload_problem(&zstd, 5, 0, buf, sizeof(buf)));
}

static void xz_with_crc64_is_refused_by_xen(void **state)
{
	(void)state;
	u8 payload[16] = { 0xFD, '7', 'z', 'X', 'Z', 0, 0, 4 };
	struct bc_bzimage bz = xz_bz;
	bz.payload = payload;
	char buf[128];
	const char *why = bc_xen_payload_problem(&bz, 4, 17, buf, sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why, "check type 4"));
}

static void unknown_when_payload_unreadable(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	f.notes = NULL;
	f.notes_unknown_why = f.elf_unknown_why = "lz4: decoder not implemented yet";
	f.loadable_elf = false;
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_UNKNOWN);
	assert_non_null(strstr(v[BC_WAY_XEN_PV].why, "lz4: decoder not implemented yet"));
	assert_int_equal(v[BC_WAY_OURS].answer, BC_UNKNOWN);
	/* a definite no from the config still wins */
	f.xen_dom0 = 'n';
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_NO);
	assert_non_null(strstr(v[BC_WAY_XEN_PV].why, "lacks dom0 support"));
}

static void payload_error_makes_every_verdict_no(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	f.payload_error = "xz: CRC32 mismatch";
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	for (int w = 0; w < BC_WAY_COUNT; w++) {
		assert_int_equal(v[w].answer, BC_NO);
		assert_string_equal(v[w].why, "the payload does not decompress: xz: CRC32 mismatch");
	}
}

static void no_config_is_unknown_never_yes(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	f.xen_dom0 = f.xen_pvh = f.pvh = '?';
	f.config_missing_why = "/boot/config-6.1: No such file or directory";
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_BARE_METAL].answer, BC_YES);    /* needs no config */
	for (int w = BC_WAY_XEN_PV; w < BC_WAY_COUNT; w++) {
		assert_int_equal(v[w].answer, BC_UNKNOWN);
		assert_non_null(strstr(v[w].why, "kernel config not found"));
		assert_non_null(strstr(v[w].why, "/boot/config-6.1: No such file"));
	}
	/* only PVH's own option missing: PV stays yes */
	f = dom0_kernel();
	f.xen_pvh = '?';
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_YES);
	assert_int_equal(v[BC_WAY_XEN_PVH].answer, BC_UNKNOWN);
	assert_non_null(strstr(v[BC_WAY_XEN_PVH].why, "CONFIG_XEN_PVH"));
	/* a definite no stands */
	f.xen_dom0 = 'n';
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PVH].answer, BC_NO);
}

static void elf_file_is_not_bare_metal_bootable(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	f.is_bzimage = false;
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_BARE_METAL].answer, BC_NO);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_YES);
	assert_string_equal(bc_boot_way_key(BC_WAY_OURS), "bootchain_hv");
	assert_string_equal(bc_answer_name(BC_UNKNOWN), "unknown");
}

static void wrong_machine_or_high_segments(void **state)
{
	(void)state;
	struct bc_boot_facts f = dom0_kernel();
	f.elf_machine = 3;   /* i386 */
	struct bc_verdict v[BC_WAY_COUNT];
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_NO);
	assert_string_equal(v[BC_WAY_XEN_PV].why, "not an x86-64 kernel (ELF machine 3)");
	assert_int_equal(v[BC_WAY_OURS].answer, BC_NO);
	f = dom0_kernel();
	f.segments_below_4g = false;
	bc_decide(&f, v);
	assert_int_equal(v[BC_WAY_XEN_PV].answer, BC_YES);
	assert_int_equal(v[BC_WAY_OURS].answer, BC_NO);
	assert_non_null(strstr(v[BC_WAY_OURS].why, "4 GiB"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(all_yes_for_a_dom0_kernel, setup),
		cmocka_unit_test_setup(no_dom0_config_says_lacks_dom0, setup),
		cmocka_unit_test_setup(no_notes_at_all, setup),
		cmocka_unit_test_setup(no_phys32_entry, setup),
		cmocka_unit_test_setup(dom0_feature_bit_missing, setup),
		cmocka_unit_test_setup(old_xen_cannot_decompress, setup),
		cmocka_unit_test_setup(xz_with_crc64_is_refused_by_xen, setup),
		cmocka_unit_test_setup(unknown_when_payload_unreadable, setup),
		cmocka_unit_test_setup(payload_error_makes_every_verdict_no, setup),
		cmocka_unit_test_setup(no_config_is_unknown_never_yes, setup),
		cmocka_unit_test_setup(elf_file_is_not_bare_metal_bootable, setup),
		cmocka_unit_test_setup(wrong_machine_or_high_segments, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
