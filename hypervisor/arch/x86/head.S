/* Entry of the hypervisor image: the multiboot1 and multiboot2 headers, the
 * 32-bit entry both loaders jump to, the identity page tables, and the switch
 * to long mode before calling hv_main(magic, info) in C. */
#include "layout.h"

#define MB2_MAGIC      0xE85250D6
#define MB2_ARCH_I386  0
#define MB1_MAGIC      0x1BADB002
/* page-aligned modules, memory info, and the address fields below (so a
 * loader can place the image without reading the ELF64 headers) */
#define MB1_FLAGS      ((1 << 0) | (1 << 1) | (1 << 16))

	.section .multiboot, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* information request: command line, modules, memory map (all required) */
	.align 8
	.word 1, 0
	.long 8 + 3 * 4
	.long 1, 3, 6
	/* page-align modules */
	.align 8
	.word 6, 0
	.long 8
	/* end tag */
	.align 8
	.word 0, 0
	.long 8
mb2_header_end:

	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header          /* header_addr */
	.long __image_start       /* load_addr */
	.long __load_end          /* load_end_addr */
	.long __bss_end           /* bss_end_addr */
	.long _start              /* entry_addr */

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	/* The loader's GDT may be gone: load ours before touching segments. */
	lgdt gdt_desc
	ljmp $GDT_CODE32, $1f
1:	movl $GDT_DATA, %ecx
	movl %ecx, %ds
	movl %ecx, %es
	movl %ecx, %ss
	movl %ecx, %fs
	movl %ecx, %gs
	movl $boot_stack_top, %esp
	movl %eax, boot_magic
	movl %ebx, boot_info

	/* long mode is required: say so on COM1 instead of faulting */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> 4 page directories of 2 MiB pages:
	 * an identity map of the first 4 GiB (RAM, the MBI, modules, MMIO). */
	movl $boot_pdpt + 3, boot_pml4
	movl $boot_pd, %eax
	orl $3, %eax
	xorl %ecx, %ecx
2:	movl %eax, boot_pdpt(, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 2b
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                 /* present, writable, 2 MiB */
	movl %eax, boot_pd(, %ecx, 8)   /* high halves stay 0 (zeroed bss) */
	incl %ecx
	cmpl $2048, %ecx
	jb 3b

	/* The 2 MiB holding the image gets 4 KiB pages instead, so the page
	 * under the stack can stay unmapped: an overflow faults (and is
	 * reported from the IST stack) instead of overwriting these tables. */
	xorl %ecx, %ecx
4:	movl %ecx, %eax
	shll $12, %eax
	addl $HV_LINK_ADDR, %eax
	orl $3, %eax
	movl %eax, boot_pt(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jb 4b
	movl $boot_stack_guard - HV_LINK_ADDR, %eax
	shrl $9, %eax                   /* page number * 8: its entry's offset */
	movl $0, boot_pt(%eax)
	movl $boot_pt + 3, boot_pd + (HV_LINK_ADDR >> 21) * 8

	ENTER_LONG_MODE long_mode

no_long_mode:
	movl $no_lm_msg, %esi
4:	movb (%esi), %al
	testb %al, %al
	jz 6f
	movw $0x3fd, %dx                /* wait for the transmitter */
5:	inb %dx, %al
	testb $0x20, %al
	jz 5b
	movb (%esi), %al
	movw $0x3f8, %dx
	outb %al, %dx
	incl %esi
	jmp 4b
6:	hlt
	jmp 6b

	.code64
long_mode:
	LOAD_DATA_SEGMENTS
	movq $boot_stack_top, %rsp
	movl boot_magic(%rip), %edi
	movl boot_info(%rip), %esi
	call hv_main
7:	cli
	hlt
	jmp 7b

	.section .rodata
no_lm_msg:
	.asciz "bchv: this CPU has no long mode (x86-64); halting\r\n"

	.data
	.align 16
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* GDT_CODE32: flat 4 GiB, execute/read */
	.quad 0x00cf92000000ffff        /* GDT_DATA: flat 4 GiB, read/write */
	.quad 0x00af9a000000ffff        /* GDT_CODE64: long mode code */
	.quad 0, 0                      /* GDT_TSS: filled in by traps.c */
boot_gdt_end:
	.globl gdt_desc
gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.align 4
boot_magic: .long 0
boot_info:  .long 0

	.bss
	.align 4096
	.globl boot_pml4
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
boot_pt:    .skip 4096
	.globl boot_stack_guard
boot_stack_guard: .skip 4096            /* left unmapped */
boot_stack: .skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
