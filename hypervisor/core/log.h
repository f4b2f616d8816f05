/* The hypervisor's console log: each line starts with a timestamp taken
 * from the TSC, and is dropped when its level is above `loglvl=`. */
#ifndef BCHV_LOG_H
#define BCHV_LOG_H
#include <bc/types.h>

enum hv_log_level {
	LOG_NONE = 0,   /* loglvl=none: nothing at all */
	LOG_ERR,
	LOG_WARN,
	LOG_INFO,       /* default */
	LOG_DEBUG,      /* loglvl=debug or all */
};

void hv_log_set_level(enum hv_log_level level);
void hv_log_set_console(bool enabled);
void hv_log(enum hv_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether a fatal error reboots (default) or halts (`noreboot`). */
void hv_set_noreboot(bool noreboot);
/* Print the reason, then halt or reboot. Never returns. */
_Noreturn void hv_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void hv_fatal_stop(void);

#endif
