/* Match copying shared by the LZ77-family decoders (inflate, lz4, lzo).
 *
 * The output buffer is the window, so a match is a copy from DIST bytes back
 * in the same buffer. Word copies may write up to 7 bytes past the match end;
 * they are used only when that stays inside the output buffer (the bytes are
 * overwritten later or lie past out_len, both harmless).
 */
#ifndef BC_LZCOPY_H
#define BC_LZCOPY_H
#include <bc/types.h>

static inline u64 lz_load64(const void *p)
{
	u64 v;
	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline void lz_store64(void *p, u64 v)
{
	__builtin_memcpy(p, &v, 8);
}

/* 16 bytes at once: one vector move where the target has them. */
static inline void lz_copy16(void *dst, const void *src)
{
	__builtin_memcpy(dst, src, 16);
}

/* Copies LEN bytes from OP - DIST to OP. The caller has checked that
 * 1 <= DIST <= bytes already written and LEN <= OEND - OP. Words are copied
 * while a word of slack remains before OEND, single bytes after that. */
static inline void lz_copy_match(u8 *op, size_t dist, size_t len, const u8 *oend)
{
	const u8 *src = op - dist;
	u8 *const end = op + len;
	const u8 *limit = (size_t)(oend - end) >= 8 ? end
			  : (size_t)(oend - op) >= 8 ? oend - 8 : op;
	if (dist >= 16) {
		/* the second word of a pair may pass LIMIT: keep one pair of slack */
		while (limit - op > 8) {
			lz_copy16(op, src);
			op += 16;
			src += 16;
		}
		while (op < limit) {
			lz_store64(op, lz_load64(src));
			op += 8;
			src += 8;
		}
	} else if (dist >= 8) {
		while (op < limit) {
			lz_store64(op, lz_load64(src));
			op += 8;
			src += 8;
		}
	} else {
		/* period under a word: store a word holding the pattern at a stride
		 * that is a multiple of the period, so no load waits on a fresh store */
		static const u8 stride_for[8] = { 0, 8, 8, 6, 8, 5, 6, 7 };
		u8 pat[8];
		for (size_t i = 0, j = 0; i < 8; i++) {
			pat[i] = src[j];
			j = j + 1 == dist ? 0 : j + 1;
		}
		u64 w = lz_load64(pat);
		size_t stride = stride_for[dist];
		if (stride == 8) {
			while (limit - op > 8) {
				lz_store64(op, w);
				lz_store64(op + 8, w);
				op += 16;
			}
		}
		while (op < limit) {
			lz_store64(op, w);
			op += stride;
		}
	}
	for (; op < end; op++)
		*op = *(op - dist);	/* not op[-dist]: -dist on a size_t wraps */
}

#endif
