/* bzip2: one stream of blocks, each Huffman + MTF/RLE2 coded, then the
 * inverse Burrows-Wheeler transform and the initial run-length (RLE1) step.
 * Block CRCs and the stream CRC are checked. Randomised blocks (written only
 * by bzip2 0.9.0 and older) are rejected as unsupported. */
#include "decompress.h"
#include <bc/string.h>

#define BZ_MAX_GROUPS 6
#define BZ_MAX_ALPHA 258
#define BZ_MAX_CODE_LEN 20
#define BZ_MAX_SELECTORS 18002   /* what libbz2 keeps; more are read and dropped */
#define BZ_GROUP_SIZE 50
#define BZ_FAST_BITS 10

struct bz_huff {
	u16 fast[1 << BZ_FAST_BITS];     /* sym << 5 | len, or 0: code longer than FAST_BITS */
	u32 first[BZ_MAX_CODE_LEN + 2];  /* first code of each length */
	u32 count[BZ_MAX_CODE_LEN + 2];
	u32 offset[BZ_MAX_CODE_LEN + 2]; /* index in perm of the first symbol of each length */
	u16 perm[BZ_MAX_ALPHA];
};

struct bz_state {
	struct bz_huff huff[BZ_MAX_GROUPS];
	u8 selectors[BZ_MAX_SELECTORS];
	u8 lens[BZ_MAX_GROUPS][BZ_MAX_ALPHA];
	u32 crc_table[256];
	u32 cftab[256];  /* inverse BWT: where each byte value's run starts */
	u32 *tt;         /* block bytes, then the inverse BWT links */
	size_t block_max;
};

/* MSB-first bit reader; zero padding past the end is counted, as in inflate. */
struct bz_bits {
	const u8 *in;
	size_t len, pos;
	u64 bb;          /* valid bits at the top */
	unsigned bc;
};

static inline void bz_refill(struct bz_bits *b)
{
	while (b->bc <= 56) {
		u64 byte = b->pos < b->len ? b->in[b->pos] : 0;
		b->bb |= byte << (56 - b->bc);
		b->pos++;
		b->bc += 8;
	}
}

static inline u32 bz_peek(struct bz_bits *b, unsigned n)
{
	if (b->bc < n)
		bz_refill(b);
	return (u32)(b->bb >> (64 - n));
}

static inline void bz_drop(struct bz_bits *b, unsigned n)
{
	b->bb <<= n;
	b->bc -= n;
}

static inline u32 bz_get(struct bz_bits *b, unsigned n)
{
	u32 v = bz_peek(b, n);
	bz_drop(b, n);
	return v;
}

static bool bz_overrun(const struct bz_bits *b)
{
	return b->pos * 8 - b->bc > b->len * 8;
}

static u64 bz_get48(struct bz_bits *b)
{
	u64 hi = bz_get(b, 24);
	return (hi << 24) | bz_get(b, 24);
}

/* ---- Huffman ------------------------------------------------------------- */

/* Canonical code from LENS[0..N-1] (each 1..20): fails if oversubscribed. */
static bool bz_build(struct bz_huff *h, const u8 *lens, unsigned n)
{
	bc_memset(h->count, 0, sizeof(h->count));
	for (unsigned s = 0; s < n; s++)
		h->count[lens[s]]++;
	u32 code = 0, idx = 0;
	s32 left = 1;
	for (unsigned l = 1; l <= BZ_MAX_CODE_LEN; l++) {
		left = 2 * left - (s32)h->count[l];
		if (left < 0)
			return false;
		h->first[l] = code;
		h->offset[l] = idx;
		code = (code + h->count[l]) << 1;
		idx += h->count[l];
	}
	u32 fill[BZ_MAX_CODE_LEN + 1];
	for (unsigned l = 1; l <= BZ_MAX_CODE_LEN; l++)
		fill[l] = h->offset[l];
	for (unsigned s = 0; s < n; s++)
		h->perm[fill[lens[s]]++] = (u16)s;
	bc_memset(h->fast, 0, sizeof(h->fast));
	for (unsigned l = 1; l <= BZ_FAST_BITS; l++)
		for (u32 i = 0; i < h->count[l]; i++) {
			u32 c = (h->first[l] + i) << (BZ_FAST_BITS - l);
			u16 e = (u16)(h->perm[h->offset[l] + i] << 5 | l);
			for (u32 k = 0; k < (1u << (BZ_FAST_BITS - l)); k++)
				h->fast[c + k] = e;
		}
	return true;
}

/* Next symbol, or -1 for a bit pattern that is no code. */
static inline int bz_decode(struct bz_bits *b, const struct bz_huff *h)
{
	u32 e = h->fast[bz_peek(b, BZ_FAST_BITS)];
	if (e) {
		bz_drop(b, e & 31);
		return (int)(e >> 5);
	}
	u32 bits = bz_peek(b, BZ_MAX_CODE_LEN);
	for (unsigned l = BZ_FAST_BITS + 1; l <= BZ_MAX_CODE_LEN; l++) {
		u32 c = bits >> (BZ_MAX_CODE_LEN - l);
		if (c - h->first[l] < h->count[l]) {
			bz_drop(b, l);
			return h->perm[h->offset[l] + c - h->first[l]];
		}
	}
	return -1;
}

/* ---- block header --------------------------------------------------------- */

struct bz_run {
	struct bz_bits b;
	struct bz_state *st;
	u8 *out, *op, *oend;
	const char *msg;
};

static int bz_fail(struct bz_run *r, int status, const char *msg)
{
	if (status == BC_DC_CORRUPT && bz_overrun(&r->b)) {
		status = BC_DC_TRUNCATED;
		msg = "bzip2: input ends inside the stream";
	}
	r->msg = msg;
	return status;
}

/* The symbol map: which byte values occur, in order (seq_to_unseq). */
static int read_symbol_map(struct bz_run *r, u8 *seq, unsigned *n_in_use)
{
	u32 groups = bz_get(&r->b, 16);
	unsigned n = 0;
	for (unsigned g = 0; g < 16; g++) {
		if (!(groups & (0x8000u >> g)))
			continue;
		u32 bits = bz_get(&r->b, 16);
		for (unsigned i = 0; i < 16; i++)
			if (bits & (0x8000u >> i))
				seq[n++] = (u8)(g * 16 + i);
	}
	if (n == 0)
		return bz_fail(r, BC_DC_CORRUPT, "bzip2: block uses no symbols");
	*n_in_use = n;
	return BC_DC_OK;
}

/* Selectors (MTF-coded group numbers, unary) and each group's code lengths. */
static int read_tables(struct bz_run *r, unsigned alpha, unsigned *n_groups, u32 *n_selectors)
{
	struct bz_bits *b = &r->b;
	struct bz_state *st = r->st;
	unsigned ng = bz_get(b, 3);
	u32 ns = bz_get(b, 15);
	if (ng < 2 || ng > BZ_MAX_GROUPS || ns == 0)
		return bz_fail(r, BC_DC_CORRUPT, "bzip2: bad Huffman group or selector count");
	u8 mtf[BZ_MAX_GROUPS] = { 0, 1, 2, 3, 4, 5 };
	for (u32 i = 0; i < ns; i++) {
		unsigned j = 0;
		while (bz_get(b, 1)) {
			if (++j >= ng)
				return bz_fail(r, BC_DC_CORRUPT, "bzip2: selector out of range");
		}
		u8 g = mtf[j];
		for (; j > 0; j--)
			mtf[j] = mtf[j - 1];
		mtf[0] = g;
		if (i < BZ_MAX_SELECTORS)
			st->selectors[i] = g;
	}
	*n_selectors = BC_MIN(ns, (u32)BZ_MAX_SELECTORS);
	for (unsigned g = 0; g < ng; g++) {
		int len = (int)bz_get(b, 5);
		for (unsigned s = 0; s < alpha; s++) {
			for (;;) {
				if (len < 1 || len > BZ_MAX_CODE_LEN)
					return bz_fail(r, BC_DC_CORRUPT, "bzip2: code length out of range");
				if (!bz_get(b, 1))
					break;
				len += bz_get(b, 1) ? -1 : 1;
			}
			st->lens[g][s] = (u8)len;
		}
		if (!bz_build(&st->huff[g], st->lens[g], alpha))
			return bz_fail(r, BC_DC_CORRUPT, "bzip2: oversubscribed Huffman code");
	}
	*n_groups = ng;
	return BC_DC_OK;
}

/* ---- block data ------------------------------------------------------------- */

/* Moves mtf[0..k) up one place, a word at a time from the top (each word is
 * loaded before the store below it can overwrite it). */
static inline void mtf_shift(u8 *mtf, unsigned k)
{
	for (; k >= 8; k -= 8) {
		u64 w;
		__builtin_memcpy(&w, mtf + k - 8, 8);
		__builtin_memcpy(mtf + k - 7, &w, 8);
	}
	for (; k > 0; k--)
		mtf[k] = mtf[k - 1];
}

/* Decodes the MTF/RLE2 symbols into the bytes of the BWT'd block (tt[i] low
 * byte); *N gets the block length. */
static int read_block_bytes(struct bz_run *r, const u8 *seq, unsigned n_in_use,
			    unsigned n_groups, u32 n_selectors, u32 *nblock)
{
	struct bz_bits *b = &r->b;
	struct bz_state *st = r->st;
	u32 *tt = st->tt;
	const u32 max = (u32)st->block_max;
	const unsigned eob = n_in_use + 1;
	u8 mtf[256];
	for (unsigned i = 0; i < 256; i++)
		mtf[i] = (u8)i;
	u32 n = 0, run = 0, run_weight = 1, sel = 0, left = 0;
	const struct bz_huff *h = NULL;
	for (;;) {
		if (left == 0) {
			if (sel == n_selectors)
				return bz_fail(r, BC_DC_CORRUPT, "bzip2: block data outruns its selectors");
			if (b->pos > b->len + 16)
				return bz_fail(r, BC_DC_TRUNCATED, "bzip2: input ends inside a block");
			if (st->selectors[sel] >= n_groups)
				return bz_fail(r, BC_DC_CORRUPT, "bzip2: selector names a missing group");
			h = &st->huff[st->selectors[sel++]];
			left = BZ_GROUP_SIZE;
		}
		left--;
		int sym = bz_decode(b, h);
		if (sym < 0)
			return bz_fail(r, BC_DC_CORRUPT, "bzip2: invalid Huffman code");
		if (sym <= 1) {
			/* RUNA/RUNB: a run length in bijective base 2 */
			if (run_weight > max)
				return bz_fail(r, BC_DC_CORRUPT, "bzip2: run longer than the block");
			run += run_weight << sym;
			run_weight <<= 1;
			continue;
		}
		if (run) {
			if (run > max - n)
				return bz_fail(r, BC_DC_CORRUPT, "bzip2: block longer than its size");
			u32 byte = seq[mtf[0]];
			for (u32 i = 0; i < run; i++)
				tt[n + i] = byte;
			n += run;
			run = 0;
			run_weight = 1;
		}
		if ((unsigned)sym == eob)
			break;
		if ((unsigned)sym > eob)
			return bz_fail(r, BC_DC_CORRUPT, "bzip2: symbol beyond the alphabet");
		if (n == max)
			return bz_fail(r, BC_DC_CORRUPT, "bzip2: block longer than its size");
		unsigned k = (unsigned)sym - 1;
		u8 v = mtf[k];
		mtf_shift(mtf, k);
		mtf[0] = v;
		tt[n++] = seq[v];
	}
	*nblock = n;
	return BC_DC_OK;
}

/* bzip2's CRC32: polynomial 0x04C11DB7, MSB first (not the reflected gzip one). */
static void bz_crc_init(u32 *table)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i << 24;
		for (int k = 0; k < 8; k++)
			c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
		table[i] = c;
	}
}

/* Inverse BWT, then RLE1 (4 equal bytes are followed by a repeat count)
 * straight into the output; returns the block CRC in *CRC. */
static int unbwt_and_output(struct bz_run *r, u32 nblock, u32 orig_ptr, u32 *crc_out)
{
	u32 *tt = r->st->tt;
	const u32 *ct = r->st->crc_table;
	u32 *cftab = r->st->cftab;
	bc_memset(cftab, 0, sizeof(r->st->cftab));
	for (u32 i = 0; i < nblock; i++)
		cftab[tt[i] & 0xff]++;
	for (u32 c = 0, sum = 0; c < 256; c++) {
		u32 k = cftab[c];
		cftab[c] = sum;
		sum += k;
	}
	for (u32 i = 0; i < nblock; i++)
		tt[cftab[tt[i] & 0xff]++] |= i << 8;
	u8 *op = r->op, *const oend = r->oend;
	u32 pos = tt[orig_ptr] >> 8, crc = 0xffffffffu;
	int last = -1, run = 0;
	for (u32 i = 0; i < nblock; i++) {
		u32 e = tt[pos];
		u8 ch = (u8)e;
		pos = e >> 8;
		if (run == 4) {
			if (ch > (size_t)(oend - op))
				goto full;
			for (u32 k = 0; k < ch; k++) {
				op[k] = (u8)last;
				crc = (crc << 8) ^ ct[(crc >> 24) ^ (u8)last];
			}
			op += ch;
			run = 0;
			last = -1;
			continue;
		}
		run = ch == last ? run + 1 : 1;
		last = ch;
		if (op == oend)
			goto full;
		*op++ = ch;
		crc = (crc << 8) ^ ct[(crc >> 24) ^ ch];
	}
	r->op = op;
	*crc_out = ~crc;
	return BC_DC_OK;
full:
	r->op = op;
	return bz_fail(r, BC_DC_OUTPUT_FULL, "bzip2: output larger than the buffer");
}

static int read_block(struct bz_run *r, u32 *crc)
{
	struct bz_bits *b = &r->b;
	u32 want = bz_get(b, 32);
	if (bz_get(b, 1))
		return bz_fail(r, BC_DC_UNSUPPORTED, "bzip2: randomised block (bzip2 < 0.9.5)");
	u32 orig_ptr = bz_get(b, 24);
	u8 seq[256];
	unsigned n_in_use, n_groups;
	u32 n_selectors, nblock;
	int st = read_symbol_map(r, seq, &n_in_use);
	if (st == BC_DC_OK)
		st = read_tables(r, n_in_use + 2, &n_groups, &n_selectors);
	if (st == BC_DC_OK)
		st = read_block_bytes(r, seq, n_in_use, n_groups, n_selectors, &nblock);
	if (st != BC_DC_OK)
		return st;
	if (bz_overrun(b))
		return bz_fail(r, BC_DC_TRUNCATED, "bzip2: input ends inside a block");
	if (orig_ptr >= nblock)
		return bz_fail(r, BC_DC_CORRUPT, "bzip2: BWT origin pointer outside the block");
	st = unbwt_and_output(r, nblock, orig_ptr, crc);
	if (st == BC_DC_OK && *crc != want)
		return bz_fail(r, BC_DC_CHECKSUM, "bzip2: block CRC mismatch");
	return st;
}

/* ---- stream ---------------------------------------------------------------- */

#define BZ_BLOCK_MAGIC 0x314159265359ull   /* BCD pi */
#define BZ_EOS_MAGIC 0x177245385090ull     /* BCD sqrt(pi) */

static int read_stream(struct bz_run *r)
{
	u32 combined = 0;
	for (;;) {
		u64 magic = bz_get48(&r->b);
		if (magic == BZ_EOS_MAGIC)
			break;
		if (magic != BZ_BLOCK_MAGIC)
			return bz_fail(r, BC_DC_CORRUPT, "bzip2: bad block magic");
		u32 crc;
		int st = read_block(r, &crc);
		if (st != BC_DC_OK)
			return st;
		combined = ((combined << 1) | (combined >> 31)) ^ crc;
	}
	u32 want = bz_get(&r->b, 32);
	if (bz_overrun(&r->b))
		return bz_fail(r, BC_DC_TRUNCATED, "bzip2: input ends inside the stream trailer");
	if (want != combined)
		return bz_fail(r, BC_DC_CHECKSUM, "bzip2: stream CRC mismatch");
	return BC_DC_OK;
}

static int bzip2_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			    const struct bc_dc_env *env, struct bc_dc_result *res)
{
	res->in_used = 0;
	res->out_len = 0;
	res->msg = NULL;
	if (in_len < 4) {
		res->msg = "bzip2: input ends inside the stream header";
		return BC_DC_TRUNCATED;
	}
	if (in[0] != 'B' || in[1] != 'Z' || in[2] != 'h' || in[3] < '1' || in[3] > '9') {
		res->msg = "bzip2: bad stream header";
		return BC_DC_CORRUPT;
	}
	struct bz_run r = { .b = { .in = in, .len = in_len, .pos = 4 },
			    .out = out, .op = out, .oend = out + out_cap };
	r.st = env->alloc(env->ctx, sizeof(*r.st));
	if (!r.st) {
		res->msg = "bzip2: cannot allocate decoder tables";
		return BC_DC_NOMEM;
	}
	r.st->block_max = (size_t)(in[3] - '0') * 100000;
	r.st->tt = env->alloc(env->ctx, r.st->block_max * sizeof(u32));
	int st = BC_DC_NOMEM;
	r.msg = "bzip2: cannot allocate the block buffer";
	if (r.st->tt) {
		bz_crc_init(r.st->crc_table);
		st = read_stream(&r);
		env->free(env->ctx, r.st->tt);
	}
	env->free(env->ctx, r.st);
	res->out_len = (size_t)(r.op - out);
	res->in_used = BC_MIN(in_len, (r.b.pos * 8 - r.b.bc + 7) / 8);
	if (st != BC_DC_OK)
		res->msg = r.msg;
	return st;
}

const struct bc_decompressor bc_dc_bzip2 = {
	.name = "bzip2", .magic = (const u8 *)"BZh", .magic_len = sizeof("BZh") - 1,
	.decompress = bzip2_decompress,
};
