/* dom0's writes to its local APIC. The 2 MiB holding the xAPIC page is
 * read-only in the nested tables, so each write exits here: bchv decodes
 * the store (QEMU's SVM gives no decode assist), performs it on the real
 * APIC, and skips the instruction. INIT and STARTUP IPIs are the exception:
 * they start the vCPUs bchv parked (svm.c) and never reach the hardware,
 * so no CPU ever runs outside SVM. */
#include "svm.h"
#include "../../../core/log.h"

#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310

static u64 trapped_base;               /* 2 MiB aligned; 0: none */

void svm_apic_trap(u64 base) { trapped_base = base; }
bool svm_apic_trapped(u64 gpa) { return trapped_base && (gpa & ~0x1fffffull) == trapped_base; }

static u64 *gpr(struct vcpu *v, u32 r)
{
	struct guest_regs *g = &v->regs;
	u64 *const regs[16] = {
		&v->vmcb->s.rax, &g->rcx, &g->rdx, &g->rbx, &v->vmcb->s.rsp, &g->rbp, &g->rsi, &g->rdi,
		&g->r8, &g->r9, &g->r10, &g->r11, &g->r12, &g->r13, &g->r14, &g->r15,
	};
	return regs[r & 15];
}

/* MOV r/m32, r32 (89 /r) and MOV r/m32, imm32 (C7 /0) to memory: the value
 * stored and the instruction's length. */
static bool decode_store(struct vcpu *v, u32 *val, u32 *len)
{
	u8 b[15];
	bool long64;
	u32 n = guest_fetch_insn(v, b, &long64), i = 0, rex = 0;
	while (i < n && (b[i] == 0x2e || b[i] == 0x3e || b[i] == 0x26 || b[i] == 0x36 ||
			 b[i] == 0x64 || b[i] == 0x65))
		i++;                                  /* segment prefixes (flat anyway) */
	if (long64 && i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i + 2 > n || (rex & 8))
		return false;                         /* only 32-bit stores */
	u8 op = b[i++], modrm = b[i++];
	u32 mod = modrm >> 6, rm = modrm & 7, reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
	if (mod == 3)
		return false;
	if (rm == 4) {
		if (i >= n)
			return false;
		if (mod == 0 && (b[i] & 7) == 5)
			i += 4;
		i++;
	} else if (mod == 0 && rm == 5) {
		i += 4;
	}
	i += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (op == 0x89) {
		*val = (u32)*gpr(v, reg);
	} else if (op == 0xc7 && (reg & 7) == 0) {
		if (i + 4 > n)
			return false;
		*val = (u32)b[i] | (u32)b[i + 1] << 8 | (u32)b[i + 2] << 16 | (u32)b[i + 3] << 24;
		i += 4;
	} else {
		return false;
	}
	if (i > n)
		return false;
	*len = i;
	return true;
}

void svm_apic_write(struct vcpu *v, u64 gpa)
{
	u32 val, len;
	if (!decode_store(v, &val, &len)) {
		hv_log(LOG_ERR, "svm: cannot decode dom0's store to its APIC at %#llx\n", gpa);
		guest_inject(v, 13, true, 0);
		return;
	}
	volatile u32 *reg = (volatile u32 *)(uintptr_t)(gpa & ~3ull);
	u32 mode = (val >> 8) & 7;
	if ((gpa & 0xfff) == APIC_ICR_LO && (mode == 5 || mode == 6)) {
		u32 shorthand = (val >> 18) & 3;
		bool deassert = mode == 5 && !(val & (1u << 14));
		u32 dest = *(volatile u32 *)(uintptr_t)((gpa & ~0xfffull) + APIC_ICR_HI) >> 24;
		if (!deassert && shorthand != 1)     /* INIT/STARTUP to itself: ignored */
			svm_virtual_ipi(v, shorthand == 3 ? IPI_ALL_BUT_SELF : shorthand == 2 ? IPI_ALL : dest,
					mode == 6, val & 0xff);
	} else {
		*reg = val;
	}
	v->vmcb->s.rip += len;
}
