/* Raw DEFLATE (RFC 1951) decoder: stored, fixed and dynamic Huffman blocks.
 *
 * Speed comes from a 64-bit bit buffer refilled a word at a time (one refill
 * covers a whole length/distance pair) and table-driven Huffman decoding: a
 * main table indexed by the next TB bits gives the symbol directly for short
 * codes, or points at a subtable for the rest of a longer code.
 */
#include "inflate.h"
#include "lzcopy.h"
#include <bc/string.h>

/* Table entry: bits 0-4 bits to consume, 5-7 kind, 8-12 extra bits (or
 * subtable index bits), 16-31 value (literal, base, or subtable start). */
enum { K_LIT = 0, K_BASE = 1, K_END = 2, K_SUB = 3, K_BAD = 4 };
#define ENTRY(value, kind, extra, nbits) \
	(((u32)(value) << 16) | ((u32)(extra) << 8) | ((u32)(kind) << 5) | (u32)(nbits))
#define E_BITS(e)  ((e) & 31)
#define E_KIND(e)  (((e) >> 5) & 7)
#define E_EXTRA(e) (((e) >> 8) & 31)
#define E_VALUE(e) ((e) >> 16)

#define LIT_TB 10
#define DIST_TB 8
#define CLEN_TB 7
#define MAX_BITS 15
/* worst case: the main table plus a full-depth subtable per long symbol */
#define LIT_TABLE_SIZE ((1 << LIT_TB) + 288 * (1 << (MAX_BITS - LIT_TB)))
#define DIST_TABLE_SIZE ((1 << DIST_TB) + 32 * (1 << (MAX_BITS - DIST_TB)))

struct inflate_state {
	u32 lit[LIT_TABLE_SIZE];
	u32 dist[DIST_TABLE_SIZE];
	u32 clen[1 << CLEN_TB];
	u32 templ[288];          /* entry (without nbits) each symbol decodes to */
	u8 lens[288 + 32];
	u16 sorted[288], codes[288];   /* scratch for build_table */
};

static const u16 len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
				  35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const u8 len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
				  3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const u16 dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
				   257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
				   8193, 12289, 16385, 24577 };
static const u8 dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
				   7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
static const u8 clen_order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/* ---- Huffman tables ---------------------------------------------------- */

static u32 reverse_bits(u32 code, unsigned n)
{
	u32 r = 0;
	for (unsigned i = 0; i < n; i++, code >>= 1)
		r = (r << 1) | (code & 1);
	return r;
}

static void fill(u32 *t, u32 start, unsigned step, u32 size, u32 entry)
{
	for (u32 i = start; i < size; i += step)
		t[i] = entry;
}

/* Canonical codes for LENS[0..N-1] (RFC 1951 3.2.2): codes of each length are
 * consecutive in symbol order. Puts symbols sorted by (length, symbol) in
 * SORTED and returns how many there are, or -1 if the lengths oversubscribe
 * the code space or leave it incomplete (allowed only for a lone 1-bit code,
 * as zlib does, when INCOMPLETE_OK). *NEXT gets the first code of each length. */
static int canonical(const u8 *lens, unsigned n, bool incomplete_ok, u16 *sorted,
		     u32 next[MAX_BITS + 2])
{
	unsigned count[MAX_BITS + 1] = { 0 }, offs[MAX_BITS + 2];
	for (unsigned s = 0; s < n; s++)
		count[lens[s]]++;
	int left = 1, max = 0;
	for (unsigned l = 1; l <= MAX_BITS; l++) {
		left = 2 * left - (int)count[l];
		if (left < 0)
			return -1;
		if (count[l])
			max = (int)l;
	}
	if (left > 0 && max > 0 && !(incomplete_ok && max == 1))
		return -1;
	u32 code = 0;
	offs[1] = 0;
	for (unsigned l = 1; l <= MAX_BITS; l++) {
		next[l] = code;
		code = (code + count[l]) << 1;
		offs[l + 1] = offs[l] + count[l];
	}
	for (unsigned s = 0; s < n; s++)
		if (lens[s])
			sorted[offs[lens[s]]++] = (u16)s;
	return (int)offs[MAX_BITS + 1];
}

/* Builds decode table T (main part 2^TB entries, then subtables, CAP in all)
 * for the code lengths LENS[0..N-1]; symbol s decodes to TEMPL[s]. SORTED and
 * CODES are scratch space for N entries. */
static int build_table(u32 *t, size_t cap, unsigned tb, const u8 *lens, unsigned n,
		       const u32 *templ, bool incomplete_ok, u16 *sorted, u16 *codes)
{
	u32 next[MAX_BITS + 2];
	int nsyms = canonical(lens, n, incomplete_ok, sorted, next);
	if (nsyms < 0)
		return -1;
	for (int i = 0; i < nsyms; i++)
		codes[i] = (u16)next[lens[sorted[i]]]++;
	fill(t, 0, 1, 1u << tb, ENTRY(0, K_BAD, 0, 0));
	size_t sub_next = 1u << tb;
	u32 sub_start = 0, sub_prefix = ~0u;
	unsigned sub_bits = 0;
	for (int i = 0; i < nsyms; i++) {
		unsigned s = sorted[i], len = lens[s];
		if (len <= tb) {
			fill(t, reverse_bits(codes[i], len), 1u << len, 1u << tb, templ[s] | len);
			continue;
		}
		u32 prefix = (u32)codes[i] >> (len - tb);
		if (prefix != sub_prefix) {
			/* codes sharing a prefix are consecutive; the last is the longest */
			int j = i;
			while (j + 1 < nsyms &&
			       (u32)codes[j + 1] >> (lens[sorted[j + 1]] - tb) == prefix)
				j++;
			sub_bits = lens[sorted[j]] - tb;
			if (sub_next + (1u << sub_bits) > cap)
				return -1;
			sub_prefix = prefix;
			sub_start = (u32)sub_next;
			sub_next += 1u << sub_bits;
			fill(t, sub_start, 1, sub_start + (1u << sub_bits), ENTRY(0, K_BAD, 0, 0));
			t[reverse_bits(prefix, tb)] = ENTRY(sub_start, K_SUB, sub_bits, tb);
		}
		unsigned rest = len - tb;
		fill(t + sub_start, reverse_bits(codes[i] & ((1u << rest) - 1), rest), 1u << rest,
		     1u << sub_bits, templ[s] | rest);
	}
	return 0;
}

/* ---- bit input ------------------------------------------------------------ */

/* LSB-first bit buffer. Past the end of the input it feeds zero bytes and
 * counts them, so a truncated stream is found by comparing bits consumed
 * with bits present rather than by a check on every read. */
struct bitin {
	const u8 *in;
	size_t len, pos;    /* pos: next input byte to load (may pass len by padding) */
	u64 bb;
	unsigned bc;        /* valid bits in bb */
};

/* Tops the buffer up to at least 56 bits. Returns false once far more
 * padding than the buffer holds was loaded: the decode is running on zeros. */
static inline bool refill(struct bitin *b)
{
	if (b->pos + 8 <= b->len) {
		/* bytes past the bc|56 mark are loaded again later: same bits, OR is harmless */
		b->bb |= lz_load64(b->in + b->pos) << b->bc;
		b->pos += (63 - b->bc) >> 3;
		b->bc |= 56;
		return true;
	}
	while (b->bc <= 56) {
		u64 byte = b->pos < b->len ? b->in[b->pos] : 0;
		b->bb |= byte << b->bc;
		b->pos++;
		b->bc += 8;
	}
	return b->pos <= b->len + 16;
}

static inline u32 peek(const struct bitin *b, unsigned n) { return (u32)(b->bb & ((1ull << n) - 1)); }

static inline void drop(struct bitin *b, unsigned n)
{
	b->bb >>= n;
	b->bc -= n;
}

static inline u32 take(struct bitin *b, unsigned n)
{
	u32 v = peek(b, n);
	drop(b, n);
	return v;
}

/* Bits consumed so far went past the real input. */
static bool overrun(const struct bitin *b)
{
	return b->pos * 8 - b->bc > b->len * 8;
}

/* Decodes one symbol with table T (main index TB bits); caller refilled. */
static inline u32 decode(struct bitin *b, const u32 *t, unsigned tb)
{
	u32 e = t[peek(b, tb)];
	if (E_KIND(e) == K_SUB) {
		drop(b, tb);
		e = t[E_VALUE(e) + peek(b, E_EXTRA(e))];
	}
	drop(b, E_BITS(e));
	return e;
}

/* ---- blocks ---------------------------------------------------------------- */

struct inflate_run {
	struct bitin b;
	u8 *out, *op, *oend;
	struct inflate_state *st;
	const char *msg;
};

static int fail(struct inflate_run *r, int status, const char *msg)
{
	/* a decode error after reading past the end is really a truncation */
	if (overrun(&r->b) && status == BC_DC_CORRUPT) {
		status = BC_DC_TRUNCATED;
		msg = "deflate: input ends inside the stream";
	}
	r->msg = msg;
	return status;
}

static int stored_block(struct inflate_run *r)
{
	struct bitin *b = &r->b;
	drop(b, b->bc & 7);
	refill(b);
	u32 len = take(b, 16), nlen = take(b, 16);
	if (overrun(b))
		return fail(r, BC_DC_TRUNCATED, "deflate: input ends inside a stored block header");
	if ((len ^ 0xffff) != nlen)
		return fail(r, BC_DC_CORRUPT, "deflate: stored block length check failed");
	/* hand back the whole bytes still in the bit buffer, then copy directly */
	size_t at = b->pos - b->bc / 8;
	if (len > b->len - at)
		return fail(r, BC_DC_TRUNCATED, "deflate: input ends inside a stored block");
	if (len > (size_t)(r->oend - r->op))
		return fail(r, BC_DC_OUTPUT_FULL, "deflate: output larger than the buffer");
	bc_memcpy(r->op, b->in + at, len);
	r->op += len;
	b->pos = at + len;
	b->bb = 0;
	b->bc = 0;
	return BC_DC_OK;
}

static void set_templates(u32 *templ, bool dist)
{
	if (dist) {
		for (unsigned s = 0; s < 32; s++)
			templ[s] = s < 30 ? ENTRY(dist_base[s], K_BASE, dist_extra[s], 0)
					  : ENTRY(0, K_BAD, 0, 0);
		return;
	}
	for (unsigned s = 0; s < 288; s++) {
		if (s < 256)
			templ[s] = ENTRY(s, K_LIT, 0, 0);
		else if (s == 256)
			templ[s] = ENTRY(0, K_END, 0, 0);
		else if (s < 286)
			templ[s] = ENTRY(len_base[s - 257], K_BASE, len_extra[s - 257], 0);
		else
			templ[s] = ENTRY(0, K_BAD, 0, 0);
	}
}

/* Builds the literal/length and distance tables from st->lens. */
static int build_code_tables(struct inflate_run *r, unsigned nlit, unsigned ndist)
{
	struct inflate_state *st = r->st;
	set_templates(st->templ, false);
	if (build_table(st->lit, LIT_TABLE_SIZE, LIT_TB, st->lens, nlit, st->templ, true,
			st->sorted, st->codes) != 0)
		return fail(r, BC_DC_CORRUPT, "deflate: invalid literal/length code lengths");
	set_templates(st->templ, true);
	if (build_table(st->dist, DIST_TABLE_SIZE, DIST_TB, st->lens + nlit, ndist, st->templ,
			true, st->sorted, st->codes) != 0)
		return fail(r, BC_DC_CORRUPT, "deflate: invalid distance code lengths");
	return BC_DC_OK;
}

static int fixed_tables(struct inflate_run *r)
{
	u8 *l = r->st->lens;
	for (unsigned s = 0; s < 288; s++)
		l[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
	for (unsigned s = 0; s < 32; s++)
		l[288 + s] = 5;
	return build_code_tables(r, 288, 32);
}

/* Reads the code-length code, then the literal/length and distance lengths. */
static int read_lengths(struct inflate_run *r, unsigned nlit, unsigned ndist, unsigned nclen)
{
	struct bitin *b = &r->b;
	struct inflate_state *st = r->st;
	u8 clens[19] = { 0 };
	for (unsigned i = 0; i < nclen; i++) {
		refill(b);
		clens[clen_order[i]] = (u8)take(b, 3);
	}
	for (unsigned s = 0; s < 19; s++)
		st->templ[s] = ENTRY(s, K_LIT, 0, 0);
	if (build_table(st->clen, 1 << CLEN_TB, CLEN_TB, clens, 19, st->templ, false, st->sorted,
			st->codes) != 0)
		return fail(r, BC_DC_CORRUPT, "deflate: invalid code length code");
	for (unsigned i = 0; i < nlit + ndist;) {
		refill(b);
		u32 e = decode(b, st->clen, CLEN_TB);
		if (E_KIND(e) != K_LIT)
			return fail(r, BC_DC_CORRUPT, "deflate: invalid code length symbol");
		unsigned sym = E_VALUE(e), rep, val = 0;
		if (sym < 16) {
			st->lens[i++] = (u8)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return fail(r, BC_DC_CORRUPT, "deflate: length repeat with no previous length");
			val = st->lens[i - 1];
			rep = 3 + take(b, 2);
		} else {
			rep = sym == 17 ? 3 + take(b, 3) : 11 + take(b, 7);
		}
		if (rep > nlit + ndist - i)
			return fail(r, BC_DC_CORRUPT, "deflate: code lengths repeat past the end");
		while (rep--)
			st->lens[i++] = (u8)val;
	}
	if (overrun(b))
		return fail(r, BC_DC_TRUNCATED, "deflate: input ends inside a block header");
	if (st->lens[256] == 0)
		return fail(r, BC_DC_CORRUPT, "deflate: block has no end-of-block code");
	return BC_DC_OK;
}

static int dynamic_tables(struct inflate_run *r)
{
	struct bitin *b = &r->b;
	refill(b);
	unsigned nlit = 257 + take(b, 5), ndist = 1 + take(b, 5), nclen = 4 + take(b, 4);
	if (nlit > 286 || ndist > 30)
		return fail(r, BC_DC_CORRUPT, "deflate: too many length or distance symbols");
	int st = read_lengths(r, nlit, ndist, nclen);
	if (st != BC_DC_OK)
		return st;
	/* distance lengths follow the literal ones directly in lens[] */
	return build_code_tables(r, nlit, ndist);
}

/* Decodes Huffman-coded symbols until end of block. */
static int huffman_block(struct inflate_run *r)
{
	struct bitin b = r->b;     /* local copy keeps the hot state in registers */
	const u32 *lit = r->st->lit, *dist = r->st->dist;
	u8 *op = r->op, *const out = r->out, *const oend = r->oend;
	int status = BC_DC_OK;
	const char *msg = NULL;
	bool in_input = true;
	for (;;) {
		if (!refill(&b)) {
			in_input = false;
			break;
		}
		u32 e = decode(&b, lit, LIT_TB);
		if (E_KIND(e) == K_LIT) {
			if (op == oend) {
				status = BC_DC_OUTPUT_FULL;
				msg = "deflate: output larger than the buffer";
				break;
			}
			*op++ = (u8)E_VALUE(e);
			continue;
		}
		if (E_KIND(e) != K_BASE) {
			if (E_KIND(e) != K_END) {
				status = BC_DC_CORRUPT;
				msg = "deflate: invalid literal/length code";
			}
			break;
		}
		size_t len = E_VALUE(e) + take(&b, E_EXTRA(e));
		e = decode(&b, dist, DIST_TB);
		if (E_KIND(e) != K_BASE) {
			status = BC_DC_CORRUPT;
			msg = "deflate: invalid distance code";
			break;
		}
		size_t d = E_VALUE(e) + take(&b, E_EXTRA(e));
		if (d > (size_t)(op - out)) {
			status = BC_DC_CORRUPT;
			msg = "deflate: distance before the start of the output";
			break;
		}
		if (len > (size_t)(oend - op)) {
			status = BC_DC_OUTPUT_FULL;
			msg = "deflate: output larger than the buffer";
			break;
		}
		lz_copy_match(op, d, len, oend);
		op += len;
	}
	r->b = b;
	r->op = op;
	if (!in_input || (status == BC_DC_OK && overrun(&b)))
		return fail(r, BC_DC_TRUNCATED, "deflate: input ends inside the stream");
	return status == BC_DC_OK ? status : fail(r, status, msg);
}

static int inflate_blocks(struct inflate_run *r)
{
	bool last = false;
	while (!last) {
		refill(&r->b);
		last = take(&r->b, 1);
		unsigned type = take(&r->b, 2);
		int st;
		if (type == 0)
			st = stored_block(r);
		else if (type == 1 && (st = fixed_tables(r)) == BC_DC_OK)
			st = huffman_block(r);
		else if (type == 2 && (st = dynamic_tables(r)) == BC_DC_OK)
			st = huffman_block(r);
		else if (type == 3)
			st = fail(r, BC_DC_CORRUPT, "deflate: invalid block type");
		if (st != BC_DC_OK)
			return st;
	}
	return BC_DC_OK;
}

int bc_inflate(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
	       const struct bc_dc_env *env, struct bc_dc_result *res)
{
	struct inflate_run r = {
		.b = { .in = in, .len = in_len },
		.out = out, .op = out, .oend = out + out_cap,
	};
	res->in_used = 0;
	res->out_len = 0;
	res->msg = NULL;
	r.st = env->alloc(env->ctx, sizeof(*r.st));
	if (!r.st) {
		res->msg = "deflate: cannot allocate decoder tables";
		return BC_DC_NOMEM;
	}
	int st = inflate_blocks(&r);
	env->free(env->ctx, r.st);
	res->out_len = (size_t)(r.op - out);
	if (st != BC_DC_OK) {
		res->msg = r.msg;
		res->in_used = BC_MIN(in_len, r.b.pos);
		return st;
	}
	res->in_used = (r.b.pos * 8 - r.b.bc + 7) / 8;
	return BC_DC_OK;
}
