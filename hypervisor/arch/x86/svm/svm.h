/* Internals of the SVM backend shared by its files. */
#ifndef BCHV_SVM_SVM_H
#define BCHV_SVM_SVM_H
#include "vmcb.h"
#include "../virt.h"

#define MSR_APIC_BASE   0x1bu
#define MSR_SYSCFG      0xc0010010u    /* DRAM/MMIO routing: MTRR fixed-range RdDram, TOM2 */
#define MSR_TOP_MEM     0xc001001au    /* the DRAM/MMIO split below 4 GiB */
#define MSR_TOP_MEM2    0xc001001du    /* and above it */
#define MSR_VM_CR       0xc0010114u
#define MSR_VM_HSAVE_PA 0xc0010117u
#define VM_CR_SVMDIS    (1u << 4)

/* Guest registers VMRUN does not switch (RAX, RSP, RIP live in the VMCB).
 * vmrun.S depends on this order. */
struct guest_regs {
	u64 rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(__builtin_offsetof(struct guest_regs, rdi) == 32 &&
	       __builtin_offsetof(struct guest_regs, r15) == 104, "vmrun.S's GUEST_GPRS offsets");

struct vcpu {
	struct vmcb *vmcb;
	struct guest_regs regs;
	u64 vmcb_pa, host_pa;
	bool stepping, guest_tf;   /* single-stepping a write to hidden memory */
};

/* vmrun.S: load REGS, VMLOAD + VMRUN + VMSAVE the guest VMCB, store REGS,
 * VMLOAD the host's FS/GS/TR from HOST_PA. */
void svm_vmrun(struct guest_regs *regs, u64 vmcb_pa, u64 host_pa);

/* npt.c: identity nested page tables over [0, top) minus [hide_lo, hide_hi);
 * returns N_CR3. Hidden pages are absent until npt_hidden_readable(). */
u64 npt_build(u64 top, u64 hide_lo, u64 hide_hi);
void npt_hidden_readable(void);           /* hidden pages read as all ones */
void npt_hidden_sink(u64 gpa);            /* this hidden page takes (and drops) writes */
bool npt_is_hidden(u64 gpa);
u64 npt_top(void);
void npt_trap_writes(u64 addr);           /* its 2 MiB read-only (the local APIC) */

/* apic.c: dom0's local APIC writes; svm.c: the INIT/STARTUP IPIs among them */
void svm_apic_trap(u64 base);
bool svm_apic_trapped(u64 gpa);
void svm_apic_write(struct vcpu *v, u64 gpa);
#define IPI_ALL          0xffffffffu   /* destinations besides an APIC ID */
#define IPI_ALL_BUT_SELF 0xfffffffeu
void svm_virtual_ipi(struct vcpu *from, u32 dest, bool startup, u32 vector);
/* svm.c: an INIT from dom0 waits for this vCPU's next exit (an NMI exit) */
bool svm_init_pending(struct vcpu *v);
void svm_vcpu_restart(struct vcpu *v);   /* wait for STARTUP, then start over */

/* exits.c */
void svm_exits_init(const struct virt_dom0 *d, u16 pm1[2]);   /* the ACPI power-off ports */
void svm_handle_exit(struct vcpu *v);
void svm_exit_summary(void);             /* counts by exit reason, exits per second */

/* guest.c: reads guest memory at a linear address through the guest's paging. */
bool guest_read_linear(const struct vcpu *v, u64 lin, void *out, u32 len);
void guest_inject(struct vcpu *v, u32 vector, bool has_err, u32 err);
/* Up to 15 bytes at CS:RIP (fewer where the guest's mapping ends): the count. */
u32 guest_fetch_insn(const struct vcpu *v, u8 out[15], bool *long64);

#endif
