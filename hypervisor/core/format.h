/* printf-style formatting for freestanding code (no <stdarg.h> available:
 * the compiler's builtins provide the variadic machinery). */
#ifndef BCHV_FORMAT_H
#define BCHV_FORMAT_H
#include <bc/types.h>

typedef __builtin_va_list bc_va_list;
#define bc_va_start(ap, last) __builtin_va_start(ap, last)
#define bc_va_end(ap)         __builtin_va_end(ap)
#define bc_va_arg(ap, type)   __builtin_va_arg(ap, type)

/* Supports %d %i %u %x %X %p %s %c %% with flags '-', '0', '#',  a width,
 * a precision for %s (".N" or ".*"),
 * and the length modifiers l, ll, z. Always NUL-terminates when size > 0;
 * returns the length the full output would have had. */
size_t bc_vsnprintf(char *buf, size_t size, const char *fmt, bc_va_list ap);
size_t bc_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
