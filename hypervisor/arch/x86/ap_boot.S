/* How bchv's application processors get to long mode: a STARTUP IPI sends
 * each to ap_tramp, copied below 1 MiB (AP_TRAMP_ADDR); it loads bchv's GDT
 * and jumps into the image in 32-bit mode; ap_entry32 reuses the boot
 * page tables, enters long mode, takes the next AP stack and calls
 * arch_ap_main(index). */
#include "layout.h"

	.section .rodata
	.code16
	.globl ap_tramp, ap_tramp_end
ap_tramp:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl ap_gdt_ptr - ap_tramp
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $GDT_CODE32, $ap_entry32
	.align 8
ap_gdt_ptr:
	.word 6 * 8 - 1
	.long boot_gdt
ap_tramp_end:

	.text
	.code32
ap_entry32:
	LOAD_DATA_SEGMENTS
	ENTER_LONG_MODE ap_long

	.code64
ap_long:
	LOAD_DATA_SEGMENTS
	movl $1, %eax
	lock xaddl %eax, ap_index(%rip)
	cmpl $AP_MAX, %eax
	jae 2f                          /* more CPUs than stacks: stay here */
	movl %eax, %edi
	incl %eax
	shll $AP_STACK_SHIFT, %eax
	leaq ap_stacks(%rip), %rsp
	addq %rax, %rsp
	call arch_ap_main
2:	cli
	hlt
	jmp 2b

	.data
	.align 4
ap_index: .long 0

	.bss
	.align 4096
ap_stacks: .skip AP_MAX << AP_STACK_SHIFT
