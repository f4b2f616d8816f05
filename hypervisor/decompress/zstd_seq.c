/* zstd sequences (RFC 8878 section 3.1.1.3.2): the section header, the
 * three FSE tables (predefined, RLE, compressed or repeated), and the loop
 * that decodes each (literal length, match length, offset) triple and
 * executes it at once into the output, which is also the match window. */
#include "zstd_internal.h"

enum { MODE_PREDEFINED, MODE_RLE, MODE_FSE, MODE_REPEAT };

/* Code -> base value and extra bits (RFC 8878 3.1.1.3.2.1.1). */
static const u32 ll_base[ZSTD_LL_MAX_SYMBOL + 1] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096,
	8192, 16384, 32768, 65536,
};
static const u8 ll_extra[ZSTD_LL_MAX_SYMBOL + 1] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12,
	13, 14, 15, 16,
};
static const u32 ml_base[ZSTD_ML_MAX_SYMBOL + 1] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
	19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
	35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051,
	4099, 8195, 16387, 32771, 65539,
};
static const u8 ml_extra[ZSTD_ML_MAX_SYMBOL + 1] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11,
	12, 13, 14, 15, 16,
};
/* Offset code N stands for (1 << N) plus N extra bits. */
static const u32 of_base[ZSTD_OF_MAX_SYMBOL + 1] = {
	1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7,
	1u << 8, 1u << 9, 1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15,
	1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21, 1u << 22, 1u << 23,
	1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31,
};
static const u8 of_extra[ZSTD_OF_MAX_SYMBOL + 1] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

/* Predefined distributions (RFC 8878 3.1.1.3.2.2). */
static const s16 ll_default[ZSTD_LL_MAX_SYMBOL + 1] = {
	4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
	-1, -1, -1, -1,
};
static const s16 ml_default[ZSTD_ML_MAX_SYMBOL + 1] = {
	1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1,
	-1, -1, -1, -1, -1,
};
static const s16 of_default[29] = {
	1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
};

/* What one of the three tables is made of. */
struct zstd_seq_kind {
	const u32 *base;
	const u8 *extra;
	const s16 *defaults;
	unsigned default_max, default_log, max_symbol, max_log;
};
static const struct zstd_seq_kind ll_kind = {
	ll_base, ll_extra, ll_default, ZSTD_LL_MAX_SYMBOL, 6, ZSTD_LL_MAX_SYMBOL, ZSTD_LL_LOG_MAX,
};
static const struct zstd_seq_kind of_kind = {
	of_base, of_extra, of_default, 28, 5, ZSTD_OF_MAX_SYMBOL, ZSTD_OF_LOG_MAX,
};
static const struct zstd_seq_kind ml_kind = {
	ml_base, ml_extra, ml_default, ZSTD_ML_MAX_SYMBOL, 6, ZSTD_ML_MAX_SYMBOL, ZSTD_ML_LOG_MAX,
};

/* Sets up table T in MODE from the bytes at SRC; returns bytes used or -1. */
static long zstd_seq_table(struct zstd_ctx *c, struct zstd_seq_table *t, int mode,
			   const struct zstd_seq_kind *k, const u8 *src, size_t src_len)
{
	s16 counts[ZSTD_ML_MAX_SYMBOL + 1];
	unsigned log, max_sym;
	size_t used;
	switch (mode) {
	case MODE_PREDEFINED:
		t->valid = bc_zstd_seq_build(c, t->e, k->defaults, k->default_max, k->default_log,
					  k->base, k->extra);
		t->log = k->default_log;
		return t->valid ? 0 : -1;
	case MODE_RLE:
		if (src_len < 1 || src[0] > k->max_symbol) {
			c->msg = src_len < 1 ? "zstd: sequence RLE symbol missing"
					     : "zstd: sequence RLE symbol out of range";
			t->valid = false;
			return -1;
		}
		t->e[0] = (struct zstd_seq_entry){ k->base[src[0]], k->extra[src[0]], 0, 0 };
		t->log = 0;
		t->valid = true;
		return 1;
	case MODE_FSE:
		used = bc_zstd_fse_read_counts(c, src, src_len, counts, k->max_symbol, k->max_log,
					    &log, &max_sym);
		t->valid = used != 0 && bc_zstd_seq_build(c, t->e, counts, max_sym, log, k->base, k->extra);
		t->log = log;
		return t->valid ? (long)used : -1;
	default:
		if (!t->valid) {
			c->msg = "zstd: sequence table repeated before one was sent";
			return -1;
		}
		return 0;
	}
}

static long zstd_seq_bad(struct zstd_ctx *c, const char *msg)
{
	c->msg = msg;
	return -1;
}

/* Number of sequences and the three tables; returns the header size or -1. */
static long zstd_seq_header(struct zstd_ctx *c, const u8 *src, size_t src_len, u32 *nb_seq)
{
	size_t p;
	if (src_len < 1)
		return zstd_seq_bad(c, "zstd: sequences section missing");
	u32 n = src[0];
	if (n < 128) {
		p = 1;
	} else if (n < 255) {
		if (src_len < 2)
			return zstd_seq_bad(c, "zstd: sequence count truncated");
		n = ((n - 128) << 8) + src[1];
		p = 2;
	} else {
		if (src_len < 3)
			return zstd_seq_bad(c, "zstd: sequence count truncated");
		n = src[1] + ((u32)src[2] << 8) + 0x7F00;
		p = 3;
	}
	*nb_seq = n;
	/* only a single zero byte ends the section; a zero count in the 2- or
	 * 3-byte form still carries the modes byte and tables (which update
	 * the repeat tables), and then no bitstream is read */
	if (p == 1 && n == 0)
		return p == src_len ? (long)p : zstd_seq_bad(c, "zstd: bytes after an empty sequences section");
	if (p >= src_len)
		return zstd_seq_bad(c, "zstd: sequence modes truncated");
	u8 modes = src[p++];
	if (modes & 3)
		return zstd_seq_bad(c, "zstd: reserved sequence mode bits set");
	long r = zstd_seq_table(c, &c->ll, modes >> 6, &ll_kind, src + p, src_len - p);
	if (r < 0)
		return -1;
	p += (size_t)r;
	r = zstd_seq_table(c, &c->of, (modes >> 4) & 3, &of_kind, src + p, src_len - p);
	if (r < 0)
		return -1;
	p += (size_t)r;
	r = zstd_seq_table(c, &c->ml, (modes >> 2) & 3, &ml_kind, src + p, src_len - p);
	if (r < 0)
		return -1;
	return (long)(p + (size_t)r);
}

/* Byte-at-a-time match copy for the last bytes of the buffer. */
static void zstd_copy_match_exact(u8 *op, size_t off, size_t ml)
{
	const u8 *m = op - off;
	for (size_t i = 0; i < ml; i++)
		op[i] = m[i];
}

/* 16-byte steps from SRC to DST for N bytes, possibly 15 more. */
ZSTD_INLINE void zstd_wild16(u8 *d, const u8 *s, size_t n)
{
	zstd_copy16(d, s);
	for (size_t i = 16; i < n; i += 16)
		zstd_copy16(d + i, s + i);
}

/* Match copy that may write up to 15 bytes past op + ml. Offsets under 8
 * are first widened: after 8 bytes copied one by one, the output repeats
 * with a period that is a multiple of OFF and at least 8. */
ZSTD_INLINE void zstd_copy_match_wild(u8 *op, size_t off, size_t ml)
{
	/* back4/widened: multiples of OFF, at least 4/8, reaching no further
	 * back than the match start */
	static const u8 back4[8] = { 0, 4, 4, 6, 4, 5, 6, 7 };
	static const u8 widened[8] = { 0, 8, 8, 9, 8, 10, 12, 14 };
	if (off >= 16) {
		zstd_wild16(op, op - off, ml);
		return;
	}
	size_t i = 0, dist = off;
	if (off < 8) {
		const u8 *m = op - off;
		op[0] = m[0];
		op[1] = m[1];
		op[2] = m[2];
		op[3] = m[3];
		u32 v;
		__builtin_memcpy(&v, op + 4 - back4[off], 4);
		__builtin_memcpy(op + 4, &v, 4);
		i = 8;
		dist = widened[off];
	}
	for (; i < ml; i += 8)
		zstd_copy8(op + i, op + i - dist);
}

/* Where literals come from and output goes while a block's sequences run. */
struct zstd_seq_run {
	const u8 *lit, *lit_end;
	u8 *op;
	u8 *out_start, *out_end;    /* copies of c's: locals stay in registers */
};

/* Executes one sequence: LL literals, then ML bytes from OFF back. */
ZSTD_INLINE int zstd_exec(struct zstd_ctx *c, struct zstd_seq_run *r, size_t ll, size_t ml,
			  size_t off)
{
	u8 *op = r->op;
	size_t room = (size_t)(r->out_end - op);
	if (ll > (size_t)(r->lit_end - r->lit))
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: sequence uses more literals than decoded");
	if (ll + ml > room)
		return zstd_fail(c, BC_DC_OUTPUT_FULL, "zstd: output larger than the buffer");
	if (off - 1 >= (size_t)(op + ll - r->out_start))
		return zstd_fail(c, BC_DC_CORRUPT, "zstd: match offset before the start of output");
	if (__builtin_expect(room - ll - ml >= ZSTD_WILD_SLACK, 1)) {
		/* lit_buf has ZSTD_WILD_SLACK bytes of slack too */
		zstd_wild16(op, r->lit, ll);
		zstd_copy_match_wild(op + ll, off, ml);
	} else {
		zstd_copy(op, r->lit, ll);
		zstd_copy_match_exact(op + ll, off, ml);
	}
	r->lit += ll;
	r->op = op + ll + ml;
	return BC_DC_OK;
}

/* The bitstream side: three FSE states over one backward stream, and the
 * repeat-offset history (kept in locals while a block runs). */
struct zstd_seq_dec {
	struct zstd_bits b;
	const struct zstd_seq_entry *llt, *oft, *mlt;
	u32 lls, ofs, mls;
	size_t rep0, rep1, rep2;
};

struct zstd_seq {
	size_t ll, ml, off;
};

/* Offset value -> offset through the repeat-offset history (RFC 8878
 * 3.1.1.5): values 1-3 name a history slot, shifted by one when there are
 * no literals, where slot "3" then means the most recent offset minus one. */
ZSTD_INLINE size_t zstd_resolve_offset(struct zstd_seq_dec *d, size_t value, size_t ll)
{
	size_t off;
	if (value > 3) {
		off = value - 3;
		d->rep2 = d->rep1;
	} else {
		size_t idx = value - 1 + (ll == 0);
		if (idx == 0)
			return d->rep0;
		if (idx == 1) {
			off = d->rep1;
		} else {
			off = idx == 2 ? d->rep2 : d->rep0 - 1;
			d->rep2 = d->rep1;
		}
	}
	d->rep1 = d->rep0;
	d->rep0 = off;
	return off;
}

/* Decodes one sequence and, unless it is the last, moves the states on. */
ZSTD_INLINE struct zstd_seq zstd_next_seq(struct zstd_seq_dec *d, bool last)
{
	/* pointers, not copies: the fields are read where needed, which keeps
	 * the loop's many live values in registers */
	const struct zstd_seq_entry *le = &d->llt[d->lls], *oe = &d->oft[d->ofs], *me = &d->mlt[d->mls];
	struct zstd_seq s;
	size_t of_value = oe->base + (size_t)zstd_bits_read(&d->b, oe->extra_bits);
	s.ml = me->base + (size_t)zstd_bits_read(&d->b, me->extra_bits);
	/* 57 bits per refill: 31 + 16 + 16 extra bits plus 26 state bits may not fit */
	if (oe->extra_bits + me->extra_bits + le->extra_bits >= 57 - 26)
		zstd_bits_refill(&d->b);
	s.ll = le->base + (size_t)zstd_bits_read(&d->b, le->extra_bits);
	s.off = zstd_resolve_offset(d, of_value, s.ll);
	if (!last) {
		d->lls = le->next_base + (u32)zstd_bits_read(&d->b, le->state_bits);
		d->mls = me->next_base + (u32)zstd_bits_read(&d->b, me->state_bits);
		d->ofs = oe->next_base + (u32)zstd_bits_read(&d->b, oe->state_bits);
		zstd_bits_refill(&d->b);
	}
	return s;
}

/* Small windows stay in cache: execute each sequence as it is decoded. */
ZSTD_INLINE int zstd_run_sequences(struct zstd_ctx *c, struct zstd_seq_dec *dp, u32 nb_seq,
				   struct zstd_seq_run *rp)
{
	struct zstd_seq_dec d = *dp;
	struct zstd_seq_run r = *rp;
	int st = BC_DC_OK;
	/* NB_SEQ >= 1; the last sequence is peeled off so the loop needs no
	 * "is this the last" test */
	for (u32 i = 1; i < nb_seq && st == BC_DC_OK; i++) {
		struct zstd_seq s = zstd_next_seq(&d, false);
		st = zstd_exec(c, &r, s.ll, s.ml, s.off);
	}
	if (st == BC_DC_OK) {
		struct zstd_seq s = zstd_next_seq(&d, true);
		st = zstd_exec(c, &r, s.ll, s.ml, s.off);
	}
	*dp = d;
	*rp = r;
	return st;
}

/* Large windows: sequences are decoded ZSTD_SEQ_AHEAD ahead of their
 * execution so the cache line each match reads from can be prefetched.
 * That only pays when many matches reach far back (past the caches): the
 * offset table tells how often offsets of ZSTD_LONG_OFFSET or more come up. */
#define ZSTD_SEQ_AHEAD 8
#define ZSTD_PREFETCH_WINDOW (8u << 20)
#define ZSTD_LONG_OFFSET (8u << 20)
#define ZSTD_LONG_SHARE_MIN 7       /* out of 256 offset-table states */

/* States (scaled to 256) of offset table T whose base is a long offset. */
static unsigned zstd_long_offset_share(const struct zstd_seq_table *t)
{
	unsigned n = 0;
	for (u32 s = 0; s < (1u << t->log); s++)
		n += t->e[s].base >= ZSTD_LONG_OFFSET;
	return n << (ZSTD_OF_LOG_MAX - t->log);
}

static bool zstd_use_prefetch(const struct zstd_ctx *c, u32 nb_seq)
{
	return c->window > ZSTD_PREFETCH_WINDOW && nb_seq > ZSTD_SEQ_AHEAD &&
	       zstd_long_offset_share(&c->of) >= ZSTD_LONG_SHARE_MIN;
}

ZSTD_INLINE int zstd_run_sequences_prefetch(struct zstd_ctx *c, struct zstd_seq_dec *dp,
					    u32 nb_seq, struct zstd_seq_run *rp)
{
	struct zstd_seq ring[ZSTD_SEQ_AHEAD];
	struct zstd_seq_dec d = *dp;
	struct zstd_seq_run r = *rp;
	size_t pos = (size_t)(r.op - c->out_start), cap = (size_t)(c->out_end - c->out_start);
	int st = BC_DC_OK;
	u32 i;
	for (i = 0; i < nb_seq && st == BC_DC_OK; i++) {
		struct zstd_seq s = zstd_next_seq(&d, i + 1 == nb_seq);
		size_t match = pos + s.ll;
		if (s.off <= match && match < cap) {
			__builtin_prefetch(c->out_start + match - s.off);
			__builtin_prefetch(c->out_start + match - s.off + 64);
		}
		pos = match + s.ml;
		struct zstd_seq *slot = &ring[i % ZSTD_SEQ_AHEAD];
		if (i >= ZSTD_SEQ_AHEAD)
			st = zstd_exec(c, &r, slot->ll, slot->ml, slot->off);
		*slot = s;
	}
	/* the last ZSTD_SEQ_AHEAD sequences are still waiting in the ring */
	i = nb_seq > ZSTD_SEQ_AHEAD ? nb_seq - ZSTD_SEQ_AHEAD : 0;
	for (; i < nb_seq && st == BC_DC_OK; i++) {
		struct zstd_seq *slot = &ring[i % ZSTD_SEQ_AHEAD];
		st = zstd_exec(c, &r, slot->ll, slot->ml, slot->off);
	}
	*dp = d;
	*rp = r;
	return st;
}

/* Both loops are built twice: once for any x86-64 and once for CPUs with
 * BMI2, whose flag-free variable shifts make every bit read shorter. */
static int zstd_run_generic(struct zstd_ctx *c, struct zstd_seq_dec *d, u32 nb_seq,
			    struct zstd_seq_run *r, bool prefetch)
{
	return prefetch ? zstd_run_sequences_prefetch(c, d, nb_seq, r) : zstd_run_sequences(c, d, nb_seq, r);
}

ZSTD_BMI2 static int zstd_run_bmi2(struct zstd_ctx *c, struct zstd_seq_dec *d, u32 nb_seq,
			 struct zstd_seq_run *r, bool prefetch)
{
	return prefetch ? zstd_run_sequences_prefetch(c, d, nb_seq, r) : zstd_run_sequences(c, d, nb_seq, r);
}

int bc_zstd_sequences(struct zstd_ctx *c, const u8 *src, size_t src_len, u8 **op)
{
	u32 nb_seq;
	long hdr = zstd_seq_header(c, src, src_len, &nb_seq);
	if (hdr < 0)
		return BC_DC_CORRUPT;
	struct zstd_seq_run r = { c->lit_buf, c->lit_buf + c->lit_len, *op, c->out_start, c->out_end };
	if (nb_seq > 0) {
		struct zstd_seq_dec d = { .llt = c->ll.e, .oft = c->of.e, .mlt = c->ml.e,
					  .rep0 = c->rep[0], .rep1 = c->rep[1], .rep2 = c->rep[2] };
		if (!zstd_bits_init(&d.b, src + hdr, src_len - (size_t)hdr))
			return zstd_fail(c, BC_DC_CORRUPT, "zstd: sequence stream has no end marker");
		d.lls = (u32)zstd_bits_read(&d.b, c->ll.log);
		d.ofs = (u32)zstd_bits_read(&d.b, c->of.log);
		d.mls = (u32)zstd_bits_read(&d.b, c->ml.log);
		zstd_bits_refill(&d.b);
		bool prefetch = zstd_use_prefetch(c, nb_seq);
		int st = c->bmi2 ? zstd_run_bmi2(c, &d, nb_seq, &r, prefetch)
				 : zstd_run_generic(c, &d, nb_seq, &r, prefetch);
		if (st != BC_DC_OK)
			return st;
		c->rep[0] = d.rep0;
		c->rep[1] = d.rep1;
		c->rep[2] = d.rep2;
		zstd_bits_refill(&d.b);
		if (!zstd_bits_finished(&d.b))
			return zstd_fail(c, BC_DC_CORRUPT, "zstd: sequence stream does not end after the last sequence");
	}
	size_t rest = (size_t)(r.lit_end - r.lit);
	if (rest > (size_t)(c->out_end - r.op))
		return zstd_fail(c, BC_DC_OUTPUT_FULL, "zstd: output larger than the buffer");
	zstd_copy(r.op, r.lit, rest);
	*op = r.op + rest;
	return BC_DC_OK;
}
