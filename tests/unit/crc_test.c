/* CRC32 and CRC64 against zlib's crc32 and the published check values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <zlib.h>
#include <bc/crc.h>

static void crc32_check_value(void **state)
{
	(void)state;
	assert_int_equal(bc_crc32(0, (const u8 *)"123456789", 9), 0xCBF43926u);
	assert_int_equal(bc_crc32(0, (const u8 *)"", 0), 0);
}

static void crc32_matches_zlib_at_every_length_and_split(void **state)
{
	(void)state;
	u8 buf[1031];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 2654435761u >> 13);
	for (size_t len = 0; len <= sizeof(buf); len += 7) {
		uLong ref = crc32(0, buf, (uInt)len);
		assert_int_equal(bc_crc32(0, buf, len), (u32)ref);
		size_t half = len / 3;
		assert_int_equal(bc_crc32(bc_crc32(0, buf, half), buf + half, len - half), (u32)ref);
	}
}

static void crc64_check_value(void **state)
{
	(void)state;
	/* CRC-64/XZ check value */
	assert_true(bc_crc64(0, (const u8 *)"123456789", 9) == 0x995DC9BBDF1939FAull);
	u64 split = bc_crc64(bc_crc64(0, (const u8 *)"1234", 4), (const u8 *)"56789", 5);
	assert_true(split == 0x995DC9BBDF1939FAull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32_check_value),
		cmocka_unit_test(crc32_matches_zlib_at_every_length_and_split),
		cmocka_unit_test(crc64_check_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
