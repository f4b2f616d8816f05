/* Starting the application processors under bchv before dom0 exists, so
 * none of them is ever outside bchv's control: INIT, then STARTUP to the
 * trampoline (ap_boot.S), broadcast to all but this CPU. Each AP then
 * waits in the virtualization backend until dom0 starts it. */
#include "arch.h"
#include "io.h"
#include "layout.h"
#include "virt.h"
#include "../../core/log.h"
#include <bc/string.h>

#define MSR_APIC_BASE 0x1bu
#define APIC_ICR_LO   0x300
#define APIC_ICR_HI   0x310
#define APIC_SVR      0x0f0
#define ICR_BUSY      (1u << 12)
#define ICR_ALL_BUT_SELF (3u << 18)
#define ICR_INIT      0x4500u       /* INIT, level assert */
#define ICR_STARTUP   0x4600u
#define ICR_NMI       0x4400u

extern const u8 ap_tramp[], ap_tramp_end[];
static volatile u32 ap_arrived;

void arch_ap_main(u32 index);

static volatile u32 *apic_reg(u32 off)
{
	return (volatile u32 *)(uintptr_t)((rdmsr(MSR_APIC_BASE) & 0xfffff000u) + off);
}

static void delay_us(u64 us)
{
	u64 end = arch_time_ns() + us * 1000;
	while (arch_time_ns() < end)
		cpu_relax();
}

static void send_ipi(u32 lo)
{
	*apic_reg(APIC_ICR_HI) = 0;
	*apic_reg(APIC_ICR_LO) = lo;
	for (int i = 0; i < 100000 && (*apic_reg(APIC_ICR_LO) & ICR_BUSY); i++)
		cpu_relax();
}

extern u64 apic_eoi_reg;

u32 arch_start_aps(u32 expected)
{
	apic_eoi_reg = (uintptr_t)apic_reg(0xb0);
	bc_memcpy((void *)(uintptr_t)AP_TRAMP_ADDR, ap_tramp, (size_t)(ap_tramp_end - ap_tramp));
	send_ipi(ICR_ALL_BUT_SELF | ICR_INIT);
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		send_ipi(ICR_ALL_BUT_SELF | ICR_STARTUP | (AP_TRAMP_ADDR >> 12));
		delay_us(200);
	}
	/* the firmware's count when there is one, else whoever answers in 200 ms */
	u64 limit = arch_time_ns() + (expected ? 2000 : 200) * 1000000ull;
	while (arch_time_ns() < limit && (!expected || ap_arrived < expected))
		cpu_relax();
	return ap_arrived;
}

/* Waits with HLT (not spinning: under QEMU a spinning CPU takes a host
 * core from the others) until CONDITION holds; arch_ap_wake() wakes it. */
void arch_ap_park(volatile u32 *word, u32 mask)
{
	*apic_reg(APIC_SVR) = 0x100 | AP_WAKE_VECTOR;   /* APIC on: it takes the wake-up */
	while (!(__atomic_load_n(word, __ATOMIC_ACQUIRE) & mask))
		__asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* An IPI to one CPU, keeping dom0's destination in ICR_HI (it may be between
 * its two writes when its vCPU exits). */
static void ipi_to(u32 apic_id, u32 lo)
{
	u32 saved_hi = *apic_reg(APIC_ICR_HI);
	*apic_reg(APIC_ICR_HI) = apic_id << 24;
	*apic_reg(APIC_ICR_LO) = lo;                      /* physical destination */
	for (int i = 0; i < 100000 && (*apic_reg(APIC_ICR_LO) & ICR_BUSY); i++)
		cpu_relax();
	*apic_reg(APIC_ICR_HI) = saved_hi;
}

void arch_ap_wake(u32 apic_id) { ipi_to(apic_id, AP_WAKE_VECTOR); }
void arch_cpu_nmi(u32 apic_id) { ipi_to(apic_id, ICR_NMI); }

void arch_ap_main(u32 index)
{
	arch_traps_ap_init();
	u32 r[4];
	cpuid_count(1, 0, r);
	__atomic_fetch_add(&ap_arrived, 1, __ATOMIC_SEQ_CST);
	virt_ap_main(index, r[1] >> 24);
}
