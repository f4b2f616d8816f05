/* ELF64 parsing, segment checks and loading, on synthetic images and the
 * Debian vmlinux (decompressed with the reference library). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/loader/loader.h"
#include "tests/loader/ld_testlib.h"

#define MB (1024ull * 1024)

static const struct ld_seg two_segs[] = {
	{ .paddr = 16 * MB, .vaddr = 0xffffffff81000000ull, .memsz = 0x3000, .filesz = 0x2800 },
	{ .paddr = 16 * MB + 0x3000, .vaddr = 0xffffffff81003000ull, .memsz = 0x2000, .filesz = 0x100 },
};

static struct ld_buf image_with(const struct ld_seg *segs, unsigned n)
{
	struct ld_elf_spec spec = { .segs = segs, .nsegs = n, .entry = 0x1000000 };
	return ld_make_elf(&spec);
}

static void parses_load_segments(void **state)
{
	(void)state;
	struct ld_buf img = image_with(two_segs, 2);
	struct bc_elf elf;
	assert_int_equal(bc_elf_parse(img.data, img.len, &elf), BC_LD_OK);
	assert_int_equal(elf.machine, 62);
	assert_true(elf.entry == 0x1000000);
	assert_int_equal(elf.nr_load, 2);
	assert_true(elf.load[0].paddr == 16 * MB);
	assert_true(elf.load[0].filesz == 0x2800 && elf.load[0].memsz == 0x3000);
	assert_true(elf.load[1].vaddr == 0xffffffff81003000ull);
	assert_true(elf.paddr_lo == 16 * MB);
	assert_true(elf.paddr_hi == 16 * MB + 0x5000);
	ld_buf_free(&img);
}

static void expect_reject(const struct ld_seg *segs, unsigned n, const char *reason_part)
{
	struct ld_buf img = image_with(segs, n);
	struct bc_elf elf;
	assert_int_equal(bc_elf_parse(img.data, img.len, &elf), BC_LD_INVALID);
	assert_non_null(strstr(bc_ld_reason(), reason_part));
	ld_buf_free(&img);
}

static void rejects_overlapping_segments(void **state)
{
	(void)state;
	struct ld_seg segs[2] = { two_segs[0], two_segs[1] };
	segs[1].paddr = 16 * MB + 0x2FFF;   /* one byte into the first segment's bss */
	expect_reject(segs, 2, "overlap");
}

static void rejects_filesz_above_memsz(void **state)
{
	(void)state;
	struct ld_seg seg = two_segs[0];
	seg.memsz = seg.filesz - 1;
	expect_reject(&seg, 1, "file size exceeds");
}

static void rejects_wrapping_segment(void **state)
{
	(void)state;
	struct ld_seg seg = two_segs[0];
	seg.paddr = ~0ull - 0x1000;
	expect_reject(&seg, 1, "wraps");
}

static void rejects_segment_outside_file(void **state)
{
	(void)state;
	struct ld_buf img = image_with(two_segs, 2);
	struct bc_elf elf;
	/* first PT_LOAD's p_filesz (phdr at 64, field at +32) made huge */
	img.data[64 + 32 + 5] = 0x10;
	assert_int_equal(bc_elf_parse(img.data, img.len, &elf), BC_LD_INVALID);
	assert_non_null(strstr(bc_ld_reason(), "outside the file"));
	ld_buf_free(&img);
}

static void rejects_non_elf_and_wrong_class(void **state)
{
	(void)state;
	struct ld_buf img = image_with(two_segs, 2);
	struct bc_elf elf;
	assert_int_equal(bc_elf_parse((const u8 *)"MZ\x90\x00", 4, &elf), BC_LD_NOT_KERNEL);
	img.data[4] = 1;
	assert_int_equal(bc_elf_parse(img.data, img.len, &elf), BC_LD_UNSUPPORTED);
	assert_non_null(strstr(bc_ld_reason(), "64-bit"));
	img.data[4] = 2;
	img.data[16] = 3;   /* ET_DYN: a program, not a kernel */
	assert_int_equal(bc_elf_parse(img.data, img.len, &elf), BC_LD_UNSUPPORTED);
	assert_non_null(strstr(bc_ld_reason(), "ET_EXEC"));
	img.data[16] = 2;
	for (size_t len = 0; len < 64 + 2 * 56; len++)
		assert_int_not_equal(bc_elf_parse(img.data, len, &elf), BC_LD_OK);
	ld_buf_free(&img);
}

static void range_check_names_the_window(void **state)
{
	(void)state;
	struct ld_buf img = image_with(two_segs, 2);
	struct bc_elf elf;
	assert_int_equal(bc_elf_parse(img.data, img.len, &elf), BC_LD_OK);
	assert_int_equal(bc_elf_check_range(&elf, 16 * MB, 16 * MB + 0x5000), BC_LD_OK);
	assert_int_equal(bc_elf_check_range(&elf, 16 * MB, 16 * MB + 0x4FFF), BC_LD_INVALID);
	assert_int_equal(bc_elf_check_range(&elf, 16 * MB + 1, 32 * MB), BC_LD_INVALID);
	assert_non_null(strstr(bc_ld_reason(), "outside the memory"));
	ld_buf_free(&img);
}

static void load_copies_and_zeroes_bss(void **state)
{
	(void)state;
	struct ld_buf img = image_with(two_segs, 2);
	struct bc_elf elf;
	assert_int_equal(bc_elf_parse(img.data, img.len, &elf), BC_LD_OK);
	size_t size = 0x6000;
	u8 *mem = malloc(size);
	memset(mem, 0xAA, size);
	u64 base = 16 * MB - 0x1000;
	assert_int_equal(bc_elf_load(&elf, mem, base, 0x2000), BC_LD_INVALID);
	assert_int_equal(bc_elf_load(&elf, mem, base, size), BC_LD_OK);
	assert_int_equal(mem[0], 0xAA);                           /* below the image: untouched */
	assert_memory_equal(mem + 0x1000, img.data + elf.load[0].offset, 0x2800);
	for (size_t i = 0x1000 + 0x2800; i < 0x4000; i++)
		assert_int_equal(mem[i], 0);                      /* bss zeroed */
	assert_memory_equal(mem + 0x4000, img.data + elf.load[1].offset, 0x100);
	assert_int_equal(mem[0x4100], 0);
	assert_int_equal(mem[0x5FFF], 0);
	free(mem);
	ld_buf_free(&img);
}

static void parses_debian_vmlinux(bool cloud)
{
	const char *path = ld_debian_kernel(cloud);
	if (!path)
		skip();
	struct ld_buf img, vm;
	char why[128];
	assert_int_equal(ld_read_file(path, &img), 0);
	assert_int_equal(ld_reference_vmlinux(img.data, img.len, &vm, why, sizeof(why)), 0);
	struct bc_elf elf;
	assert_int_equal(bc_elf_parse(vm.data, vm.len, &elf), BC_LD_OK);
	assert_int_equal(elf.machine, 62);
	assert_true(elf.nr_load >= 3);
	assert_true(elf.paddr_lo == 16 * MB);      /* LOAD_PHYSICAL_ADDR */
	assert_true(elf.paddr_hi > elf.paddr_lo + 16 * MB);
	struct bc_xen_notes notes;
	assert_int_equal(bc_xen_notes_parse(&elf, &notes), BC_LD_OK);
	assert_true(notes.count >= 10);
	assert_string_equal(notes.guest_os, "linux");
	assert_string_equal(notes.xen_version, "xen-3.0");
	assert_string_equal(notes.loader, "generic");
	assert_true(notes.present & (1u << BC_XEN_PHYS32_ENTRY));
	assert_true(notes.phys32_entry >= elf.paddr_lo && notes.phys32_entry < elf.paddr_hi);
	assert_true(notes.virt_base == 0xffffffff80000000ull);
	/* 6.1 sets the dom0 feature bit with CONFIG_XEN alone, cloud included */
	assert_true(notes.supported_features & (1ull << BC_XENFEAT_DOM0));
	ld_buf_free(&vm);
	ld_buf_free(&img);
}

static void parses_debian_amd64_vmlinux(void **state) { (void)state; parses_debian_vmlinux(false); }
static void parses_debian_cloud_vmlinux(void **state) { (void)state; parses_debian_vmlinux(true); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_load_segments),
		cmocka_unit_test(rejects_overlapping_segments),
		cmocka_unit_test(rejects_filesz_above_memsz),
		cmocka_unit_test(rejects_wrapping_segment),
		cmocka_unit_test(rejects_segment_outside_file),
		cmocka_unit_test(rejects_non_elf_and_wrong_class),
		cmocka_unit_test(range_check_names_the_window),
		cmocka_unit_test(load_copies_and_zeroes_bss),
		cmocka_unit_test(parses_debian_amd64_vmlinux),
		cmocka_unit_test(parses_debian_cloud_vmlinux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
