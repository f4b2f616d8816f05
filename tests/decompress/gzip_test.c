/* gzip decoder against zlib and gzip(1): every vector at several levels and
 * strategies, every header field, the kernel build's `gzip -9 -n` on the real
 * vmlinux, rejections of bad streams, and the truncation/bit-flip torture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "dc_testlib.h"

#define DC (&bc_dc_gzip)

/* Compresses IN into a gzip member with zlib (HDR optional). */
static struct dc_buf zlib_gzip(const u8 *in, size_t len, int level, int strategy, gz_header *hdr)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 31, 9, strategy), Z_OK);
	if (hdr)
		assert_int_equal(deflateSetHeader(&z, hdr), Z_OK);
	size_t cap = deflateBound(&z, len) + 1024;
	struct dc_buf out = { malloc(cap), 0 };
	assert_non_null(out.data);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = out.data;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out.len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void check_zlib(const struct dc_buf *v, int level, int strategy)
{
	struct dc_buf c = zlib_gzip(v->data, v->len, level, strategy, NULL);
	dc_assert_decodes_trailer(DC, &c, v->data, v->len);
	dc_buf_free(&c);
}

static void vectors_match_zlib_levels_and_strategies(void **state)
{
	(void)state;
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k);
		static const int levels[] = { 0, 1, 6, 9 };
		for (size_t i = 0; i < BC_ARRAY_SIZE(levels); i++)
			check_zlib(&v, levels[i], Z_DEFAULT_STRATEGY);
		if (k != DC_VEC_LARGE) {
			check_zlib(&v, 9, Z_FIXED);
			check_zlib(&v, 9, Z_HUFFMAN_ONLY);
			check_zlib(&v, 9, Z_RLE);
		}
		dc_buf_free(&v);
	}
}

static void vectors_match_gzip_cli(void **state)
{
	(void)state;
	static const struct dc_cli_case gzip_9n[] = { { .cmd = "gzip -9 -n" } };
	dc_assert_cli_vectors(DC, "gzip", gzip_9n, BC_ARRAY_SIZE(gzip_9n));
}

/* The kernel build's command on the real decompressed Debian vmlinux. */
static void debian_vmlinux_gzip_9n(void **state)
{
	(void)state;
	dc_assert_cli_vmlinux(DC, NULL, "gzip -9 -n", 0, true);
}

static void header_fields_extra_name_comment_hcrc(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	gz_header h;
	memset(&h, 0, sizeof(h));
	h.text = 1;
	h.time = 0x5f000000;
	h.os = 3;
	h.extra = (Bytef *)"AB\x04\x00wxyz";
	h.extra_len = 8;
	h.name = (Bytef *)"vmlinux.bin";
	h.comment = (Bytef *)"a comment";
	h.hcrc = 1;
	struct dc_buf c = zlib_gzip(v.data, v.len, 9, Z_DEFAULT_STRATEGY, &h);
	assert_int_equal(c.data[3], 1 | 2 | 4 | 8 | 16);
	dc_assert_decodes(DC, c.data, c.len, c.len, v.data, v.len);
	/* a wrong header CRC is a checksum error, not silently accepted */
	size_t hcrc_at = 10 + 2 + 8 + sizeof("vmlinux.bin") + sizeof("a comment");
	c.data[hcrc_at] ^= 1;
	dc_assert_rejects(DC, c.data, c.len, v.len, BC_DC_CHECKSUM);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void bad_streams_are_rejected(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	struct dc_buf c = zlib_gzip(v.data, v.len, 6, Z_DEFAULT_STRATEGY, NULL);
	u8 *p = c.data;
	dc_assert_rejects(DC, p, 0, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, 9, v.len, BC_DC_TRUNCATED);
	p[2] = 7;
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_UNSUPPORTED);
	p[2] = 8;
	p[3] = 0x20;
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_UNSUPPORTED);
	p[3] = 0;
	p[c.len - 8] ^= 0x55;      /* CRC32 */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CHECKSUM);
	p[c.len - 8] ^= 0x55;
	p[c.len - 1] ^= 0x01;      /* ISIZE */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CHECKSUM);
	p[c.len - 1] ^= 0x01;
	dc_assert_rejects(DC, p, c.len - 1, v.len, BC_DC_TRUNCATED);
	/* block type 3 is reserved: header + BFINAL=1, BTYPE=11 */
	static const u8 btype3[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07, 0, 0, 0, 0, 0, 0, 0, 0 };
	dc_assert_rejects(DC, btype3, sizeof(btype3), 16, BC_DC_CORRUPT);
	/* fixed block: literal 'a' then length 3 at distance 2 (only 1 byte written yet) */
	static const u8 far[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x04, 0x42, 0x00,
				  0, 0, 0, 0, 0, 0, 0, 0 };
	dc_assert_rejects(DC, far, sizeof(far), 16, BC_DC_CORRUPT);
	/* stored block whose NLEN is not the complement of LEN */
	static const u8 nlen[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x01, 0x01, 0x00, 0xfe, 0xfe,
				   'x', 0, 0, 0, 0, 0, 0, 0, 0 };
	dc_assert_rejects(DC, nlen, sizeof(nlen), 16, BC_DC_CORRUPT);
	/* dynamic block declaring 287 literal/length codes (286 is the most) */
	static const u8 hlit[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xf5, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 0 };
	dc_assert_rejects(DC, hlit, sizeof(hlit), 16, BC_DC_CORRUPT);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void work_memory_failure_is_reported(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TINY);
	struct dc_buf c = zlib_gzip(v.data, v.len, 9, Z_DEFAULT_STRATEGY, NULL);
	dc_assert_nomem(DC, &c, v.len, 1024);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void torture(const struct dc_buf *v, int level, int strategy, unsigned flips)
{
	struct dc_buf c = zlib_gzip(v->data, v->len, level, strategy, NULL);
	struct dc_torture_opts opt = { .flips = flips, .checksummed = true };
	/* the CRC32 catches all but a handful of flips (header bytes like MTIME) */
	dc_torture_all_cuts(DC, &c, v, &opt, 90);
	dc_buf_free(&c);
}

static void truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_prefix(DC_VEC_TEXT, 3000);   /* small, so every cut point is tried */
	torture(&v, 9, Z_DEFAULT_STRATEGY, 4000);
	torture(&v, 9, Z_FIXED, 2000);
	torture(&v, 0, Z_DEFAULT_STRATEGY, 2000);
	dc_buf_free(&v);
}

/* Many blocks of every kind: sampled cuts, flips anywhere in the stream. */
static void multi_block_truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_mixed_make(200000, 7);
	struct dc_buf c = zlib_gzip(v.data, v.len, 6, Z_DEFAULT_STRATEGY, NULL);
	struct dc_torture_opts opt = { .flips = 600, .max_cuts = 600, .checksummed = true };
	dc_torture_all_cuts(DC, &c, &v, &opt, 90);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* Garbage after a valid header: a deflate stream of random bits. */
static void random_inputs_are_rejected_safely(void **state)
{
	(void)state;
	static const u8 hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	unsigned ok = dc_random_inputs(DC, hdr, sizeof(hdr), 3000, 1);
	assert_int_equal(ok, 0);   /* CRC32 and ISIZE must catch any that decode */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_match_zlib_levels_and_strategies),
		cmocka_unit_test(vectors_match_gzip_cli),
		cmocka_unit_test(header_fields_extra_name_comment_hcrc),
		cmocka_unit_test(bad_streams_are_rejected),
		cmocka_unit_test(work_memory_failure_is_reported),
		cmocka_unit_test(truncation_and_bitflips),
		cmocka_unit_test(multi_block_truncation_and_bitflips),
		cmocka_unit_test(random_inputs_are_rejected_safely),
		cmocka_unit_test(debian_vmlinux_gzip_9n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
