/* Looking into the guest: reading its memory through its own page tables
 * (QEMU's SVM has no decode assists, so bchv fetches instruction bytes
 * itself), and injecting exceptions. */
#include "svm.h"
#include <bc/string.h>

#define PTE_P  1ull
#define PTE_PS 0x80ull
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define ADDR_MASK 0x000ffffffffff000ull

/* Guest-physical memory bchv may read: identity-mapped by head.S (below
 * 4 GiB) and not bchv's own. */
static bool phys_ok(u64 gpa, u32 len)
{
	return gpa < (1ull << 32) && len <= (1ull << 32) - gpa && !npt_is_hidden(gpa) &&
	       !npt_is_hidden(gpa + len - 1);
}

static bool read_phys(u64 gpa, void *out, u32 len)
{
	if (!phys_ok(gpa, len))
		return false;
	bc_memcpy(out, (const void *)(uintptr_t)gpa, len);
	return true;
}

/* Guest linear -> guest physical, in whatever paging mode the guest is in. */
static bool translate(const struct vmcb_save *s, u64 lin, u64 *gpa)
{
	if (!(s->cr0 & CR0_PG)) {
		*gpa = lin & 0xffffffffull;
		return true;
	}
	if (!(s->cr4 & CR4_PAE)) {               /* 32-bit paging */
		u32 pde, pte;
		if (!read_phys((s->cr3 & 0xfffff000u) + ((lin >> 22) & 0x3ff) * 4, &pde, 4) ||
		    !(pde & PTE_P))
			return false;
		if ((pde & PTE_PS) && (s->cr4 & CR4_PSE)) {
			*gpa = (pde & 0xffc00000u) | (lin & 0x3fffff);
			return true;
		}
		if (!read_phys((pde & 0xfffff000u) + ((lin >> 12) & 0x3ff) * 4, &pte, 4) ||
		    !(pte & PTE_P))
			return false;
		*gpa = (pte & 0xfffff000u) | (lin & 0xfff);
		return true;
	}
	int levels = (s->efer & EFER_LMA) ? ((s->cr4 & CR4_LA57) ? 5 : 4) : 3;
	u64 table = levels == 3 ? (s->cr3 & 0xffffffe0ull) : (s->cr3 & ADDR_MASK);
	for (int l = levels; l >= 1; l--) {
		u32 shift = 12 + 9 * (u32)(l - 1);
		u64 idx = levels == 3 && l == 3 ? (lin >> 30) & 3 : (lin >> shift) & 511, e;
		if (!read_phys(table + idx * 8, &e, 8) || !(e & PTE_P))
			return false;
		if (l == 1 || (l <= 3 && (e & PTE_PS) && !(levels == 3 && l == 3))) {
			u64 page = (1ull << shift) - 1;
			*gpa = (e & ADDR_MASK & ~page) | (lin & page);
			return true;
		}
		table = e & ADDR_MASK;
	}
	return false;
}

bool guest_read_linear(const struct vcpu *v, u64 lin, void *out, u32 len)
{
	u8 *o = out;
	while (len) {
		u32 n = BC_MIN(len, 4096 - (u32)(lin & 0xfff));
		u64 gpa;
		if (!translate(&v->vmcb->s, lin, &gpa) || !read_phys(gpa, o, n))
			return false;
		lin += n;
		o += n;
		len -= n;
	}
	return true;
}

void guest_inject(struct vcpu *v, u32 vector, bool has_err, u32 err)
{
	v->vmcb->c.event_inj = vector | SVM_EVT_EXCEPTION | SVM_EVT_VALID |
			       (has_err ? SVM_EVT_ERR | (u64)err << 32 : 0);
}

u32 guest_fetch_insn(const struct vcpu *v, u8 out[15], bool *long64)
{
	const struct vmcb_save *s = &v->vmcb->s;
	*long64 = (s->efer & EFER_LMA) && (s->cs.attrib & (1u << 9));   /* CS.L */
	u64 lin = s->cs.base + s->rip;
	if (!*long64)
		lin &= 0xffffffffull;
	u32 n = 0;
	while (n < 15 && guest_read_linear(v, lin + n, out + n, 1))
		n++;
	return n;
}
