/* LZMA2: a sequence of chunks, each either stored bytes or an LZMA chunk
 * with its own range coder, ended by a 0x00 control byte.
 *
 * Control byte: 0x00 end; 0x01 stored + dictionary reset; 0x02 stored;
 * 0x80..0xFF LZMA, where bits 5-6 say what to reset (0 nothing, 1 state,
 * 2 state + new properties, 3 everything incl. the dictionary) and bits 0-4
 * are bits 16-20 of the uncompressed size - 1. */
#include "lzma_core.h"
#include <bc/string.h>

struct lzma2_pos {
	const u8 *in;
	size_t in_len, ip;
	u8 *out;
	size_t out_cap;
	struct lzma_window w;   /* output since the last dictionary reset */
	bool need_dict_reset, need_props;
};

static int fail(const char **msg, int status, const char *why)
{
	*msg = why;
	return status;
}

static void dict_reset(struct lzma2_pos *s)
{
	size_t done = (size_t)(s->w.buf - s->out) + s->w.pos;
	s->w.buf = s->out + done;
	s->w.pos = 0;
	s->w.cap = s->out_cap - done;
}

static int stored_chunk(struct lzma2_pos *s, const char **msg)
{
	size_t size;

	if (s->in_len - s->ip < 2)
		return fail(msg, BC_DC_TRUNCATED, "xz: input ends inside an LZMA2 chunk header");
	size = (size_t)bc_be16(s->in + s->ip) + 1;
	s->ip += 2;
	if (size > s->in_len - s->ip)
		return fail(msg, BC_DC_TRUNCATED, "xz: input ends inside a stored LZMA2 chunk");
	if (size > s->w.cap - s->w.pos)
		return fail(msg, BC_DC_OUTPUT_FULL, "xz: output larger than the buffer");
	bc_memcpy(s->w.buf + s->w.pos, s->in + s->ip, size);
	s->w.pos += size;
	s->ip += size;
	return BC_DC_OK;
}

static int lzma_chunk(struct lzma2_pos *s, struct lzma_dec *d, u8 ctrl, const char **msg)
{
	struct lzma_props props;
	size_t usize, csize;
	struct lzma_rc rc;
	enum lzma_result r;

	if (s->in_len - s->ip < 4)
		return fail(msg, BC_DC_TRUNCATED, "xz: input ends inside an LZMA2 chunk header");
	usize = ((size_t)(ctrl & 0x1F) << 16) + bc_be16(s->in + s->ip) + 1;
	csize = (size_t)bc_be16(s->in + s->ip + 2) + 1;
	s->ip += 4;

	if (ctrl >= 0xC0) {
		if (s->ip >= s->in_len)
			return fail(msg, BC_DC_TRUNCATED, "xz: input ends inside an LZMA2 chunk header");
		if (!lzma_props_decode(s->in[s->ip], &props) || props.lc + props.lp > 4)
			return fail(msg, BC_DC_CORRUPT, "xz: invalid LZMA2 properties byte");
		s->ip++;
		s->need_props = false;
		lzma_dec_reset(d, &props);
	} else if (s->need_props) {
		return fail(msg, BC_DC_CORRUPT, "xz: LZMA2 chunk lacks properties after a dictionary reset");
	} else if (ctrl >= 0xA0) {
		lzma_dec_reset_state(d);
	}

	if (csize > s->in_len - s->ip)
		return fail(msg, BC_DC_TRUNCATED, "xz: input ends inside an LZMA2 chunk");
	if (usize > s->w.cap - s->w.pos)
		return fail(msg, BC_DC_OUTPUT_FULL, "xz: output larger than the buffer");
	if (!lzma_rc_init(&rc, s->in + s->ip, csize))
		return fail(msg, BC_DC_CORRUPT, "xz: bad range coder start in an LZMA2 chunk");

	r = lzma_decode(d, &rc, &s->w, s->w.pos + usize, false);
	switch (r) {
	case LZMA_REACHED_LIMIT:
		break;
	case LZMA_END_MARKER:
		return fail(msg, BC_DC_CORRUPT, "xz: end marker inside an LZMA2 chunk");
	case LZMA_ERR_INPUT:
		return fail(msg, BC_DC_CORRUPT, "xz: LZMA2 chunk longer than its compressed size");
	case LZMA_ERR_DISTANCE:
		return fail(msg, BC_DC_CORRUPT, "xz: LZMA match distance before the start of the data");
	case LZMA_ERR_LIMIT:
		return fail(msg, BC_DC_CORRUPT, "xz: LZMA match runs past the end of its LZMA2 chunk");
	}
	if (rc.pos != csize || !lzma_rc_finished(&rc))
		return fail(msg, BC_DC_CORRUPT, "xz: LZMA2 chunk shorter than its compressed size");
	s->ip += csize;
	return BC_DC_OK;
}

int lzma2_decode(struct lzma_dec *d, const u8 *in, size_t in_len, u8 *out, size_t out_cap,
		 size_t *in_used, size_t *out_len, const char **msg)
{
	struct lzma2_pos s = {
		.in = in, .in_len = in_len, .out = out, .out_cap = out_cap,
		.w = { .buf = out, .pos = 0, .cap = out_cap },
		.need_dict_reset = true, .need_props = true,
	};
	int st = BC_DC_OK;

	for (;;) {
		u8 ctrl;
		if (s.ip >= in_len) {
			st = fail(msg, BC_DC_TRUNCATED, "xz: input ends before the LZMA2 end marker");
			break;
		}
		ctrl = in[s.ip++];
		if (ctrl == 0x00)
			break;
		if (ctrl >= 0xE0 || ctrl == 0x01) {
			/* a new dictionary needs new properties before the next LZMA chunk */
			dict_reset(&s);
			s.need_dict_reset = false;
			s.need_props = true;
		} else if (s.need_dict_reset) {
			st = fail(msg, BC_DC_CORRUPT, "xz: first LZMA2 chunk does not reset the dictionary");
			break;
		}
		if (ctrl >= 0x80)
			st = lzma_chunk(&s, d, ctrl, msg);
		else if (ctrl <= 0x02)
			st = stored_chunk(&s, msg);
		else
			st = fail(msg, BC_DC_CORRUPT, "xz: invalid LZMA2 control byte");
		if (st != BC_DC_OK)
			break;
	}
	*in_used = s.ip;
	*out_len = (size_t)(s.w.buf - out) + s.w.pos;
	return st;
}
