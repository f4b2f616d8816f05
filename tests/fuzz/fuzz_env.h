/* Shared by the fuzz targets: a malloc-backed decompressor environment with a
 * memory ceiling, so a header asking for a huge window fails with NOMEM
 * instead of exhausting libFuzzer's RSS limit. */
#ifndef FUZZ_ENV_H
#define FUZZ_ENV_H
#include <stdlib.h>
#include "hypervisor/decompress/decompress.h"

#define FUZZ_MEM_LIMIT ((size_t)96 << 20)

struct fuzz_mem {
	size_t used;
};

/* Each block is prefixed with its size so free can account for it. */
static void *fuzz_alloc(void *ctx, size_t n)
{
	struct fuzz_mem *m = ctx;
	if (n > FUZZ_MEM_LIMIT - m->used)
		return NULL;
	size_t *p = malloc(n + sizeof(size_t));
	if (!p)
		return NULL;
	*p = n;
	m->used += n;
	return p + 1;
}

static void fuzz_free(void *ctx, void *ptr)
{
	struct fuzz_mem *m = ctx;
	if (!ptr)
		return;
	size_t *p = (size_t *)ptr - 1;
	m->used -= *p;
	free(p);
}

static inline struct bc_dc_env fuzz_env(struct fuzz_mem *m)
{
	m->used = 0;
	return (struct bc_dc_env){ .alloc = fuzz_alloc, .free = fuzz_free, .ctx = m };
}

#endif
