/* libFuzzer target: the PVH start info builder, with memory map, reserved
 * ranges, modules and area size all taken from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hypervisor/loader/loader.h"

#define MAX_RANGES 16

struct reader {
	const uint8_t *p;
	size_t left;
};

static u64 take(struct reader *r, unsigned bytes)
{
	u64 v = 0;
	for (unsigned i = 0; i < bytes && r->left; i++, r->left--)
		v |= (u64)*r->p++ << (8 * i);
	return v;
}

static u32 take_ranges(struct reader *r, struct bc_mem_range *out)
{
	u32 n = (u32)take(r, 1) % (MAX_RANGES + 1);
	for (u32 i = 0; i < n; i++)
		out[i] = (struct bc_mem_range){ .addr = take(r, 8), .size = take(r, 8),
						.type = (u32)take(r, 1) % 8 };
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	struct bc_mem_range map[MAX_RANGES], res[MAX_RANGES];
	struct bc_pvh_module mods[4];
	size_t area_size = take(&r, 2);
	u64 area_paddr = take(&r, 8) & ~7ull;
	u32 nr_map = take_ranges(&r, map), nr_res = take_ranges(&r, res);
	u32 nr_mods = (u32)take(&r, 1) % 5;
	for (u32 i = 0; i < nr_mods; i++)
		mods[i] = (struct bc_pvh_module){ .paddr = take(&r, 8), .size = take(&r, 8),
						  .cmdline = (take(&r, 1) & 1) ? "mod" : NULL };
	char cmdline[64] = { 0 };
	for (size_t i = 0; i + 1 < sizeof(cmdline) && r.left; i++)
		cmdline[i] = (char)(take(&r, 1) | 1);
	struct bc_pvh_params p = { .cmdline = cmdline, .modules = mods, .nr_modules = nr_mods,
				   .memmap = map, .nr_memmap = nr_map, .reserved = res,
				   .nr_reserved = nr_res, .rsdp_paddr = 0xE0000, .flags = 3 };
	u8 *area = malloc(area_size ? area_size : 1);
	struct bc_pvh_layout lay;
	if (bc_pvh_build_start_info(&p, area, area_size, area_paddr, &lay) == BC_LD_OK &&
	    (lay.used > area_size || bc_le32(area) != BC_PVH_MAGIC))
		abort();
	free(area);
	return 0;
}
