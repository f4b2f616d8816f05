/* Leave long mode and enter a PVH kernel at its 32-bit physical entry.
 *
 * void arch_pvh_enter(u32 entry, u32 start_info): never returns.
 * The PVH ABI wants: protected mode with paging off, flat 4 GiB CS/DS/ES/SS,
 * CR0 = PE|ET, CR4 = 0, EFLAGS.IF = 0, EBX = start_info's physical address.
 * Runs from the identity map, so turning paging off does not move the code. */
#include "layout.h"

	.text
	.code64
	.globl arch_pvh_enter
arch_pvh_enter:
	cli
	movl %edi, %ebp                 /* entry: kept in a 32-bit register */
	movl %esi, %ebx                 /* start_info, where the ABI wants it */
	/* far return into the 32-bit code segment (compatibility mode) */
	pushq $GDT_CODE32
	pushq $1f
	lretq
	.code32
1:	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0                 /* paging off: long mode is now inactive */
	movl $MSR_EFER, %ecx
	rdmsr
	andl $~EFER_LME, %eax
	wrmsr
	xorl %eax, %eax
	movl %eax, %cr4
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $(CR0_PE | CR0_ET), %eax
	movl %eax, %cr0
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %esp, %esp
	jmp *%ebp
