/* PVH start info layout: every field, the carved memory map, and space limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/loader/loader.h"

#define MB (1024ull * 1024)
#define AREA_PADDR 0x9000ull
#define AREA_SIZE 4096

static u32 rd32(const u8 *p) { return bc_le32(p); }
static u64 rd64(const u8 *p) { return bc_le64(p); }

/* Bytes of AREA at physical address PADDR. */
static const u8 *at(const u8 *area, u64 paddr)
{
	assert_true(paddr >= AREA_PADDR && paddr < AREA_PADDR + AREA_SIZE);
	return area + (paddr - AREA_PADDR);
}

static const struct bc_mem_range machine_map[] = {
	/* deliberately out of order */
	{ .addr = 1 * MB, .size = 511 * MB, .type = BC_E820_RAM },
	{ .addr = 0, .size = 0x9FC00, .type = BC_E820_RAM },
	{ .addr = 0xF0000, .size = 0x10000, .type = BC_E820_RESERVED },
	{ .addr = 0x1FF00000ull, .size = 0x100000, .type = BC_E820_ACPI },
};

/* The hypervisor's own memory: 2 MiB at 256 MiB, and a page at 8 MiB. */
static const struct bc_mem_range ours[] = {
	{ .addr = 256 * MB, .size = 2 * MB },
	{ .addr = 8 * MB, .size = 4096 },
};

static const struct bc_pvh_module initrd = { .paddr = 64 * MB, .size = 12345, .cmdline = "initrd.img" };

static struct bc_pvh_params default_params(void)
{
	return (struct bc_pvh_params){
		.cmdline = "console=ttyS0 root=/dev/vda",
		.modules = &initrd, .nr_modules = 1,
		.memmap = machine_map, .nr_memmap = 4,
		.reserved = ours, .nr_reserved = 2,
		.rsdp_paddr = 0xF5A40,
		.flags = BC_PVH_SIF_PRIVILEGED | BC_PVH_SIF_INITDOMAIN,
	};
}

static void fills_start_info(void **state)
{
	(void)state;
	u8 *area = malloc(AREA_SIZE);
	memset(area, 0xCC, AREA_SIZE);
	struct bc_pvh_params p = default_params();
	struct bc_pvh_layout lay;
	assert_int_equal(bc_pvh_build_start_info(&p, area, AREA_SIZE, AREA_PADDR, &lay), BC_LD_OK);
	assert_true(lay.start_info_paddr == AREA_PADDR);
	assert_true(lay.used > BC_PVH_START_INFO_SIZE && lay.used <= AREA_SIZE);
	assert_int_equal(rd32(area), BC_PVH_MAGIC);
	assert_int_equal(rd32(area + 4), 1);
	assert_int_equal(rd32(area + 8), 3);
	assert_int_equal(rd32(area + 12), 1);
	assert_true(rd64(area + 32) == 0xF5A40);
	assert_int_equal(rd32(area + 48), lay.memmap_entries);
	assert_int_equal(rd32(area + 52), 0);
	assert_string_equal((const char *)at(area, rd64(area + 24)), "console=ttyS0 root=/dev/vda");
	const u8 *mod = at(area, rd64(area + 16));
	assert_true(rd64(area + 16) % 8 == 0);
	assert_true(rd64(mod) == 64 * MB && rd64(mod + 8) == 12345 && rd64(mod + 24) == 0);
	assert_string_equal((const char *)at(area, rd64(mod + 16)), "initrd.img");
	free(area);
}

struct entry { u64 addr, size; u32 type; };

static void memmap_is_sorted_and_carved(void **state)
{
	(void)state;
	u8 *area = calloc(1, AREA_SIZE);
	struct bc_pvh_params p = default_params();
	struct bc_pvh_layout lay;
	assert_int_equal(bc_pvh_build_start_info(&p, area, AREA_SIZE, AREA_PADDR, &lay), BC_LD_OK);
	const struct entry want[] = {
		{ 0, AREA_PADDR, BC_E820_RAM },
		{ AREA_PADDR, AREA_SIZE, BC_E820_RESERVED },           /* the start info area */
		{ AREA_PADDR + AREA_SIZE, 0x9FC00 - AREA_PADDR - AREA_SIZE, BC_E820_RAM },
		{ 0xF0000, 0x10000, BC_E820_RESERVED },
		{ 1 * MB, 7 * MB, BC_E820_RAM },
		{ 8 * MB, 4096, BC_E820_RESERVED },
		{ 8 * MB + 4096, 248 * MB - 4096, BC_E820_RAM },
		{ 256 * MB, 2 * MB, BC_E820_RESERVED },
		{ 258 * MB, 254 * MB, BC_E820_RAM },
		{ 0x1FF00000ull, 0x100000, BC_E820_ACPI },
	};
	assert_int_equal(lay.memmap_entries, BC_ARRAY_SIZE(want));
	const u8 *e = at(area, rd64(area + 40));
	for (size_t i = 0; i < BC_ARRAY_SIZE(want); i++, e += BC_PVH_MEMMAP_ENTRY_SIZE) {
		assert_true(rd64(e) == want[i].addr);
		assert_true(rd64(e + 8) == want[i].size);
		assert_int_equal(rd32(e + 16), want[i].type);
		assert_int_equal(rd32(e + 20), 0);
	}
	free(area);
}

static void reserved_range_covering_ram_entirely(void **state)
{
	(void)state;
	const struct bc_mem_range map[] = { { .addr = 0x100000, .size = 0x100000, .type = BC_E820_RAM } };
	const struct bc_mem_range res[] = { { .addr = 0, .size = 0x400000 } };
	struct bc_pvh_params p = { .memmap = map, .nr_memmap = 1, .reserved = res, .nr_reserved = 1 };
	u8 *area = calloc(1, AREA_SIZE);
	struct bc_pvh_layout lay;
	assert_int_equal(bc_pvh_build_start_info(&p, area, AREA_SIZE, AREA_PADDR, &lay), BC_LD_OK);
	assert_int_equal(lay.memmap_entries, 1);
	const u8 *e = at(area, rd64(area + 40));
	assert_true(rd64(e) == 0x100000 && rd64(e + 8) == 0x100000);
	assert_int_equal(rd32(e + 16), BC_E820_RESERVED);
	/* no modules: count 0 and no list; empty command line still given */
	assert_int_equal(rd32(area + 12), 0);
	assert_true(rd64(area + 16) == 0);
	assert_string_equal((const char *)at(area, rd64(area + 24)), "");
	free(area);
}

static void too_small_areas_fail_cleanly(void **state)
{
	(void)state;
	struct bc_pvh_params p = default_params();
	struct bc_pvh_layout lay;
	u8 *full = calloc(1, AREA_SIZE);
	assert_int_equal(bc_pvh_build_start_info(&p, full, AREA_SIZE, AREA_PADDR, &lay), BC_LD_OK);
	size_t need = lay.used;
	free(full);
	/* each size below what is needed fails, without writing past the area (ASan) */
	for (size_t size = 0; size < need; size++) {
		u8 *area = malloc(size ? size : 1);
		assert_int_equal(bc_pvh_build_start_info(&p, area, size, AREA_PADDR, &lay), BC_LD_NOSPACE);
		free(area);
	}
	u8 *exact = malloc(need);
	assert_int_equal(bc_pvh_build_start_info(&p, exact, need, AREA_PADDR, &lay), BC_LD_OK);
	free(exact);
}

static void rejects_bad_arguments(void **state)
{
	(void)state;
	struct bc_pvh_params p = default_params();
	struct bc_pvh_layout lay;
	u8 area[256];
	assert_int_equal(bc_pvh_build_start_info(&p, area, sizeof(area), AREA_PADDR + 4, &lay), BC_LD_INVALID);
	assert_non_null(strstr(bc_ld_reason(), "aligned"));
	p.modules = NULL;
	assert_int_equal(bc_pvh_build_start_info(&p, area, sizeof(area), AREA_PADDR, &lay), BC_LD_INVALID);
	p = default_params();
	const struct bc_mem_range wrap[] = { { .addr = ~0ull - 10, .size = 100, .type = BC_E820_RAM } };
	p.memmap = wrap;
	p.nr_memmap = 1;
	assert_int_equal(bc_pvh_build_start_info(&p, area, sizeof(area), AREA_PADDR, &lay), BC_LD_INVALID);
	assert_non_null(strstr(bc_ld_reason(), "wraps"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fills_start_info),
		cmocka_unit_test(memmap_is_sorted_and_carved),
		cmocka_unit_test(reserved_range_covering_ram_entirely),
		cmocka_unit_test(too_small_areas_fail_cleanly),
		cmocka_unit_test(rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
