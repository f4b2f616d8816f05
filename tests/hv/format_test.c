/* The hypervisor's snprintf against the host's for every supported form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/core/format.h"

#define SAME(...) do { \
	char ours[128], ref[128]; \
	size_t n = bc_snprintf(ours, sizeof(ours), __VA_ARGS__); \
	int m = snprintf(ref, sizeof(ref), __VA_ARGS__); \
	assert_string_equal(ours, ref); \
	assert_int_equal(n, (size_t)m); \
} while (0)

static void matches_libc(void **state)
{
	(void)state;
	SAME("plain text");
	SAME("%d %i %u", -42, 7, 4000000000u);
	SAME("%ld %lu %lld %llu", -1L, 123456789012UL, -9223372036854775807LL - 1, ~0ULL);
	SAME("%x %X %#x %#llx %08x %#010x", 0xbeefu, 0xbeefu, 255u, 0x1234567890ull, 0x1fu, 0x1fu);
	SAME("[%5d] [%-5d] [%05d] [%-8s] [%8s]", 42, 42, -42, "ab", "ab");
	SAME("%c%c %% %s", 'o', 'k', "done");
	SAME("%zu %.3s %.*s|", (size_t)77, "abcdef", 2, "xyz");
	SAME("%5llu.%06llu", 12ull, 345ull);
}

static void truncates_and_terminates(void **state)
{
	(void)state;
	char buf[6];
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(bc_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	assert_string_equal(buf, "01234");
	assert_int_equal(bc_snprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], '0');             /* size 0 writes nothing */
	char p[32];
	bc_snprintf(p, sizeof(p), "%p", (void *)0x1000);
	assert_string_equal(p, "0x1000");
	const char *odd = "%s|%q";                  /* not a literal: -Wformat would object */
	const char *volatile none = NULL;           /* hidden from -Wformat-overflow */
	bc_snprintf(p, sizeof(p), odd, none);
	assert_string_equal(p, "(null)|%q");       /* unknown conversion kept */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_libc),
		cmocka_unit_test(truncates_and_terminates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
