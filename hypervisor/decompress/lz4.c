/* lz4 legacy frame (`lz4 -l`, what the kernel build uses); the frame format
 * `lz4` writes by default is read by lz4_frame.c.
 *
 * Frame: magic 0x184C2102 (LE), then blocks, each a LE32 compressed size and
 * an independent LZ4 block that decodes to at most 8 MiB. There is no end
 * marker: the stream ends at the end of the input or where a frame-format or
 * skippable frame starts (as lz4 reads it), and a repeated magic
 * (concatenated frames) is skipped. The kernel build appends a LE32 size
 * word: a final 4-byte word equal to the size decoded, or too large to be a
 * block size, is taken as that trailer and is not counted in in_used.
 */
#include "decompress.h"
#include "lz4_block.h"
#include "lzcopy.h"
#include <bc/string.h>

#define LZ4_LEGACY_BLOCK (8u << 20)
/* LZ4_compressBound(8 MiB): the largest block the format can hold */
#define LZ4_LEGACY_BOUND (LZ4_LEGACY_BLOCK + LZ4_LEGACY_BLOCK / 255 + 16)


/* Adds 255-terminated length bytes to *LEN; false if the block ends first. */
static inline bool read_length(const u8 **ipp, const u8 *iend, size_t *len)
{
	const u8 *ip = *ipp;
	u8 byte;
	do {
		if (ip == iend)
			return false;
		byte = *ip++;
		*len += byte;
	} while (byte == 255);
	*ipp = ip;
	return true;
}

/* Copies N bytes in words; the caller guarantees N + 8 bytes of room in
 * both buffers (the last word may run past N). */
static inline void wild_copy(u8 *dst, const u8 *src, size_t n)
{
	size_t i = 0;
	for (; i + 8 < n; i += 16)
		lz_copy16(dst + i, src + i);
	if (i < n)
		lz_store64(dst + i, lz_load64(src + i));
}

/* Decodes one LZ4 block: sequences of literals and a match, the last one
 * literals only, ending exactly at the end of the block. Works on locals
 * (not through B) so byte stores cannot alias the cursors. */
int bc_lz4_block(struct lz4_block *b)
{
	const u8 *ip = b->ip, *const iend = b->iend;
	u8 *op = b->op, *const oend = b->oend, *const start = b->start;
	/* the fast path needs 18 input bytes after the token (16 literal bytes
	 * read at once, the offset) and 48 bytes of output room */
	const u8 *const ilimit = iend - ip > 18 ? iend - 18 : ip;
	const u8 *const olimit = oend - op > 48 ? oend - 47 : op;
	int st = BC_DC_OK;
	const char *msg = NULL;
	for (;;) {
		size_t lit, len, dist;
		if (__builtin_expect(ip < ilimit && op < olimit, 1)) {
			u8 token = *ip++;
			lit = token >> 4;
			len = token & 15;
			if (__builtin_expect(lit != 15, 1)) {
				lz_store64(op, lz_load64(ip));
				lz_store64(op + 8, lz_load64(ip + 8));
				ip += lit;
				op += lit;
				dist = bc_le16(ip);
				ip += 2;
				if (__builtin_expect(len != 15 && dist >= 8 && dist <= (size_t)(op - start), 1)) {
					/* word loads: a recent match or literal copy is
					 * still in the store buffer, and a word is more
					 * likely than 16 bytes to be forwarded from it */
					const u8 *src = op - dist;
					lz_store64(op, lz_load64(src));
					lz_store64(op + 8, lz_load64(src + 8));
					lz_store64(op + 16, lz_load64(src + 16));
					op += len + 4;
					continue;
				}
				goto match;
			}
		} else {
			if (ip == iend) {
				st = BC_DC_CORRUPT;
				msg = "lz4: block does not end with literals";
				break;
			}
			u8 token = *ip++;
			lit = token >> 4;
			len = token & 15;
		}
		if (lit == 15 && !read_length(&ip, iend, &lit)) {
			st = BC_DC_CORRUPT;
			msg = "lz4: block ends inside a literal length";
			break;
		}
		if (lit > (size_t)(iend - ip)) {
			st = BC_DC_CORRUPT;
			msg = "lz4: literals run past the block end";
			break;
		}
		if (lit > (size_t)(oend - op)) {
			st = BC_DC_OUTPUT_FULL;
			msg = "lz4: output larger than the buffer";
			break;
		}
		if ((size_t)(iend - ip) >= lit + 8 && (size_t)(oend - op) >= lit + 8)
			wild_copy(op, ip, lit);
		else
			bc_memcpy(op, ip, lit);
		ip += lit;
		op += lit;
		if (ip == iend)
			break;      /* the last sequence: literals only */
		if (iend - ip < 2) {
			st = BC_DC_CORRUPT;
			msg = "lz4: block ends inside a match offset";
			break;
		}
		dist = bc_le16(ip);
		ip += 2;
match:
		if (dist == 0 || dist > (size_t)(op - start)) {
			st = BC_DC_CORRUPT;
			msg = "lz4: match offset before the block start";
			break;
		}
		if (len == 15 && !read_length(&ip, iend, &len)) {
			st = BC_DC_CORRUPT;
			msg = "lz4: block ends inside a match length";
			break;
		}
		len += 4;
		if (len > (size_t)(oend - op)) {
			st = BC_DC_OUTPUT_FULL;
			msg = "lz4: output larger than the buffer";
			break;
		}
		lz_copy_match(op, dist, len, oend);
		op += len;
	}
	b->ip = ip;
	b->op = op;
	b->msg = msg;
	return st;
}

static int fail(struct bc_dc_result *res, size_t pos, int status, const char *msg)
{
	res->in_used = pos;
	res->msg = msg;
	return status;
}

static int lz4_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			  const struct bc_dc_env *env, struct bc_dc_result *res)
{
	(void)env;   /* the output buffer is the only memory LZ4 needs */
	res->out_len = 0;
	res->msg = NULL;
	if (in_len < 4)
		return fail(res, 0, BC_DC_TRUNCATED, "lz4: input ends inside the magic");
	if (bc_le32(in) == LZ4_FRAME_MAGIC)
		return bc_lz4_frame(in, in_len, out, out_cap, res);
	if (bc_le32(in) != LZ4_LEGACY_MAGIC)
		return fail(res, 0, BC_DC_CORRUPT, "lz4: not a legacy lz4 frame");
	size_t pos = 4;
	u8 *op = out, *const oend = out + out_cap;
	while (pos < in_len) {
		size_t rem = in_len - pos;
		if (rem < 4)
			return fail(res, pos, BC_DC_TRUNCATED, "lz4: input ends inside a block size");
		u32 size = bc_le32(in + pos);
		if (size == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (size == LZ4_FRAME_MAGIC || (size & LZ4_SKIPPABLE_MASK) == LZ4_SKIPPABLE_MAGIC)
			break;
		/* the kernel build's size trailer: the decoded size, or a word no
		 * block size can be (what lz4 itself takes as the end of the
		 * frame); anything else is a block whose data is missing */
		if (rem == 4 && (size == (u32)(op - out) || size > LZ4_LEGACY_BOUND))
			break;
		if (size == 0 || size > LZ4_LEGACY_BOUND)
			return fail(res, pos, BC_DC_CORRUPT, "lz4: impossible block size");
		if (size > rem - 4)
			return fail(res, pos, BC_DC_TRUNCATED, "lz4: input ends inside a block");
		size_t room = (size_t)(oend - op);
		struct lz4_block b = {
			.ip = in + pos + 4, .iend = in + pos + 4 + size,
			.op = op, .start = op, .oend = op + BC_MIN(room, (size_t)LZ4_LEGACY_BLOCK),
		};
		int st = bc_lz4_block(&b);
		res->out_len = (size_t)(b.op - out);
		if (st == BC_DC_OUTPUT_FULL && room > LZ4_LEGACY_BLOCK) {
			st = BC_DC_CORRUPT;
			b.msg = "lz4: block decodes to more than 8 MiB";
		}
		if (st != BC_DC_OK)
			return fail(res, pos, st, b.msg);
		op = b.op;
		pos += 4 + size;
	}
	res->in_used = pos;
	return BC_DC_OK;
}

/* The legacy frame the kernel uses, or the frame format lz4 writes by default. */
static bool lz4_probe(const u8 *in, size_t in_len)
{
	return in_len >= 4 && (bc_le32(in) == LZ4_LEGACY_MAGIC || bc_le32(in) == LZ4_FRAME_MAGIC);
}

const struct bc_decompressor bc_dc_lz4 = {
	.name = "lz4", .magic = (const u8 *)"\x02\x21\x4c\x18", .magic_len = sizeof("\x02\x21\x4c\x18") - 1,
	.probe = lz4_probe, .decompress = lz4_decompress,
};
