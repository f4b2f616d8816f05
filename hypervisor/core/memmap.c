/* Free-memory search and dom0's memory map (see memmap.h). */
#include "memmap.h"

bool hv_busy_add(struct hv_busy *busy, u64 start, u64 end)
{
	if (busy->count == HV_MAX_BUSY)
		return false;
	busy->r[busy->count++] = (struct hv_range){ start, end };
	return true;
}

/* The busy range overlapping [start, end) with the highest start, or NULL. */
static const struct hv_range *highest_overlap(const struct hv_busy *busy, u64 start, u64 end)
{
	const struct hv_range *hit = NULL;
	for (u32 i = 0; i < busy->count; i++) {
		const struct hv_range *r = &busy->r[i];
		if (r->start < end && start < r->end && (!hit || r->start > hit->start))
			hit = r;
	}
	return hit;
}

bool hv_busy_overlaps(const struct hv_busy *busy, u64 start, u64 end)
{
	return highest_overlap(busy, start, end) != NULL;
}

/* Top-down search inside one region [lo, hi). */
static u64 fit_in_region(const struct hv_busy *busy, u64 lo, u64 hi, u64 size, u64 align)
{
	while (hi > lo && hi - lo >= size) {
		u64 a = (hi - size) & ~(align - 1);
		if (a < lo)
			return 0;
		const struct hv_range *r = highest_overlap(busy, a, a + size);
		if (!r)
			return a;
		hi = r->start;            /* try again below the obstacle */
	}
	return 0;
}

u64 hv_find_free(const struct hv_bootinfo *bi, const struct hv_busy *busy,
		 u64 size, u64 align, u64 min, u64 max)
{
	u64 best = 0;
	if (size == 0 || align == 0 || (align & (align - 1)))
		return 0;
	for (u32 i = 0; i < bi->nr_mem; i++) {
		const struct hv_mem_region *m = &bi->mem[i];
		if (m->type != E820_RAM || m->base + m->len <= m->base)
			continue;
		u64 lo = BC_MAX(m->base, min), hi = BC_MIN(m->base + m->len, max);
		if (lo >= hi)
			continue;
		u64 a = fit_in_region(busy, lo, hi, size, align);
		if (a > best)
			best = a;
	}
	return best;
}

bool hv_range_is_ram(const struct hv_bootinfo *bi, u64 start, u64 end)
{
	u64 cursor = start;
	while (cursor < end) {
		u64 next = cursor;
		for (u32 i = 0; i < bi->nr_mem; i++) {
			const struct hv_mem_region *m = &bi->mem[i];
			if (m->type == E820_RAM && m->base <= cursor && cursor < m->base + m->len)
				next = BC_MAX(next, m->base + m->len);
		}
		if (next == cursor)
			return false;         /* a hole or a non-RAM region at cursor */
		cursor = next;
	}
	return true;
}

struct map_out {
	struct hv_e820 *e;
	u32 n, cap;
	bool overflow;
	u64 ram_left;              /* RAM still to hand out; ~0 = no limit */
};

static void emit(struct map_out *o, u64 addr, u64 size, u32 type)
{
	if (size == 0)
		return;
	if (type == E820_RAM) {
		if (o->ram_left == 0)
			return;
		size = BC_MIN(size, o->ram_left);
		if (o->ram_left != ~0ull)
			o->ram_left -= size;
	}
	struct hv_e820 *prev = o->n ? &o->e[o->n - 1] : NULL;
	if (prev && prev->type == type && prev->addr + prev->size == addr) {
		prev->size += size;       /* merge neighbours of one type */
		return;
	}
	if (o->n == o->cap) {
		o->overflow = true;
		return;
	}
	o->e[o->n++] = (struct hv_e820){ addr, size, type, 0 };
}

/* Emits RAM region [base, end) with the reserved ranges cut out of it. */
static void emit_ram(struct map_out *o, const struct hv_busy *reserve, u64 base, u64 end)
{
	u64 cursor = base;
	while (cursor < end) {
		/* the lowest reserved range that overlaps [cursor, end) */
		const struct hv_range *next = NULL;
		for (u32 i = 0; i < reserve->count; i++) {
			const struct hv_range *r = &reserve->r[i];
			if (r->start < end && cursor < r->end && (!next || r->start < next->start))
				next = r;
		}
		if (!next) {
			emit(o, cursor, end - cursor, E820_RAM);
			return;
		}
		if (next->start > cursor)
			emit(o, cursor, next->start - cursor, E820_RAM);
		u64 rs = BC_MAX(next->start, cursor), re = BC_MIN(next->end, end);
		emit(o, rs, re - rs, E820_RESERVED);
		cursor = re;
	}
}

u32 hv_dom0_memmap(const struct hv_bootinfo *bi, const struct hv_busy *reserve,
		   u64 dom0_mem, struct hv_e820 *out, u32 cap)
{
	/* sort the indices of the firmware map by base (it is short) */
	u32 order[HV_MAX_MEM];
	for (u32 i = 0; i < bi->nr_mem; i++) {
		u32 j = i;
		for (; j > 0 && bi->mem[order[j - 1]].base > bi->mem[i].base; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	struct map_out o = { out, 0, cap, false, dom0_mem ? dom0_mem : ~0ull };
	for (u32 k = 0; k < bi->nr_mem; k++) {
		const struct hv_mem_region *m = &bi->mem[order[k]];
		if (m->type == E820_RAM)
			emit_ram(&o, reserve, m->base, m->base + m->len);
		else
			emit(&o, m->base, m->len, m->type);
	}
	return o.overflow ? 0 : o.n;
}
