/* Physical memory bookkeeping for building dom0: finding free RAM that no
 * module, hypervisor or kernel range uses, and dom0's own memory map (the
 * firmware's, with the hypervisor's memory reserved). Host-testable. */
#ifndef BCHV_MEMMAP_H
#define BCHV_MEMMAP_H
#include "bootinfo.h"

struct hv_range {
	u64 start, end;            /* end exclusive */
};

#define HV_MAX_BUSY 32

struct hv_busy {
	u32 count;
	struct hv_range r[HV_MAX_BUSY];
};

/* Adds [start, end) to the ranges nothing may be placed over. False when full. */
bool hv_busy_add(struct hv_busy *busy, u64 start, u64 end);
bool hv_busy_overlaps(const struct hv_busy *busy, u64 start, u64 end);

/* Highest address A, aligned to ALIGN (a power of two), with [A, A+SIZE)
 * inside one usable RAM region, at or above MIN and ending at or below MAX,
 * and overlapping no busy range. Returns 0 when there is none. */
u64 hv_find_free(const struct hv_bootinfo *bi, const struct hv_busy *busy,
		 u64 size, u64 align, u64 min, u64 max);

/* True when usable RAM regions (possibly several adjacent ones) cover [start, end). */
bool hv_range_is_ram(const struct hv_bootinfo *bi, u64 start, u64 end);

struct hv_e820 {
	u64 addr, size;
	u32 type, reserved;        /* same layout as PVH's hvm_memmap_table_entry */
};

/* Dom0's map: the firmware map sorted, with the RESERVE ranges turned into
 * E820_RESERVED and, when DOM0_MEM is nonzero, usable RAM past that amount
 * left out. Returns the entry count, or 0 when OUT is too small. */
u32 hv_dom0_memmap(const struct hv_bootinfo *bi, const struct hv_busy *reserve,
		   u64 dom0_mem, struct hv_e820 *out, u32 cap);

#endif
