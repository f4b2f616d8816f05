/* Ending the hypervisor: halt for good, or reset the machine. */
#include "io.h"
#include "arch.h"

_Noreturn void arch_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

_Noreturn void arch_reboot(void)
{
	cli();
	outb(0xcf9, 0x02);                    /* PCI reset control: prepare... */
	outb(0xcf9, 0x06);                    /* ...then a hard reset */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		cpu_relax();
	outb(0x64, 0xfe);                     /* keyboard controller reset line */
	/* Both failed: stop rather than provoke a triple fault. */
	arch_halt();
}
