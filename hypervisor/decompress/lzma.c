/* lzma: the .lzma "alone" format that `lzma -9` writes for KERNEL_LZMA.
 *
 * 13-byte header: properties byte (lc/lp/pb), dictionary size (LE32, unused
 * here: the output buffer is the dictionary), uncompressed size (LE64, all
 * ones = unknown, then the data must end with the end marker). The raw LZMA
 * data follows. */
#include "decompress.h"
#include "lzma_core.h"

#define LZMA_HEADER_SIZE 13
#define LZMA_SIZE_UNKNOWN 0xFFFFFFFFFFFFFFFFull

static int fail(struct bc_dc_result *res, int status, const char *why)
{
	res->msg = why;
	return status;
}

/* Maps the core's stop reason to a status. KNOWN: the header gave the size
 * and SIZE_FITS: that size fits the buffer. */
static int decode_status(enum lzma_result r, bool known, bool size_fits, struct bc_dc_result *res)
{
	switch (r) {
	case LZMA_REACHED_LIMIT:
		if (known && size_fits)
			return BC_DC_OK;
		return fail(res, BC_DC_OUTPUT_FULL, "lzma: output larger than the buffer");
	case LZMA_END_MARKER:
		if (known)
			return fail(res, BC_DC_CORRUPT, "lzma: end marker before the size in the header");
		return BC_DC_OK;
	case LZMA_ERR_INPUT:
		return fail(res, BC_DC_TRUNCATED, "lzma: input ends inside the compressed data");
	case LZMA_ERR_DISTANCE:
		return fail(res, BC_DC_CORRUPT, "lzma: match distance before the start of the data");
	case LZMA_ERR_LIMIT:
		if (known && size_fits)
			return fail(res, BC_DC_CORRUPT, "lzma: data runs past the size in the header");
		return fail(res, BC_DC_OUTPUT_FULL, "lzma: output larger than the buffer");
	}
	return fail(res, BC_DC_CORRUPT, "lzma: internal error");
}

/* Runs the decoder over the data after the header. */
static int decode_body(struct lzma_dec *d, const u8 *in, size_t in_len, u8 *out, size_t out_cap,
		       u64 size, struct bc_dc_result *res)
{
	const bool known = size != LZMA_SIZE_UNKNOWN;
	const bool size_fits = known && size <= out_cap;
	struct lzma_window w = { .buf = out, .pos = 0, .cap = out_cap };
	struct lzma_rc rc;
	enum lzma_result r;
	int st;

	if (in_len < 5)
		return fail(res, BC_DC_TRUNCATED, "lzma: input ends inside the compressed data");
	if (!lzma_rc_init(&rc, in, in_len))
		return fail(res, BC_DC_CORRUPT, "lzma: bad range coder start");

	r = lzma_decode(d, &rc, &w, size_fits ? (size_t)size : out_cap, !known);
	st = decode_status(r, known, size_fits, res);
	/* a known-size stream may still close with an end marker */
	if (st == BC_DC_OK && known && !lzma_rc_finished(&rc)) {
		r = lzma_decode(d, &rc, &w, w.pos, true);
		if (r == LZMA_ERR_INPUT)
			st = fail(res, BC_DC_TRUNCATED, "lzma: input ends inside the compressed data");
		else if (r != LZMA_END_MARKER)
			st = fail(res, BC_DC_CORRUPT, "lzma: data runs past the size in the header");
	}
	if (st == BC_DC_OK && !lzma_rc_finished(&rc))
		st = fail(res, BC_DC_CORRUPT, "lzma: range coder not at its end after the last symbol");
	res->out_len = w.pos;
	res->in_used = LZMA_HEADER_SIZE + (rc.pos < in_len ? rc.pos : in_len);
	return st;
}

static int lzma_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			   const struct bc_dc_env *env, struct bc_dc_result *res)
{
	struct lzma_props props;
	struct lzma_dec *d;
	int st;

	res->in_used = 0;
	res->out_len = 0;
	res->msg = NULL;
	if (in_len < LZMA_HEADER_SIZE)
		return fail(res, BC_DC_TRUNCATED, "lzma: input shorter than the 13-byte header");
	if (!lzma_props_decode(in[0], &props))
		return fail(res, BC_DC_CORRUPT, "lzma: invalid properties byte");

	d = env->alloc(env->ctx, lzma_dec_size(props.lc + props.lp));
	if (!d)
		return fail(res, BC_DC_NOMEM, "lzma: out of memory for the probability tables");
	lzma_dec_reset(d, &props);
	st = decode_body(d, in + LZMA_HEADER_SIZE, in_len - LZMA_HEADER_SIZE, out, out_cap,
			 bc_le64(in + 5), res);
	env->free(env->ctx, d);
	if (st == BC_DC_OK)
		res->msg = NULL;
	return st;
}

/* A dictionary size an encoder writes: 2^n or 2^n + 2^(n-1), or all ones. */
static bool plausible_dict(u32 dict)
{
	if (dict == 0xFFFFFFFFu || dict == 0)
		return true;
	u32 top = 1u << (31 - __builtin_clz(dict));
	return dict == top || dict == top + top / 2;
}

/* The .lzma header has no magic; like liblzma reading a file, accept a
 * properties byte with lc + lp <= 4, a plausible dictionary size and an
 * uncompressed size that is unknown or under 256 GiB. */
static bool lzma_probe(const u8 *in, size_t in_len)
{
	struct lzma_props p;
	if (in_len < LZMA_HEADER_SIZE || !lzma_props_decode(in[0], &p) || p.lc + p.lp > 4)
		return false;
	u64 size = bc_le64(in + 5);
	return plausible_dict(bc_le32(in + 1)) && (size == LZMA_SIZE_UNKNOWN || size < (1ull << 38));
}

const struct bc_decompressor bc_dc_lzma = {
	.name = "lzma", .magic = (const u8 *)"\x5d\x00\x00", .magic_len = sizeof("\x5d\x00\x00") - 1,
	.probe = lzma_probe, .decompress = lzma_decompress,
};
