/* lz4 decoder against liblz4 and lz4(1): legacy frames (every vector, the
 * kernel build's `lz4 -l -9`, the real Debian cloud kernel's payload with its
 * size trailer, concatenated frames, rejections, the torture loop) and the
 * frame format as liblz4's frame API writes it (block sizes, linked and
 * independent blocks, checksums, content size, torture). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <lz4.h>
#include <lz4hc.h>
#include <lz4frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dc_testlib.h"

#define DC (&bc_dc_lz4)
#define BLOCK (8u << 20)

/* A legacy frame made with liblz4: magic, then LE32 size + block per 8 MiB. */
static struct dc_buf legacy_frame(const u8 *in, size_t len, int hc_level)
{
	size_t cap = 4 + (len / BLOCK + 1) * (4 + (size_t)LZ4_compressBound(BLOCK));
	struct dc_buf f = { malloc(cap), 4 };
	assert_non_null(f.data);
	dc_put_le32(f.data, 0x184C2102u);
	for (size_t at = 0; at < len; at += BLOCK) {
		int n = (int)BC_MIN(len - at, (size_t)BLOCK);
		char *dst = (char *)f.data + f.len + 4;
		int c = hc_level ? LZ4_compress_HC((const char *)in + at, dst, n, LZ4_compressBound(n), hc_level)
				 : LZ4_compress_default((const char *)in + at, dst, n, LZ4_compressBound(n));
		assert_true(c > 0);
		dc_put_le32(f.data + f.len, (u32)c);
		f.len += 4 + (size_t)c;
	}
	return f;
}

static void vectors_match_liblz4(void **state)
{
	(void)state;
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k);
		for (int level = 0; level <= 9; level += 9) {
			struct dc_buf f = legacy_frame(v.data, v.len, level);
			dc_assert_decodes_trailer(DC, &f, v.data, v.len);
			dc_buf_free(&f);
		}
		dc_buf_free(&v);
	}
}

static void vectors_match_lz4_cli(void **state)
{
	(void)state;
	static const struct dc_cli_case lz4_l9[] = { { .cmd = "lz4 -l -9 -c" } };
	dc_assert_cli_vectors(DC, "lz4", lz4_l9, BC_ARRAY_SIZE(lz4_l9));
}

static void concatenated_frames_are_one_stream(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	size_t half = v.len / 2;
	struct dc_buf a = legacy_frame(v.data, half, 9), b = legacy_frame(v.data + half, v.len - half, 0);
	struct dc_buf ab = dc_with_suffix(&a, b.data, b.len);
	dc_assert_decodes(DC, ab.data, ab.len, ab.len, v.data, v.len);
	dc_buf_free(&ab);
	dc_buf_free(&a);
	dc_buf_free(&b);
	dc_buf_free(&v);
}

/* The reference decode of a kernel payload: liblz4 per block. */
static void reference_decode(const struct dc_payload *p, u8 *out)
{
	const u8 *in = p->data.data;
	size_t pos = 4, end = p->data.len - 4, o = 0;
	while (pos < end) {
		u32 n = bc_le32(in + pos);
		pos += 4;
		if (n == 0x184C2102u)
			continue;
		int got = LZ4_decompress_safe((const char *)in + pos, (char *)out + o, (int)n,
					      (int)BC_MIN(p->trailer_size - o, (size_t)BLOCK));
		assert_true(got > 0);
		o += (size_t)got;
		pos += n;
	}
	assert_int_equal(o, p->trailer_size);
}

static void debian_cloud_kernel_payload(void **state)
{
	(void)state;
	struct dc_payload p;
	dc_kernel_payload_or_skip("lz4", &p);
	u8 *ref = malloc(p.trailer_size);
	assert_non_null(ref);
	reference_decode(&p, ref);
	/* the payload ends with the size trailer: in_used must stop before it */
	dc_assert_decodes(DC, p.data.data, p.data.len, p.data.len - 4, ref, p.trailer_size);
	free(ref);
	dc_payload_free(&p);
}

static void bad_streams_are_rejected(void **state)
{
	(void)state;
	static const u8 magic_only_short[] = { 0x02, 0x21, 0x4c };
	dc_assert_rejects(DC, magic_only_short, 3, 16, BC_DC_TRUNCATED);
	/* the frame-format magic with a descriptor of version 00 */
	static const u8 not_legacy[] = { 0x04, 0x22, 0x4d, 0x18, 0, 0, 0, 0 };
	dc_assert_rejects(DC, not_legacy, sizeof(not_legacy), 16, BC_DC_CORRUPT);
	/* literal "ab", then a match at offset 3 with only 2 bytes written */
	static const u8 far[] = { 0x02, 0x21, 0x4c, 0x18, 7, 0, 0, 0, 0x20, 'a', 'b', 3, 0, 0x10, 'c' };
	dc_assert_rejects(DC, far, sizeof(far), 64, BC_DC_CORRUPT);
	/* offset 0 is never valid */
	static const u8 zero[] = { 0x02, 0x21, 0x4c, 0x18, 7, 0, 0, 0, 0x20, 'a', 'b', 0, 0, 0x10, 'c' };
	dc_assert_rejects(DC, zero, sizeof(zero), 64, BC_DC_CORRUPT);
	/* a block ending right after a match (no final literals) */
	static const u8 tail[] = { 0x02, 0x21, 0x4c, 0x18, 5, 0, 0, 0, 0x20, 'a', 'b', 1, 0 };
	dc_assert_rejects(DC, tail, sizeof(tail), 64, BC_DC_CORRUPT);
	/* block size larger than what follows it */
	static const u8 cut[] = { 0x02, 0x21, 0x4c, 0x18, 9, 0, 0, 0, 0x30, 'a', 'b', 'c', 0, 0 };
	dc_assert_rejects(DC, cut, sizeof(cut), 64, BC_DC_TRUNCATED);
	/* block size beyond any 8 MiB block */
	static const u8 huge[] = { 0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0x7f, 0, 0, 0, 0, 0 };
	dc_assert_rejects(DC, huge, sizeof(huge), 64, BC_DC_CORRUPT);
	/* valid block, buffer too small */
	static const u8 ok[] = { 0x02, 0x21, 0x4c, 0x18, 4, 0, 0, 0, 0x30, 'a', 'b', 'c' };
	dc_assert_decodes(DC, ok, sizeof(ok), sizeof(ok), (const u8 *)"abc", 3);
}

/* A block may not decode to more than 8 MiB, even with room in the buffer. */
static void block_over_8mib_is_rejected(void **state)
{
	(void)state;
	size_t ext = (BLOCK + 1024) / 255 + 1;
	size_t n = 4 + 4 + 1 + 1 + 2 + ext + 2;
	u8 *f = calloc(1, n);
	assert_non_null(f);
	dc_put_le32(f, 0x184C2102u);
	dc_put_le32(f + 4, (u32)(n - 8));
	u8 *p = f + 8;
	*p++ = 0x1f;            /* 1 literal, match length 15 + extension */
	*p++ = 'z';
	*p++ = 1;               /* offset 1 */
	*p++ = 0;
	memset(p, 255, ext - 1);
	p[ext - 1] = 0;
	p += ext;
	*p++ = 0x10;            /* final literal */
	*p++ = 'z';
	dc_assert_rejects(DC, f, n, 2 * BLOCK, BC_DC_CORRUPT);
	free(f);
}

static void truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_prefix(DC_VEC_TEXT, 3000);
	/* two frames so that a cut between them is a valid shorter stream */
	struct dc_buf a = legacy_frame(v.data, 1500, 9), b = legacy_frame(v.data + 1500, 1500, 9);
	struct dc_buf ab = dc_with_suffix(&a, b.data + 4, b.len - 4);
	struct dc_torture_opts opt = { .flips = 5000, .prefix_may_decode = true };
	struct dc_torture_stats st;
	dc_torture(DC, ab.data, ab.len, v.data, v.len, &opt, &st);
	/* only cuts right after the magic or a block are valid shorter streams:
	 * a cut leaving the next block's size word but not its data is an error
	 * (that word is not the decoded size, so it is no size trailer) */
	assert_int_equal(st.cuts - st.cuts_rejected, 2);
	assert_true(st.flips_rejected > 0);
	dc_buf_free(&ab);
	dc_buf_free(&a);
	dc_buf_free(&b);
	dc_buf_free(&v);
}

/* Two 8 MiB blocks: sampled cuts (a cut on the block boundary decodes to the
 * first block) and flips anywhere. */
static void multi_block_truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_LARGE);
	struct dc_buf f = legacy_frame(v.data, v.len, 9);
	struct dc_torture_opts opt = { .flips = 60, .max_cuts = 60, .prefix_may_decode = true };
	struct dc_torture_stats st;
	dc_torture(DC, f.data, f.len, v.data, v.len, &opt, &st);
	assert_true(st.cuts_rejected >= st.cuts - 2);
	assert_true(st.flips_rejected > 0);
	dc_buf_free(&f);
	dc_buf_free(&v);
}

/* Garbage after the magic: block sizes and LZ4 sequences of random bytes. */
static void random_inputs_are_rejected_safely(void **state)
{
	(void)state;
	static const u8 magic[4] = { 0x02, 0x21, 0x4c, 0x18 };
	unsigned ok = dc_random_inputs(DC, magic, sizeof(magic), 3000, 2);
	assert_true(ok < 3000 / 10);   /* only short inputs (the trailer rule) pass */
}

/* IN as one frame-format frame written by liblz4 with PREFS. */
static struct dc_buf lz4f_frame(const u8 *in, size_t len, const LZ4F_preferences_t *prefs)
{
	size_t cap = LZ4F_compressFrameBound(len, prefs);
	struct dc_buf b = { malloc(cap), 0 };
	assert_non_null(b.data);
	b.len = LZ4F_compressFrame(b.data, cap, in, len, prefs);
	assert_false(LZ4F_isError(b.len));
	return b;
}

static void frame_format_matches_liblz4(void **state)
{
	(void)state;
	static const struct { LZ4F_blockSizeID_t size; LZ4F_blockMode_t mode; int sums; int level; } cfg[] = {
		{ LZ4F_max64KB, LZ4F_blockLinked, 0, 0 },
		{ LZ4F_max256KB, LZ4F_blockIndependent, 3, 0 },
		{ LZ4F_max1MB, LZ4F_blockLinked, 1, 9 },
		{ LZ4F_max4MB, LZ4F_blockIndependent, 2, 12 },
	};
	for (int v = 0; v < DC_VEC_COUNT; v++) {
		struct dc_buf raw = dc_vec_make((enum dc_vec)v);
		for (size_t c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++) {
			LZ4F_preferences_t p;
			memset(&p, 0, sizeof(p));
			p.frameInfo.blockSizeID = cfg[c].size;
			p.frameInfo.blockMode = cfg[c].mode;
			p.frameInfo.contentChecksumFlag = (cfg[c].sums & 1) ? LZ4F_contentChecksumEnabled : 0;
			p.frameInfo.blockChecksumFlag = (cfg[c].sums & 2) ? LZ4F_blockChecksumEnabled : 0;
			p.frameInfo.contentSize = c == 2 ? raw.len : 0;
			p.compressionLevel = cfg[c].level;
			struct dc_buf f = lz4f_frame(raw.data, raw.len, &p);
			dc_assert_decodes(DC, f.data, f.len, f.len, raw.data, raw.len);
			dc_buf_free(&f);
		}
		dc_buf_free(&raw);
	}
}

static void frame_format_truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_prefix(DC_VEC_TEXT, 3000);
	LZ4F_preferences_t p;
	memset(&p, 0, sizeof(p));
	p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	p.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
	struct dc_buf f = lz4f_frame(v.data, v.len, &p);
	struct dc_torture_opts opt = { .flips = 3000, .checksummed = true };
	dc_torture_all_cuts(DC, &f, &v, &opt, 90);
	dc_buf_free(&f);
	dc_buf_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_match_liblz4),
		cmocka_unit_test(vectors_match_lz4_cli),
		cmocka_unit_test(concatenated_frames_are_one_stream),
		cmocka_unit_test(bad_streams_are_rejected),
		cmocka_unit_test(block_over_8mib_is_rejected),
		cmocka_unit_test(truncation_and_bitflips),
		cmocka_unit_test(multi_block_truncation_and_bitflips),
		cmocka_unit_test(random_inputs_are_rejected_safely),
		cmocka_unit_test(debian_cloud_kernel_payload),
		cmocka_unit_test(frame_format_matches_liblz4),
		cmocka_unit_test(frame_format_truncation_and_bitflips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
