/* Shared pieces of the zstd (RFC 8878) decoder: the work context, the
 * backward bit reader every entropy stream uses, and the entry points of the
 * FSE, Huffman, sequence and XXH64 parts (zstd_fse.c, zstd_huf.c, ...).
 * Freestanding: x86-64 only, so loads are little-endian and unaligned. */
#ifndef BC_ZSTD_INTERNAL_H
#define BC_ZSTD_INTERNAL_H
#include <bc/types.h>
#include <bc/string.h>
#include "decompress.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "zstd decoder assumes a little-endian target"
#endif

#define ZSTD_BLOCK_MAX      (128u * 1024)   /* largest block and literal section */
#define ZSTD_WILD_SLACK     32              /* bytes wild copies may run past their end */
#define ZSTD_HUF_LOG_MAX    11
#define ZSTD_LL_LOG_MAX     9
#define ZSTD_ML_LOG_MAX     9
#define ZSTD_OF_LOG_MAX     8
#define ZSTD_LL_MAX_SYMBOL  35
#define ZSTD_ML_MAX_SYMBOL  52
#define ZSTD_OF_MAX_SYMBOL  31

/* One state of a sequence FSE table, with the length/offset code it stands
 * for already turned into a base value and an extra-bit count. */
struct zstd_seq_entry {
	u32 base;
	u8 extra_bits;
	u8 state_bits;
	u16 next_base;
};

struct zstd_seq_table {
	struct zstd_seq_entry *e;   /* 1 << log entries */
	unsigned log;
	bool valid;                 /* usable by a later "repeat" mode */
};

/* Huffman decode tables, indexed by the next `log` bits of the stream:
 * e[] gives one symbol (symbol | bits << 8); pair[] gives one or two
 * (symbols in bits 0-15, bits consumed in 16-23, symbol count in 24-31). */
struct zstd_huf_table {
	u16 e[1u << ZSTD_HUF_LOG_MAX];
	u32 pair[1u << ZSTD_HUF_LOG_MAX];
	unsigned log;
	bool valid;
};

/* XXH64 in progress over the output: four lanes and the next byte to hash. */
struct zstd_xxh64 {
	u64 v[4];
	const u8 *next;
};

/* Everything one frame decode needs; allocated once through env->alloc. */
struct zstd_ctx {
	const char *msg;            /* reason for the last failure */
	u8 *out_start, *out_end;    /* the whole output buffer, which is also the window */
	size_t block_max;
	bool bmi2;                  /* the CPU has BMI2: use the loops built for it */
	bool hashing;               /* the frame has a checksum: xxh follows the output */
	struct zstd_xxh64 xxh;
	u64 window;                 /* from the frame header */
	size_t rep[3];              /* repeat offsets, carried across blocks */
	struct zstd_huf_table huf;
	struct zstd_seq_table ll, of, ml;
	struct zstd_seq_entry ll_e[1u << ZSTD_LL_LOG_MAX];
	struct zstd_seq_entry of_e[1u << ZSTD_OF_LOG_MAX];
	struct zstd_seq_entry ml_e[1u << ZSTD_ML_LOG_MAX];
	size_t lit_len;             /* decoded literals of the current block, */
	u8 lit_buf[ZSTD_BLOCK_MAX + ZSTD_WILD_SLACK];   /* with slack for wild copies */
};

/* Hot loops are written once as always-inline bodies and built twice: in
 * a plain function and in one with ZSTD_BMI2, whose flag-free variable
 * shifts (shlx/shrx) shorten every bit read; c->bmi2 picks at run time. */
#define ZSTD_INLINE static inline __attribute__((always_inline))
#define ZSTD_BMI2 __attribute__((target("bmi2")))

/* True by default; tests clear it to run the plain loops on a BMI2 CPU. */
extern bool bc_zstd_bmi2_allowed;

static inline int zstd_fail(struct zstd_ctx *c, int status, const char *msg)
{
	c->msg = msg;
	return status;
}

static inline u64 zstd_load64(const u8 *p)
{
	u64 v;
	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline void zstd_copy8(u8 *d, const u8 *s)
{
	u64 v;
	__builtin_memcpy(&v, s, 8);
	__builtin_memcpy(d, &v, 8);
}

static inline void zstd_copy16(u8 *d, const u8 *s)
{
	u64 a, b;
	__builtin_memcpy(&a, s, 8);
	__builtin_memcpy(&b, s + 8, 8);
	__builtin_memcpy(d, &a, 8);
	__builtin_memcpy(d + 8, &b, 8);
}

/* N bytes from SRC to DST (no overlap), in 16-byte steps: bc_memcpy only
 * uses words when both pointers are aligned, which block copies rarely are. */
static inline void zstd_copy(u8 *d, const u8 *s, size_t n)
{
	for (; n >= 16; n -= 16, d += 16, s += 16)
		zstd_copy16(d, s);
	for (; n > 0; n--)
		*d++ = *s++;
}

/* N copies of byte V at DST, in 16-byte steps (RLE blocks are long zero runs). */
static inline void zstd_fill(u8 *d, u8 v, size_t n)
{
	u64 pattern = 0x0101010101010101ull * v;
	for (; n >= 16; n -= 16, d += 16) {
		__builtin_memcpy(d, &pattern, 8);
		__builtin_memcpy(d + 8, &pattern, 8);
	}
	for (; n >= 8; n -= 8, d += 8)
		__builtin_memcpy(d, &pattern, 8);
	for (; n > 0; n--)
		*d++ = v;
}

/* Index of the highest set bit; V must not be 0. */
static inline unsigned zstd_highbit(u32 v)
{
	return 31u - (unsigned)__builtin_clz(v);
}

/* ---- backward bit reader ----------------------------------------------
 * Entropy streams are read from their last byte towards their first; the
 * last byte holds a 1 marker above the final padding. The container holds
 * 64 bits loaded from `ptr`; `used` counts the bits already taken from its
 * top. Reading past the stream start only makes `used` exceed 64, which the
 * next refill reports: reads never touch memory before `start`. */
struct zstd_bits {
	u64 container;
	unsigned used;
	const u8 *ptr;
	const u8 *start;
};

enum zstd_refill {
	ZSTD_BITS_MORE = 0,   /* at least 57 unread bits are in the container */
	ZSTD_BITS_LAST,       /* the container holds the final bits of the stream */
	ZSTD_BITS_DONE,       /* every bit of the stream has been read */
	ZSTD_BITS_OVERRUN,    /* more bits were read than the stream has */
};

/* Returns false if SIZE is 0 or the final byte has no end marker. */
static inline bool zstd_bits_init(struct zstd_bits *b, const u8 *src, size_t size)
{
	if (size == 0 || src[size - 1] == 0)
		return false;
	b->start = src;
	if (size >= 8) {
		b->ptr = src + size - 8;
		b->container = zstd_load64(b->ptr);
		b->used = 0;
	} else {
		b->ptr = src;
		b->container = 0;
		for (size_t i = 0; i < size; i++)
			b->container |= (u64)src[i] << (8 * i);
		b->used = (unsigned)(8 - size) * 8;
	}
	b->used += 8 - zstd_highbit(src[size - 1]);
	return true;
}

/* The next N bits (0 <= N <= 56 after a refill) without consuming them. */
static inline u64 zstd_bits_peek(const struct zstd_bits *b, unsigned n)
{
	return ((b->container << (b->used & 63)) >> 1) >> ((63 - n) & 63);
}

/* Same for 1 <= N: one shift fewer, for the hot loops. */
static inline u64 zstd_bits_peek_fast(const struct zstd_bits *b, unsigned n)
{
	return (b->container << (b->used & 63)) >> ((64 - n) & 63);
}

static inline u64 zstd_bits_read(struct zstd_bits *b, unsigned n)
{
	u64 v = zstd_bits_peek(b, n);
	b->used += n;
	return v;
}

static inline enum zstd_refill zstd_bits_refill(struct zstd_bits *b)
{
	/* 8 bytes left before ptr: callers read at most 57 bits between
	 * refills, so used <= 64 here and the step stays inside the stream */
	if ((size_t)(b->ptr - b->start) >= 8) {
		b->ptr -= b->used >> 3;
		b->used &= 7;
		b->container = zstd_load64(b->ptr);
		return ZSTD_BITS_MORE;
	}
	if (b->used > 64)
		return ZSTD_BITS_OVERRUN;
	if (b->ptr == b->start)
		return b->used == 64 ? ZSTD_BITS_DONE : ZSTD_BITS_LAST;
	size_t step = b->used >> 3;
	enum zstd_refill r = ZSTD_BITS_MORE;
	if (step > (size_t)(b->ptr - b->start)) {
		step = (size_t)(b->ptr - b->start);
		r = ZSTD_BITS_LAST;
	}
	b->ptr -= step;
	b->used -= (unsigned)step * 8;
	b->container = zstd_load64(b->ptr);
	return r;
}

/* True once exactly every bit of the stream has been read. */
static inline bool zstd_bits_finished(const struct zstd_bits *b)
{
	return b->ptr == b->start && b->used == 64;
}

/* ---- parts ---------------------------------------------------------------- */

/* FSE: reads a normalized-count header from SRC (at most SRC_LEN bytes) into
 * COUNTS (max_symbol + 1 entries, -1 = "less than one"). Sets *LOG and
 * *MAX_SYM (highest symbol present) and returns the header size, or 0 with
 * c->msg set if the header is malformed or longer than SRC_LEN. */
size_t bc_zstd_fse_read_counts(struct zstd_ctx *c, const u8 *src, size_t src_len, s16 *counts,
			    unsigned max_symbol, unsigned max_log, unsigned *log, unsigned *max_sym);

/* Symbol-only FSE decode table (Huffman weights): entry = symbol, bits,
 * next-state base. Returns false with c->msg if the counts do not spread. */
struct zstd_fse_entry {
	u16 next_base;
	u8 symbol;
	u8 bits;
};
bool bc_zstd_fse_build(struct zstd_ctx *c, struct zstd_fse_entry *t, const s16 *counts,
		    unsigned max_sym, unsigned log);

/* Sequence table from counts, with code -> base/extra-bits from BASE/EXTRA. */
bool bc_zstd_seq_build(struct zstd_ctx *c, struct zstd_seq_entry *t, const s16 *counts,
		    unsigned max_sym, unsigned log, const u32 *base, const u8 *extra);

/* Huffman: reads a tree description into c->huf; returns its size or 0 with c->msg. */
size_t bc_zstd_huf_read_table(struct zstd_ctx *c, const u8 *src, size_t src_len);
/* Decodes REGEN literals from 1 or 4 streams in SRC into DST using c->huf. */
int bc_zstd_huf_decode(struct zstd_ctx *c, const u8 *src, size_t src_len, u8 *dst, size_t regen,
		    bool four_streams);

/* Sequences section of a compressed block: decodes and executes every
 * sequence, writing at *OP (advanced) with literals from c->lit. */
int bc_zstd_sequences(struct zstd_ctx *c, const u8 *src, size_t src_len, u8 **op);

/* XXH64 with seed 0 of the bytes from START, fed as they are decoded:
 * update hashes the whole 32-byte stripes before END, final the rest. */
void bc_zstd_xxh64_init(struct zstd_xxh64 *x, const u8 *start);
void bc_zstd_xxh64_update(struct zstd_xxh64 *x, const u8 *end);
u64 bc_zstd_xxh64_final(struct zstd_xxh64 *x, const u8 *start, const u8 *end);

#endif
