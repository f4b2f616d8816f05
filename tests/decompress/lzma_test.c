/* .lzma decoder against liblzma and lzma(1): every vector through the
 * "alone" encoder and the kernel build's `lzma -9`, other lc/lp/pb,
 * known-size headers with and without the end marker, a slice of the real
 * Debian vmlinux, rejections of bad streams, and the truncation/bit-flip
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
#include "dc_testlib.h"

#define DC (&bc_dc_lzma)
#define HEADER 13

static lzma_options_lzma preset(u32 level, u32 lc, u32 lp, u32 pb)
{
	lzma_options_lzma o;
	assert_false(lzma_lzma_preset(&o, level));
	o.lc = lc;
	o.lp = lp;
	o.pb = pb;
	return o;
}

/* The .lzma stream lzma(1) would write: unknown size, end marker. */
static struct dc_buf alone_encode(const u8 *in, size_t len, const lzma_options_lzma *o)
{
	lzma_stream z = LZMA_STREAM_INIT;
	size_t cap = len + len / 2 + 4096;
	struct dc_buf out = { malloc(cap), 0 };
	assert_non_null(out.data);
	assert_int_equal(lzma_alone_encoder(&z, o), LZMA_OK);
	z.next_in = in;
	z.avail_in = len;
	z.next_out = out.data;
	z.avail_out = cap;
	assert_int_equal(lzma_code(&z, LZMA_FINISH), LZMA_STREAM_END);
	out.len = z.total_out;
	lzma_end(&z);
	return out;
}

static void put_le64(u8 *p, u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* A known-size .lzma stream without the end marker: header + raw LZMA1. */
static struct dc_buf known_size_encode(const u8 *in, size_t len, const lzma_options_lzma *o)
{
	lzma_options_lzma ext = *o;
	ext.ext_flags = 0;
	lzma_filter f[] = { { LZMA_FILTER_LZMA1EXT, &ext }, { LZMA_VLI_UNKNOWN, NULL } };
	size_t cap = HEADER + len + len / 2 + 4096, pos = HEADER;
	struct dc_buf out = { malloc(cap), 0 };
	assert_non_null(out.data);
	out.data[0] = (u8)((o->pb * 5 + o->lp) * 9 + o->lc);
	for (int i = 0; i < 4; i++)
		out.data[1 + i] = (u8)(o->dict_size >> (8 * i));
	put_le64(out.data + 5, len);
	assert_int_equal(lzma_raw_buffer_encode(f, NULL, in, len, out.data, &pos, cap), LZMA_OK);
	out.len = pos;
	return out;
}

static void check_all_forms(const struct dc_buf *v, const lzma_options_lzma *o)
{
	struct dc_buf c = alone_encode(v->data, v->len, o);
	dc_assert_decodes_trailer(DC, &c, v->data, v->len);
	/* the same stream with its size in the header: the end marker may stay */
	put_le64(c.data + 5, v->len);
	dc_assert_decodes(DC, c.data, c.len, c.len, v->data, v->len);
	dc_buf_free(&c);
	c = known_size_encode(v->data, v->len, o);
	dc_assert_decodes(DC, c.data, c.len, c.len, v->data, v->len);
	dc_buf_free(&c);
}

static void vectors_match_liblzma(void **state)
{
	(void)state;
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k);
		lzma_options_lzma o = preset(k == DC_VEC_LARGE ? 6 : 9, 3, 0, 2);
		check_all_forms(&v, &o);
		if (k != DC_VEC_LARGE) {
			o = preset(0, 3, 0, 2);
			check_all_forms(&v, &o);
		}
		dc_buf_free(&v);
	}
}

static void literal_and_position_contexts(void **state)
{
	(void)state;
	static const u8 lclppb[][3] = { { 0, 0, 0 }, { 4, 0, 0 }, { 0, 4, 4 }, { 1, 3, 1 }, { 2, 2, 4 } };
	struct dc_buf v = dc_mixed_make(300000, 3);
	for (size_t i = 0; i < BC_ARRAY_SIZE(lclppb); i++) {
		lzma_options_lzma o = preset(6, lclppb[i][0], lclppb[i][1], lclppb[i][2]);
		check_all_forms(&v, &o);
	}
	dc_buf_free(&v);
}

/* Runs that repeat a period of 1 to 9 bytes, of every length around the
 * eight-byte copy steps, between random bytes: matches closer than eight
 * bytes back take the fill and period copies, ending anywhere in a word,
 * and the stream's last match ends at the very end of the buffer. */
static void short_period_runs(void **state)
{
	(void)state;
	struct dc_buf v = { malloc(400000), 0 };
	assert_non_null(v.data);
	u32 seed = 7;
	for (size_t period = 1; period <= 9; period++)
		for (size_t run = 1; run <= 300 && v.len + 320 < 400000; run += run < 40 ? 1 : 37) {
			for (size_t i = 0; i < 5; i++)
				v.data[v.len++] = (u8)dc_rand(&seed);
			size_t start = v.len;
			for (size_t i = 0; i < period; i++)
				v.data[v.len++] = (u8)dc_rand(&seed);
			for (size_t i = 0; i < run; i++, v.len++)
				v.data[v.len] = v.data[v.len - period];
			assert_true(v.len - start == period + run);
		}
	lzma_options_lzma o = preset(9, 3, 0, 2);
	check_all_forms(&v, &o);
	o = preset(0, 3, 0, 2);
	check_all_forms(&v, &o);
	dc_buf_free(&v);
}

/* lc + lp may reach 12 in .lzma (liblzma cannot encode that): an empty
 * stream is only the end marker, whose bits do not depend on lc/lp/pb. */
static void largest_properties_decode(void **state)
{
	(void)state;
	lzma_options_lzma o = preset(6, 3, 0, 2);
	struct dc_buf c = alone_encode(NULL, 0, &o);
	c.data[0] = (4 * 5 + 4) * 9 + 8;   /* lc=8 lp=4 pb=4 */
	dc_assert_decodes(DC, c.data, c.len, c.len, NULL, 0);
	c.data[0] = 225;
	dc_assert_rejects(DC, c.data, c.len, 16, BC_DC_CORRUPT);
	dc_buf_free(&c);
}

static void vectors_match_lzma_cli(void **state)
{
	(void)state;
	/* lc=3 lp=0 pb=2, then the dictionary size's low bytes */
	static const struct dc_cli_case lzma_9[] = {
		{ .cmd = "lzma -9", .magic = (const u8 *)"\x5d\x00\x00", .magic_len = 3 },
	};
	dc_assert_cli_vectors(DC, "lzma", lzma_9, BC_ARRAY_SIZE(lzma_9));
}

/* The kernel build's `lzma -9` on the first 8 MiB of the real vmlinux (the
 * whole kernel would take lzma(1) a minute). */
static void debian_vmlinux_slice_lzma_9(void **state)
{
	(void)state;
	dc_assert_cli_vmlinux(DC, "lzma", "lzma -9", (size_t)8 << 20, true);
}

static void bad_streams_are_rejected(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	lzma_options_lzma o = preset(6, 3, 0, 2);
	struct dc_buf c = alone_encode(v.data, v.len, &o);
	u8 *p = c.data;

	dc_assert_rejects(DC, p, 0, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, HEADER - 1, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, HEADER + 4, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, c.len - 1, v.len, BC_DC_TRUNCATED);
	p[HEADER] = 1;        /* the range coder's first byte is always 0 */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[HEADER] = 0;
	/* the last byte only feeds the range coder's final code, which must be 0 */
	p[c.len - 1] ^= 1;
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[c.len - 1] ^= 1;
	/* unknown size, buffer too small */
	dc_assert_rejects(DC, p, c.len, v.len / 2, BC_DC_OUTPUT_FULL);
	/* a size in the header that disagrees with the data */
	put_le64(p + 5, v.len + 1);
	dc_assert_rejects(DC, p, c.len, v.len + 1, BC_DC_CORRUPT);
	put_le64(p + 5, v.len - 1);
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	/* a size larger than the buffer */
	put_le64(p + 5, v.len);
	dc_assert_rejects(DC, p, c.len, v.len - 1, BC_DC_OUTPUT_FULL);
	dc_buf_free(&c);

	/* known size without the end marker, but the size claims more data */
	c = known_size_encode(v.data, v.len, &o);
	put_le64(c.data + 5, v.len + 100);
	dc_assert_rejects(DC, c.data, c.len, v.len + 100, -1);
	dc_buf_free(&c);
	dc_buf_free(&v);

	/* all-ones code bytes decode every bit as 1: a repeat match at position
	 * 0, where there is nothing to copy from */
	static const u8 far[] = { 0x5d, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				  0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	dc_assert_rejects(DC, far, sizeof(far), 64, BC_DC_CORRUPT);
}

static void work_memory_failure_is_reported(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TINY);
	lzma_options_lzma o = preset(6, 3, 0, 2);
	struct dc_buf c = alone_encode(v.data, v.len, &o);
	dc_assert_nomem(DC, &c, v.len, 1024);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* .lzma has no checksum: a flip may decode to other bytes, but every call
 * must stay in bounds; every cut must fail. */
static void truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_prefix(DC_VEC_TEXT, 4000);
	struct dc_torture_opts opt = { .flips = 4000 };
	lzma_options_lzma o = preset(9, 3, 0, 2);

	struct dc_buf c = alone_encode(v.data, v.len, &o);
	assert_true(dc_torture_all_cuts(DC, &c, &v, &opt, 0).flips_rejected > 0);
	dc_buf_free(&c);

	c = known_size_encode(v.data, v.len, &o);
	opt.seed = 777;
	dc_torture_all_cuts(DC, &c, &v, &opt, 0);
	dc_buf_free(&c);

	struct dc_buf rv = dc_vec_prefix(DC_VEC_RANDOM, 2000);
	c = alone_encode(rv.data, rv.len, &o);
	opt.seed = 4242;
	dc_torture_all_cuts(DC, &c, &rv, &opt, 0);
	dc_buf_free(&c);
	dc_buf_free(&rv);
	dc_buf_free(&v);
}

/* A .lzma header as liblzma's file detection sees one. */
static bool detected(u8 props, u32 dict, u64 size)
{
	u8 h[HEADER + 8] = { props };
	dc_put_le32(h + 1, dict);
	dc_put_le32(h + 5, (u32)size);
	dc_put_le32(h + 9, (u32)(size >> 32));
	return bc_dc_detect(h, sizeof(h)) == DC;
}

static void detected_as_liblzma_detects_files(void **state)
{
	(void)state;
	const u64 unknown = ~0ull;
	assert_true(detected(0x5d, 1u << 23, unknown));          /* lzma -9's header */
	assert_true(detected(0x00, 4096, unknown));              /* lc=lp=pb=0 */
	assert_true(detected(0x5d, 3u << 20, unknown));          /* 2^n + 2^(n-1) */
	assert_true(detected(0x5d, 0xFFFFFFFFu, unknown));
	assert_true(detected(0x5d, 1u << 16, 12345));            /* known size */
	assert_true(detected(9 * 5 * 4 + 4, 1u << 20, unknown)); /* lc=4, lp=0, pb=4 */
	assert_false(detected(0x5d, 5u << 20, unknown));         /* not 2^n or 3 * 2^(n-1) */
	assert_false(detected(9 * 1 + 4, 1u << 20, unknown));    /* lc + lp = 5 */
	assert_false(detected(225, 1u << 20, unknown));          /* no such properties byte */
	assert_false(detected(0x5d, 1u << 20, 1ull << 38));      /* 256 GiB or more */
	/* formats with a magic win: a gzip header is never .lzma */
	assert_ptr_equal(bc_dc_detect((const u8 *)"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03xxxx", 14),
			 &bc_dc_gzip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_match_liblzma),
		cmocka_unit_test(detected_as_liblzma_detects_files),
		cmocka_unit_test(literal_and_position_contexts),
		cmocka_unit_test(short_period_runs),
		cmocka_unit_test(largest_properties_decode),
		cmocka_unit_test(vectors_match_lzma_cli),
		cmocka_unit_test(bad_streams_are_rejected),
		cmocka_unit_test(work_memory_failure_is_reported),
		cmocka_unit_test(truncation_and_bitflips),
		cmocka_unit_test(debian_vmlinux_slice_lzma_9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
