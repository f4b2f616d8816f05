/* Nested page tables: dom0's guest-physical space is the machine's, mapped
 * one to one, except bchv's own pages. Those are absent at first; after
 * dom0's first touch they map a page of all ones, read-only (so further
 * reads cost no exit), and a write is let through to a scratch page for one
 * instruction (see exits.c). 2 MiB pages up to 64 GiB, 1 GiB pages above
 * when the CPU has them; the 2 MiB holding bchv uses 4 KiB pages. Every
 * level has the user bit: nested walks are user accesses. */
#include "svm.h"
#include "../io.h"
#include "../../../core/log.h"

#define NPT_P   1ull
#define NPT_RW  2ull
#define NPT_US  4ull
#define NPT_PS  0x80ull
#define NPT_DIR (NPT_P | NPT_RW | NPT_US)
#define GiB (1ull << 30)
#define MiB2 (1ull << 21)
#define NPT_SMALL_GIB 64           /* mapped with 2 MiB pages */

typedef u64 npt_table[512] __attribute__((aligned(4096)));
static npt_table pml4, pdpt, pt;
static npt_table pd[NPT_SMALL_GIB];
static u8 ones_page[4096] __attribute__((aligned(4096)));
static u8 sink_page[4096] __attribute__((aligned(4096)));
static u64 hidden_lo, hidden_hi, pt_base, mapped_top;

static u64 pa(const void *p) { return (uintptr_t)p; }

u64 npt_build(u64 top, u64 hide_lo, u64 hide_hi)
{
	u32 r[4];
	cpuid_count(0x80000001, 0, r);
	bool gib_pages = r[3] & (1u << 26);
	u64 limit = gib_pages ? 512 * GiB : NPT_SMALL_GIB * GiB;
	if (top < 4 * GiB)
		top = 4 * GiB;               /* the 32-bit MMIO hole */
	if (top > limit)
		hv_log(LOG_WARN, "svm: RAM above %llu GiB is not mapped for dom0\n", limit / GiB);
	/* map up to the limit: 64-bit BARs may lie anywhere above RAM */
	mapped_top = limit;
	pml4[0] = pa(pdpt) | NPT_DIR;
	for (u64 g = 0; g < mapped_top / GiB; g++) {
		if (g < NPT_SMALL_GIB) {
			for (u64 i = 0; i < 512; i++)
				pd[g][i] = (g * GiB + i * MiB2) | NPT_DIR | NPT_PS;
			pdpt[g] = pa(pd[g]) | NPT_DIR;
		} else {
			pdpt[g] = (g * GiB) | NPT_DIR | NPT_PS;
		}
	}
	hidden_lo = hide_lo & ~0xfffull;
	hidden_hi = (hide_hi + 0xfff) & ~0xfffull;
	pt_base = hidden_lo & ~(MiB2 - 1);
	if (hidden_hi > pt_base + MiB2)
		hv_fatal("svm: bchv's memory %#llx-%#llx crosses a 2 MiB boundary\n", hidden_lo, hidden_hi);
	for (u64 i = 0; i < 512; i++) {
		u64 a = pt_base + i * 4096;
		pt[i] = npt_is_hidden(a) ? 0 : a | NPT_DIR;
	}
	pd[pt_base / GiB][(pt_base % GiB) / MiB2] = pa(pt) | NPT_DIR;
	for (u32 i = 0; i < sizeof(ones_page); i++)
		ones_page[i] = 0xff;
	return pa(pml4);
}

bool npt_is_hidden(u64 gpa) { return gpa >= hidden_lo && gpa < hidden_hi; }
u64 npt_top(void) { return mapped_top; }

void npt_hidden_readable(void)
{
	for (u64 a = hidden_lo; a < hidden_hi; a += 4096)
		pt[(a - pt_base) / 4096] = pa(ones_page) | NPT_P | NPT_US;
}

void npt_hidden_sink(u64 gpa)
{
	pt[((gpa & ~0xfffull) - pt_base) / 4096] = pa(sink_page) | NPT_DIR;
}

void npt_trap_writes(u64 addr)
{
	addr &= ~(MiB2 - 1);
	if (addr >= NPT_SMALL_GIB * GiB || addr == pt_base)
		hv_fatal("svm: cannot trap writes at %#llx\n", addr);
	pd[addr / GiB][(addr % GiB) / MiB2] &= ~NPT_RW;
	svm_apic_trap(addr);
}
