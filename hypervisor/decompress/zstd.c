/* zstd (RFC 8878) decoder for the kernel payload: skippable frames, one
 * Zstandard frame (header, raw/RLE/compressed blocks, content checksum).
 * Literals are decoded into a block-sized buffer, then sequences copy from
 * it and from the output itself, which serves as the whole window; the
 * entropy parts live in zstd_fse.c, zstd_huf.c and zstd_seq.c. */
#include "zstd_internal.h"

#define ZSTD_MAGIC            0xFD2FB528u
#define ZSTD_SKIPPABLE_MASK   0xFFFFFFF0u
#define ZSTD_SKIPPABLE_MAGIC  0x184D2A50u
#define ZSTD_WINDOW_LOG_MAX   31     /* what a 64-bit reference decoder accepts */

struct zstd_frame_header {
	size_t size;            /* header bytes after the magic */
	u64 content_size;
	bool has_content_size;
	bool has_checksum;
	u64 window;
};

/* ---- literals section (RFC 8878 3.1.1.3.1) ------------------------------ */

/* Raw or RLE literals: a 1-3 byte header giving the size, then the bytes. */
static int zstd_plain_literals(struct zstd_ctx *c, const u8 *src, size_t len, size_t *used)
{
	unsigned type = src[0] & 3, fmt = (src[0] >> 2) & 3;
	size_t hsize, regen;
	if ((fmt & 1) == 0) {
		hsize = 1;
		regen = src[0] >> 3;
	} else {
		hsize = fmt == 1 ? 2 : 3;
		if (hsize > len)
			return zstd_fail(c, BC_DC_CORRUPT, "zstd: literals header past the block end");
		regen = (size_t)(src[0] >> 4) + ((size_t)src[1] << 4);
		if (fmt == 3)
			regen += (size_t)src[2] << 12;
	}
	if (regen > c->block_max)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: literals larger than a block");
	size_t body = type == 0 ? regen : 1;
	if (body > len - hsize)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: literals past the block end");
	if (type == 0)
		zstd_copy(c->lit_buf, src + hsize, regen);
	else
		zstd_fill(c->lit_buf, src[hsize], regen);
	c->lit_len = regen;
	*used = hsize + body;
	return BC_DC_OK;
}

/* Huffman literals: a 3-5 byte header with both sizes, an optional tree
 * (absent in "treeless" mode, which reuses the previous one), 1 or 4 streams. */
static int zstd_huf_literals(struct zstd_ctx *c, const u8 *src, size_t len, size_t *used)
{
	unsigned type = src[0] & 3, fmt = (src[0] >> 2) & 3;
	size_t hsize = fmt < 2 ? 3 : fmt + 2;
	unsigned bits = fmt < 2 ? 10 : fmt == 2 ? 14 : 18;
	if (hsize > len)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: literals header past the block end");
	u64 h = 0;
	for (size_t i = 0; i < hsize; i++)
		h |= (u64)src[i] << (8 * i);
	size_t regen = (size_t)(h >> 4) & ((1u << bits) - 1);
	size_t comp = (size_t)(h >> (4 + bits)) & ((1u << bits) - 1);
	if (regen > c->block_max)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: literals larger than a block");
	if (comp > len - hsize)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: literals past the block end");
	const u8 *p = src + hsize;
	size_t stream_len = comp;
	if (type == 2) {
		size_t tree = bc_zstd_huf_read_table(c, p, comp);
		if (tree == 0)
			return BC_DC_CORRUPT;
		p += tree;
		stream_len -= tree;
	}
	int st = bc_zstd_huf_decode(c, p, stream_len, c->lit_buf, regen, fmt != 0);
	if (st != BC_DC_OK)
		return st;
	c->lit_len = regen;
	*used = hsize + comp;
	return BC_DC_OK;
}

/* ---- blocks --------------------------------------------------------------- */

static int zstd_compressed_block(struct zstd_ctx *c, const u8 *src, size_t len, u8 **op)
{
	size_t used;
	if (len == 0)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: empty compressed block");
	int st = (src[0] & 3) < 2 ? zstd_plain_literals(c, src, len, &used)
				  : zstd_huf_literals(c, src, len, &used);
	if (st != BC_DC_OK)
		return st;
	return bc_zstd_sequences(c, src + used, len - used, op);
}

/* Decodes blocks from IN[*pos] until the last one; *op advances. */
static int zstd_blocks(struct zstd_ctx *c, const u8 *in, size_t in_len, size_t *pos, u8 **op)
{
	for (;;) {
		if (in_len - *pos < 3)
			return zstd_fail(c, BC_DC_TRUNCATED, "zstd: input ends inside a block header");
		u32 bh = (u32)in[*pos] | ((u32)in[*pos + 1] << 8) | ((u32)in[*pos + 2] << 16);
		*pos += 3;
		bool last = bh & 1;
		unsigned type = (bh >> 1) & 3;
		size_t size = bh >> 3;
		size_t body = type == 1 ? 1 : size;
		if (type == 3)
			return zstd_fail(c, BC_DC_CORRUPT, "zstd: reserved block type");
		if (size > c->block_max)
			return zstd_fail(c, BC_DC_CORRUPT, "zstd: block larger than the maximum block size");
		if (body > in_len - *pos)
			return zstd_fail(c, BC_DC_TRUNCATED, "zstd: input ends inside a block");
		const u8 *src = in + *pos;
		int st = BC_DC_OK;
		if (type != 2 && size > (size_t)(c->out_end - *op))
			return zstd_fail(c, BC_DC_OUTPUT_FULL, "zstd: output larger than the buffer");
		if (type == 0) {
			zstd_copy(*op, src, size);
			*op += size;
		} else if (type == 1) {
			zstd_fill(*op, src[0], size);
			*op += size;
		} else {
			st = zstd_compressed_block(c, src, size, op);
		}
		if (st != BC_DC_OK)
			return st;
		if (c->hashing)
			bc_zstd_xxh64_update(&c->xxh, *op);
		*pos += body;
		if (last)
			return BC_DC_OK;
	}
}

/* ---- frame ------------------------------------------------------------------ */

static int zstd_header_fail(const char **msg, const char *why, int status)
{
	*msg = why;
	return status;
}

/* Parses the frame header at SRC (just after the magic). */
static int zstd_frame_header(struct zstd_frame_header *fh, const u8 *src, size_t len,
			     const char **msg)
{
	static const u8 dict_id_size[4] = { 0, 1, 2, 4 };
	static const u8 content_size_size[4] = { 0, 2, 4, 8 };
	if (len < 1)
		return zstd_header_fail(msg, "zstd: input ends inside the frame header", BC_DC_TRUNCATED);
	u8 d = src[0];
	bool single = (d >> 5) & 1;
	if (d & 0x08)
		return zstd_header_fail(msg, "zstd: reserved frame header bit set", BC_DC_CORRUPT);
	size_t did_size = dict_id_size[d & 3];
	size_t fcs_size = content_size_size[d >> 6];
	if (fcs_size == 0 && single)
		fcs_size = 1;
	fh->size = 1 + !single + did_size + fcs_size;
	if (fh->size > len)
		return zstd_header_fail(msg, "zstd: input ends inside the frame header", BC_DC_TRUNCATED);
	const u8 *p = src + 1;
	if (!single) {
		unsigned wlog = 10 + (p[0] >> 3);
		if (wlog > ZSTD_WINDOW_LOG_MAX)
			return zstd_header_fail(msg, "zstd: window larger than 2 GiB", BC_DC_UNSUPPORTED);
		u64 base = 1ull << wlog;
		fh->window = base + (base >> 3) * (p[0] & 7);
		p++;
	}
	u32 dict_id = 0;
	for (size_t i = 0; i < did_size; i++)
		dict_id |= (u32)p[i] << (8 * i);
	p += did_size;
	if (dict_id != 0)
		return zstd_header_fail(msg, "zstd: frame needs a dictionary (unsupported)", BC_DC_UNSUPPORTED);
	fh->has_content_size = fcs_size != 0;
	fh->content_size = 0;
	for (size_t i = 0; i < fcs_size; i++)
		fh->content_size |= (u64)p[i] << (8 * i);
	if (fcs_size == 2)
		fh->content_size += 256;
	if (single)
		fh->window = fh->content_size;
	fh->has_checksum = (d >> 2) & 1;
	return BC_DC_OK;
}

/* Skips skippable frames; leaves *pos at a Zstandard frame's magic. */
static int zstd_skip_frames(const u8 *in, size_t in_len, size_t *pos, const char **msg)
{
	for (;;) {
		if (in_len - *pos < 4)
			return zstd_header_fail(msg, "zstd: input ends before a frame", BC_DC_TRUNCATED);
		u32 magic = bc_le32(in + *pos);
		if (magic == ZSTD_MAGIC)
			return BC_DC_OK;
		if ((magic & ZSTD_SKIPPABLE_MASK) != ZSTD_SKIPPABLE_MAGIC)
			return zstd_header_fail(msg, "zstd: bad frame magic", BC_DC_CORRUPT);
		if (in_len - *pos < 8)
			return zstd_header_fail(msg, "zstd: input ends inside a skippable frame", BC_DC_TRUNCATED);
		u32 skip = bc_le32(in + *pos + 4);
		if (skip > in_len - *pos - 8)
			return zstd_header_fail(msg, "zstd: input ends inside a skippable frame", BC_DC_TRUNCATED);
		*pos += 8 + (size_t)skip;
	}
}

/* Blocks and checksum of the frame whose header FH ends at IN[*pos]. */
static int zstd_frame_body(struct zstd_ctx *c, const struct zstd_frame_header *fh, const u8 *in,
			   size_t in_len, size_t *pos, size_t *out_len)
{
	u8 *op = c->out_start;
	int st = zstd_blocks(c, in, in_len, pos, &op);
	*out_len = (size_t)(op - c->out_start);
	if (st != BC_DC_OK)
		return st;
	if (fh->has_content_size && fh->content_size != *out_len)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: frame size differs from its header");
	if (fh->has_checksum) {
		if (in_len - *pos < 4)
			return zstd_fail(c, BC_DC_TRUNCATED, "zstd: input ends inside the checksum");
		u32 want = bc_le32(in + *pos);
		*pos += 4;
		if ((u32)bc_zstd_xxh64_final(&c->xxh, c->out_start, op) != want)
			return zstd_fail(c, BC_DC_CHECKSUM, "zstd: content checksum mismatch");
	}
	return BC_DC_OK;
}

bool bc_zstd_bmi2_allowed = true;

/* CPUID leaf 7 EBX bit 8: BMI2 (shlx/shrx/bzhi), which the hot loops use
 * when present. Asked once per frame. */
static bool zstd_cpu_has_bmi2(void)
{
	u32 a, b, c, d;
	if (!bc_zstd_bmi2_allowed)
		return false;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0u), "c"(0u));
	if (a < 7)
		return false;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7u), "c"(0u));
	return (b >> 8) & 1;
}

static int zstd_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			   const struct bc_dc_env *env, struct bc_dc_result *res)
{
	struct zstd_frame_header fh = { 0 };
	size_t pos = 0;
	res->in_used = 0;
	res->out_len = 0;
	res->msg = NULL;
	int st = zstd_skip_frames(in, in_len, &pos, &res->msg);
	if (st == BC_DC_OK)
		st = zstd_frame_header(&fh, in + pos + 4, in_len - pos - 4, &res->msg);
	if (st != BC_DC_OK)
		return st;
	if (fh.has_content_size && fh.content_size > out_cap) {
		res->msg = "zstd: output larger than the buffer";
		return BC_DC_OUTPUT_FULL;
	}
	pos += 4 + fh.size;
	struct zstd_ctx *c = env->alloc(env->ctx, sizeof(*c));
	if (c == NULL) {
		res->msg = "zstd: out of memory for the decoder state";
		return BC_DC_NOMEM;
	}
	c->msg = NULL;
	c->out_start = out;
	c->out_end = out + out_cap;
	c->window = fh.window;
	c->bmi2 = zstd_cpu_has_bmi2();
	c->hashing = fh.has_checksum;
	bc_zstd_xxh64_init(&c->xxh, out);
	c->block_max = fh.window < ZSTD_BLOCK_MAX ? (size_t)fh.window : ZSTD_BLOCK_MAX;
	c->rep[0] = 1;
	c->rep[1] = 4;
	c->rep[2] = 8;
	c->huf.valid = false;
	c->ll = (struct zstd_seq_table){ c->ll_e, 0, false };
	c->of = (struct zstd_seq_table){ c->of_e, 0, false };
	c->ml = (struct zstd_seq_table){ c->ml_e, 0, false };
	/* wild literal copies read into the slack: keep it defined */
	zstd_fill(c->lit_buf + ZSTD_BLOCK_MAX, 0, ZSTD_WILD_SLACK);
	st = zstd_frame_body(c, &fh, in, in_len, &pos, &res->out_len);
	res->msg = st == BC_DC_OK ? NULL : c->msg ? c->msg : "zstd: corrupt data";
	if (st == BC_DC_OK)
		res->in_used = pos;
	env->free(env->ctx, c);
	return st;
}

/* A Zstandard frame, or a skippable frame (which may come first). */
static bool zstd_probe(const u8 *in, size_t in_len)
{
	return in_len >= 4 && (bc_le32(in) == ZSTD_MAGIC ||
			       (bc_le32(in) & ZSTD_SKIPPABLE_MASK) == ZSTD_SKIPPABLE_MAGIC);
}

const struct bc_decompressor bc_dc_zstd = {
	.name = "zstd", .magic = (const u8 *)"\x28\xb5\x2f\xfd", .magic_len = sizeof("\x28\xb5\x2f\xfd") - 1,
	.probe = zstd_probe, .decompress = zstd_decompress,
};
