/* The freestanding memcpy, memmove and memset against the host's, at every
 * length up to past two unrolled turns and every alignment of both ends. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bc/string.h>

enum { SPAN = 200 };

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 3));
}

static void copies_match_libc(void **state)
{
	(void)state;
	static _Alignas(8) unsigned char src[SPAN + 16], ours[SPAN + 16], ref[SPAN + 16];
	fill(src, sizeof(src), 1);
	for (size_t so = 0; so < 8; so++)
		for (size_t dof = 0; dof < 8; dof++)
			for (size_t n = 0; n <= SPAN; n++) {
				fill(ours, sizeof(ours), 2);
				fill(ref, sizeof(ref), 2);
				assert_ptr_equal(bc_memcpy(ours + dof, src + so, n), ours + dof);
				memcpy(ref + dof, src + so, n);
				assert_memory_equal(ours, ref, sizeof(ours));
				fill(ours, sizeof(ours), 3);
				fill(ref, sizeof(ref), 3);
				bc_memset(ours + dof, (int)(n & 0xff), n);
				memset(ref + dof, (int)(n & 0xff), n);
				assert_memory_equal(ours, ref, sizeof(ours));
			}
}

static void overlapping_moves_match_libc(void **state)
{
	(void)state;
	static _Alignas(8) unsigned char ours[2 * SPAN], ref[2 * SPAN];
	for (size_t from = 0; from < 40; from++)
		for (size_t to = 0; to < 40; to++)
			for (size_t n = 0; n <= SPAN; n += 7) {
				fill(ours, sizeof(ours), 4);
				fill(ref, sizeof(ref), 4);
				bc_memmove(ours + to, ours + from, n);
				memmove(ref + to, ref + from, n);
				assert_memory_equal(ours, ref, sizeof(ours));
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies_match_libc),
		cmocka_unit_test(overlapping_moves_match_libc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
