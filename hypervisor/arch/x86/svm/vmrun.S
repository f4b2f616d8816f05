/* One guest run: void svm_vmrun(struct guest_regs *regs, u64 vmcb_pa, u64 host_pa).
 * VMRUN switches only RAX/RSP/RIP, the segments, control registers and
 * flags; the other general registers are swapped here, and VMLOAD/VMSAVE
 * swap FS/GS/TR/LDTR and the syscall MSRs, so bchv's own TSS (its IST
 * stacks) is back after every exit. bchv never sets GIF again: it takes no
 * interrupts; they stay pending and reach dom0 at the next VMRUN. */
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
	movq 0(%rdi), %rbx
	movq 8(%rdi), %rcx
	movq 16(%rdi), %rdx
	movq 24(%rdi), %rsi
	movq 40(%rdi), %rbp
	movq 48(%rdi), %r8
	movq 56(%rdi), %r9
	movq 64(%rdi), %r10
	movq 72(%rdi), %r11
	movq 80(%rdi), %r12
	movq 88(%rdi), %r13
	movq 96(%rdi), %r14
	movq 104(%rdi), %r15
	movq 32(%rdi), %rdi
	vmload %rax
	vmrun %rax
	vmsave %rax                     /* RAX is the guest VMCB again after #VMEXIT */
	pushq %rdi
	movq 16(%rsp), %rdi             /* regs, under guest RDI and host_pa */
	movq %rbx, 0(%rdi)
	movq %rcx, 8(%rdi)
	movq %rdx, 16(%rdi)
	movq %rsi, 24(%rdi)
	movq %rbp, 40(%rdi)
	movq %r8, 48(%rdi)
	movq %r9, 56(%rdi)
	movq %r10, 64(%rdi)
	movq %r11, 72(%rdi)
	movq %r12, 80(%rdi)
	movq %r13, 88(%rdi)
	movq %r14, 96(%rdi)
	movq %r15, 104(%rdi)
	popq %rax
	movq %rax, 32(%rdi)
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
