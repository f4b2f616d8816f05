/* zstd FSE tables (RFC 8878 section 4.1): reading a normalized-count header
 * and spreading the counts into decode tables, both the plain symbol table
 * (Huffman weights) and the sequence tables that carry base values. */
#include "zstd_internal.h"

/* Forward little-endian bit reader over a header of known maximum size;
 * bits past the end read as zero and are caught by zstd_fwd_overrun(). */
struct zstd_fwd {
	const u8 *src;
	size_t len;
	size_t pos;     /* in bits */
};

static u32 zstd_fwd_peek(const struct zstd_fwd *f, unsigned n)
{
	u32 v = 0;
	size_t byte = f->pos >> 3;
	/* n <= 16 and the offset within a byte is < 8: 3 bytes always suffice */
	for (unsigned i = 0; i < 4 && byte + i < f->len; i++)
		v |= (u32)f->src[byte + i] << (8 * i);
	v >>= f->pos & 7;
	return v & ((1u << n) - 1);
}

static bool zstd_fwd_overrun(const struct zstd_fwd *f)
{
	return f->pos > f->len * 8;
}

/* One count: the variable-width code of RFC 8878 4.1.1, where small values
 * take one bit fewer when the remaining probability allows. */
static int zstd_read_one_count(struct zstd_fwd *f, int remaining, unsigned bits)
{
	int threshold = 1 << (bits - 1);
	int max_small = (2 * threshold - 1) - remaining;   /* values below this are short */
	int low = (int)zstd_fwd_peek(f, bits - 1);
	if (low < max_small) {
		f->pos += bits - 1;
		return low;
	}
	int v = (int)zstd_fwd_peek(f, bits);
	if (v >= threshold)
		v -= max_small;
	f->pos += bits;
	return v;
}

size_t bc_zstd_fse_read_counts(struct zstd_ctx *c, const u8 *src, size_t src_len, s16 *counts,
			    unsigned max_symbol, unsigned max_log, unsigned *log, unsigned *max_sym)
{
	struct zstd_fwd f = { src, src_len, 0 };
	if (src_len == 0) {
		c->msg = "zstd: FSE table header truncated";
		return 0;
	}
	unsigned acc = zstd_fwd_peek(&f, 4) + 5;
	f.pos = 4;
	if (acc > max_log) {
		c->msg = "zstd: FSE accuracy log too large";
		return 0;
	}
	int remaining = (1 << acc) + 1;
	unsigned bits = acc + 1;      /* width of the next count's code */
	unsigned sym = 0;
	while (remaining > 1) {
		if (sym > max_symbol) {
			c->msg = "zstd: FSE table has too many symbols";
			return 0;
		}
		int count = zstd_read_one_count(&f, remaining, bits) - 1;
		counts[sym++] = (s16)count;
		remaining -= count < 0 ? -count : count;
		if (count == 0) {
			/* zero counts are followed by 2-bit repeat flags; 3 means "more" */
			unsigned rep;
			do {
				rep = zstd_fwd_peek(&f, 2);
				f.pos += 2;
				if (sym + rep > max_symbol + 1 || zstd_fwd_overrun(&f)) {
					c->msg = "zstd: FSE zero-run past the last symbol";
					return 0;
				}
				for (unsigned i = 0; i < rep; i++)
					counts[sym++] = 0;
			} while (rep == 3);
		}
		while (remaining > 1 && remaining < (1 << (bits - 1)))
			bits--;
		if (zstd_fwd_overrun(&f)) {
			c->msg = "zstd: FSE table header truncated";
			return 0;
		}
	}
	if (remaining != 1 || sym == 0) {
		c->msg = "zstd: FSE counts do not add up";
		return 0;
	}
	/* the loop only ends on a non-zero count, so symbol sym - 1 is live */
	for (unsigned s = sym; s <= max_symbol; s++)
		counts[s] = 0;
	*log = acc;
	*max_sym = sym - 1;
	return (f.pos + 7) / 8;
}

/* Spreads symbols over the table as RFC 8878 4.1.1 prescribes: "less than
 * one" symbols at the top, the rest stepping through the remaining cells.
 * Fills SYMS (1 << log entries) and NEXT (per-symbol starting state). */
static bool zstd_spread(struct zstd_ctx *c, u8 *syms, u16 *next, const s16 *counts,
			unsigned max_sym, unsigned log)
{
	u32 size = 1u << log, mask = size - 1, high = size - 1;
	for (unsigned s = 0; s <= max_sym; s++) {
		if (counts[s] == -1) {
			syms[high--] = (u8)s;
			next[s] = 1;
		} else {
			next[s] = (u16)counts[s];
		}
	}
	u32 step = (size >> 1) + (size >> 3) + 3, pos = 0;
	for (unsigned s = 0; s <= max_sym; s++) {
		for (int i = 0; i < counts[s]; i++) {
			syms[pos] = (u8)s;
			do
				pos = (pos + step) & mask;
			while (pos > high);
		}
	}
	if (pos != 0) {
		c->msg = "zstd: FSE counts do not fill the table";
		return false;
	}
	return true;
}

bool bc_zstd_fse_build(struct zstd_ctx *c, struct zstd_fse_entry *t, const s16 *counts,
		    unsigned max_sym, unsigned log)
{
	u8 syms[1u << ZSTD_OF_LOG_MAX];
	u16 next[256];
	if (log > ZSTD_OF_LOG_MAX || max_sym > 255) {
		c->msg = "zstd: FSE table too large";
		return false;
	}
	if (!zstd_spread(c, syms, next, counts, max_sym, log))
		return false;
	for (u32 st = 0; st < (1u << log); st++) {
		u8 s = syms[st];
		u32 n = next[s]++;
		unsigned bits = log - zstd_highbit(n);
		t[st].symbol = s;
		t[st].bits = (u8)bits;
		t[st].next_base = (u16)((n << bits) - (1u << log));
	}
	return true;
}

bool bc_zstd_seq_build(struct zstd_ctx *c, struct zstd_seq_entry *t, const s16 *counts,
		    unsigned max_sym, unsigned log, const u32 *base, const u8 *extra)
{
	u8 syms[1u << ZSTD_LL_LOG_MAX];
	u16 next[ZSTD_ML_MAX_SYMBOL + 1];
	if (log > ZSTD_LL_LOG_MAX || max_sym > ZSTD_ML_MAX_SYMBOL) {
		c->msg = "zstd: sequence table too large";
		return false;
	}
	if (!zstd_spread(c, syms, next, counts, max_sym, log))
		return false;
	for (u32 st = 0; st < (1u << log); st++) {
		u8 s = syms[st];
		u32 n = next[s]++;
		unsigned bits = log - zstd_highbit(n);
		t[st].base = base[s];
		t[st].extra_bits = extra[s];
		t[st].state_bits = (u8)bits;
		t[st].next_base = (u16)((n << bits) - (1u << log));
	}
	return true;
}
