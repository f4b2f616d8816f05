/* GRUB environment block: format, escapes, limits and files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bootloader/grubenv.h"

static void format_is_one_padded_block(void **state)
{
	(void)state;
	struct grubenv env = { 0 };
	char block[GRUBENV_SIZE];
	assert_int_equal(grubenv_set(&env, "saved_entry", "Fedora (6.1)"), 0);
	assert_int_equal(grubenv_format(&env, block), 0);
	const char *want = GRUBENV_HEADER GRUBENV_WARNING
			   "saved_entry=Fedora (6.1)\n";
	assert_memory_equal(block, want, strlen(want));
	for (size_t i = strlen(want); i < GRUBENV_SIZE; i++)
		assert_int_equal(block[i], '#');
	grubenv_free(&env);
}

static void parse_round_trips_escapes(void **state)
{
	(void)state;
	struct grubenv env = { 0 }, back;
	char block[GRUBENV_SIZE];
	grubenv_set(&env, "a", "back\\slash");
	grubenv_set(&env, "b", "two\nlines");
	grubenv_set(&env, "a", "replaced\\");
	assert_int_equal(env.n, 2);
	assert_int_equal(grubenv_format(&env, block), 0);
	assert_non_null(strstr(block, "a=replaced\\\\\nb=two\\\nlines\n"));
	assert_int_equal(grubenv_parse(block, sizeof(block), &back), 0);
	assert_string_equal(grubenv_get(&back, "a"), "replaced\\");
	assert_string_equal(grubenv_get(&back, "b"), "two\nlines");
	assert_null(grubenv_get(&back, "c"));
	grubenv_free(&env);
	grubenv_free(&back);
}

static void rejects_what_is_not_a_block(void **state)
{
	(void)state;
	struct grubenv env;
	const char bad[] = "saved_entry=0\n";
	assert_int_equal(grubenv_parse(bad, sizeof(bad) - 1, &env), -1);
}

static void keeps_comments_and_skips_padding(void **state)
{
	(void)state;
	struct grubenv env;
	char block[GRUBENV_SIZE];
	const char *text = GRUBENV_HEADER "# mine\nx=1\n";
	memset(block, '#', sizeof(block));
	memcpy(block, text, strlen(text));
	assert_int_equal(grubenv_parse(block, sizeof(block), &env), 0);
	assert_int_equal(env.n, 1);
	assert_string_equal(env.comments, "# mine\n");
	char out[GRUBENV_SIZE];
	assert_int_equal(grubenv_format(&env, out), 0);
	assert_memory_equal(out, block, sizeof(block));
	grubenv_free(&env);
}

static void too_much_does_not_fit(void **state)
{
	(void)state;
	struct grubenv env = { 0 };
	char big[1100], block[GRUBENV_SIZE];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	grubenv_set(&env, "big", big);
	assert_int_equal(grubenv_format(&env, block), -1);
	assert_int_equal(grubenv_set(&env, "a=b", "c"), -1);
	grubenv_free(&env);
}

static void files_store_and_load(void **state)
{
	(void)state;
	char dir[] = "/tmp/grubenv_testXXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], err[256];
	snprintf(path, sizeof(path), "%s/grubenv", dir);

	struct grubenv env;
	assert_int_equal(grubenv_load(path, &env, err, sizeof(err)), 0);
	assert_int_equal(env.n, 0);	/* missing file: empty */
	grubenv_set(&env, "saved_entry", "title");
	assert_int_equal(grubenv_store(path, &env, err, sizeof(err)), 0);
	grubenv_free(&env);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, GRUBENV_SIZE);
	assert_int_equal(grubenv_load(path, &env, err, sizeof(err)), 0);
	assert_string_equal(grubenv_get(&env, "saved_entry"), "title");
	grubenv_unset(&env, "saved_entry");
	assert_int_equal(env.n, 0);
	grubenv_free(&env);

	FILE *f = fopen(path, "w");
	fputs("garbage\n", f);
	fclose(f);
	assert_int_equal(grubenv_load(path, &env, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_is_one_padded_block),
		cmocka_unit_test(parse_round_trips_escapes),
		cmocka_unit_test(rejects_what_is_not_a_block),
		cmocka_unit_test(keeps_comments_and_skips_padding),
		cmocka_unit_test(too_much_does_not_fit),
		cmocka_unit_test(files_store_and_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
