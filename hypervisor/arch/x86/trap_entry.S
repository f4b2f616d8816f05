/* Stubs for the 32 exception vectors: each pushes a uniform frame
 * (vector, error code or 0) and calls arch_trap() in C, which reports and
 * halts. An exception in the hypervisor is always fatal. */
	.text
	.code64

.macro stub vec, has_error
	.align 16
trap_\vec:
	.if !\has_error
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

trap_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rbx
	pushq %rbp
	pushq %rsi
	pushq %rdi
	movq %rsp, %rdi                 /* struct trap_frame * */
	andq $~15, %rsp
	call arch_trap
1:	cli
	hlt
	jmp 1b

	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0

/* Vector 0xFF on a parked application processor: bchv's wake-up IPI (and
 * the APIC's spurious vector). Acknowledge it and return to the HLT loop. */
	.globl ap_wake_stub
ap_wake_stub:
	pushq %rax
	movq apic_eoi_reg(%rip), %rax
	movl $0, (%rax)
	popq %rax
	iretq

/* NMI: bchv takes one only to dismiss it (after a vCPU's NMI exit, see
 * svm/exits.c); it is counted so the taker knows it has arrived. */
	.globl nmi_stub
nmi_stub:
	lock incq arch_nmi_count(%rip)
	iretq

	.data
	.align 8
	.globl arch_nmi_count
arch_nmi_count:
	.quad 0

	.section .rodata
	.align 8
	.globl trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_\v
	.endr
