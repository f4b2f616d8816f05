/* Time from the TSC, its rate measured once against PIT channel 2 (the
 * channel whose gate software controls, so no interrupt is needed). */
#include "io.h"
#include "arch.h"

#define PIT_HZ        1193182u
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PORT_B        0x61          /* bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 out */
#define CALIBRATE_MS  10u
#define GUESS_KHZ     1000000u      /* used when the PIT never answers */

static u32 tsc_khz = GUESS_KHZ;
static bool calibrated;

void arch_time_init(void)
{
	u16 count = (u16)(PIT_HZ * CALIBRATE_MS / 1000);
	outb(PORT_B, (u8)((inb(PORT_B) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0);                  /* ch2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, (u8)(count & 0xff));
	outb(PIT_CH2, (u8)(count >> 8));
	u64 start = rdtsc();
	for (u32 spins = 0; spins < 50000000u; spins++) {
		if (inb(PORT_B) & 0x20) {
			u64 khz = (rdtsc() - start) / CALIBRATE_MS;
			if (khz) {
				tsc_khz = (u32)BC_MIN(khz, 0xffffffffull);
				calibrated = true;
			}
			return;
		}
	}
}

u64 arch_time_ns(void)
{
	u64 t = rdtsc();
	/* split to keep t * 1e6 from overflowing for long uptimes */
	return t / tsc_khz * 1000000ull + t % tsc_khz * 1000000ull / tsc_khz;
}

u32 arch_tsc_khz(void) { return tsc_khz; }
bool arch_time_calibrated(void) { return calibrated; }
