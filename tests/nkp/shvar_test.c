/* The sysconfig reader: what it reads, and what it refuses to run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "sysconfig/shvar.h"

/* Parse TEXT; the error messages land in *ERRS (caller frees). */
static void parse(struct shvar_file *f, const char *text, char **errs)
{
	size_t size = 0;
	FILE *mem = open_memstream(errs, &size);
	assert_non_null(mem);
	assert_int_equal(shvar_parse(f, "kernel", text, strlen(text), mem), 0);
	fclose(mem);
}

static void reads_every_plain_form(void **state)
{
	(void)state;
	struct shvar_file f;
	char *errs;
	parse(&f,
	      "# comment\n\n"
	      "A=plain\n"
	      "B=\"double quoted\"\n"
	      "C='single $quoted `x`'\n"
	      "export D=exported\n"
	      "  E=indented # trailing comment\n"
	      "F=\"esc \\\" \\\\ \\$ \\` \\n\"\n"
	      "G=con\"cat\"'ena'ted\n"
	      "H=\n"
	      "I= J=two\n"
	      "K=\"multi\nline\"\n"
	      "L=a\\ b\n"
	      "M=costs$ x=1\n"
	      "N=1; O=2;\n"
	      "export M N\n",
	      &errs);
	assert_string_equal(errs, "");
	assert_string_equal(shvar_get(&f, "A"), "plain");
	assert_string_equal(shvar_get(&f, "B"), "double quoted");
	assert_string_equal(shvar_get(&f, "C"), "single $quoted `x`");
	assert_string_equal(shvar_get(&f, "D"), "exported");
	assert_string_equal(shvar_get(&f, "E"), "indented");
	assert_string_equal(shvar_get(&f, "F"), "esc \" \\ $ ` \\n");
	assert_string_equal(shvar_get(&f, "G"), "concatenated");
	assert_string_equal(shvar_get(&f, "H"), "");
	assert_string_equal(shvar_get(&f, "I"), "");
	assert_string_equal(shvar_get(&f, "J"), "two");
	assert_string_equal(shvar_get(&f, "K"), "multi\nline");
	assert_string_equal(shvar_get(&f, "L"), "a b");
	assert_string_equal(shvar_get(&f, "M"), "costs$");
	assert_string_equal(shvar_get(&f, "N"), "1");
	assert_string_equal(shvar_get(&f, "O"), "2");
	assert_null(shvar_get(&f, "NOPE"));
	assert_int_equal(f.nerrors, 0);
	free(errs);
	shvar_free(&f);
}

static void last_assignment_wins(void **state)
{
	(void)state;
	struct shvar_file f;
	char *errs;
	parse(&f, "X=1\nX=2\nY=ok\nY=\"$(id)\"\nZ=`id`\nZ=back\n", &errs);
	assert_string_equal(shvar_get(&f, "X"), "2");
	/* a refused assignment after a good one hides the older value */
	assert_null(shvar_get(&f, "Y"));
	assert_int_equal(shvar_rejected_line(&f, "Y"), 4);
	/* and a good one after a refused one makes the key readable again */
	assert_string_equal(shvar_get(&f, "Z"), "back");
	assert_int_equal(shvar_rejected_line(&f, "Z"), 0);
	free(errs);
	shvar_free(&f);
}

struct refused {
	const char *text;
	const char *key;
	const char *message;
};

/* Each case: one error with its message, naming the key as not read; the
 * key refused (not merely unset), and no keyless line recorded. */
static void expect_refused(const struct refused *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct shvar_file f;
		char *errs;
		parse(&f, cases[i].text, &errs);
		if (!strstr(errs, cases[i].message) || !strstr(errs, cases[i].key) || !strstr(errs, " not read\n"))
			fail_msg("case %zu: got message '%s', wanted '%s'", i, errs, cases[i].message);
		assert_null(shvar_get(&f, cases[i].key));
		assert_true(shvar_rejected_line(&f, cases[i].key) > 0);
		assert_int_equal(f.nerrors, 1);
		assert_int_equal(f.keyless_line, 0);
		free(errs);
		shvar_free(&f);
	}
}

static void refuses_expansions_and_names_the_line(void **state)
{
	(void)state;
	static const struct refused cases[] = {
		{ "OK=1\nHYPERVISOR=\"$(touch pwned)\"\n", "HYPERVISOR", "kernel:2: command substitution $(...)" },
		{ "HYPERVISOR=$(touch a b)\n", "HYPERVISOR", "kernel:1: command substitution" },
		{ "HYPERVISOR=`touch x`\n", "HYPERVISOR", "kernel:1: command substitution `...`" },
		{ "HYPERVISOR=\"a`touch x`\"\n", "HYPERVISOR", "kernel:1: command substitution `...`" },
		{ "HYPERVISOR=$HOME/xen\n", "HYPERVISOR", "kernel:1: variable expansion $HOME" },
		{ "HYPERVISOR=\"${X:-y}\"\n", "HYPERVISOR", "kernel:1: parameter expansion ${...}" },
		{ "HYPERVISOR=$1\n", "HYPERVISOR", "kernel:1: special parameter $1" },
		{ "HYPERVISOR=~/xen\n", "HYPERVISOR", "kernel:1: tilde expansion" },
		{ "HYPERVISOR=/boot/xen.gz touch x\n", "HYPERVISOR", "kernel:1: 'touch' is a command" },
		{ "HYPERVISOR=a|b\n", "HYPERVISOR", "kernel:1: shell operator '|'" },
		{ "\n\nHYPERVISOR=\"open\n", "HYPERVISOR", "kernel:3: unterminated double quote" },
		{ "HYPERVISOR='open\n", "HYPERVISOR", "kernel:1: unterminated single quote" },
		{ "export HYPERVISOR=$(id)\n", "HYPERVISOR", "kernel:1: command substitution" },
	};
	expect_refused(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A line is read whole or refused whole: no part of a refused line is taken,
 * and a key meant by a misspelt assignment is refused, not left unset. */
static void a_line_is_read_whole_or_refused(void **state)
{
	(void)state;
	static const struct refused cases[] = {
		{ "HYPERVISOR = /boot/xen.gz\n", "HYPERVISOR", "kernel:1: blanks around '=' (sh would run 'HYPERVISOR' as a command)" },
		{ "HYPERVISOR =/boot/xen.gz\n", "HYPERVISOR", "kernel:1: blanks around '='" },
		{ "export HYPERVISOR = /boot/xen.gz\n", "HYPERVISOR", "kernel:1: blanks around '='" },
		{ "HYPERVISOR= /boot/xen.gz\n", "HYPERVISOR", "kernel:1: blank after 'HYPERVISOR=' (sh would run '/boot/xen.gz' with HYPERVISOR empty)" },
		{ "HYPERVISOR=/boot/xen.gz; touch x\n", "HYPERVISOR", "kernel:1: 'touch' is a command" },
		{ "touch x; HYPERVISOR=/boot/xen.gz\n", "HYPERVISOR", "kernel:1: 'touch' is a command" },
		{ "A=1\nHYPERVISOR=/boot/xen.gz;B=$(id)\n", "HYPERVISOR", "kernel:2: command substitution" },
		{ "HYPERVISOR=\"/boot/\nxen.gz\"; rm x\n", "HYPERVISOR", "kernel:2: 'rm' is a command" },
	};
	expect_refused(cases, sizeof(cases) / sizeof(cases[0]));
	/* every key of the refused line is refused, keys of other lines are read */
	struct shvar_file f;
	char *errs;
	parse(&f, "A=1\nB=2; C=3; D=$(id) # x\nE=4\n", &errs);
	assert_string_equal(errs, "kernel:2: command substitution $(...) is not run; B, C, D not read\n");
	assert_string_equal(shvar_get(&f, "A"), "1");
	assert_string_equal(shvar_get(&f, "E"), "4");
	assert_null(shvar_get(&f, "B"));
	assert_null(shvar_get(&f, "C"));
	assert_int_equal(shvar_rejected_line(&f, "C"), 2);
	free(errs);
	shvar_free(&f);
}

static void keyless_command_lines_are_reported(void **state)
{
	(void)state;
	struct shvar_file f;
	char *errs;
	parse(&f, "A=1\nrm -rf /\nB=2\n", &errs);
	assert_non_null(strstr(errs, "kernel:2: 'rm' is a command"));
	assert_non_null(strstr(errs, "line ignored"));
	assert_string_equal(shvar_get(&f, "A"), "1");
	assert_string_equal(shvar_get(&f, "B"), "2");
	assert_int_equal(f.nerrors, 1);
	/* what a command would set is unknown: callers learn where it is */
	assert_int_equal(f.keyless_line, 2);
	free(errs);
	shvar_free(&f);
	/* a statement made only of a refused part (found by fuzzing) */
	parse(&f, "`touch x`\n$(id)=1\n", &errs);
	assert_non_null(strstr(errs, "kernel:1: command substitution `...` is not run; line ignored"));
	assert_int_equal(f.nerrors, 2);
	assert_int_equal(f.nvars, 0);
	free(errs);
	shvar_free(&f);
}

static void nothing_is_executed(void **state)
{
	(void)state;
	char dir[] = "/tmp/shvar-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char text[1024], marker[64];
	snprintf(marker, sizeof(marker), "%s/pwned", dir);
	snprintf(text, sizeof(text), "A=\"$(touch %s)\"\nB=`touch %s`\nC=$(touch %s)\n", marker, marker, marker);
	struct shvar_file f;
	char *errs;
	parse(&f, text, &errs);
	assert_int_equal(access(marker, F_OK), -1);
	assert_int_equal(f.nerrors, 3);
	free(errs);
	shvar_free(&f);
	rmdir(dir);
}

static void loads_files_and_reports_missing(void **state)
{
	(void)state;
	char path[] = "/tmp/shvar-file-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "NAME=\"Debian GNU/Linux\"\nVERSION=\"12 (bookworm)\"\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	struct shvar_file f;
	assert_int_equal(shvar_load(&f, path, NULL), 0);
	assert_string_equal(shvar_get(&f, "VERSION"), "12 (bookworm)");
	shvar_free(&f);
	unlink(path);
	assert_int_equal(shvar_load(&f, path, NULL), -1);
	shvar_free(&f);
}

/* The shipped template must read cleanly and document every key it sets. */
static void template_reads_cleanly(void **state)
{
	(void)state;
	struct shvar_file f;
	assert_int_equal(shvar_load(&f, "sysconfig/kernel.template", stderr), 0);
	assert_int_equal(f.nerrors, 0);
	assert_int_equal(f.nvars, 7);
	assert_string_equal(shvar_get(&f, "UPDATEDEFAULT"), "yes");
	assert_string_equal(shvar_get(&f, "DEFAULTKERNEL"), "kernel");
	assert_string_equal(shvar_get(&f, "MAKEDEBUG"), "no");
	assert_string_equal(shvar_get(&f, "HYPERVISOR"), "");
	assert_string_equal(shvar_get(&f, "HYPERVISOR_ARGS"), "");
	assert_string_equal(shvar_get(&f, "XEN_EFI_CONFIG"), "");
	assert_string_equal(shvar_get(&f, "XEN_EFI_IMAGE"), "");
	shvar_free(&f);
}

static void splits_argument_strings(void **state)
{
	(void)state;
	size_t n = 0;
	char **w = shvar_split_words("--modules 'base bash'  --gzip \"a b\"\\ c", &n, NULL);
	assert_non_null(w);
	assert_int_equal(n, 4);
	assert_string_equal(w[0], "--modules");
	assert_string_equal(w[1], "base bash");
	assert_string_equal(w[2], "--gzip");
	assert_string_equal(w[3], "a b c");
	assert_null(w[4]);
	shvar_free_words(w);
	const char *why = NULL;
	assert_null(shvar_split_words("--include $(id) x", &n, &why));
	assert_non_null(strstr(why, "command substitution"));
	assert_null(shvar_split_words("a; b", &n, &why));
	w = shvar_split_words("   ", &n, NULL);
	assert_non_null(w);
	assert_int_equal(n, 0);
	shvar_free_words(w);
}

static void truth_values(void **state)
{
	(void)state;
	assert_true(shvar_is_true("yes"));
	assert_true(shvar_is_true("YES"));
	assert_true(shvar_is_true("true"));
	assert_true(shvar_is_true("1"));
	assert_false(shvar_is_true("no"));
	assert_false(shvar_is_true(""));
	assert_false(shvar_is_true(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_plain_form),
		cmocka_unit_test(last_assignment_wins),
		cmocka_unit_test(refuses_expansions_and_names_the_line),
		cmocka_unit_test(a_line_is_read_whole_or_refused),
		cmocka_unit_test(keyless_command_lines_are_reported),
		cmocka_unit_test(nothing_is_executed),
		cmocka_unit_test(loads_files_and_reports_missing),
		cmocka_unit_test(template_reads_cleanly),
		cmocka_unit_test(splits_argument_strings),
		cmocka_unit_test(truth_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
