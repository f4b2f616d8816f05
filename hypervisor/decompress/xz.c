/* xz: one .xz stream as the kernel build writes it
 * (`xz --check=crc32 --x86 --lzma2=dict=32MiB`), and any other stream whose
 * blocks use LZMA2 alone or x86 BCJ + LZMA2 with check None, CRC32, CRC64 or
 * SHA-256.
 *
 * Layout: stream header (magic, 2 flag bytes, CRC32), blocks (header,
 * compressed data, zero padding to 4 bytes, check), index (records of
 * unpadded/uncompressed sizes, padding, CRC32), stream footer (CRC32,
 * backward size, flags, "YZ"). Bytes after the footer are not looked at. */
#include "decompress.h"
#include "lzma_core.h"
#include "bcj_x86.h"
#include "sha256.h"
#include <bc/crc.h>
#include <bc/string.h>

#define XZ_HEADER_SIZE 12
#define XZ_FOOTER_SIZE 12
#define XZ_CHECK_NONE 0
#define XZ_CHECK_CRC32 1
#define XZ_CHECK_CRC64 4
#define XZ_CHECK_SHA256 10
#define XZ_FILTER_X86 0x04
#define XZ_FILTER_LZMA2 0x21
#define XZ_VLI_MAX 0x7FFFFFFFFFFFFFFFull

struct xz_stream {
	const u8 *in;
	size_t in_len, ip;
	u8 *out;
	size_t out_cap, op;
	u8 flags[2];         /* stream flags, repeated in the footer */
	u32 check_type;
	size_t check_size;
	/* blocks as decoded, to compare with the index: count, and a CRC32
	 * over each (unpadded size, uncompressed size) pair */
	u64 blocks;
	u32 records_crc;
	const char *msg;
};

struct xz_block {
	size_t header_size;
	u64 csize, usize;     /* XZ_VLI_MAX + 1 when the header leaves them out */
	bool bcj;
	u32 bcj_start;
};

#define XZ_SIZE_ABSENT (XZ_VLI_MAX + 1)

static int fail(struct xz_stream *s, int status, const char *why)
{
	s->msg = why;
	return status;
}

/* Reads a variable-length integer from p[*pos..end): 7 bits a byte, low
 * first, at most 9 bytes, shortest form only. False if malformed or cut. */
static bool read_vli(const u8 *p, size_t end, size_t *pos, u64 *value)
{
	u64 v = 0;
	for (unsigned i = 0; i < 9; i++) {
		if (*pos >= end)
			return false;
		u8 b = p[(*pos)++];
		v |= (u64)(b & 0x7F) << (7 * i);
		if (!(b & 0x80)) {
			if (b == 0 && i > 0)
				return false;
			*value = v;
			return true;
		}
	}
	return false;
}

/* Size in bytes of the check field for check type ID (0..15). */
static size_t check_size_of(u32 id)
{
	static const u8 sizes[16] = { 0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64 };
	return sizes[id & 15];
}

static int parse_stream_header(struct xz_stream *s)
{
	const u8 *h = s->in;
	if (s->in_len < XZ_HEADER_SIZE)
		return fail(s, BC_DC_TRUNCATED, "xz: input shorter than the stream header");
	if (bc_memcmp(h, "\xfd" "7zXZ\x00", 6) != 0)
		return fail(s, BC_DC_CORRUPT, "xz: bad stream header magic");
	if (bc_crc32(0, h + 6, 2) != bc_le32(h + 8))
		return fail(s, BC_DC_CORRUPT, "xz: stream header CRC32 mismatch");
	if (h[6] != 0 || (h[7] & 0xF0) != 0)
		return fail(s, BC_DC_UNSUPPORTED, "xz: unknown stream flags");
	s->flags[0] = h[6];
	s->flags[1] = h[7];
	s->check_type = h[7] & 0x0F;
	s->check_size = check_size_of(s->check_type);
	if (s->check_type != XZ_CHECK_NONE && s->check_type != XZ_CHECK_CRC32 &&
	    s->check_type != XZ_CHECK_CRC64 && s->check_type != XZ_CHECK_SHA256)
		return fail(s, BC_DC_UNSUPPORTED,
			    "xz: integrity check type not supported (only none, CRC32, CRC64, SHA-256)");
	s->ip = XZ_HEADER_SIZE;
	return BC_DC_OK;
}

/* One filter-flags entry of a block header in h[*pos..end). */
static int parse_filter(struct xz_stream *s, struct xz_block *b, const u8 *h, size_t end,
			size_t *pos, bool last)
{
	u64 id, props_size;
	if (!read_vli(h, end, pos, &id) || !read_vli(h, end, pos, &props_size) ||
	    props_size > end - *pos)
		return fail(s, BC_DC_CORRUPT, "xz: malformed filter flags in a block header");
	const u8 *props = h + *pos;
	*pos += (size_t)props_size;

	if (id == XZ_FILTER_LZMA2) {
		if (!last)
			return fail(s, BC_DC_CORRUPT, "xz: LZMA2 is not the last filter of a block");
		if (props_size != 1 || (props[0] & 0xC0) || props[0] > 40)
			return fail(s, BC_DC_CORRUPT, "xz: invalid LZMA2 dictionary size");
		return BC_DC_OK;
	}
	if (id == XZ_FILTER_X86) {
		if (last || b->bcj)
			return fail(s, BC_DC_UNSUPPORTED, "xz: filter chain not supported");
		if (props_size != 0 && props_size != 4)
			return fail(s, BC_DC_CORRUPT, "xz: invalid x86 BCJ filter properties");
		b->bcj = true;
		b->bcj_start = props_size ? bc_le32(props) : 0;
		return BC_DC_OK;
	}
	return fail(s, BC_DC_UNSUPPORTED, "xz: filter not supported (only x86 BCJ and LZMA2)");
}

static int parse_block_header(struct xz_stream *s, struct xz_block *b)
{
	const u8 *h = s->in + s->ip;
	size_t avail = s->in_len - s->ip, pos = 2, end;
	int st;

	b->header_size = ((size_t)h[0] + 1) * 4;
	if (b->header_size > avail)
		return fail(s, BC_DC_TRUNCATED, "xz: input ends inside a block header");
	end = b->header_size - 4;
	if (bc_crc32(0, h, end) != bc_le32(h + end))
		return fail(s, BC_DC_CORRUPT, "xz: block header CRC32 mismatch");
	u8 flags = h[1];
	if (flags & 0x3C)
		return fail(s, BC_DC_UNSUPPORTED, "xz: unknown block header flags");

	b->csize = b->usize = XZ_SIZE_ABSENT;
	b->bcj = false;
	if ((flags & 0x40) && (!read_vli(h, end, &pos, &b->csize) || b->csize == 0))
		return fail(s, BC_DC_CORRUPT, "xz: bad compressed size in a block header");
	if ((flags & 0x80) && !read_vli(h, end, &pos, &b->usize))
		return fail(s, BC_DC_CORRUPT, "xz: bad uncompressed size in a block header");
	unsigned filters = (flags & 3) + 1;
	for (unsigned i = 0; i < filters; i++) {
		st = parse_filter(s, b, h, end, &pos, i + 1 == filters);
		if (st != BC_DC_OK)
			return st;
	}
	for (; pos < end; pos++)
		if (h[pos] != 0)
			return fail(s, BC_DC_CORRUPT, "xz: nonzero padding in a block header");
	s->ip += b->header_size;
	return BC_DC_OK;
}

/* Verifies the block's check field against its decoded bytes. */
static int verify_check(struct xz_stream *s, const u8 *data, size_t len)
{
	const u8 *c = s->in + s->ip;
	if (s->check_size > s->in_len - s->ip)
		return fail(s, BC_DC_TRUNCATED, "xz: input ends inside a block check");
	if (s->check_type == XZ_CHECK_CRC32 && bc_crc32(0, data, len) != bc_le32(c))
		return fail(s, BC_DC_CHECKSUM, "xz: block CRC32 mismatch");
	if (s->check_type == XZ_CHECK_CRC64 && bc_crc64(0, data, len) != bc_le64(c))
		return fail(s, BC_DC_CHECKSUM, "xz: block CRC64 mismatch");
	if (s->check_type == XZ_CHECK_SHA256) {
		u8 sum[32];
		bc_sha256(data, len, sum);
		if (bc_memcmp(sum, c, sizeof(sum)))
			return fail(s, BC_DC_CHECKSUM, "xz: block SHA-256 mismatch");
	}
	s->ip += s->check_size;
	return BC_DC_OK;
}

/* Adds one (unpadded, uncompressed) size pair to the running record CRC. */
static u32 record_crc(u32 crc, u64 unpadded, u64 uncompressed)
{
	u8 rec[16];
	for (unsigned i = 0; i < 8; i++) {
		rec[i] = (u8)(unpadded >> (8 * i));
		rec[8 + i] = (u8)(uncompressed >> (8 * i));
	}
	return bc_crc32(crc, rec, sizeof(rec));
}

static int decode_block(struct xz_stream *s, struct lzma_dec *d)
{
	struct xz_block b;
	size_t data_start, clen, ulen, climit;
	int st = parse_block_header(s, &b);
	if (st != BC_DC_OK)
		return st;

	data_start = s->ip;
	climit = s->in_len - s->ip;
	if (b.csize != XZ_SIZE_ABSENT && b.csize < climit)
		climit = (size_t)b.csize;
	st = lzma2_decode(d, s->in + s->ip, climit, s->out + s->op, s->out_cap - s->op,
			  &clen, &ulen, &s->msg);
	if (st == BC_DC_TRUNCATED && climit < s->in_len - s->ip)
		st = fail(s, BC_DC_CORRUPT, "xz: block data longer than the compressed size in its header");
	s->ip += clen;
	if (st != BC_DC_OK) {
		s->op += ulen;
		return st;
	}
	if (b.csize != XZ_SIZE_ABSENT && b.csize != clen)
		return fail(s, BC_DC_CORRUPT, "xz: block data shorter than the compressed size in its header");
	if (b.usize != XZ_SIZE_ABSENT && b.usize != ulen)
		return fail(s, BC_DC_CORRUPT, "xz: block decodes to a size other than its header says");
	if (b.bcj)
		bcj_x86_decode(s->out + s->op, ulen, b.bcj_start);

	for (; (s->ip - data_start) & 3; s->ip++) {
		if (s->ip >= s->in_len)
			return fail(s, BC_DC_TRUNCATED, "xz: input ends inside block padding");
		if (s->in[s->ip] != 0)
			return fail(s, BC_DC_CORRUPT, "xz: nonzero block padding");
	}
	st = verify_check(s, s->out + s->op, ulen);
	s->op += ulen;
	if (st != BC_DC_OK)
		return st;
	s->blocks++;
	s->records_crc = record_crc(s->records_crc, b.header_size + clen + s->check_size, ulen);
	return BC_DC_OK;
}

/* The index must list exactly the blocks decoded, in order. */
static int parse_index(struct xz_stream *s)
{
	size_t start = s->ip, pos = s->ip + 1, end = s->in_len;
	u64 count, unpadded, uncompressed;
	u32 crc = 0;

	if (!read_vli(s->in, end, &pos, &count))
		return fail(s, pos >= end ? BC_DC_TRUNCATED : BC_DC_CORRUPT, "xz: bad index record count");
	if (count != s->blocks)
		return fail(s, BC_DC_CORRUPT, "xz: index lists a different number of blocks");
	for (u64 i = 0; i < count; i++) {
		if (!read_vli(s->in, end, &pos, &unpadded) || !read_vli(s->in, end, &pos, &uncompressed))
			return fail(s, pos >= end ? BC_DC_TRUNCATED : BC_DC_CORRUPT, "xz: bad index record");
		crc = record_crc(crc, unpadded, uncompressed);
	}
	if (crc != s->records_crc)
		return fail(s, BC_DC_CORRUPT, "xz: index does not match the blocks");
	for (; (pos - start) & 3; pos++) {
		if (pos >= end)
			return fail(s, BC_DC_TRUNCATED, "xz: input ends inside the index");
		if (s->in[pos] != 0)
			return fail(s, BC_DC_CORRUPT, "xz: nonzero index padding");
	}
	if (end - pos < 4)
		return fail(s, BC_DC_TRUNCATED, "xz: input ends inside the index");
	if (bc_crc32(0, s->in + start, pos - start) != bc_le32(s->in + pos))
		return fail(s, BC_DC_CORRUPT, "xz: index CRC32 mismatch");
	s->ip = pos + 4;
	return BC_DC_OK;
}

static int parse_stream_footer(struct xz_stream *s, size_t index_size)
{
	const u8 *f = s->in + s->ip;
	if (s->in_len - s->ip < XZ_FOOTER_SIZE)
		return fail(s, BC_DC_TRUNCATED, "xz: input ends inside the stream footer");
	if (f[10] != 'Y' || f[11] != 'Z')
		return fail(s, BC_DC_CORRUPT, "xz: bad stream footer magic");
	if (bc_crc32(0, f + 4, 6) != bc_le32(f))
		return fail(s, BC_DC_CORRUPT, "xz: stream footer CRC32 mismatch");
	if (((u64)bc_le32(f + 4) + 1) * 4 != index_size)
		return fail(s, BC_DC_CORRUPT, "xz: backward size does not match the index");
	if (f[8] != s->flags[0] || f[9] != s->flags[1])
		return fail(s, BC_DC_CORRUPT, "xz: stream footer flags differ from the header");
	s->ip += XZ_FOOTER_SIZE;
	return BC_DC_OK;
}

static int decode_stream(struct xz_stream *s, struct lzma_dec *d)
{
	int st = parse_stream_header(s);
	while (st == BC_DC_OK) {
		if (s->ip >= s->in_len)
			return fail(s, BC_DC_TRUNCATED, "xz: input ends before the index");
		if (s->in[s->ip] == 0x00)
			break;   /* index indicator */
		st = decode_block(s, d);
	}
	if (st != BC_DC_OK)
		return st;
	size_t index_start = s->ip;
	st = parse_index(s);
	if (st != BC_DC_OK)
		return st;
	return parse_stream_footer(s, s->ip - index_start);
}

static int xz_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			 const struct bc_dc_env *env, struct bc_dc_result *res)
{
	struct xz_stream s = { .in = in, .in_len = in_len, .out = out, .out_cap = out_cap };
	struct lzma_dec *d = env->alloc(env->ctx, lzma_dec_size(4));
	int st;

	if (!d) {
		res->in_used = 0;
		res->out_len = 0;
		res->msg = "xz: out of memory for the LZMA2 probability tables";
		return BC_DC_NOMEM;
	}
	st = decode_stream(&s, d);
	env->free(env->ctx, d);
	res->in_used = s.ip < in_len ? s.ip : in_len;
	res->out_len = s.op;
	res->msg = st == BC_DC_OK ? NULL : s.msg;
	return st;
}

const struct bc_decompressor bc_dc_xz = {
	.name = "xz", .magic = (const u8 *)"\xfd" "7zXZ\x00", .magic_len = sizeof("\xfd" "7zXZ\x00") - 1,
	.decompress = xz_decompress,
};
