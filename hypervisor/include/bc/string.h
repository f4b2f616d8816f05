/* Memory helpers for freestanding code. The host build links them from
 * hypervisor/lib/string.c too, so shared code never depends on libc. */
#ifndef BC_STRING_H
#define BC_STRING_H
#include <bc/types.h>

void *bc_memcpy(void *dst, const void *src, size_t n);
void *bc_memmove(void *dst, const void *src, size_t n);
void *bc_memset(void *dst, int c, size_t n);
int bc_memcmp(const void *a, const void *b, size_t n);
size_t bc_strlen(const char *s);
int bc_strcmp(const char *a, const char *b);
int bc_strncmp(const char *a, const char *b, size_t n);

#endif
