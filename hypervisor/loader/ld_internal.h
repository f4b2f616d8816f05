/* Shared by the loader's source files only. */
#ifndef BC_LD_INTERNAL_H
#define BC_LD_INTERNAL_H
#include "loader.h"

/* Record REASON as the last failure and return STATUS. */
int bc_ld_fail(int status, const char *reason);

/* True when [off, off + size) lies inside a buffer of LEN bytes (no overflow). */
static inline bool bc_ld_in_bounds(u64 off, u64 size, u64 len)
{
	return off <= len && size <= len - off;
}

static inline void bc_ld_put32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static inline void bc_ld_put64(u8 *p, u64 v)
{
	bc_ld_put32(p, (u32)v);
	bc_ld_put32(p + 4, (u32)(v >> 32));
}

#endif
