/* Free-memory search and dom0's memory map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/core/memmap.h"

#define MiB (1ull << 20)
static struct hv_bootinfo bi;

/* QEMU's map with 1 GiB, deliberately out of order */
static void qemu_map(void)
{
	memset(&bi, 0, sizeof(bi));
	bi.mem[0] = (struct hv_mem_region){ 0x100000, 0x3fee0000, E820_RAM };
	bi.mem[1] = (struct hv_mem_region){ 0, 0x9fc00, E820_RAM };
	bi.mem[2] = (struct hv_mem_region){ 0x9fc00, 0x400, E820_RESERVED };
	bi.mem[3] = (struct hv_mem_region){ 0xf0000, 0x10000, E820_RESERVED };
	bi.mem[4] = (struct hv_mem_region){ 0x3ffe0000, 0x20000, E820_RESERVED };
	bi.nr_mem = 5;
}

static void finds_highest_free_block(void **state)
{
	(void)state;
	qemu_map();
	struct hv_busy busy = { 0 };
	u64 a = hv_find_free(&bi, &busy, 64 * MiB, 2 * MiB, MiB, 4096 * MiB);
	assert_int_equal(a, 0x3be00000);       // (0x3ffe0000 - 64 MiB) rounded down to 2 MiB
	assert_int_equal(a % (2 * MiB), 0);
	assert_true(a + 64 * MiB <= 0x3ffe0000);
	/* a busy range at the top pushes it below */
	assert_true(hv_busy_add(&busy, 0x3c000000, 0x3ffe0000));
	u64 b = hv_find_free(&bi, &busy, 64 * MiB, 2 * MiB, MiB, 4096 * MiB);
	assert_int_equal(b, 0x3c000000 - 64 * MiB);
	assert_false(hv_busy_overlaps(&busy, b, b + 64 * MiB));
	/* nothing fits */
	assert_int_equal(hv_find_free(&bi, &busy, 2048 * MiB, 2 * MiB, MiB, 4096 * MiB), 0);
	/* the max bound is respected; bad alignment is refused */
	u64 c = hv_find_free(&bi, &busy, MiB, 2 * MiB, MiB, 16 * MiB);
	assert_int_equal(c, 14 * MiB);
	assert_int_equal(hv_find_free(&bi, &busy, MiB, 3 * MiB, MiB, 16 * MiB), 0);
}

static void busy_list_is_bounded(void **state)
{
	(void)state;
	struct hv_busy busy = { 0 };
	for (int i = 0; i < HV_MAX_BUSY; i++)
		assert_true(hv_busy_add(&busy, (u64)i * MiB, (u64)i * MiB + 1));
	assert_false(hv_busy_add(&busy, 0, 1));
}

static void dom0_map_reserves_hypervisor(void **state)
{
	(void)state;
	qemu_map();
	struct hv_busy hv = { 0 };
	hv_busy_add(&hv, 0x200000, 0x236000);
	struct hv_e820 out[16];
	u32 n = hv_dom0_memmap(&bi, &hv, 0, out, 16);
	assert_int_equal(n, 7);
	assert_int_equal(out[0].addr, 0);
	assert_int_equal(out[0].type, E820_RAM);
	assert_int_equal(out[1].addr, 0x9fc00);        /* firmware reserved, in order */
	assert_int_equal(out[2].addr, 0xf0000);
	assert_int_equal(out[3].addr, 0x100000);
	assert_int_equal(out[3].size, 0x100000);
	assert_int_equal(out[3].type, E820_RAM);
	/* the hypervisor, cut out of the RAM around it */
	assert_int_equal(out[4].type, E820_RESERVED);
	assert_int_equal(out[4].addr, 0x200000);
	assert_int_equal(out[4].size, 0x36000);
	assert_int_equal(out[5].addr, 0x236000);
	assert_int_equal(out[5].size, 0x3ffe0000 - 0x236000);
	assert_int_equal(out[6].addr, 0x3ffe0000);
	assert_int_equal(out[6].type, E820_RESERVED);
	/* the trailing firmware reserved entry does not fit: too small an array */
	assert_int_equal(hv_dom0_memmap(&bi, &hv, 0, out, 6), 0);
}

static void dom0_mem_limits_ram(void **state)
{
	(void)state;
	qemu_map();
	struct hv_busy none = { 0 };
	struct hv_e820 out[16];
	u32 n = hv_dom0_memmap(&bi, &none, 256 * MiB, out, 16);
	u64 ram = 0;
	for (u32 i = 0; i < n; i++)
		if (out[i].type == E820_RAM)
			ram += out[i].size;
	assert_int_equal(ram, 256 * MiB);
	assert_int_equal(out[n - 1].type, E820_RESERVED);  /* firmware entries stay */
	assert_int_equal(out[n - 1].addr, 0x3ffe0000);
}

static void ram_coverage(void **state)
{
	(void)state;
	qemu_map();
	assert_true(hv_range_is_ram(&bi, 16 * MiB, 74 * MiB));
	assert_true(hv_range_is_ram(&bi, 0, 0x9fc00));
	assert_false(hv_range_is_ram(&bi, 0x9f000, 0x101000));     /* over a reserved hole */
	assert_false(hv_range_is_ram(&bi, 0x3ff00000, 0x40000000)); /* runs into reserved */
	assert_false(hv_range_is_ram(&bi, 0xfec00000, 0xfec01000)); /* not in the map */
	/* adjacent RAM entries (as UEFI maps have) count as one */
	bi.mem[bi.nr_mem++] = (struct hv_mem_region){ 0x40000000, 0x10000000, E820_RAM };
	bi.mem[4].type = E820_RAM;
	assert_true(hv_range_is_ram(&bi, 0x3f000000, 0x48000000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_highest_free_block),
		cmocka_unit_test(busy_list_is_bounded),
		cmocka_unit_test(dom0_map_reserves_hypervisor),
		cmocka_unit_test(dom0_mem_limits_ram),
		cmocka_unit_test(ram_coverage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
