/* Console log with timestamps, and the one way out on fatal errors. */
#include "log.h"
#include "format.h"
#include "../arch/x86/arch.h"

static enum hv_log_level log_level = LOG_INFO;
static bool console_on = true;
static bool noreboot;
static bool at_line_start = true;

void hv_log_set_level(enum hv_log_level level) { log_level = level; }
void hv_log_set_console(bool enabled) { console_on = enabled; }
void hv_set_noreboot(bool value) { noreboot = value; }

/* "(bchv) [    1.234567] " before each line, as Xen's console_timestamps do */
static void write_prefix(void)
{
	char stamp[48];
	u64 ns = arch_time_ns();
	size_t n = bc_snprintf(stamp, sizeof(stamp), "(bchv) [%5llu.%06llu] ",
			       ns / 1000000000ull, ns % 1000000000ull / 1000);
	arch_serial_write(stamp, BC_MIN(n, sizeof(stamp) - 1));
}

static void log_write(const char *text, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (at_line_start) {
			write_prefix();
			at_line_start = false;
		}
		if (text[i] == '\n') {
			arch_serial_write(text + start, i + 1 - start);
			start = i + 1;
			at_line_start = true;
		}
	}
	if (start < len)
		arch_serial_write(text + start, len - start);
}

static void log_va(enum hv_log_level level, const char *fmt, bc_va_list ap)
{
	char line[512];
	if (!console_on || level > log_level)
		return;
	size_t n = bc_vsnprintf(line, sizeof(line), fmt, ap);
	log_write(line, BC_MIN(n, sizeof(line) - 1));
}

/* Several CPUs log: one line at a time. Bounded, so that a CPU faulting
 * while it holds the lock still gets its report out. */
static volatile u32 log_lock;

static void lock(void)
{
	for (u32 i = 0; i < 50000000u && __atomic_exchange_n(&log_lock, 1, __ATOMIC_ACQUIRE); i++)
		__asm__ volatile("pause");
}

static void unlock(void) { __atomic_store_n(&log_lock, 0, __ATOMIC_RELEASE); }

void hv_log(enum hv_log_level level, const char *fmt, ...)
{
	bc_va_list ap;
	bc_va_start(ap, fmt);
	lock();
	log_va(level, fmt, ap);
	unlock();
	bc_va_end(ap);
}

_Noreturn void hv_fatal_stop(void)
{
	/* Fatal errors are always shown, whatever loglvl= says. */
	if (log_level < LOG_ERR)
		log_level = LOG_ERR;
	if (noreboot) {
		hv_log(LOG_ERR, "System halted (noreboot).\n");
		arch_halt();
	}
	hv_log(LOG_ERR, "Rebooting (add 'noreboot' to the command line to halt instead).\n");
	arch_reboot();
}

_Noreturn void hv_fatal(const char *fmt, ...)
{
	bc_va_list ap;
	if (log_level < LOG_ERR)
		log_level = LOG_ERR;
	hv_log(LOG_ERR, "FATAL: ");
	bc_va_start(ap, fmt);
	log_va(LOG_ERR, fmt, ap);
	bc_va_end(ap);
	hv_fatal_stop();
}
