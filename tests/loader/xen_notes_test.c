/* Xen ELF notes: collection from PT_NOTE or SHT_NOTE, decoding, bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/loader/loader.h"
#include "tests/loader/ld_testlib.h"

static const struct ld_seg one_seg[] = {
	{ .paddr = 0x1000000, .vaddr = 0xffffffff81000000ull, .memsz = 0x1000, .filesz = 0x800 },
};

/* The notes a 6.x x86-64 kernel with XEN_PV, XEN_DOM0 and PVH carries. */
static struct ld_buf linux_like_notes(void)
{
	struct ld_buf n = { 0 };
	u64 virt_base = 0xffffffff80000000ull, entry = 0xffffffff83079c0ull, phys32 = 0x1000240;
	u32 features = 0x8801, reloc[3] = { 0x200000, 0x1000000, 0x3fffffff };
	u8 one = 1;
	ld_add_note(&n, "GNU", 3, "0123456789abcdefghij", 20);      /* not Xen: skipped */
	ld_add_note(&n, "Xen", BC_XEN_GUEST_OS, "linux", 6);
	ld_add_note(&n, "Xen", BC_XEN_XEN_VERSION, "xen-3.0", 8);
	ld_add_note(&n, "Xen", BC_XEN_VIRT_BASE, &virt_base, 8);
	ld_add_note(&n, "Xen", BC_XEN_ENTRY, &entry, 8);
	ld_add_note(&n, "Xen", BC_XEN_FEATURES, "!writable_page_tables", 22);
	ld_add_note(&n, "Xen", BC_XEN_SUPPORTED_FEATURES, &features, 4);
	ld_add_note(&n, "Xen", BC_XEN_LOADER, "generic", 8);
	ld_add_note(&n, "Xen", BC_XEN_SUSPEND_CANCEL, &one, 1);
	ld_add_note(&n, "Xen", BC_XEN_PHYS32_ENTRY, &phys32, 8);
	ld_add_note(&n, "Xen", BC_XEN_PHYS32_RELOC, reloc, 12);
	ld_add_note(&n, "Linux", 1, "6.1", 4);                      /* not Xen: skipped */
	return n;
}

static struct ld_buf elf_with_notes(const struct ld_buf *notes, bool section_only)
{
	struct ld_elf_spec spec = { .segs = one_seg, .nsegs = 1, .notes = notes->data,
				    .notes_len = notes->len, .note_in_section_only = section_only };
	return ld_make_elf(&spec);
}

/* Parses IMG as ELF (which must succeed) and returns what collecting its Xen
 * notes into *X gives. X's strings point into IMG. */
static int parse_notes(const struct ld_buf *img, struct bc_xen_notes *x)
{
	struct bc_elf elf;
	assert_int_equal(bc_elf_parse(img->data, img->len, &elf), BC_LD_OK);
	return bc_xen_notes_parse(&elf, x);
}

static void check_linux_values(const struct bc_xen_notes *x)
{
	assert_int_equal(x->count, 10);
	assert_int_equal(x->note[0].type, BC_XEN_GUEST_OS);
	assert_string_equal(x->guest_os, "linux");
	assert_string_equal(x->xen_version, "xen-3.0");
	assert_string_equal(x->loader, "generic");
	assert_string_equal(x->features, "!writable_page_tables");
	assert_true(x->virt_base == 0xffffffff80000000ull);
	assert_true(x->entry == 0xffffffff83079c0ull);
	assert_true(x->supported_features == 0x8801);
	assert_true(x->phys32_entry == 0x1000240);
	assert_int_equal(x->reloc_align, 0x200000);
	assert_int_equal(x->reloc_min, 0x1000000);
	assert_int_equal(x->reloc_max, 0x3fffffff);
	assert_true(x->present & (1u << BC_XEN_SUSPEND_CANCEL));
	assert_false(x->present & (1u << BC_XEN_HYPERCALL_PAGE));
	assert_true(bc_xen_note_value(&x->note[7]) == 1);      /* SUSPEND_CANCEL, 1 byte */
}

/* The Linux-like notes in a PT_NOTE segment, or only in a SHT_NOTE section. */
static void check_linux_image(bool section_only)
{
	struct ld_buf notes = linux_like_notes(), img = elf_with_notes(&notes, section_only);
	struct bc_xen_notes x;
	assert_int_equal(parse_notes(&img, &x), BC_LD_OK);
	check_linux_values(&x);
	ld_buf_free(&img);
	ld_buf_free(&notes);
}

static void reads_notes_from_pt_note(void **state)
{
	(void)state;
	check_linux_image(false);
}

static void falls_back_to_sht_note(void **state)
{
	(void)state;
	check_linux_image(true);
}

static void no_notes_is_not_an_error(void **state)
{
	(void)state;
	struct ld_buf notes = { 0 };
	ld_add_note(&notes, "GNU", 3, "abcd", 4);
	struct ld_buf img = elf_with_notes(&notes, false);
	struct bc_xen_notes x;
	assert_int_equal(parse_notes(&img, &x), BC_LD_OK);
	assert_int_equal(x.count, 0);
	assert_int_equal(x.present, 0);
	assert_null(x.guest_os);
	ld_buf_free(&img);
	ld_buf_free(&notes);
}

static void odd_sizes_and_unterminated_strings(void **state)
{
	(void)state;
	struct ld_buf notes = { 0 };
	ld_add_note(&notes, "Xen", BC_XEN_GUEST_OS, "linux", 5);          /* no NUL */
	ld_add_note(&notes, "Xen", BC_XEN_HYPERCALL_PAGE, "\x01\x02\x03", 3);  /* 3 bytes reads as 0 */
	ld_add_note(&notes, "Xen", BC_XEN_VIRT_BASE, "\x34\x12", 2);
	ld_add_note(&notes, "Xen", BC_XEN_PHYS32_RELOC, "\x00\x10\x00\x00", 4);
	struct ld_buf img = elf_with_notes(&notes, false);
	struct bc_xen_notes x;
	assert_int_equal(parse_notes(&img, &x), BC_LD_OK);
	assert_int_equal(x.count, 4);
	assert_null(x.guest_os);
	assert_true(x.hypercall_page == 0);
	assert_true(x.virt_base == 0x1234);
	assert_int_equal(x.reloc_align, 0x1000);
	assert_int_equal(x.reloc_min, 0);
	assert_int_equal(x.reloc_max, 0xFFFFFFFFu);
	ld_buf_free(&img);
	ld_buf_free(&notes);
}

static void truncated_note_is_rejected(void **state)
{
	(void)state;
	struct ld_buf notes = linux_like_notes();
	/* the GNU note's descsz made larger than the segment */
	notes.data[4] = 0xF0;
	notes.data[5] = 0xFF;
	struct ld_buf img = elf_with_notes(&notes, false);
	struct bc_xen_notes x;
	assert_int_equal(parse_notes(&img, &x), BC_LD_INVALID);
	assert_non_null(strstr(bc_ld_reason(), "past the end"));
	ld_buf_free(&img);
	ld_buf_free(&notes);
}

static void names_and_kinds(void **state)
{
	(void)state;
	assert_string_equal(bc_xen_note_name(BC_XEN_PHYS32_ENTRY), "PHYS32_ENTRY");
	assert_string_equal(bc_xen_note_name(BC_XEN_GUEST_OS), "GUEST_OS");
	assert_string_equal(bc_xen_note_name(0x1000001), "UNKNOWN");
	assert_true(bc_xen_note_is_string(BC_XEN_LOADER));
	assert_false(bc_xen_note_is_string(BC_XEN_ENTRY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_notes_from_pt_note),
		cmocka_unit_test(falls_back_to_sht_note),
		cmocka_unit_test(no_notes_is_not_an_error),
		cmocka_unit_test(odd_sizes_and_unterminated_strings),
		cmocka_unit_test(truncated_note_is_rejected),
		cmocka_unit_test(names_and_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
