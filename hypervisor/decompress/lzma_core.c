/* LZMA symbol decoding (range decoder, literals, matches, repeats) for the
 * .lzma and .xz decoders. The whole decode loop keeps the range coder, the
 * output position and the repeat distances in locals; only the probability
 * tables live in memory. */
#include "lzma_core.h"
#include <bc/string.h>

enum {
	STATES = 12,
	LIT_STATES = 7,          /* states below this follow a literal */
	POS_STATES_MAX = 16,
	PROB_BITS = 11,
	PROB_INIT = 1 << (PROB_BITS - 1),
	MOVE_BITS = 5,
	DIST_SLOTS = 64,
	DIST_STATES = 4,
	DIST_MODEL_START = 4,
	DIST_MODEL_END = 14,
	FULL_DISTANCES = 128,
	ALIGN_SIZE = 16,

	/* one length coder: choice, choice2, low[16][8], mid[16][8], high[256] */
	LEN_CHOICE = 0,
	LEN_CHOICE2 = 1,
	LEN_LOW = 2,
	LEN_MID = LEN_LOW + POS_STATES_MAX * 8,
	LEN_HIGH = LEN_MID + POS_STATES_MAX * 8,
	LEN_PROBS = LEN_HIGH + 256,

	/* offsets of each model in the single probability array */
	P_IS_MATCH = 0,
	P_IS_REP = P_IS_MATCH + STATES * POS_STATES_MAX,
	P_IS_REP0 = P_IS_REP + STATES,
	P_IS_REP1 = P_IS_REP0 + STATES,
	P_IS_REP2 = P_IS_REP1 + STATES,
	P_IS_REP0_LONG = P_IS_REP2 + STATES,
	P_DIST_SLOT = P_IS_REP0_LONG + STATES * POS_STATES_MAX,
	P_DIST_SPECIAL = P_DIST_SLOT + DIST_STATES * DIST_SLOTS,
	P_DIST_ALIGN = P_DIST_SPECIAL + FULL_DISTANCES - DIST_MODEL_END,
	P_MATCH_LEN = P_DIST_ALIGN + ALIGN_SIZE,
	P_REP_LEN = P_MATCH_LEN + LEN_PROBS,
	P_LITERAL = P_REP_LEN + LEN_PROBS,
};

#define LIT_PROBS(lclp) (0x300u << (lclp))
#define RC_TOP (1u << 24)
#define END_MARKER_DIST 0xFFFFFFFFu

struct lzma_dec {
	struct lzma_props props;
	u32 state, rep0, rep1, rep2, rep3;   /* carried across LZMA2 chunks */
	u16 probs[];                         /* P_LITERAL + LIT_PROBS(lc + lp) */
};

bool lzma_props_decode(u8 byte, struct lzma_props *p)
{
	if (byte >= 9 * 5 * 5)
		return false;
	p->lc = byte % 9;
	p->lp = (byte / 9) % 5;
	p->pb = byte / 45;
	return true;
}

size_t lzma_dec_size(unsigned lclp)
{
	return sizeof(struct lzma_dec) + (P_LITERAL + LIT_PROBS(lclp)) * sizeof(u16);
}

void lzma_dec_reset(struct lzma_dec *d, const struct lzma_props *p)
{
	size_t n = P_LITERAL + LIT_PROBS(p->lc + p->lp);
	d->props = *p;
	d->state = 0;
	d->rep0 = d->rep1 = d->rep2 = d->rep3 = 0;
	for (size_t i = 0; i < n; i++)
		d->probs[i] = PROB_INIT;
}

void lzma_dec_reset_state(struct lzma_dec *d)
{
	struct lzma_props p = d->props;
	lzma_dec_reset(d, &p);
}

bool lzma_rc_init(struct lzma_rc *rc, const u8 *in, size_t len)
{
	if (len < 5 || in[0] != 0)
		return false;
	rc->in = in;
	rc->len = len;
	rc->pos = 5;
	rc->range = 0xFFFFFFFFu;
	rc->code = bc_be32(in + 1);
	return true;
}

/* The range coder works on locals range/code/ipos over in[0..ilen). Past the
 * end it shifts in zeros and lets ipos run on; the loop checks for that once a
 * symbol, so the hot path has a single well-predicted compare per byte. */
#define RC_NORMALIZE()                                                       \
	do {                                                                 \
		if (range < RC_TOP) {                                        \
			range <<= 8;                                         \
			code = (code << 8) | (ipos < ilen ? in[ipos] : 0u);  \
			ipos++;                                              \
		}                                                            \
	} while (0)

/* if (RC_IS_0(p)) { RC_TAKE_0(); ... } else { RC_TAKE_1(); ... } */
#define RC_IS_0(p) (prob = (p), bound = (range >> PROB_BITS) * *prob, code < bound)
#define RC_TAKE_0()                                                          \
	do {                                                                 \
		range = bound;                                               \
		*prob = (u16)(*prob + (((1u << PROB_BITS) - *prob) >> MOVE_BITS)); \
		RC_NORMALIZE();                                              \
	} while (0)
#define RC_TAKE_1()                                                          \
	do {                                                                 \
		range -= bound;                                              \
		code -= bound;                                               \
		*prob = (u16)(*prob - (*prob >> MOVE_BITS));                 \
		RC_NORMALIZE();                                              \
	} while (0)

/* One step down a bit tree rooted at PROBS: SYM gains the decoded bit. */
#define RC_TREE_STEP(probs, sym)                                             \
	do {                                                                 \
		if (RC_IS_0(&(probs)[sym])) {                                \
			RC_TAKE_0();                                         \
			sym <<= 1;                                           \
		} else {                                                     \
			RC_TAKE_1();                                         \
			sym = (sym << 1) | 1;                                \
		}                                                            \
	} while (0)

/* Reverse bit tree: bit K of the value is the K-th decoded bit. */
#define RC_REVERSE_STEP(probs, m, value, k)                                  \
	do {                                                                 \
		if (RC_IS_0(&(probs)[m])) {                                  \
			RC_TAKE_0();                                         \
			m <<= 1;                                             \
		} else {                                                     \
			RC_TAKE_1();                                         \
			m = (m << 1) | 1;                                    \
			value |= 1u << (k);                                  \
		}                                                            \
	} while (0)

#define RC_TREE3(probs, sym)                                                 \
	do {                                                                 \
		sym = 1;                                                     \
		RC_TREE_STEP(probs, sym);                                    \
		RC_TREE_STEP(probs, sym);                                    \
		RC_TREE_STEP(probs, sym);                                    \
	} while (0)

#define RC_TREE8(probs, sym)                                                 \
	do {                                                                 \
		RC_TREE3(probs, sym);                                        \
		RC_TREE_STEP(probs, sym);                                    \
		RC_TREE_STEP(probs, sym);                                    \
		RC_TREE_STEP(probs, sym);                                    \
		RC_TREE_STEP(probs, sym);                                    \
		RC_TREE_STEP(probs, sym);                                    \
	} while (0)

/* Match length minus 2 (0..271) from the length coder at probs[base]. */
#define DECODE_LEN(base, out)                                                \
	do {                                                                 \
		u16 *lenp = probs + (base);                                  \
		if (RC_IS_0(lenp + LEN_CHOICE)) {                            \
			RC_TAKE_0();                                         \
			RC_TREE3(lenp + LEN_LOW + pos_state * 8, sym);       \
			out = sym - 8;                                       \
		} else {                                                     \
			RC_TAKE_1();                                         \
			if (RC_IS_0(lenp + LEN_CHOICE2)) {                   \
				RC_TAKE_0();                                 \
				RC_TREE3(lenp + LEN_MID + pos_state * 8, sym); \
				out = sym;                                   \
			} else {                                             \
				RC_TAKE_1();                                 \
				RC_TREE8(lenp + LEN_HIGH, sym);              \
				out = sym - 256 + 16;                        \
			}                                                    \
		}                                                            \
	} while (0)

/* Copies LEN bytes from DIST bytes back, eight at a time when the slack past
 * LEN fits in the buffer (bytes past the match are rewritten by later
 * symbols). A match closer than eight bytes repeats a period of DIST bytes:
 * one byte is a fill, and otherwise, once eight bytes are out, the copy reads
 * from a multiple of DIST at least eight back. Kernels are full of such runs
 * (zero padding), and byte copies are what emulated CPUs run slowest. */
static inline void copy_match(u8 *buf, size_t pos, size_t dist, size_t len, size_t cap)
{
	u8 *dst = buf + pos;
	const u8 *src = dst - dist;

	if (cap - pos >= len + 8) {
		if (dist >= 8) {
			for (size_t i = 0; i < len; i += 8)
				__builtin_memcpy(dst + i, src + i, 8);
			return;
		}
		if (dist == 1) {
			u64 fill = 0x0101010101010101ull * src[0];
			for (size_t i = 0; i < len; i += 8)
				__builtin_memcpy(dst + i, &fill, 8);
			return;
		}
		if (len > 8) {
			size_t step = dist * ((8 + dist - 1) / dist);
			for (size_t i = 0; i < 8; i++)
				dst[i] = src[i];
			for (size_t i = 8; i < len; i += 8)
				__builtin_memcpy(dst + i, dst + i - step, 8);
			return;
		}
	}
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
}

/* Distance (rep0) for a new match of length-code LEN (0..271). */
#define DECODE_DIST(len, dist)                                               \
	do {                                                                 \
		u32 slot;                                                    \
		u16 *slotp = probs + P_DIST_SLOT + ((len) < 3 ? (len) : 3) * DIST_SLOTS; \
		sym = 1;                                                     \
		RC_TREE_STEP(slotp, sym);                                    \
		RC_TREE_STEP(slotp, sym);                                    \
		RC_TREE_STEP(slotp, sym);                                    \
		RC_TREE_STEP(slotp, sym);                                    \
		RC_TREE_STEP(slotp, sym);                                    \
		RC_TREE_STEP(slotp, sym);                                    \
		slot = sym - DIST_SLOTS;                                     \
		if (slot < DIST_MODEL_START) {                               \
			dist = slot;                                         \
		} else {                                                     \
			u32 nbits = (slot >> 1) - 1, m = 1;                  \
			dist = (2 | (slot & 1)) << nbits;                    \
			if (slot < DIST_MODEL_END) {                         \
				u16 *sp = probs + (P_DIST_SPECIAL - 1 + dist - slot); \
				for (u32 k = 0; k < nbits; k++)              \
					RC_REVERSE_STEP(sp, m, dist, k);     \
			} else {                                             \
				u32 direct = 2 | (slot & 1);                 \
				for (u32 k = 0; k < nbits - 4; k++) {        \
					u32 mask;                            \
					range >>= 1;                         \
					code -= range;                       \
					mask = 0u - (code >> 31);            \
					code += range & mask;                \
					direct = (direct << 1) + mask + 1;   \
					RC_NORMALIZE();                      \
				}                                            \
				dist = direct << 4;                          \
				RC_REVERSE_STEP(probs + P_DIST_ALIGN, m, dist, 0); \
				RC_REVERSE_STEP(probs + P_DIST_ALIGN, m, dist, 1); \
				RC_REVERSE_STEP(probs + P_DIST_ALIGN, m, dist, 2); \
				RC_REVERSE_STEP(probs + P_DIST_ALIGN, m, dist, 3); \
			}                                                    \
		}                                                            \
	} while (0)

enum lzma_result lzma_decode(struct lzma_dec *d, struct lzma_rc *rc, struct lzma_window *w,
			     size_t limit, bool want_marker)
{
	u16 *const probs = d->probs;
	const u8 *const in = rc->in;
	const size_t ilen = rc->len;
	size_t ipos = rc->pos;
	u32 range = rc->range, code = rc->code;
	u8 *const buf = w->buf;
	const size_t cap = w->cap;
	size_t pos = w->pos;
	u32 state = d->state, rep0 = d->rep0, rep1 = d->rep1, rep2 = d->rep2, rep3 = d->rep3;
	const u32 lc = d->props.lc;
	const size_t lp_mask = ((size_t)1 << d->props.lp) - 1;
	const size_t pb_mask = ((size_t)1 << d->props.pb) - 1;
	enum lzma_result result;
	u16 *prob;
	u32 bound, sym, len;

	for (;;) {
		if (ipos > ilen) {
			result = LZMA_ERR_INPUT;
			break;
		}
		if (pos >= limit && !want_marker) {
			result = LZMA_REACHED_LIMIT;
			break;
		}
		const size_t pos_state = pos & pb_mask;

		if (RC_IS_0(probs + P_IS_MATCH + state * POS_STATES_MAX + pos_state)) {
			RC_TAKE_0();
			if (pos >= limit) {
				result = LZMA_ERR_LIMIT;
				break;
			}
			u32 prev = pos ? buf[pos - 1] : 0;
			u16 *lit = probs + P_LITERAL +
				   0x300 * (((pos & lp_mask) << lc) + (prev >> (8 - lc)));
			sym = 1;
			if (state < LIT_STATES) {
				RC_TREE8(lit, sym);
				state = state < 4 ? 0 : state - 3;
			} else {
				/* after a match: follow the byte at rep0 until a bit differs */
				if (rep0 >= pos) {
					result = LZMA_ERR_DISTANCE;
					break;
				}
				u32 match_byte = buf[pos - rep0 - 1], offset = 0x100;
				do {
					u32 match_bit;
					match_byte <<= 1;
					match_bit = match_byte & offset;
					if (RC_IS_0(&lit[offset + match_bit + sym])) {
						RC_TAKE_0();
						sym <<= 1;
						offset &= ~match_bit;
					} else {
						RC_TAKE_1();
						sym = (sym << 1) | 1;
						offset &= match_bit;
					}
				} while (sym < 0x100);
				state = state < 10 ? state - 3 : state - 6;
			}
			buf[pos++] = (u8)sym;
			continue;
		}
		RC_TAKE_1();

		if (RC_IS_0(probs + P_IS_REP + state)) {
			RC_TAKE_0();
			rep3 = rep2;
			rep2 = rep1;
			rep1 = rep0;
			DECODE_LEN(P_MATCH_LEN, len);
			state = state < LIT_STATES ? 7 : 10;
			DECODE_DIST(len, rep0);
			if (rep0 == END_MARKER_DIST) {
				result = LZMA_END_MARKER;
				break;
			}
		} else {
			RC_TAKE_1();
			if (RC_IS_0(probs + P_IS_REP0 + state)) {
				RC_TAKE_0();
				if (RC_IS_0(probs + P_IS_REP0_LONG + state * POS_STATES_MAX + pos_state)) {
					/* short rep: one byte from rep0 */
					RC_TAKE_0();
					if (rep0 >= pos) {
						result = LZMA_ERR_DISTANCE;
						break;
					}
					if (pos >= limit) {
						result = LZMA_ERR_LIMIT;
						break;
					}
					state = state < LIT_STATES ? 9 : 11;
					buf[pos] = buf[pos - rep0 - 1];
					pos++;
					continue;
				}
				RC_TAKE_1();
			} else {
				u32 dist;
				RC_TAKE_1();
				if (RC_IS_0(probs + P_IS_REP1 + state)) {
					RC_TAKE_0();
					dist = rep1;
				} else {
					RC_TAKE_1();
					if (RC_IS_0(probs + P_IS_REP2 + state)) {
						RC_TAKE_0();
						dist = rep2;
					} else {
						RC_TAKE_1();
						dist = rep3;
						rep3 = rep2;
					}
					rep2 = rep1;
				}
				rep1 = rep0;
				rep0 = dist;
			}
			DECODE_LEN(P_REP_LEN, len);
			state = state < LIT_STATES ? 8 : 11;
		}

		if (rep0 >= pos) {
			result = LZMA_ERR_DISTANCE;
			break;
		}
		len += 2;
		if (len > limit - pos) {
			result = LZMA_ERR_LIMIT;
			break;
		}
		copy_match(buf, pos, (size_t)rep0 + 1, len, cap);
		pos += len;
	}
	if (ipos > ilen)
		result = LZMA_ERR_INPUT;

	rc->pos = ipos;
	rc->range = range;
	rc->code = code;
	w->pos = pos;
	d->state = state;
	d->rep0 = rep0;
	d->rep1 = rep1;
	d->rep2 = rep2;
	d->rep3 = rep3;
	return result;
}
