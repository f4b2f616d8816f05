/* bzip2 decoder against libbz2 and bzip2(1): every vector at block sizes 1
 * and 9, the kernel build's `bzip2 -9` on the real vmlinux, rejections
 * (CRCs, randomised blocks, bad header), and the torture loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dc_testlib.h"

#define DC (&bc_dc_bzip2)

static struct dc_buf libbz2(const struct dc_buf *v, int level)
{
	unsigned cap = (unsigned)(v->len + v->len / 100 + 600);
	struct dc_buf c = { malloc(cap), 0 };
	assert_non_null(c.data);
	char none = 0;   /* libbz2 refuses a NULL source even for 0 bytes */
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)c.data, &cap, v->data ? (char *)v->data : &none,
						  (unsigned)v->len, level, 0, 0), BZ_OK);
	c.len = cap;
	return c;
}

static void vectors_match_libbz2(void **state)
{
	(void)state;
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k);
		/* level 1 (100k blocks) on everything but the 9 MiB vector, which
		 * already spans many blocks at level 9 */
		for (int level = k == DC_VEC_LARGE ? 9 : 1; level <= 9; level += 8) {
			struct dc_buf c = libbz2(&v, level);
			dc_assert_decodes_trailer(DC, &c, v.data, v.len);
			dc_buf_free(&c);
		}
		dc_buf_free(&v);
	}
}

static void long_runs_and_all_byte_values(void **state)
{
	(void)state;
	/* runs of every length around RLE1's 4+255 limit, and all 256 byte values */
	struct dc_buf v = { malloc(200000), 0 };
	assert_non_null(v.data);
	for (unsigned len = 1; v.len + len < 190000; len += 7) {
		memset(v.data + v.len, (int)(len & 0xff), len % 300);
		v.len += len % 300;
	}
	for (unsigned i = 0; i < 256; i++)
		v.data[v.len++] = (u8)i;
	struct dc_buf c = libbz2(&v, 9);
	dc_assert_decodes(DC, c.data, c.len, c.len, v.data, v.len);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void vectors_match_bzip2_cli(void **state)
{
	(void)state;
	static const struct dc_cli_case bzip2_9[] = { { .cmd = "bzip2 -9" } };
	dc_assert_cli_vectors(DC, "bzip2", bzip2_9, BC_ARRAY_SIZE(bzip2_9));
}

static void debian_vmlinux_bzip2_9(void **state)
{
	(void)state;
	dc_assert_cli_vmlinux(DC, NULL, "bzip2 -9", 0, false);
}

static void bad_streams_are_rejected(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TEXT);
	struct dc_buf c = libbz2(&v, 9);
	u8 *p = c.data;
	dc_assert_rejects(DC, p, 3, v.len, BC_DC_TRUNCATED);
	p[3] = '0';
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[3] = '9';
	p[10] ^= 0x01;        /* block CRC (bytes 10-13) */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CHECKSUM);
	p[10] ^= 0x01;
	p[14] |= 0x80;        /* the randomised bit follows the block CRC */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_UNSUPPORTED);
	p[14] &= 0x7f;
	p[4] ^= 0x01;         /* block magic */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[4] ^= 0x01;
	dc_assert_rejects(DC, p, c.len - 5, v.len, BC_DC_TRUNCATED);
	dc_assert_decodes(DC, p, c.len, c.len, v.data, v.len);
	dc_buf_free(&c);
	/* a stream with no block: the stream CRC of nothing is 0 */
	static const u8 empty_bad[] = { 'B', 'Z', 'h', '9', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90,
					0, 0, 0, 1 };
	dc_assert_rejects(DC, empty_bad, sizeof(empty_bad), 16, BC_DC_CHECKSUM);
	dc_buf_free(&v);
}

static void work_memory_failure_is_reported(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_make(DC_VEC_TINY);
	struct dc_buf c = libbz2(&v, 9);
	dc_assert_nomem(DC, &c, v.len, 200000);   /* room for the tables, not the 3.6 MB block */
	dc_buf_free(&c);
	dc_buf_free(&v);
}

static void truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_prefix(DC_VEC_TEXT, 3000);
	struct dc_buf c = libbz2(&v, 1);
	struct dc_torture_opts opt = { .flips = 3000, .checksummed = true };
	dc_torture_all_cuts(DC, &c, &v, &opt, 90);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* Two 100k blocks (level 1): the stream CRC combines both block CRCs. */
static void multi_block_truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_mixed_make(150000, 5);
	struct dc_buf c = libbz2(&v, 1);
	struct dc_torture_opts opt = { .flips = 300, .max_cuts = 300, .checksummed = true };
	dc_torture_all_cuts(DC, &c, &v, &opt, 90);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* Garbage after the stream header and a block magic. */
static void random_inputs_are_rejected_safely(void **state)
{
	(void)state;
	static const u8 hdr[10] = { 'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
	assert_int_equal(dc_random_inputs(DC, hdr, sizeof(hdr), 3000, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_match_libbz2),
		cmocka_unit_test(long_runs_and_all_byte_values),
		cmocka_unit_test(vectors_match_bzip2_cli),
		cmocka_unit_test(bad_streams_are_rejected),
		cmocka_unit_test(work_memory_failure_is_reported),
		cmocka_unit_test(truncation_and_bitflips),
		cmocka_unit_test(multi_block_truncation_and_bitflips),
		cmocka_unit_test(random_inputs_are_rejected_safely),
		cmocka_unit_test(debian_vmlinux_bzip2_9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
