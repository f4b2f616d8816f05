/* ELF64 vmlinux: header and program headers, PT_LOAD segments placed at their
 * physical addresses. Everything read from the image is bounds-checked. */
#include "ld_internal.h"
#include <bc/string.h>

#define EHDR_SIZE   64
#define PHDR_SIZE   56
#define SHDR_SIZE   64
#define PT_LOAD     1
#define ET_EXEC     2

static int check_ident(const u8 *img, size_t len)
{
	if (len < 4 || bc_memcmp(img, "\x7f" "ELF", 4) != 0)
		return bc_ld_fail(BC_LD_NOT_KERNEL, "no ELF magic");
	if (len < EHDR_SIZE)
		return bc_ld_fail(BC_LD_INVALID, "ELF header truncated");
	if (img[4] != 2)
		return bc_ld_fail(BC_LD_UNSUPPORTED, "not a 64-bit ELF (ELFCLASS64 required)");
	if (img[5] != 1)
		return bc_ld_fail(BC_LD_UNSUPPORTED, "not a little-endian ELF");
	/* vmlinux is always ET_EXEC, relocatable kernels included */
	if (bc_le16(img + 16) != ET_EXEC)
		return bc_ld_fail(BC_LD_UNSUPPORTED, "ELF is not a fixed-address executable (ET_EXEC)");
	return BC_LD_OK;
}

static int read_header(const u8 *img, size_t len, struct bc_elf *e)
{
	e->machine = bc_le16(img + 18);
	e->entry = bc_le64(img + 24);
	e->phoff = bc_le64(img + 32);
	e->shoff = bc_le64(img + 40);
	e->phentsize = bc_le16(img + 54);
	e->phnum = bc_le16(img + 56);
	e->shentsize = bc_le16(img + 58);
	e->shnum = bc_le16(img + 60);
	if (e->phnum == 0)
		return bc_ld_fail(BC_LD_INVALID, "ELF has no program headers");
	if (e->phentsize < PHDR_SIZE)
		return bc_ld_fail(BC_LD_INVALID, "ELF program header entry size too small");
	if (!bc_ld_in_bounds(e->phoff, (u64)e->phnum * e->phentsize, len))
		return bc_ld_fail(BC_LD_INVALID, "ELF program headers lie outside the file");
	/* section headers are optional (only a notes fallback); ignore bad ones */
	if (e->shentsize < SHDR_SIZE || !bc_ld_in_bounds(e->shoff, (u64)e->shnum * e->shentsize, len))
		e->shnum = 0;
	return BC_LD_OK;
}

static int add_segment(const u8 *ph, size_t len, struct bc_elf *e)
{
	struct bc_elf_segment s = {
		.flags = bc_le32(ph + 4), .offset = bc_le64(ph + 8), .vaddr = bc_le64(ph + 16),
		.paddr = bc_le64(ph + 24), .filesz = bc_le64(ph + 32), .memsz = bc_le64(ph + 40),
		.align = bc_le64(ph + 48),
	};
	if (e->nr_load == BC_ELF_MAX_LOAD)
		return bc_ld_fail(BC_LD_UNSUPPORTED, "ELF has too many PT_LOAD segments");
	if (!bc_ld_in_bounds(s.offset, s.filesz, len))
		return bc_ld_fail(BC_LD_INVALID, "PT_LOAD segment lies outside the file");
	if (s.filesz > s.memsz)
		return bc_ld_fail(BC_LD_INVALID, "PT_LOAD segment file size exceeds its memory size");
	if (s.paddr + s.memsz < s.paddr)
		return bc_ld_fail(BC_LD_INVALID, "PT_LOAD segment wraps around the address space");
	e->load[e->nr_load++] = s;
	return BC_LD_OK;
}

static bool segments_overlap(const struct bc_elf_segment *a, const struct bc_elf_segment *b)
{
	if (a->memsz == 0 || b->memsz == 0)
		return false;
	return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

static int check_overlaps_and_bounds(struct bc_elf *e)
{
	if (e->nr_load == 0)
		return bc_ld_fail(BC_LD_INVALID, "ELF has no PT_LOAD segment");
	e->paddr_lo = ~0ull;
	e->paddr_hi = 0;
	for (u32 i = 0; i < e->nr_load; i++) {
		const struct bc_elf_segment *s = &e->load[i];
		for (u32 j = 0; j < i; j++)
			if (segments_overlap(s, &e->load[j]))
				return bc_ld_fail(BC_LD_INVALID, "PT_LOAD segments overlap in physical memory");
		e->paddr_lo = BC_MIN(e->paddr_lo, s->paddr);
		e->paddr_hi = BC_MAX(e->paddr_hi, s->paddr + s->memsz);
	}
	return BC_LD_OK;
}

int bc_elf_parse(const u8 *img, size_t len, struct bc_elf *out)
{
	bc_memset(out, 0, sizeof(*out));
	int st = check_ident(img, len);
	if (st == BC_LD_OK)
		st = read_header(img, len, out);
	if (st != BC_LD_OK)
		return st;
	out->img = img;
	out->len = len;
	for (u32 i = 0; i < out->phnum; i++) {
		const u8 *ph = img + out->phoff + (u64)i * out->phentsize;
		if (bc_le32(ph) == PT_LOAD && (st = add_segment(ph, len, out)) != BC_LD_OK)
			return st;
	}
	return check_overlaps_and_bounds(out);
}

int bc_elf_check_range(const struct bc_elf *elf, u64 lo, u64 hi)
{
	for (u32 i = 0; i < elf->nr_load; i++) {
		const struct bc_elf_segment *s = &elf->load[i];
		if (s->paddr < lo || s->paddr + s->memsz > hi)
			return bc_ld_fail(BC_LD_INVALID, "PT_LOAD segment outside the memory it may be loaded into");
	}
	return BC_LD_OK;
}

int bc_elf_load(const struct bc_elf *elf, u8 *mem, u64 mem_paddr, u64 mem_size)
{
	if (mem_paddr + mem_size < mem_paddr)
		return bc_ld_fail(BC_LD_INVALID, "load window wraps around the address space");
	int st = bc_elf_check_range(elf, mem_paddr, mem_paddr + mem_size);
	if (st != BC_LD_OK)
		return st;
	for (u32 i = 0; i < elf->nr_load; i++) {
		const struct bc_elf_segment *s = &elf->load[i];
		u8 *dst = mem + (s->paddr - mem_paddr);
		bc_memcpy(dst, elf->img + s->offset, s->filesz);
		bc_memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return BC_LD_OK;
}
