/* xz decoder against liblzma and xz(1): every vector with each check type,
 * with and without the x86 BCJ filter, the kernel build's command line,
 * multi-block streams, the real Debian kernel's payload, hand-built LZMA2
 * chunk sequences, rejections of bad streams, and the truncation/bit-flip
 * torture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lzma.h>
#include <zlib.h>
#include "dc_testlib.h"

#define DC (&bc_dc_xz)
#define KERNEL_XZ_CMD "xz --check=crc32 --x86 --lzma2=dict=32MiB"

/* Compresses IN into one .xz stream with liblzma: optional x86 BCJ (with a
 * start offset when BCJ_START is not 0) in front of LZMA2 at PRESET. */
static struct dc_buf xz_encode(const u8 *in, size_t len, lzma_check check, bool x86,
			       u32 bcj_start, u32 preset)
{
	lzma_options_lzma lz;
	lzma_options_bcj bcj = { .start_offset = bcj_start };
	lzma_filter f[3];
	size_t n = 0;
	assert_false(lzma_lzma_preset(&lz, preset));
	if (x86)
		f[n++] = (lzma_filter){ LZMA_FILTER_X86, bcj_start ? &bcj : NULL };
	f[n++] = (lzma_filter){ LZMA_FILTER_LZMA2, &lz };
	f[n] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
	size_t cap = lzma_stream_buffer_bound(len), pos = 0;
	struct dc_buf out = { malloc(cap), 0 };
	assert_non_null(out.data);
	assert_int_equal(lzma_stream_buffer_encode(f, check, NULL, in, len, out.data, &pos, cap),
			 LZMA_OK);
	out.len = pos;
	return out;
}

static void check_liblzma(const struct dc_buf *v, lzma_check check, bool x86, u32 preset)
{
	struct dc_buf c = xz_encode(v->data, v->len, check, x86, 0, preset);
	dc_assert_decodes_trailer(DC, &c, v->data, v->len);
	dc_buf_free(&c);
}

static void vectors_match_liblzma_checks_and_filters(void **state)
{
	(void)state;
	static const lzma_check checks[] = { LZMA_CHECK_NONE, LZMA_CHECK_CRC32, LZMA_CHECK_CRC64 };
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k);
		if (k == DC_VEC_LARGE) {
			check_liblzma(&v, LZMA_CHECK_CRC32, true, 6);
		} else {
			for (size_t i = 0; i < BC_ARRAY_SIZE(checks); i++) {
				check_liblzma(&v, checks[i], false, 6);
				check_liblzma(&v, checks[i], true, 6);
			}
			check_liblzma(&v, LZMA_CHECK_CRC32, false, 0);
			check_liblzma(&v, LZMA_CHECK_CRC32, true, 9 | LZMA_PRESET_EXTREME);
		}
		dc_buf_free(&v);
	}
}

/* lc/lp/pb other than the default 3/0/2 change every context computation. */
static void lzma2_literal_and_position_contexts(void **state)
{
	(void)state;
	static const u8 lclppb[][3] = { { 0, 0, 0 }, { 4, 0, 0 }, { 0, 4, 4 }, { 1, 3, 2 }, { 2, 2, 4 } };
	struct dc_buf v = dc_mixed_make(300000, 7);
	for (size_t i = 0; i < BC_ARRAY_SIZE(lclppb); i++) {
		lzma_options_lzma lz;
		assert_false(lzma_lzma_preset(&lz, 6));
		lz.lc = lclppb[i][0];
		lz.lp = lclppb[i][1];
		lz.pb = lclppb[i][2];
		lzma_filter f[] = { { LZMA_FILTER_LZMA2, &lz }, { LZMA_VLI_UNKNOWN, NULL } };
		size_t cap = lzma_stream_buffer_bound(v.len), pos = 0;
		u8 *c = malloc(cap);
		assert_non_null(c);
		assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC64, NULL, v.data, v.len,
							   c, &pos, cap), LZMA_OK);
		dc_assert_decodes(DC, c, pos, pos, v.data, v.len);
		free(c);
	}
	dc_buf_free(&v);
}

/* The filter's start offset shifts every converted address. */
static void x86_bcj_start_offset(void **state)
{
	(void)state;
	struct dc_buf v = dc_mixed_make(200000, 11);
	/* plenty of E8/E9 opcodes with near operands, as in real code */
	for (size_t i = 0; i + 5 < v.len; i += 37) {
		v.data[i] = (i & 1) ? 0xE8 : 0xE9;
		v.data[i + 4] = (i & 2) ? 0x00 : 0xFF;
	}
	static const u32 starts[] = { 0, 16, 0x1000, 0xFFFFFFF0u };
	for (size_t i = 0; i < BC_ARRAY_SIZE(starts); i++) {
		struct dc_buf c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, true, starts[i], 6);
		dc_assert_decodes(DC, c.data, c.len, c.len, v.data, v.len);
		dc_buf_free(&c);
	}
	dc_buf_free(&v);
}

static void cli_compress_check(const char *cmd, const struct dc_buf *v);

/* Bytes drawn mostly from E8, E9, 00 and FF: opcodes closer than 5 bytes
 * apart and operands that look like addresses, which real code rarely has,
 * drive every path of the converter's lookback mask. */
static void x86_bcj_dense_opcodes(void **state)
{
	(void)state;
	static const u8 pick[8] = { 0xE8, 0xE9, 0x00, 0xFF, 0xE8, 0x00, 0x01, 0xFE };
	struct dc_buf v = { malloc(100000), 100000 };
	u32 rng = 99;
	assert_non_null(v.data);
	for (size_t i = 0; i < v.len; i++) {
		u32 r = dc_rand(&rng);
		v.data[i] = (r & 0x300) ? pick[r & 7] : (u8)(r >> 16);
	}
	struct dc_buf c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, true, 0, 6);
	dc_assert_decodes(DC, c.data, c.len, c.len, v.data, v.len);
	dc_buf_free(&c);
	c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, true, 0x12345, 1);
	dc_assert_decodes(DC, c.data, c.len, c.len, v.data, v.len);
	dc_buf_free(&c);
	/* several blocks: each block's filter counts positions from its own start */
	if (dc_have_tool("xz"))
		cli_compress_check("xz --check=crc32 --x86 --lzma2=preset=6 --block-size=30001", &v);
	dc_buf_free(&v);
}

static void cli_compress_check(const char *cmd, const struct dc_buf *v)
{
	struct dc_buf c = dc_cli_compress(cmd, v->data, v->len);
	dc_assert_decodes(DC, c.data, c.len, c.len, v->data, v->len);
	dc_buf_free(&c);
}

/* The kernel build's command, xz's defaults (CRC64), and multi-block
 * streams with and without sizes in the block headers. */
static void vectors_match_xz_cli(void **state)
{
	(void)state;
	static const struct dc_cli_case cmds[] = {
		{ .cmd = KERNEL_XZ_CMD },
		{ .cmd = "xz -6", .small_only = true },
		{ .cmd = "xz --check=none -0", .small_only = true },
		{ .cmd = "xz --check=crc32 --block-size=20000", .small_only = true },
		{ .cmd = "xz -T2 --check=crc64 --block-size=30000", .small_only = true },
	};
	dc_assert_cli_vectors(DC, "xz", cmds, BC_ARRAY_SIZE(cmds));
}

/* The real Debian kernel: the payload must decode byte-identical to liblzma
 * and in_used must stop before the 4-byte size trailer. */
static void debian_kernel_payload(void **state)
{
	(void)state;
	struct dc_payload p;
	dc_kernel_payload_or_skip("xz", &p);
	size_t in_pos = 0, out_pos = 0;
	uint64_t memlimit = UINT64_MAX;
	u8 *ref = malloc(p.trailer_size);
	assert_non_null(ref);
	assert_int_equal(lzma_stream_buffer_decode(&memlimit, 0, NULL, p.data.data, &in_pos,
						   p.data.len, ref, &out_pos, p.trailer_size),
			 LZMA_OK);
	assert_int_equal(out_pos, p.trailer_size);
	assert_int_equal(in_pos, p.data.len - 4);
	dc_assert_decodes(DC, p.data.data, p.data.len, in_pos, ref, out_pos);
	free(ref);
	dc_payload_free(&p);
}

/* ---- hand-built streams ---------------------------------------------- */

/* Appends V as an xz variable-length integer at s[n]; returns the new n. */
static size_t put_vli(u8 *s, size_t n, u64 v)
{
	for (; v >= 0x80; v >>= 7)
		s[n++] = (u8)(0x80 | (v & 0x7F));
	s[n++] = (u8)v;
	return n;
}

enum wrap_quirk {
	WRAP_VALID = 0,
	WRAP_PAD_NONZERO = 1,   /* a nonzero byte in the block padding */
	WRAP_LONG_VLI = 2,      /* the index's unpadded size in a non-shortest form */
};

/* A CRC32-checked .xz stream with one block holding raw LZMA2 data LZ2,
 * whose decoded bytes are EXPECT (for the check and the index). */
static struct dc_buf wrap_lzma2_quirk(const u8 *lz2, size_t lz2_len, const u8 *expect,
				      size_t expect_len, enum wrap_quirk quirk)
{
	u8 *s = calloc(1, lz2_len + 128);
	size_t n = 0;
	assert_non_null(s);
	memcpy(s, "\xfd" "7zXZ\x00\x00\x01", 8);
	dc_put_le32(s + 8, (u32)crc32(0, s + 6, 2));
	n = 12;
	/* block header: size 12, flags (1 filter), LZMA2 with dict byte 0, padding */
	static const u8 bh[8] = { 2, 0x00, 0x21, 0x01, 0x00, 0, 0, 0 };
	memcpy(s + n, bh, 8);
	dc_put_le32(s + n + 8, (u32)crc32(0, s + n, 8));
	n += 12;
	memcpy(s + n, lz2, lz2_len);
	n += lz2_len;
	if (quirk == WRAP_PAD_NONZERO) {
		assert_true(n % 4 != 0);
		s[n++] = 1;
	}
	while (n % 4)
		s[n++] = 0;
	dc_put_le32(s + n, (u32)crc32(0, expect, (uInt)expect_len));
	n += 4;
	size_t unpadded = 12 + lz2_len + 4, index_start = n;
	s[n++] = 0;
	s[n++] = 1;
	if (quirk == WRAP_LONG_VLI) {
		assert_true(unpadded < 0x80);
		s[n++] = (u8)(0x80 | unpadded);
		s[n++] = 0x00;
	} else {
		n = put_vli(s, n, unpadded);
	}
	n = put_vli(s, n, expect_len);
	while ((n - index_start) % 4)
		s[n++] = 0;
	dc_put_le32(s + n, (u32)crc32(0, s + index_start, (uInt)(n - index_start)));
	n += 4;
	dc_put_le32(s + n + 4, (u32)((n - index_start) / 4 - 1));
	s[n + 8] = 0;
	s[n + 9] = 1;
	dc_put_le32(s + n, (u32)crc32(0, s + n + 4, 6));
	s[n + 10] = 'Y';
	s[n + 11] = 'Z';
	n += 12;
	return (struct dc_buf){ s, n };
}

static struct dc_buf wrap_lzma2(const u8 *lz2, size_t lz2_len, const u8 *expect, size_t expect_len)
{
	return wrap_lzma2_quirk(lz2, lz2_len, expect, expect_len, WRAP_VALID);
}

/* Raw LZMA2 (one or more LZMA chunks) for IN, from liblzma. */
static struct dc_buf raw_lzma2(const u8 *in, size_t len)
{
	lzma_options_lzma lz;
	assert_false(lzma_lzma_preset(&lz, 6));
	lzma_filter f[] = { { LZMA_FILTER_LZMA2, &lz }, { LZMA_VLI_UNKNOWN, NULL } };
	size_t cap = len + len / 2 + 1024, pos = 0;
	struct dc_buf out = { malloc(cap), 0 };
	assert_non_null(out.data);
	assert_int_equal(lzma_raw_buffer_encode(f, NULL, in, len, out.data, &pos, cap), LZMA_OK);
	out.len = pos;
	return out;
}

static void expect_lzma2(const u8 *lz2, size_t len, const char *text, int want)
{
	struct dc_buf s = wrap_lzma2(lz2, len, (const u8 *)text, strlen(text));
	if (want == BC_DC_OK)
		dc_assert_decodes(DC, s.data, s.len, s.len, (const u8 *)text, strlen(text));
	else
		dc_assert_rejects(DC, s.data, s.len, strlen(text) + 16, want);
	dc_buf_free(&s);
}

static void lzma2_chunk_sequences(void **state)
{
	(void)state;
	/* stored chunks: with dictionary reset, then without */
	static const u8 stored[] = { 0x01, 0x00, 0x04, 'h', 'e', 'l', 'l', 'o',
				     0x02, 0x00, 0x00, '!', 0x00 };
	expect_lzma2(stored, sizeof(stored), "hello!", BC_DC_OK);
	/* the first chunk must reset the dictionary */
	static const u8 no_reset[] = { 0x02, 0x00, 0x00, 'x', 0x00 };
	expect_lzma2(no_reset, sizeof(no_reset), "x", BC_DC_CORRUPT);
	static const u8 bad_ctrl[] = { 0x01, 0x00, 0x00, 'x', 0x03, 0x00 };
	expect_lzma2(bad_ctrl, sizeof(bad_ctrl), "x", BC_DC_CORRUPT);
	static const u8 empty[] = { 0x00 };
	expect_lzma2(empty, sizeof(empty), "", BC_DC_OK);
	/* nonzero block padding; an index size not in its shortest form */
	struct dc_buf q = wrap_lzma2_quirk(stored, sizeof(stored), (const u8 *)"hello!", 6,
					   WRAP_PAD_NONZERO);
	dc_assert_rejects(DC, q.data, q.len, 6, BC_DC_CORRUPT);
	dc_buf_free(&q);
	q = wrap_lzma2_quirk(stored, sizeof(stored), (const u8 *)"hello!", 6, WRAP_LONG_VLI);
	dc_assert_rejects(DC, q.data, q.len, 6, BC_DC_CORRUPT);
	dc_buf_free(&q);

	/* an LZMA chunk, then the same data again after a stored chunk */
	const char *text = "LZMA2 chunk text, LZMA2 chunk text, LZMA2 chunk text!";
	struct dc_buf lz = raw_lzma2((const u8 *)text, strlen(text));
	assert_true(lz.len > 7 && lz.data[0] == 0xE0 && lz.data[lz.len - 1] == 0x00);
	expect_lzma2(lz.data, lz.len, text, BC_DC_OK);

	u8 seq[512];
	size_t n = 0;
	/* stored "abc\n" with dictionary reset: 4 bytes keep pos & 3 and a
	 * newline keeps the literal context the chunk was encoded with */
	memcpy(seq, "\x01\x00\x03" "abc\n", 7);
	n = 7;
	/* the LZMA chunk now must set properties (0xC0: state reset + props, no
	 * dictionary reset): the previous bytes stay reachable */
	memcpy(seq + n, lz.data, lz.len - 1);
	seq[n] = (u8)(0xC0 | (lz.data[0] & 0x1F));
	n += lz.len - 1;
	seq[n++] = 0x00;
	char both[256];
	snprintf(both, sizeof(both), "abc\n%s", text);
	expect_lzma2(seq, n, both, BC_DC_OK);
	/* without properties after a dictionary reset: rejected */
	seq[7] = (u8)(0xA0 | (lz.data[0] & 0x1F));
	expect_lzma2(seq, n, both, BC_DC_CORRUPT);
	seq[7] = (u8)(0x80 | (lz.data[0] & 0x1F));
	expect_lzma2(seq, n, both, BC_DC_CORRUPT);

	/* compressed size one byte too long, or one too short */
	memcpy(seq, lz.data, lz.len);
	u16 csize = (u16)((seq[3] << 8 | seq[4]) + 1);
	seq[3] = (u8)(csize >> 8);
	seq[4] = (u8)csize;
	memmove(seq + 6 + csize, seq + 5 + csize, lz.len - 5 - csize);
	seq[5 + csize] = 0;
	expect_lzma2(seq, lz.len + 1, text, BC_DC_CORRUPT);
	memcpy(seq, lz.data, lz.len);
	csize = (u16)((seq[3] << 8 | seq[4]) - 1);
	seq[3] = (u8)(csize >> 8);
	seq[4] = (u8)csize;
	expect_lzma2(seq, lz.len, text, BC_DC_CORRUPT);
	/* uncompressed size one too small: the last symbol crosses the chunk end */
	memcpy(seq, lz.data, lz.len);
	seq[2] = (u8)(seq[2] - 1);
	expect_lzma2(seq, lz.len, text, -1);
	/* lc + lp > 4 is not allowed in LZMA2 */
	memcpy(seq, lz.data, lz.len);
	seq[5] = (u8)((0 * 5 + 2) * 9 + 3);
	expect_lzma2(seq, lz.len, text, BC_DC_CORRUPT);
	dc_buf_free(&lz);
}

/* ---- rejections ------------------------------------------------------- */

static void refix_header_crc(u8 *s)
{
	dc_put_le32(s + 8, (u32)crc32(0, s + 6, 2));
}

static void unsupported_options(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	/* SHA-256 is checked like the others (a flipped check byte fails) */
	struct dc_buf c = xz_encode(v.data, v.len, LZMA_CHECK_SHA256, false, 0, 1);
	dc_assert_decodes(DC, c.data, c.len, c.len, v.data, v.len);
	c.data[c.len - 12 - 12 - 1] ^= 1;   /* last byte of the check, before index and footer */
	dc_assert_rejects(DC, c.data, c.len, v.len, BC_DC_CHECKSUM);
	dc_buf_free(&c);

	/* check type 2 (a 4-byte check no version of xz defines) */
	c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, false, 0, 1);
	c.data[7] = 0x02;
	refix_header_crc(c.data);
	dc_assert_rejects(DC, c.data, c.len, v.len, BC_DC_UNSUPPORTED);
	dc_buf_free(&c);

	c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, false, 0, 1);
	c.data[7] = 0x11;   /* reserved flag bits */
	refix_header_crc(c.data);
	dc_assert_rejects(DC, c.data, c.len, v.len, BC_DC_UNSUPPORTED);
	dc_buf_free(&c);

	/* the delta and ARM BCJ filters are valid xz but not ours */
	lzma_options_lzma lz;
	lzma_options_delta delta = { .type = LZMA_DELTA_TYPE_BYTE, .dist = 4 };
	assert_false(lzma_lzma_preset(&lz, 1));
	static const lzma_vli ids[] = { LZMA_FILTER_DELTA, LZMA_FILTER_ARM };
	for (size_t i = 0; i < BC_ARRAY_SIZE(ids); i++) {
		lzma_filter f[] = { { ids[i], ids[i] == LZMA_FILTER_DELTA ? &delta : NULL },
				    { LZMA_FILTER_LZMA2, &lz }, { LZMA_VLI_UNKNOWN, NULL } };
		size_t cap = lzma_stream_buffer_bound(v.len), pos = 0;
		u8 *s = malloc(cap);
		assert_non_null(s);
		assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, v.data, v.len,
							   s, &pos, cap), LZMA_OK);
		dc_assert_rejects(DC, s, pos, v.len, BC_DC_UNSUPPORTED);
		free(s);
	}
	dc_buf_free(&v);
}

/* Offset of the index in stream S of LEN bytes, from the footer. */
static size_t index_offset(const u8 *s, size_t len)
{
	return len - 12 - ((size_t)bc_le32(s + len - 8) + 1) * 4;
}

static void corrupt_streams_are_rejected(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TINY);
	struct dc_buf c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, false, 0, 6);
	u8 *p = c.data;
	size_t idx = index_offset(p, c.len);

	dc_assert_rejects(DC, p, 0, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, 11, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, 12, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, c.len - 1, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, idx, v.len, BC_DC_TRUNCATED);

	p[1] ^= 1;        /* magic */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[1] ^= 1;
	p[8] ^= 1;        /* header CRC32 */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[8] ^= 1;
	p[idx - 1] ^= 0x80;   /* the block's CRC32 of the data */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CHECKSUM);
	p[idx - 1] ^= 0x80;
	p[c.len - 1] = 'X';   /* footer magic */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[c.len - 1] = 'Z';
	p[c.len - 3] ^= 4;    /* footer flags no longer equal the header's (CRC fixed) */
	dc_put_le32(p + c.len - 12, (u32)crc32(0, p + c.len - 8, 6));
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[c.len - 3] ^= 4;
	p[c.len - 8] += 1;    /* backward size (CRC fixed) */
	dc_put_le32(p + c.len - 12, (u32)crc32(0, p + c.len - 8, 6));
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[c.len - 8] -= 1;
	dc_put_le32(p + c.len - 12, (u32)crc32(0, p + c.len - 8, 6));
	dc_assert_decodes(DC, p, c.len, c.len, v.data, v.len);

	/* index record with the wrong uncompressed size, index CRC fixed */
	assert_int_equal(p[idx + 1], 1);
	assert_int_equal(p[idx + 3], v.len);
	p[idx + 3]++;
	dc_put_le32(p + idx + 4, (u32)crc32(0, p + idx, 4));
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[idx + 3]--;
	dc_put_le32(p + idx + 4, (u32)crc32(0, p + idx, 4));

	/* block header sizes (the buffer encoder stores both) that lie, CRC fixed */
	size_t bh_len = ((size_t)p[12] + 1) * 4;
	assert_int_equal(p[13] & 0xC0, 0xC0);
	p[15] ^= 1;           /* uncompressed size: first VLI byte after the compressed size */
	dc_put_le32(p + 12 + bh_len - 4, (u32)crc32(0, p + 12, (uInt)(bh_len - 4)));
	dc_assert_rejects(DC, p, c.len, v.len + 16, BC_DC_CORRUPT);
	p[15] ^= 1;
	p[14] ^= 1;           /* compressed size */
	dc_put_le32(p + 12 + bh_len - 4, (u32)crc32(0, p + 12, (uInt)(bh_len - 4)));
	dc_assert_rejects(DC, p, c.len, v.len, -1);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* Bytes after the stream (padding, a second stream) are not consumed. */
static void trailing_data_is_ignored(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	struct dc_buf c = xz_encode(v.data, v.len, LZMA_CHECK_CRC64, true, 0, 6);
	static const u8 pad[8] = { 0 };
	struct dc_buf t = dc_with_suffix(&c, pad, sizeof(pad));
	dc_assert_decodes(DC, t.data, t.len, c.len, v.data, v.len);
	dc_buf_free(&t);
	t = dc_with_suffix(&c, c.data, c.len);
	dc_assert_decodes(DC, t.data, t.len, c.len, v.data, v.len);
	dc_buf_free(&t);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void work_memory_failure_is_reported(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TINY);
	struct dc_buf c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, false, 0, 6);
	dc_assert_nomem(DC, &c, v.len, 1024);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_prefix(DC_VEC_TEXT, 5000);
	struct dc_torture_opts opt = { .flips = 4000, .checksummed = true };
	struct dc_buf c = xz_encode(v.data, v.len, LZMA_CHECK_CRC32, true, 0, 6);
	dc_torture_all_cuts(DC, &c, &v, &opt, 95);
	dc_buf_free(&c);

	/* no check: a flip may decode to other bytes, but never out of bounds */
	c = xz_encode(v.data, v.len, LZMA_CHECK_NONE, false, 0, 6);
	opt.checksummed = false;
	opt.seed = 12345;
	dc_torture_all_cuts(DC, &c, &v, &opt, 0);
	dc_buf_free(&c);

	/* random data: stored chunks */
	struct dc_buf rv = dc_vec_prefix(DC_VEC_RANDOM, 3000);
	c = xz_encode(rv.data, rv.len, LZMA_CHECK_CRC64, false, 0, 6);
	opt = (struct dc_torture_opts){ .flips = 2000, .checksummed = true };
	dc_torture_all_cuts(DC, &c, &rv, &opt, 0);
	dc_buf_free(&c);
	dc_buf_free(&rv);
	dc_buf_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_match_liblzma_checks_and_filters),
		cmocka_unit_test(lzma2_literal_and_position_contexts),
		cmocka_unit_test(x86_bcj_start_offset),
		cmocka_unit_test(x86_bcj_dense_opcodes),
		cmocka_unit_test(vectors_match_xz_cli),
		cmocka_unit_test(lzma2_chunk_sequences),
		cmocka_unit_test(unsupported_options),
		cmocka_unit_test(corrupt_streams_are_rejected),
		cmocka_unit_test(trailing_data_is_ignored),
		cmocka_unit_test(work_memory_failure_is_reported),
		cmocka_unit_test(truncation_and_bitflips),
		cmocka_unit_test(debian_kernel_payload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
