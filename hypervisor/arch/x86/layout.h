/* Constants shared by the assembly entry code and C: GDT selectors, control
 * register bits, and where the image is linked. */
#ifndef BCHV_X86_LAYOUT_H
#define BCHV_X86_LAYOUT_H

#define HV_LINK_ADDR    0x200000      /* below Linux's 16 MiB load address */
#define BOOT_STACK_SIZE 0x10000
#define AP_MAX          7             /* application processors bchv runs */
#define AP_STACK_SHIFT  14            /* 16 KiB each */
#define AP_TRAMP_ADDR   0x8000        /* real-mode start page, below 1 MiB */
#define AP_WAKE_VECTOR  0xff          /* IPI that wakes a parked AP (also spurious) */

#define GDT_CODE32 0x08
#define GDT_DATA   0x10
#define GDT_CODE64 0x18
#define GDT_TSS    0x20       /* 16-byte long mode TSS descriptor */

#define CR0_PE  (1 << 0)
#define CR0_ET  (1 << 4)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)

#ifdef __ASSEMBLY__
/* The data segments C code runs with: DS, ES and SS flat (GDT_DATA), FS and
 * GS null. Clobbers EAX. */
.macro LOAD_DATA_SEGMENTS
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
.endm

/* From 32-bit protected mode onto the boot page tables (head.S), then a
 * far jump to TARGET in the 64-bit code segment. */
.macro ENTER_LONG_MODE target
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $GDT_CODE64, $\target
.endm
#endif

#endif
