/* zstd decoder against libzstd and zstd(1): every vector at levels 1, 3, 19
 * and 22 with and without checksum, the kernel build's `zstd -22 --ultra`,
 * the Debian vmlinux in one kernel-sized window, frame features (skippable
 * frames, no content size, trailing bytes, small blocks reusing tables,
 * windows over 8 MiB), hand-made frames for the rarer encodings (checked
 * against libzstd too) and for each rejection, and the truncation/bit-flip
 * torture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY   /* ZSTD_c_targetCBlockSize, ZSTD_getFrameHeader */
#include <zstd.h>
#include "dc_testlib.h"

#define DC (&bc_dc_zstd)

struct zparams {
	int level;
	int checksum;
	int content_size;    /* write the frame content size */
	int window_log;      /* 0 = the level's default */
	int long_match;      /* long distance matching */
	int block_target;    /* ZSTD_c_targetCBlockSize, 0 = off: many small blocks */
};

/* Compresses IN with libzstd as P says. */
static struct dc_buf zcompress(const u8 *in, size_t len, const struct zparams *p)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	assert_non_null(cc);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, p->level)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, p->checksum)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, p->content_size)));
	if (p->window_log)
		assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, p->window_log)));
	if (p->long_match)
		assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_enableLongDistanceMatching, 1)));
	if (p->block_target)
		assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_targetCBlockSize, p->block_target)));
	size_t cap = ZSTD_compressBound(len);
	struct dc_buf out = { malloc(cap ? cap : 1), 0 };
	assert_non_null(out.data);
	size_t n = ZSTD_compress2(cc, out.data, cap, in, len);
	assert_false(ZSTD_isError(n));
	out.len = n;
	ZSTD_freeCCtx(cc);
	return out;
}

/* COMP followed by EXTRA_LEN bytes of EXTRA. */
static struct dc_buf concat(const struct dc_buf *comp, const void *extra, size_t extra_len)
{
	struct dc_buf t = { malloc(comp->len + extra_len + 1), comp->len + extra_len };
	assert_non_null(t.data);
	memcpy(t.data, comp->data, comp->len);
	memcpy(t.data + comp->len, extra, extra_len);
	return t;
}

/* Decodes C alone and with the kernel build's 4-byte size trailer. */
static void assert_zstd_decodes(const struct dc_buf *c, const struct dc_buf *v)
{
	dc_assert_decodes(DC, c->data, c->len, c->len, v->data, v->len);
	u32 size = (u32)v->len;
	struct dc_buf t = concat(c, &size, 4);
	dc_assert_decodes(DC, t.data, t.len, c->len, v->data, v->len);
	dc_buf_free(&t);
}

static void check_libzstd(const struct dc_buf *v, const struct zparams *p)
{
	struct dc_buf c = zcompress(v->data, v->len, p);
	assert_zstd_decodes(&c, v);
	dc_buf_free(&c);
}

static void vectors_match_libzstd_levels(void **state)
{
	(void)state;
	static const int levels[] = { 1, 3, 19, 22 };
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k);
		for (size_t i = 0; i < BC_ARRAY_SIZE(levels); i++) {
			for (int sum = 0; sum <= 1; sum++) {
				/* the 9 MiB vector at the slow levels once, with checksum */
				if (k == DC_VEC_LARGE && levels[i] >= 19 && !sum)
					continue;
				struct zparams p = { .level = levels[i], .checksum = sum, .content_size = 1 };
				check_libzstd(&v, &p);
			}
		}
		dc_buf_free(&v);
	}
}

/* The kernel build's compressor (which adds a checksum and the content size). */
static void vectors_match_zstd_cli_ultra22(void **state)
{
	(void)state;
	if (!dc_have_tool("zstd"))
		skip();
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k), c;
		char why[256];
		if (dc_shell_filter("zstd -22 --ultra -q -c", v.data, v.len, &c, NULL, why, sizeof(why)) != 0)
			fail_msg("zstd -22 --ultra on %s: %s", dc_vec_name(k), why);
		assert_zstd_decodes(&c, &v);
		dc_buf_free(&c);
		dc_buf_free(&v);
	}
}

/* The real vmlinux with the window a `zstd -22 --ultra` kernel build gets
 * (2^27 asked, trimmed to the ~63 MiB input) and long-distance matches;
 * level 3 keeps it quick. */
static void debian_vmlinux_in_one_window(void **state)
{
	(void)state;
	struct dc_buf v;
	char why[256];
	if (dc_kernel_vmlinux(&v, why, sizeof(why)) != 0) {
		print_message("# skip: %s\n", why);
		skip();
	}
	struct zparams p = { .level = 3, .checksum = 1, .content_size = 1, .window_log = 27,
			     .long_match = 1 };
	struct dc_buf c = zcompress(v.data, v.len, &p);
	ZSTD_frameHeader fh;
	assert_int_equal(ZSTD_getFrameHeader(&fh, c.data, c.len), 0);
	/* the encoder trims the window to the input (one 63 MiB segment here) */
	assert_true(fh.windowSize >= (32u << 20));
	dc_assert_decodes(DC, c.data, c.len, c.len, v.data, v.len);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* Input sizes around every literal-header and stream-count boundary. */
static void every_small_size_decodes(void **state)
{
	(void)state;
	struct dc_buf text = dc_vec_make(DC_VEC_TEXT);
	for (size_t len = 0; len <= 1100; len += len < 40 ? 1 : 37) {
		struct dc_buf v = { text.data, len };
		struct zparams p = { .level = 19, .checksum = 1, .content_size = 1 };
		check_libzstd(&v, &p);
		p.level = 1;
		p.checksum = 0;
		check_libzstd(&v, &p);
	}
	dc_buf_free(&text);
}

/* Small blocks make the encoder reuse Huffman and sequence tables. */
static void small_blocks_reuse_tables(void **state)
{
	(void)state;
	struct dc_buf v = dc_mixed_make(3u << 20, 7);
	struct zparams p = { .level = 19, .checksum = 1, .content_size = 1, .block_target = 1340 };
	check_libzstd(&v, &p);
	p.level = 3;
	check_libzstd(&v, &p);
	dc_buf_free(&v);
}

static void frame_without_content_size(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	struct zparams p = { .level = 19, .checksum = 1, .content_size = 0 };
	check_libzstd(&v, &p);
	p.checksum = 0;
	check_libzstd(&v, &p);
	dc_buf_free(&v);
}

/* Skippable frames before the frame are skipped; a second frame after it is
 * trailing data like the kernel's size word: in_used stops at the first. */
static void skippable_frames_and_trailing_frames(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TINY);
	struct zparams p = { .level = 3, .checksum = 1, .content_size = 1 };
	struct dc_buf c = zcompress(v.data, v.len, &p);
	static const u8 skip1[] = { 0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c' };
	static const u8 skip2[] = { 0x5f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0 };
	struct dc_buf s = { malloc(sizeof(skip1) + sizeof(skip2) + 2 * c.len), 0 };
	assert_non_null(s.data);
	memcpy(s.data, skip1, sizeof(skip1));
	memcpy(s.data + sizeof(skip1), skip2, sizeof(skip2));
	size_t head = sizeof(skip1) + sizeof(skip2);
	memcpy(s.data + head, c.data, c.len);
	memcpy(s.data + head + c.len, c.data, c.len);
	s.len = head + 2 * c.len;
	dc_assert_decodes(DC, s.data, s.len, head + c.len, v.data, v.len);
	/* skippable frames and nothing else */
	dc_assert_rejects(DC, s.data, head, 100, BC_DC_TRUNCATED);
	dc_buf_free(&s);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* ---- hand-made frames --------------------------------------------------- */

#define MAGIC 0x28, 0xb5, 0x2f, 0xfd
/* block header: last flag, type (0 raw, 1 RLE, 2 compressed, 3 reserved), size */
#define BH(last, type, size) (u8)((last) | (type) << 1 | ((size) & 31) << 3), (u8)((size) >> 5), \
	(u8)((size) >> 13)

static void raw_and_rle_blocks(void **state)
{
	(void)state;
	/* single segment, 1-byte content size */
	static const u8 raw[] = { MAGIC, 0x20, 5, BH(1, 0, 5), 'h', 'e', 'l', 'l', 'o' };
	dc_assert_decodes(DC, raw, sizeof(raw), sizeof(raw), (const u8 *)"hello", 5);
	static const u8 rle[] = { MAGIC, 0x20, 10, BH(1, 1, 10), 'x' };
	dc_assert_decodes(DC, rle, sizeof(rle), sizeof(rle), (const u8 *)"xxxxxxxxxx", 10);
	/* window descriptor (1 KiB), no content size, raw then RLE block */
	static const u8 two[] = { MAGIC, 0x00, 0x00, BH(0, 0, 2), 'a', 'b', BH(1, 1, 3), 'c' };
	dc_assert_decodes(DC, two, sizeof(two), sizeof(two), (const u8 *)"abccc", 5);
	/* a dictionary ID field holding 0 means no dictionary */
	static const u8 did0[] = { MAGIC, 0x21, 0, 2, BH(1, 0, 2), 'o', 'k' };
	dc_assert_decodes(DC, did0, sizeof(did0), sizeof(did0), (const u8 *)"ok", 2);
	/* 2-byte content size field stores size - 256 */
	u8 big[4 + 1 + 2 + 3 + 1] = { MAGIC, 0x60, 300 - 256, 0, BH(1, 1, 300), 'z' };
	u8 zs[300];
	memset(zs, 'z', sizeof(zs));
	dc_assert_decodes(DC, big, sizeof(big), sizeof(big), zs, sizeof(zs));
}

/* Hand-made frames must mean the same to libzstd as to us. */
static void assert_both_decode(const u8 *frame, size_t len, const u8 *expect, size_t expect_len)
{
	u8 *ref = malloc(expect_len + 1);
	assert_non_null(ref);
	size_t n = ZSTD_decompress(ref, expect_len + 1, frame, len);
	if (ZSTD_isError(n))
		fail_msg("libzstd rejects the hand-made frame: %s", ZSTD_getErrorName(n));
	assert_int_equal(n, expect_len);
	assert_memory_equal(ref, expect, expect_len);
	free(ref);
	dc_assert_decodes(DC, frame, len, len, expect, expect_len);
}

/* RLE literals, and Huffman literals whose weights are stored directly
 * (4-bit nibbles) followed by a block reusing that tree ("treeless"). */
static void rle_and_direct_weight_literals(void **state)
{
	(void)state;
	/* compressed block: RLE literals "qqqqq", no sequences */
	static const u8 rle[] = { MAGIC, 0x20, 5, BH(1, 2, 3), 5 << 3 | 1, 'q', 0 };
	assert_both_decode(rle, sizeof(rle), (const u8 *)"qqqqq", 5);

	/* weights for symbols 0..97: only 'a' (97) has weight 1, so the implied
	 * last symbol 'b' (98) gets weight 1 too: 'a' = bit 0, 'b' = bit 1 */
	u8 f[128];
	size_t n = 0;
	const u8 head[] = { MAGIC, 0x00, 0x00 };   /* 1 KiB window, no content size */
	memcpy(f, head, sizeof(head));
	n = sizeof(head);
	const size_t comp = 1 + 49 + 1, block = 3 + comp + 1;
	const u8 bh1[] = { BH(0, 2, block) };
	memcpy(f + n, bh1, 3);
	n += 3;
	u32 lh = 2 | 4 << 4 | (u32)comp << 14;   /* Huffman, 1 stream, 4 literals */
	f[n++] = (u8)lh;
	f[n++] = (u8)(lh >> 8);
	f[n++] = (u8)(lh >> 16);
	f[n++] = 127 + 98;                          /* 98 direct weights */
	memset(f + n, 0, 49);
	f[n + 48] = 0x01;                           /* symbol 97: low nibble of byte 48 */
	n += 49;
	f[n++] = 0x16;                              /* marker, then bits 0 1 1 0: "abba" */
	f[n++] = 0;                                 /* no sequences */
	const u8 bh2[] = { BH(1, 2, 5) };
	memcpy(f + n, bh2, 3);
	n += 3;
	u32 th = 3 | 4 << 4 | 1u << 14;             /* treeless, 1 stream, 4 literals */
	f[n++] = (u8)th;
	f[n++] = (u8)(th >> 8);
	f[n++] = (u8)(th >> 16);
	f[n++] = 0x19;                              /* bits 1 0 0 1: "baab" */
	f[n++] = 0;
	assert_both_decode(f, n, (const u8 *)"abbabaab", 8);
}

/* 0x7F00 sequences (the 3-byte count form) with all three tables in RLE
 * mode and no bits at all per sequence: 1 literal, then 3 bytes at repeat
 * offset 1, each time. */
static void rle_tables_and_long_sequence_count(void **state)
{
	(void)state;
	const u32 nseq = 0x7F00, out = 4 * nseq;
	const u8 f[] = {
		MAGIC, 0xA0, (u8)out, (u8)(out >> 8), (u8)(out >> 16), (u8)(out >> 24),
		BH(1, 2, 12),
		(u8)(1 | 3 << 2 | (nseq & 15) << 4), (u8)(nseq >> 4), (u8)(nseq >> 12), 'z',
		255, 0, 0,                          /* 0x7F00 + 0 sequences */
		1 << 6 | 1 << 4 | 1 << 2,           /* LL, OF, ML tables: RLE */
		1, 0, 0,                            /* LL code 1, OF code 0 (repeat 1), ML code 0 (3) */
		0x01,                               /* empty bitstream: just the end marker */
	};
	u8 *expect = malloc(out);
	assert_non_null(expect);
	memset(expect, 'z', out);
	assert_both_decode(f, sizeof(f), expect, out);
	free(expect);
}

/* Wraps BODY as the one compressed block of a frame with a 1 KiB window
 * and asserts it is corrupt for the reason WHY names. */
static void assert_block_rejected(const u8 *body, size_t len, const char *why)
{
	u8 f[64] = { MAGIC, 0x00, 0x00, BH(1, 2, len) };
	assert_true(len <= sizeof(f) - 9);
	memcpy(f + 9, body, len);
	struct dc_buf out;
	struct bc_dc_result res;
	assert_int_equal(dc_run(DC, f, 9 + len, 1024, &out, &res), BC_DC_CORRUPT);
	if (strstr(res.msg, why) == NULL)
		fail_msg("rejected for '%s', want '%s'", res.msg, why);
	dc_buf_free(&out);
}

static void bad_blocks_are_rejected(void **state)
{
	(void)state;
	/* treeless literals before any Huffman tree */
	static const u8 treeless[] = { 0x43, 0x40, 0x00, 0x19, 0 };
	assert_block_rejected(treeless, sizeof(treeless), "Huffman table never sent");
	/* sequence tables in repeat mode before any table */
	static const u8 repeat[] = { 1 << 3 | 1, 'x', 1, 0xFC, 0x01 };
	assert_block_rejected(repeat, sizeof(repeat), "repeated before one was sent");
	/* RLE literal-length code 36 does not exist */
	static const u8 rle_code[] = { 1 << 3 | 1, 'x', 1, 0x54, 36, 0, 0, 0x01 };
	assert_block_rejected(rle_code, sizeof(rle_code), "RLE symbol out of range");
	/* reserved bits of the sequence modes byte */
	static const u8 modes[] = { 1 << 3 | 1, 'x', 1, 0x55, 1, 0, 0, 0x01 };
	assert_block_rejected(modes, sizeof(modes), "reserved sequence mode bits");
	/* direct Huffman weights: 12 is over the limit; all zero is no tree */
	static const u8 weight12[] = { 0x42, 0xC0, 0x00, 129, 0xC1, 0x01 };
	assert_block_rejected(weight12, sizeof(weight12), "weight too large");
	static const u8 weight0[] = { 0x42, 0xC0, 0x00, 129, 0x00, 0x01 };
	assert_block_rejected(weight0, sizeof(weight0), "weights are all zero");
	/* one sequence that wants more literals than the block decoded */
	static const u8 greedy[] = { 1 << 3 | 1, 'x', 1, 0x54, 2, 0, 0, 0x01 };
	assert_block_rejected(greedy, sizeof(greedy), "more literals than decoded");
	/* a match reaching before the start of the output (offset code 5) */
	static const u8 far[] = { 1 << 3 | 1, 'x', 1, 0x54, 1, 5, 0, 0x21 };
	assert_block_rejected(far, sizeof(far), "before the start of output");
	/* skippable frames cut short */
	static const u8 skip_cut[] = { 0x50, 0x2a, 0x4d, 0x18, 10, 0, 0, 0, 'a' };
	dc_assert_rejects(DC, skip_cut, sizeof(skip_cut), 100, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, skip_cut, 5, 100, BC_DC_TRUNCATED);
}

static void bad_frames_are_rejected(void **state)
{
	(void)state;
	static const u8 dict[] = { MAGIC, 0x21, 7, 2, BH(1, 0, 2), 'n', 'o' };
	dc_assert_rejects(DC, dict, sizeof(dict), 100, BC_DC_UNSUPPORTED);
	static const u8 reserved_bit[] = { MAGIC, 0x28, 2, BH(1, 0, 2), 'n', 'o' };
	dc_assert_rejects(DC, reserved_bit, sizeof(reserved_bit), 100, BC_DC_CORRUPT);
	static const u8 huge_window[] = { MAGIC, 0x00, 0xf8, BH(1, 0, 2), 'n', 'o' };
	dc_assert_rejects(DC, huge_window, sizeof(huge_window), 100, BC_DC_UNSUPPORTED);
	static const u8 reserved_block[] = { MAGIC, 0x20, 2, BH(1, 3, 2), 'n', 'o' };
	dc_assert_rejects(DC, reserved_block, sizeof(reserved_block), 100, BC_DC_CORRUPT);
	static const u8 size_mismatch[] = { MAGIC, 0x20, 3, BH(1, 0, 2), 'n', 'o' };
	dc_assert_rejects(DC, size_mismatch, sizeof(size_mismatch), 100, BC_DC_CORRUPT);
	static const u8 block_over_window[] = { MAGIC, 0x20, 2, BH(1, 0, 3), 'n', 'o', '!' };
	dc_assert_rejects(DC, block_over_window, sizeof(block_over_window), 100, BC_DC_CORRUPT);
	static const u8 content_too_big[] = { MAGIC, 0x20, 200, BH(1, 1, 200), 'n' };
	dc_assert_rejects(DC, content_too_big, sizeof(content_too_big), 199, BC_DC_OUTPUT_FULL);
	static const u8 block_cut[] = { MAGIC, 0x20, 5, BH(1, 0, 5), 'h', 'e' };
	dc_assert_rejects(DC, block_cut, sizeof(block_cut), 100, BC_DC_TRUNCATED);
	static const u8 no_last_block[] = { MAGIC, 0x00, 0x00, BH(0, 0, 2), 'n', 'o' };
	dc_assert_rejects(DC, no_last_block, sizeof(no_last_block), 100, BC_DC_TRUNCATED);
	static const u8 bad_magic[] = { 0x28, 0xb5, 0x2f, 0xfe, 0x20, 0, BH(1, 0, 0) };
	dc_assert_rejects(DC, bad_magic, sizeof(bad_magic), 100, BC_DC_CORRUPT);
	dc_assert_rejects(DC, bad_magic, 0, 100, BC_DC_TRUNCATED);
	/* an empty compressed block, and literals claiming more than the block */
	static const u8 empty_cblock[] = { MAGIC, 0x20, 2, BH(1, 2, 0) };
	dc_assert_rejects(DC, empty_cblock, sizeof(empty_cblock), 100, BC_DC_CORRUPT);
	static const u8 lit_overrun[] = { MAGIC, 0x00, 0x00, BH(1, 2, 2), 31 << 3, 0 };
	dc_assert_rejects(DC, lit_overrun, sizeof(lit_overrun), 100, BC_DC_CORRUPT);
}

/* Matches overlapping their own output at every period from 1 to 20. */
static void short_period_matches_decode(void **state)
{
	(void)state;
	u8 buf[600];
	for (size_t period = 1; period <= 20; period++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (u8)('a' + i % period);
		struct dc_buf v = { buf, sizeof(buf) };
		struct zparams p = { .level = 1, .checksum = 1, .content_size = 1 };
		struct dc_buf c = zcompress(v.data, v.len, &p);
		size_t hdr = ZSTD_frameHeaderSize(c.data, c.len);
		assert_false(ZSTD_isError(hdr));
		assert_int_equal((c.data[hdr] >> 1) & 3, 2);   /* a compressed block */
		assert_zstd_decodes(&c, &v);
		dc_buf_free(&c);
	}
}

static void checksum_mismatch_is_reported(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	struct zparams p = { .level = 3, .checksum = 1, .content_size = 1 };
	struct dc_buf c = zcompress(v.data, v.len, &p);
	c.data[c.len - 2] ^= 0x10;
	dc_assert_rejects(DC, c.data, c.len, v.len, BC_DC_CHECKSUM);
	dc_assert_rejects(DC, c.data, c.len - 2, v.len, BC_DC_TRUNCATED);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void work_memory_failure_is_reported(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TINY), out;
	struct zparams p = { .level = 3, .checksum = 1, .content_size = 1 };
	struct dc_buf c = zcompress(v.data, v.len, &p);
	struct dc_env env;
	struct bc_dc_result res;
	dc_env_init(&env, 4096);
	assert_int_equal(dc_run_env(DC, &env, c.data, c.len, v.len, &out, &res), BC_DC_NOMEM);
	assert_true(env.failed > 0);
	dc_buf_free(&out);
	/* and the whole decoder state stays small enough for the hypervisor */
	dc_env_init(&env, 256 * 1024);
	assert_int_equal(dc_run_env(DC, &env, c.data, c.len, v.len, &out, &res), BC_DC_OK);
	dc_buf_free(&out);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* ---- torture ------------------------------------------------------------ */

static void torture(const struct dc_buf *v, const struct zparams *p, unsigned flips, size_t max_cuts)
{
	struct dc_buf c = zcompress(v->data, v->len, p);
	struct dc_torture_opts opt = { .flips = flips, .seed = (u32)(p->level * 7919 + 1),
				       .max_cuts = max_cuts, .checksummed = p->checksum != 0 };
	struct dc_torture_stats st;
	dc_torture(DC, c.data, c.len, v->data, v->len, &opt, &st);
	assert_int_equal(st.cuts_rejected, st.cuts);
	/* most flips must be caught; a flip in a raw literal may not be */
	assert_true(st.flips_rejected > 0);
	print_message("# level %d checksum %d: %zu bytes, %u cuts, %u/%u flips rejected\n",
		      p->level, p->checksum, c.len, st.cuts, st.flips_rejected, st.flips);
	dc_buf_free(&c);
}

/* A frame whose header announces a window over 8 MiB (raising the window
 * of a frame keeps it valid); the decoder then checks each block's offset
 * table for far matches before it picks its prefetching loop. */
static struct dc_buf with_16mib_window(const struct dc_buf *v, int checksum)
{
	struct zparams p = { .level = 19, .checksum = checksum, .content_size = 0 };
	struct dc_buf c = zcompress(v->data, v->len, &p);
	assert_int_equal(c.data[4] & 0x20, 0);   /* not single-segment: byte 5 is the window */
	c.data[5] = (24 - 10) << 3;
	return c;
}

static void large_window_frames_decode(void **state)
{
	(void)state;
	struct dc_buf v = dc_mixed_make(1u << 20, 11);
	struct dc_buf c = with_16mib_window(&v, 1);
	assert_zstd_decodes(&c, &v);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* 9 MiB of noise, then 2 MiB of 100-byte pieces of its first MiB: many
 * matches 8-10 MiB back, whose offset codes fill the offset tables, so
 * the decoder runs these blocks through its prefetching loop. */
static struct dc_buf far_matches_make(void)
{
	const size_t noise = 9u << 20, pieces = 2u << 20, piece = 100;
	struct dc_buf v = { malloc(noise + pieces), noise + pieces };
	assert_non_null(v.data);
	u32 x = 2463534242u;
	for (size_t i = 0; i < v.len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		v.data[i] = (u8)(x >> 24);
	}
	for (size_t p = noise; p + piece <= v.len; p += piece) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(v.data + p, v.data + x % (1u << 20), piece);
	}
	return v;
}

static void far_matches_decode(void **state)
{
	(void)state;
	struct dc_buf v = far_matches_make();
	struct zparams p = { .level = 1, .checksum = 1, .content_size = 1, .window_log = 24,
			     .long_match = 1 };
	check_libzstd(&v, &p);
	dc_buf_free(&v);
}

/* The decoder's hot loops are built twice and use the BMI2 build when the
 * CPU has it; this runs the plain build (what QEMU's default CPU gets). */
extern bool bc_zstd_bmi2_allowed;

static void plain_loops_decode_too(void **state)
{
	(void)state;
	bc_zstd_bmi2_allowed = false;
	struct dc_buf text = dc_vec_make(DC_VEC_TEXT), large = dc_vec_make(DC_VEC_LARGE);
	struct dc_buf far = far_matches_make();
	struct zparams p3 = { .level = 3, .checksum = 1, .content_size = 1 };
	struct zparams p19 = { .level = 19, .checksum = 0, .content_size = 1 };
	struct zparams pfar = { .level = 1, .checksum = 1, .content_size = 1, .window_log = 24,
				.long_match = 1 };
	check_libzstd(&text, &p19);
	check_libzstd(&large, &p3);
	check_libzstd(&large, &p19);
	check_libzstd(&far, &pfar);
	struct dc_buf v = { text.data, 6000 };
	torture(&v, &p19, 2000, 0);
	bc_zstd_bmi2_allowed = true;
	dc_buf_free(&far);
	dc_buf_free(&large);
	dc_buf_free(&text);
}

static void truncation_and_bit_flips(void **state)
{
	(void)state;
	struct dc_buf text = dc_vec_make(DC_VEC_TEXT);
	struct dc_buf v = { text.data, 6000 };
	struct zparams p = { .level = 19, .checksum = 1, .content_size = 1 };
	torture(&v, &p, 4000, 0);
	p = (struct zparams){ .level = 1, .checksum = 0, .content_size = 0 };
	torture(&v, &p, 4000, 0);
	struct dc_buf m = dc_mixed_make(300000, 3);
	p = (struct zparams){ .level = 19, .checksum = 1, .content_size = 1 };
	torture(&m, &p, 1500, 400);
	struct dc_buf c = with_16mib_window(&m, 0);
	struct dc_torture_opts opt = { .flips = 1500, .seed = 99, .max_cuts = 400 };
	dc_torture(DC, c.data, c.len, m.data, m.len, &opt, NULL);
	dc_buf_free(&c);
	dc_buf_free(&m);
	dc_buf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_match_libzstd_levels),
		cmocka_unit_test(vectors_match_zstd_cli_ultra22),
		cmocka_unit_test(debian_vmlinux_in_one_window),
		cmocka_unit_test(every_small_size_decodes),
		cmocka_unit_test(small_blocks_reuse_tables),
		cmocka_unit_test(frame_without_content_size),
		cmocka_unit_test(skippable_frames_and_trailing_frames),
		cmocka_unit_test(raw_and_rle_blocks),
		cmocka_unit_test(rle_and_direct_weight_literals),
		cmocka_unit_test(rle_tables_and_long_sequence_count),
		cmocka_unit_test(bad_frames_are_rejected),
		cmocka_unit_test(bad_blocks_are_rejected),
		cmocka_unit_test(short_period_matches_decode),
		cmocka_unit_test(checksum_mismatch_is_reported),
		cmocka_unit_test(work_memory_failure_is_reported),
		cmocka_unit_test(large_window_frames_decode),
		cmocka_unit_test(far_matches_decode),
		cmocka_unit_test(plain_loops_decode_too),
		cmocka_unit_test(truncation_and_bit_flips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
