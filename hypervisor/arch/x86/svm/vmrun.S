/* One guest run: void svm_vmrun(struct guest_regs *regs, u64 vmcb_pa, u64 host_pa).
 * VMRUN switches only RAX/RSP/RIP, the segments, control registers and
 * flags; the other general registers are swapped here, and VMLOAD/VMSAVE
 * swap FS/GS/TR/LDTR and the syscall MSRs, so bchv's own TSS (its IST
 * stacks) is back after every exit. bchv never sets GIF again: it takes no
 * interrupts; they stay pending and reach dom0 at the next VMRUN. */

/* Each register of struct guest_regs but RDI (it holds REGS meanwhile) with
 * its offset there, given to the macro M. */
.macro GUEST_GPRS m
	\m rbx, 0
	\m rcx, 8
	\m rdx, 16
	\m rsi, 24
	\m rbp, 40
	\m r8, 48
	\m r9, 56
	\m r10, 64
	\m r11, 72
	\m r12, 80
	\m r13, 88
	\m r14, 96
	\m r15, 104
.endm
#define GUEST_RDI 32

.macro load_gpr reg, off
	movq \off(%rdi), %\reg
.endm
.macro store_gpr reg, off
	movq %\reg, \off(%rdi)
.endm

	.text
	.code64
	.globl svm_vmrun
svm_vmrun:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* regs */
	pushq %rdx                      /* host_pa */
	movq %rsi, %rax
	GUEST_GPRS load_gpr
	movq GUEST_RDI(%rdi), %rdi
	vmload %rax
	vmrun %rax
	vmsave %rax                     /* RAX is the guest VMCB again after #VMEXIT */
	pushq %rdi
	movq 16(%rsp), %rdi             /* regs, under guest RDI and host_pa */
	GUEST_GPRS store_gpr
	popq %rax
	movq %rax, GUEST_RDI(%rdi)
	popq %rax                       /* host_pa */
	vmload %rax
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
