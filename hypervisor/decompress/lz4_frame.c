/* lz4 frame format (what `lz4` writes by default; lz4's doc/lz4_Frame_format.md).
 *
 * Frame: magic 0x184D2204, descriptor (FLG, BD, optional content size and
 * dictionary ID, header checksum), blocks (LE32 size whose top bit marks a
 * stored block, data, optional block checksum), a zero EndMark, an optional
 * content checksum. Checksums are XXH32 with seed 0. Linked blocks may copy
 * from the frame's earlier output, which is all in OUT. */
#include "lz4_block.h"
#include <bc/string.h>

enum {
	FLG_VERSION = 0xC0, FLG_INDEPENDENT = 0x20, FLG_BLOCK_SUM = 0x10, FLG_SIZE = 0x08,
	FLG_CONTENT_SUM = 0x04, FLG_RESERVED = 0x02, FLG_DICT_ID = 0x01,
};
#define STORED_BIT 0x80000000u

/* ---- XXH32 ------------------------------------------------------------------ */

#define P1 2654435761u
#define P2 2246822519u
#define P3 3266489917u
#define P4 668265263u
#define P5 374761393u

static inline u32 rotl(u32 x, unsigned r)
{
	return (x << r) | (x >> (32 - r));
}

static inline u32 round32(u32 acc, u32 lane)
{
	return rotl(acc + lane * P2, 13) * P1;
}

static u32 xxh32(const u8 *p, size_t len)
{
	const u8 *end = p + len;
	u32 h;
	if (len >= 16) {
		u32 v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0u - P1;
		for (; end - p >= 16; p += 16) {
			v1 = round32(v1, bc_le32(p));
			v2 = round32(v2, bc_le32(p + 4));
			v3 = round32(v3, bc_le32(p + 8));
			v4 = round32(v4, bc_le32(p + 12));
		}
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
	} else {
		h = P5;
	}
	h += (u32)len;
	for (; end - p >= 4; p += 4)
		h = rotl(h + bc_le32(p) * P3, 17) * P4;
	for (; p < end; p++)
		h = rotl(h + *p * P5, 11) * P1;
	h ^= h >> 15;
	h *= P2;
	h ^= h >> 13;
	h *= P3;
	return h ^ (h >> 16);
}

/* ---- frame -------------------------------------------------------------------- */

struct frame {
	u8 flg;
	size_t block_max;
	u64 content_size;
	size_t pos;         /* first block */
};

static int fail(struct bc_dc_result *res, size_t pos, int status, const char *msg)
{
	res->in_used = pos;
	res->msg = msg;
	return status;
}

static int read_descriptor(const u8 *in, size_t in_len, struct frame *f, struct bc_dc_result *res)
{
	static const u32 block_max[8] = { 0, 0, 0, 0, 64u << 10, 256u << 10, 1u << 20, 4u << 20 };
	if (in_len < 7)
		return fail(res, 0, BC_DC_TRUNCATED, "lz4: input ends inside the frame descriptor");
	f->flg = in[4];
	u8 bd = in[5];
	if ((f->flg & FLG_VERSION) != 0x40)
		return fail(res, 0, BC_DC_CORRUPT, "lz4: frame version is not 01");
	if ((f->flg & FLG_RESERVED) || (bd & 0x8F))
		return fail(res, 0, BC_DC_CORRUPT, "lz4: reserved frame descriptor bits set");
	f->block_max = block_max[(bd >> 4) & 7];
	if (!f->block_max)
		return fail(res, 0, BC_DC_CORRUPT, "lz4: invalid block maximum size");
	size_t hc = 6 + ((f->flg & FLG_SIZE) ? 8 : 0) + ((f->flg & FLG_DICT_ID) ? 4 : 0);
	if (in_len <= hc)
		return fail(res, 0, BC_DC_TRUNCATED, "lz4: input ends inside the frame descriptor");
	if (((xxh32(in + 4, hc - 4) >> 8) & 0xFF) != in[hc])
		return fail(res, 0, BC_DC_CHECKSUM, "lz4: frame descriptor checksum mismatch");
	if (f->flg & FLG_DICT_ID)
		return fail(res, 0, BC_DC_UNSUPPORTED, "lz4: frame needs a dictionary (unsupported)");
	f->content_size = (f->flg & FLG_SIZE) ? bc_le64(in + 6) : 0;
	f->pos = hc + 1;
	return BC_DC_OK;
}

/* Decodes or copies one block of SIZE bytes at IN[pos] to *OP. */
static int one_block(const struct frame *f, const u8 *src, u32 size, bool stored, u8 *frame_out,
		     u8 **op, u8 *oend, const char **msg)
{
	size_t room = (size_t)(oend - *op);
	if (stored) {
		if (size > room) {
			*msg = "lz4: output larger than the buffer";
			return BC_DC_OUTPUT_FULL;
		}
		bc_memcpy(*op, src, size);
		*op += size;
		return BC_DC_OK;
	}
	struct lz4_block b = {
		.ip = src, .iend = src + size, .op = *op,
		.oend = *op + BC_MIN(room, f->block_max),
		.start = (f->flg & FLG_INDEPENDENT) ? *op : frame_out,
	};
	int st = bc_lz4_block(&b);
	if (st == BC_DC_OUTPUT_FULL && room > f->block_max) {
		st = BC_DC_CORRUPT;
		b.msg = "lz4: block decodes to more than the frame's block size";
	}
	*msg = b.msg;
	*op = b.op;
	return st;
}

int bc_lz4_frame(const u8 *in, size_t in_len, u8 *out, size_t out_cap, struct bc_dc_result *res)
{
	struct frame f;
	int st = read_descriptor(in, in_len, &f, res);
	if (st != BC_DC_OK)
		return st;
	size_t pos = f.pos, sum_len = (f.flg & FLG_BLOCK_SUM) ? 4 : 0;
	u8 *op = out, *const oend = out + out_cap;
	for (;;) {
		if (in_len - pos < 4)
			return fail(res, pos, BC_DC_TRUNCATED, "lz4: input ends inside a block size");
		u32 word = bc_le32(in + pos), size = word & ~STORED_BIT;
		pos += 4;
		if (word == 0)
			break;
		if (size > f.block_max)
			return fail(res, pos, BC_DC_CORRUPT, "lz4: block larger than the frame's block size");
		if (size + sum_len > in_len - pos)
			return fail(res, pos, BC_DC_TRUNCATED, "lz4: input ends inside a block");
		if (sum_len && xxh32(in + pos, size) != bc_le32(in + pos + size))
			return fail(res, pos, BC_DC_CHECKSUM, "lz4: block checksum mismatch");
		const char *msg = NULL;
		st = one_block(&f, in + pos, size, word & STORED_BIT, out, &op, oend, &msg);
		res->out_len = (size_t)(op - out);
		if (st != BC_DC_OK)
			return fail(res, pos, st, msg);
		pos += size + sum_len;
	}
	res->out_len = (size_t)(op - out);
	if ((f.flg & FLG_SIZE) && f.content_size != res->out_len)
		return fail(res, pos, BC_DC_CHECKSUM, "lz4: content size differs from the frame header");
	if (f.flg & FLG_CONTENT_SUM) {
		if (in_len - pos < 4)
			return fail(res, pos, BC_DC_TRUNCATED, "lz4: input ends inside the content checksum");
		if (xxh32(out, res->out_len) != bc_le32(in + pos))
			return fail(res, pos, BC_DC_CHECKSUM, "lz4: content checksum mismatch");
		pos += 4;
	}
	res->in_used = pos;
	res->msg = NULL;
	return BC_DC_OK;
}
