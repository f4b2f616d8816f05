/* What the portable core of the hypervisor needs from the x86 code. */
#ifndef BCHV_X86_ARCH_H
#define BCHV_X86_ARCH_H
#include <bc/types.h>

/* COM1, polled; writes before init are dropped. '\n' becomes "\r\n". */
void arch_serial_init(void);
void arch_serial_write(const char *s, size_t len);

/* TSC time base, calibrated against the PIT. */
void arch_time_init(void);
u64 arch_time_ns(void);            /* since the CPU's TSC started */
u32 arch_tsc_khz(void);
bool arch_time_calibrated(void);   /* false: the PIT did not answer, a guess is used */

/* Exception handlers that report and halt instead of triple-faulting. */
void arch_traps_init(void);
void arch_traps_ap_init(void);     /* the same IDT on an application processor */

/* Starts every other CPU into bchv (INIT/STARTUP broadcast); each ends in
 * virt_ap_main(). Waits for EXPECTED of them (0: unknown, a short wait);
 * returns how many arrived. Needs AP_TRAMP_ADDR to be free RAM. */
u32 arch_start_aps(u32 expected);
/* On an AP: sleep until (*WORD & MASK); arch_ap_wake(its APIC ID) wakes it to look. */
void arch_ap_park(volatile u32 *word, u32 mask);
void arch_ap_wake(u32 apic_id);
/* A real NMI to the CPU with that APIC ID (to make a running vCPU exit). */
void arch_cpu_nmi(u32 apic_id);
/* NMIs bchv itself took (counted and dismissed: it takes them only on purpose). */
extern volatile u64 arch_nmi_count;

_Noreturn void arch_halt(void);
_Noreturn void arch_reboot(void);

/* Leave long mode and jump to a PVH kernel's 32-bit entry with EBX = start_info. */
_Noreturn void arch_pvh_enter(u32 entry, u32 start_info);

/* Bounds of the loaded image, bss included (from the linker script). */
extern char __image_start[], __image_end[];

#endif
