/* PVH start info: hvm_start_info v1, module list, memory map and strings laid
 * out in one caller-given area, addressed as the kernel will see it. */
#include "ld_internal.h"
#include <bc/string.h>

/* Where the next piece goes inside the area. */
struct area_cursor {
	u8 *base;
	size_t size, pos;
	u64 paddr;
};

static u8 *reserve_bytes(struct area_cursor *c, size_t n)
{
	size_t at = (c->pos + 7) & ~(size_t)7;
	if (at > c->size || n > c->size - at)
		return NULL;
	c->pos = at + n;
	return c->base + at;
}

static u64 paddr_of(const struct area_cursor *c, const u8 *p)
{
	return c->paddr + (u64)(p - c->base);
}

/* Reserved range I: the caller's list, then the area itself. */
static struct bc_mem_range reserved_range(const struct bc_pvh_params *p,
					  const struct area_cursor *c, u32 i)
{
	if (i < p->nr_reserved)
		return p->reserved[i];
	return (struct bc_mem_range){ .addr = c->paddr, .size = c->size, .type = BC_E820_RESERVED };
}

/* The reserved range that starts lowest while intersecting [from, to), if any. */
static bool first_reserved(const struct bc_pvh_params *p, const struct area_cursor *c,
			   u64 from, u64 to, u64 *rs, u64 *re)
{
	bool found = false;
	for (u32 i = 0; i <= p->nr_reserved; i++) {
		struct bc_mem_range r = reserved_range(p, c, i);
		u64 end = r.addr + r.size;
		if (r.size == 0 || end <= from || r.addr >= to)
			continue;
		if (!found || r.addr < *rs) {
			*rs = r.addr;
			*re = end;
			found = true;
		}
	}
	return found;
}

struct memmap_out {
	struct area_cursor *c;
	u32 count;
};

static int emit(struct memmap_out *m, u64 addr, u64 size, u32 type)
{
	if (size == 0)
		return BC_LD_OK;
	u8 *e = reserve_bytes(m->c, BC_PVH_MEMMAP_ENTRY_SIZE);
	if (!e)
		return bc_ld_fail(BC_LD_NOSPACE, "PVH area too small for the memory map");
	bc_ld_put64(e, addr);
	bc_ld_put64(e + 8, size);
	bc_ld_put32(e + 16, type);
	bc_ld_put32(e + 20, 0);
	m->count++;
	return BC_LD_OK;
}

/* Emit RAM [a, b) with every reserved range inside it turned into E820 reserved. */
static int emit_ram(const struct bc_pvh_params *p, struct memmap_out *m, u64 a, u64 b)
{
	u64 rs = 0, re = 0;
	while (a < b && first_reserved(p, m->c, a, b, &rs, &re)) {
		u64 hole_start = BC_MAX(rs, a), hole_end = BC_MIN(re, b);
		int st = emit(m, a, hole_start - a, BC_E820_RAM);
		if (st == BC_LD_OK)
			st = emit(m, hole_start, hole_end - hole_start, BC_E820_RESERVED);
		if (st != BC_LD_OK)
			return st;
		a = hole_end;
	}
	return a < b ? emit(m, a, b - a, BC_E820_RAM) : BC_LD_OK;
}

/* Index of the lowest-addressed entry after (prev_addr, prev_idx) in sort order. */
static bool next_entry(const struct bc_pvh_params *p, bool first, u64 prev_addr, u32 prev_idx,
		       u32 *idx)
{
	bool found = false;
	for (u32 i = 0; i < p->nr_memmap; i++) {
		u64 a = p->memmap[i].addr;
		bool after = first || a > prev_addr || (a == prev_addr && i > prev_idx);
		if (!after)
			continue;
		if (!found || a < p->memmap[*idx].addr || (a == p->memmap[*idx].addr && i < *idx)) {
			*idx = i;
			found = true;
		}
	}
	return found;
}

static int build_memmap(const struct bc_pvh_params *p, struct area_cursor *c, u64 *paddr, u32 *count)
{
	struct memmap_out m = { .c = c };
	u32 idx = 0;
	bool first = true;
	*paddr = paddr_of(c, c->base + ((c->pos + 7) & ~(size_t)7));
	for (u64 prev = 0; next_entry(p, first, prev, idx, &idx); first = false) {
		const struct bc_mem_range *r = &p->memmap[idx];
		prev = r->addr;
		if (r->addr + r->size < r->addr)
			return bc_ld_fail(BC_LD_INVALID, "memory map entry wraps around the address space");
		int st = r->type == BC_E820_RAM ? emit_ram(p, &m, r->addr, r->addr + r->size)
						: emit(&m, r->addr, r->size, r->type);
		if (st != BC_LD_OK)
			return st;
	}
	*count = m.count;
	return BC_LD_OK;
}

/* Copy S (NULL = empty) into the area; its physical address, or 0 on no space. */
static u64 put_string(struct area_cursor *c, const char *s)
{
	if (!s)
		s = "";
	size_t n = bc_strlen(s) + 1;
	u8 *dst = reserve_bytes(c, n);
	if (!dst)
		return 0;
	bc_memcpy(dst, s, n);
	return paddr_of(c, dst);
}

static int build_modules(const struct bc_pvh_params *p, struct area_cursor *c, u8 *list)
{
	for (u32 i = 0; i < p->nr_modules; i++) {
		const struct bc_pvh_module *mod = &p->modules[i];
		u8 *e = list + (size_t)i * BC_PVH_MODLIST_ENTRY_SIZE;
		u64 cmd = 0;
		if (mod->cmdline && !(cmd = put_string(c, mod->cmdline)))
			return bc_ld_fail(BC_LD_NOSPACE, "PVH area too small for the module command lines");
		bc_ld_put64(e, mod->paddr);
		bc_ld_put64(e + 8, mod->size);
		bc_ld_put64(e + 16, cmd);
		bc_ld_put64(e + 24, 0);
	}
	return BC_LD_OK;
}

static int check_args(const struct bc_pvh_params *p, size_t area_size, u64 area_paddr)
{
	if (area_paddr & 7)
		return bc_ld_fail(BC_LD_INVALID, "PVH area is not 8-byte aligned");
	if (area_paddr + area_size < area_paddr)
		return bc_ld_fail(BC_LD_INVALID, "PVH area wraps around the address space");
	if ((p->nr_modules && !p->modules) || (p->nr_memmap && !p->memmap) ||
	    (p->nr_reserved && !p->reserved))
		return bc_ld_fail(BC_LD_INVALID, "PVH parameters give a count without a list");
	if (p->nr_modules > area_size / BC_PVH_MODLIST_ENTRY_SIZE)
		return bc_ld_fail(BC_LD_NOSPACE, "PVH area too small for the module list");
	return BC_LD_OK;
}

int bc_pvh_build_start_info(const struct bc_pvh_params *p, u8 *area, size_t area_size,
			    u64 area_paddr, struct bc_pvh_layout *out)
{
	bc_memset(out, 0, sizeof(*out));
	int st = check_args(p, area_size, area_paddr);
	if (st != BC_LD_OK)
		return st;
	struct area_cursor c = { .base = area, .size = area_size, .paddr = area_paddr };
	u8 *si = reserve_bytes(&c, BC_PVH_START_INFO_SIZE);
	u8 *mods = reserve_bytes(&c, (size_t)p->nr_modules * BC_PVH_MODLIST_ENTRY_SIZE);
	if (!si || !mods)
		return bc_ld_fail(BC_LD_NOSPACE, "PVH area too small for the start info and module list");
	u64 memmap_paddr = 0, cmdline_paddr;
	u32 memmap_count = 0;
	if ((st = build_memmap(p, &c, &memmap_paddr, &memmap_count)) != BC_LD_OK ||
	    (st = build_modules(p, &c, mods)) != BC_LD_OK)
		return st;
	if (!(cmdline_paddr = put_string(&c, p->cmdline)))
		return bc_ld_fail(BC_LD_NOSPACE, "PVH area too small for the command line");
	bc_memset(si, 0, BC_PVH_START_INFO_SIZE);
	bc_ld_put32(si, BC_PVH_MAGIC);
	bc_ld_put32(si + 4, 1);
	bc_ld_put32(si + 8, p->flags);
	bc_ld_put32(si + 12, p->nr_modules);
	bc_ld_put64(si + 16, p->nr_modules ? paddr_of(&c, mods) : 0);
	bc_ld_put64(si + 24, cmdline_paddr);
	bc_ld_put64(si + 32, p->rsdp_paddr);
	bc_ld_put64(si + 40, memmap_count ? memmap_paddr : 0);
	bc_ld_put32(si + 48, memmap_count);
	out->start_info_paddr = area_paddr;
	out->used = c.pos;
	out->memmap_entries = memmap_count;
	return BC_LD_OK;
}
