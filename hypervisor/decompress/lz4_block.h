/* One LZ4 block, shared by the legacy frame (lz4.c) and the frame format
 * (lz4_frame.c). */
#ifndef BC_LZ4_BLOCK_H
#define BC_LZ4_BLOCK_H
#include "decompress.h"

#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_FRAME_MAGIC 0x184D2204u
#define LZ4_SKIPPABLE_MAGIC 0x184D2A50u   /* low four bits free */
#define LZ4_SKIPPABLE_MASK 0xFFFFFFF0u

struct lz4_block {
	const u8 *ip, *iend;
	u8 *op, *oend;
	u8 *start;          /* matches may not reach before this output byte */
	const char *msg;
};

/* Decodes the block [ip, iend) to op, at most to oend; a BC_DC_* status
 * with b->msg set on failure. */
int bc_lz4_block(struct lz4_block *b);

/* One lz4 frame-format frame at IN (its magic checked by the caller). */
int bc_lz4_frame(const u8 *in, size_t in_len, u8 *out, size_t out_cap, struct bc_dc_result *res);

#endif
