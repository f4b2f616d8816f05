/* zstd Huffman literals (RFC 8878 section 4.2): the tree description
 * (direct or FSE-compressed weights), the single-lookup decode table, and
 * decoding one or four interleaved backward streams. */
#include "zstd_internal.h"

#define ZSTD_WEIGHT_LOG_MAX 6
#define ZSTD_WEIGHT_MAX     11

/* Weights packed as 4-bit nibbles, high nibble first. */
static size_t zstd_direct_weights(struct zstd_ctx *c, const u8 *src, size_t src_len,
				  unsigned count, u8 *w)
{
	size_t bytes = (count + 1) / 2;
	if (bytes > src_len) {
		c->msg = "zstd: Huffman weights truncated";
		return 0;
	}
	for (unsigned i = 0; i < count; i++)
		w[i] = (i & 1) ? (src[i / 2] & 15) : (u8)(src[i / 2] >> 4);
	return bytes;
}

/* Weights compressed with a small FSE table and two interleaved states
 * sharing one backward stream. Returns the weight count or 0 on error. */
static unsigned zstd_fse_weights(struct zstd_ctx *c, const u8 *src, size_t len, u8 *w)
{
	s16 counts[ZSTD_WEIGHT_MAX + 2];
	struct zstd_fse_entry t[1u << ZSTD_WEIGHT_LOG_MAX];
	unsigned log, max_sym;
	size_t hdr = bc_zstd_fse_read_counts(c, src, len, counts, ZSTD_WEIGHT_MAX + 1,
					  ZSTD_WEIGHT_LOG_MAX, &log, &max_sym);
	if (hdr == 0 || !bc_zstd_fse_build(c, t, counts, max_sym, log))
		return 0;
	struct zstd_bits b;
	if (!zstd_bits_init(&b, src + hdr, len - hdr)) {
		c->msg = "zstd: Huffman weight stream has no end marker";
		return 0;
	}
	u32 s1 = (u32)zstd_bits_read(&b, log);
	u32 s2 = (u32)zstd_bits_read(&b, log);
	unsigned n = 0;
	/* The stream ends when a state update reads past its start; the
	 * other state's symbol is then the last weight. */
	for (;;) {
		if (n > 253)
			break;
		w[n++] = t[s1].symbol;
		s1 = t[s1].next_base + (u32)zstd_bits_read(&b, t[s1].bits);
		if (zstd_bits_refill(&b) == ZSTD_BITS_OVERRUN) {
			w[n++] = t[s2].symbol;
			return n;
		}
		w[n++] = t[s2].symbol;
		s2 = t[s2].next_base + (u32)zstd_bits_read(&b, t[s2].bits);
		if (zstd_bits_refill(&b) == ZSTD_BITS_OVERRUN) {
			w[n++] = t[s1].symbol;
			return n;
		}
	}
	c->msg = "zstd: too many Huffman weights";
	return 0;
}

static bool zstd_huf_bad(struct zstd_ctx *c, const char *msg)
{
	c->msg = msg;
	return false;
}

/* The two-symbol table from the one-symbol one: after the first code, the
 * remaining known bits hold a whole second code whenever the one-symbol
 * entry they index is no longer than them (a prefix code). */
static void zstd_huf_build_pairs(struct zstd_huf_table *h)
{
	u32 size = 1u << h->log, mask = size - 1;
	for (u32 i = 0; i < size; i++) {
		u32 first = h->e[i], n1 = first >> 8;
		u32 second = h->e[(i << n1) & mask], n2 = second >> 8;
		if (n1 + n2 <= h->log)
			h->pair[i] = (first & 0xff) | (second & 0xff) << 8 | (n1 + n2) << 16 | 2u << 24;
		else
			h->pair[i] = (first & 0xff) | n1 << 16 | 1u << 24;
	}
}

/* Completes the weight list with the implied last weight and fills the
 * decode table: longer codes (smaller weights) take the low table indices,
 * symbols of equal weight in increasing order. */
static bool zstd_huf_build(struct zstd_ctx *c, const u8 *w, unsigned count)
{
	u32 rank_count[ZSTD_WEIGHT_MAX + 2] = { 0 };
	u32 total = 0;
	for (unsigned i = 0; i < count; i++) {
		if (w[i] > ZSTD_WEIGHT_MAX)
			return zstd_huf_bad(c, "zstd: Huffman weight too large");
		rank_count[w[i]]++;
		total += w[i] ? 1u << (w[i] - 1) : 0;
	}
	if (total == 0)
		return zstd_huf_bad(c, "zstd: Huffman weights are all zero");
	unsigned log = zstd_highbit(total) + 1;
	if (log > ZSTD_HUF_LOG_MAX)
		return zstd_huf_bad(c, "zstd: Huffman table too deep");
	u32 rest = (1u << log) - total;
	if (rest & (rest - 1))
		return zstd_huf_bad(c, "zstd: Huffman weights do not form a tree");
	u8 last = (u8)(zstd_highbit(rest) + 1);
	rank_count[last]++;

	u32 rank_start[ZSTD_WEIGHT_MAX + 2];
	u32 next = 0;
	for (unsigned r = 1; r <= ZSTD_WEIGHT_MAX + 1; r++) {
		rank_start[r] = next;
		next += rank_count[r] << (r - 1);
	}
	for (unsigned s = 0; s <= count; s++) {
		u8 wt = s < count ? w[s] : last;
		if (wt == 0)
			continue;
		u32 len = 1u << (wt - 1);
		u16 e = (u16)(s | ((log + 1 - wt) << 8));
		u16 *dst = &c->huf.e[rank_start[wt]];
		for (u32 i = 0; i < len; i++)
			dst[i] = e;
		rank_start[wt] += len;
	}
	c->huf.log = log;
	zstd_huf_build_pairs(&c->huf);
	c->huf.valid = true;
	return true;
}

size_t bc_zstd_huf_read_table(struct zstd_ctx *c, const u8 *src, size_t src_len)
{
	u8 w[256];
	unsigned count;
	size_t used;
	c->huf.valid = false;
	if (src_len == 0) {
		c->msg = "zstd: Huffman tree description truncated";
		return 0;
	}
	u8 h = src[0];
	if (h >= 128) {
		count = h - 127u;
		used = zstd_direct_weights(c, src + 1, src_len - 1, count, w);
		if (used == 0)
			return 0;
	} else {
		if (h == 0 || h > src_len - 1) {
			c->msg = "zstd: Huffman tree description truncated";
			return 0;
		}
		count = zstd_fse_weights(c, src + 1, h, w);
		if (count == 0)
			return 0;
		used = h;
	}
	if (count > 255) {
		c->msg = "zstd: too many Huffman weights";
		return 0;
	}
	if (!zstd_huf_build(c, w, count))
		return 0;
	return used + 1;
}

/* One or two symbols from the pair table; always stores two bytes. */
#define ZSTD_HUF_PAIR(b, t, log, op) do { \
	u32 e_ = (t)[zstd_bits_peek_fast((b), (log))]; \
	__builtin_memcpy((op), &e_, 2); \
	(op) += e_ >> 24; \
	(b)->used += (e_ >> 16) & 0xff; \
} while (0)

#define ZSTD_HUF_SYM(b, t, log, op) do { \
	u16 e_ = (t)[zstd_bits_peek_fast((b), (log))]; \
	*(op)++ = (u8)e_; \
	(b)->used += e_ >> 8; \
} while (0)

/* One stream into [op, end): fast while 4 symbols fit per refill, then one
 * symbol per refill until the output is full. The stream must end exactly. */
ZSTD_INLINE int zstd_huf_stream(struct zstd_ctx *c, struct zstd_bits *b, u8 *op, u8 *end)
{
	const u16 *t = c->huf.e;
	const u32 *t2 = c->huf.pair;
	unsigned log = c->huf.log;
	/* 4 lookups of at most 11 bits fit in the 57 bits a refill guarantees */
	while (end - op >= 8 && zstd_bits_refill(b) == ZSTD_BITS_MORE) {
		ZSTD_HUF_PAIR(b, t2, log, op);
		ZSTD_HUF_PAIR(b, t2, log, op);
		ZSTD_HUF_PAIR(b, t2, log, op);
		ZSTD_HUF_PAIR(b, t2, log, op);
	}
	while (op < end) {
		if (zstd_bits_refill(b) == ZSTD_BITS_OVERRUN)
			break;
		ZSTD_HUF_SYM(b, t, log, op);
	}
	zstd_bits_refill(b);
	if (!zstd_bits_finished(b))
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: Huffman stream does not end where its literals do");
	return BC_DC_OK;
}

/* Four streams, each decoding a quarter of the literals, run interleaved
 * while all have plenty of input and output left, then finished one by one. */
ZSTD_INLINE int zstd_huf_four(struct zstd_ctx *c, const u8 *src, size_t src_len, u8 *dst, size_t regen)
{
	if (src_len < 6 + 4)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: Huffman jump table truncated");
	size_t sz[4], total = 6;
	for (int i = 0; i < 3; i++) {
		sz[i] = bc_le16(src + 2 * i);
		total += sz[i];
	}
	if (total >= src_len)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: Huffman stream sizes exceed the literals");
	sz[3] = src_len - total;
	size_t seg = (regen + 3) / 4;
	if (3 * seg > regen)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: too few literals for four streams");
	struct zstd_bits b[4];
	u8 *op[4], *end[4];
	const u8 *p = src + 6;
	for (int i = 0; i < 4; i++) {
		if (!zstd_bits_init(&b[i], p, sz[i]))
			return zstd_fail(c, BC_DC_CORRUPT, "zstd: Huffman stream has no end marker");
		p += sz[i];
		op[i] = dst + seg * (size_t)i;
		end[i] = i < 3 ? op[i] + seg : dst + regen;
	}
	const u32 *t2 = c->huf.pair;
	unsigned log = c->huf.log;
	/* 5 lookups of at most 11 bits fit in the 57 bits a refill guarantees;
	 * each writes 2 bytes, so a round needs 10 bytes of room per stream */
	bool more = true;
	while (more) {
		size_t rounds = (size_t)(end[3] - op[3]);
		for (int i = 0; i < 3; i++)
			rounds = BC_MIN(rounds, (size_t)(end[i] - op[i]));
		rounds /= 10;
		if (rounds == 0)
			break;
		while (rounds-- > 0) {
			enum zstd_refill r0 = zstd_bits_refill(&b[0]), r1 = zstd_bits_refill(&b[1]);
			enum zstd_refill r2 = zstd_bits_refill(&b[2]), r3 = zstd_bits_refill(&b[3]);
			if ((r0 | r1 | r2 | r3) != ZSTD_BITS_MORE) {
				more = false;
				break;
			}
			for (int k = 0; k < 5; k++) {
				ZSTD_HUF_PAIR(&b[0], t2, log, op[0]);
				ZSTD_HUF_PAIR(&b[1], t2, log, op[1]);
				ZSTD_HUF_PAIR(&b[2], t2, log, op[2]);
				ZSTD_HUF_PAIR(&b[3], t2, log, op[3]);
			}
		}
	}
	for (int i = 0; i < 4; i++) {
		int st = zstd_huf_stream(c, &b[i], op[i], end[i]);
		if (st != BC_DC_OK)
			return st;
	}
	return BC_DC_OK;
}

ZSTD_INLINE int zstd_huf_decode_any(struct zstd_ctx *c, const u8 *src, size_t src_len, u8 *dst,
				    size_t regen, bool four_streams)
{
	if (!c->huf.valid)
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: literals reuse a Huffman table never sent");
	if (four_streams)
		return zstd_huf_four(c, src, src_len, dst, regen);
	struct zstd_bits b;
	if (!zstd_bits_init(&b, src, src_len))
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: Huffman stream has no end marker");
	return zstd_huf_stream(c, &b, dst, dst + regen);
}

static int zstd_huf_decode_generic(struct zstd_ctx *c, const u8 *src, size_t src_len, u8 *dst,
				   size_t regen, bool four_streams)
{
	return zstd_huf_decode_any(c, src, src_len, dst, regen, four_streams);
}

ZSTD_BMI2 static int zstd_huf_decode_bmi2(struct zstd_ctx *c, const u8 *src, size_t src_len,
					  u8 *dst, size_t regen, bool four_streams)
{
	return zstd_huf_decode_any(c, src, src_len, dst, regen, four_streams);
}

int bc_zstd_huf_decode(struct zstd_ctx *c, const u8 *src, size_t src_len, u8 *dst, size_t regen,
		    bool four_streams)
{
	return c->bmi2 ? zstd_huf_decode_bmi2(c, src, src_len, dst, regen, four_streams)
		       : zstd_huf_decode_generic(c, src, src_len, dst, regen, four_streams);
}
