/* lzo (lzop container + LZO1X) decoder against lzop(1), the reference: every
 * vector at -1 and -9 with adler32 and CRC32 checksums, the kernel build's
 * `lzop -9` on the real vmlinux, rejections, and the torture loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dc_testlib.h"

#define DC (&bc_dc_lzo)

static struct dc_buf lzop(const char *cmd, const struct dc_buf *v)
{
	return dc_cli_compress(cmd, v->data, v->len);
}

static int setup(void **state)
{
	(void)state;
	return dc_have_tool("lzop") ? 0 : -1;
}

static void vectors_match_lzop(void **state)
{
	(void)state;
	static const struct dc_cli_case cmds[] = {
		{ .cmd = "lzop -9 -c" }, { .cmd = "lzop -1 -c" }, { .cmd = "lzop -9 --crc32 -c" },
	};
	dc_assert_cli_vectors(DC, "lzop", cmds, BC_ARRAY_SIZE(cmds));
}

/* The kernel build's `lzop -9` plus its size trailer, on the real vmlinux. */
static void debian_vmlinux_lzop_9(void **state)
{
	(void)state;
	dc_assert_cli_vmlinux(DC, NULL, "lzop -9 -c", 0, true);
}

/* Offset of the first block's header in lzop output read from stdin (no name). */
static size_t first_block(const struct dc_buf *c)
{
	/* magic 9, version/lib/need 6, method+level 2, flags 4, mode 4, mtime 8, name len 1, check 4 */
	assert_int_equal(c->data[9 + 6 + 2 + 4 + 4 + 8], 0);
	return 9 + 6 + 2 + 4 + 4 + 8 + 1 + 4;
}

static void bad_streams_are_rejected(void **state)
{
	(void)state;
	struct dc_buf t = dc_vec_make(DC_VEC_TEXT);
	struct dc_buf v = { t.data, 20000 };
	struct dc_buf c = lzop("lzop -9 -c", &v);
	u8 *p = c.data;
	size_t blk = first_block(&c);
	dc_assert_rejects(DC, p, 5, v.len, BC_DC_TRUNCATED);
	dc_assert_rejects(DC, p, blk - 2, v.len, BC_DC_TRUNCATED);
	p[1] ^= 1;
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CORRUPT);
	p[1] ^= 1;
	p[15] = 0x11;               /* method byte: covered by the header checksum */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CHECKSUM);
	p[15] = 3;
	p[blk + 8] ^= 0x40;         /* the block's adler32 of the decompressed data */
	dc_assert_rejects(DC, p, c.len, v.len, BC_DC_CHECKSUM);
	p[blk + 8] ^= 0x40;
	p[blk + 4] ^= 0x10;         /* compressed size: no longer matches the data */
	dc_assert_rejects(DC, p, c.len, v.len, -1);
	p[blk + 4] ^= 0x10;
	dc_assert_rejects(DC, p, c.len - 1, v.len, BC_DC_TRUNCATED);
	dc_assert_decodes(DC, p, c.len, c.len, v.data, v.len);
	dc_buf_free(&c);
	dc_buf_free(&t);
}

/* LZO1X instructions that must fail however the block is framed. */
static void bad_lzo1x_data_is_rejected(void **state)
{
	(void)state;
	struct dc_buf v = { (u8 *)"abcdefgh", 8 };
	struct dc_buf c = lzop("lzop -1 -c", &v);   /* stored: 8 bytes do not compress */
	size_t blk = first_block(&c);
	assert_int_equal(bc_be32(c.data + blk), 8);
	assert_int_equal(bc_be32(c.data + blk + 4), 8);
	/* replace the stored data with a 6-byte compressed block: literal run "ab",
	 * then an M2 match reaching back 5 bytes, then the end marker */
	static const u8 bad[] = { 17 + 2, 'a', 'b', 0x50, 0, 0x11 };
	u8 *p = malloc(c.len + 8);
	assert_non_null(p);
	memcpy(p, c.data, blk + 12);
	p[blk + 7] = sizeof(bad);
	memcpy(p + blk + 12, bad, sizeof(bad));
	memset(p + blk + 12 + sizeof(bad), 0, 4);
	dc_assert_rejects(DC, p, blk + 12 + sizeof(bad) + 4, 8, BC_DC_CORRUPT);
	free(p);
	dc_buf_free(&c);
}

static void truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_vec_prefix(DC_VEC_TEXT, 3000);
	static const char *const cmds[] = { "lzop -9 -c", "lzop -1 --crc32 -c" };
	for (size_t i = 0; i < BC_ARRAY_SIZE(cmds); i++) {
		struct dc_buf c = lzop(cmds[i], &v);
		struct dc_torture_opts opt = { .flips = 4000, .checksummed = true };
		dc_torture_all_cuts(DC, &c, &v, &opt, 90);
		dc_buf_free(&c);
	}
	dc_buf_free(&v);
}

/* Three 256 KiB lzop blocks, some stored: sampled cuts and flips. */
static void multi_block_truncation_and_bitflips(void **state)
{
	(void)state;
	struct dc_buf v = dc_mixed_make(600000, 11);
	struct dc_buf c = lzop("lzop -9 -c", &v);
	struct dc_torture_opts opt = { .flips = 400, .max_cuts = 400, .checksummed = true };
	dc_torture_all_cuts(DC, &c, &v, &opt, 90);
	dc_buf_free(&c);
	dc_buf_free(&v);
}

/* Garbage after the magic: a header that must fail its checksum. */
static void random_inputs_are_rejected_safely(void **state)
{
	(void)state;
	static const u8 magic[9] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n' };
	assert_int_equal(dc_random_inputs(DC, magic, sizeof(magic), 3000, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_match_lzop),
		cmocka_unit_test(bad_streams_are_rejected),
		cmocka_unit_test(bad_lzo1x_data_is_rejected),
		cmocka_unit_test(truncation_and_bitflips),
		cmocka_unit_test(multi_block_truncation_and_bitflips),
		cmocka_unit_test(random_inputs_are_rejected_safely),
		cmocka_unit_test(debian_vmlinux_lzop_9),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
