/* Reader for shell-variable files such as /etc/sysconfig/kernel and /etc/os-release.
 *
 * The file is parsed, never run: only plain assignments are read
 * (KEY=value, KEY="value", KEY='value', export KEY=value, several on a line,
 * comments, blank lines, backslash escapes as the shell applies them).
 * Anything that would make a shell run or expand something ($VAR, ${...},
 * $(...), backticks, a command after an assignment, blanks around '=') is
 * rejected, and with it the whole line (statements joined by ';' included):
 * every key the line meant to set is marked "rejected", an error naming the
 * file and line is printed, and every other key stays readable. The caller decides whether a
 * rejected key it needs is fatal (see new-kernel-pkg for the policy). */
#ifndef SYSCONFIG_SHVAR_H
#define SYSCONFIG_SHVAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct shvar {
	char *key;
	char *value;
	unsigned line;
};

struct shvar_file {
	char *path;
	struct shvar *vars;     /* readable keys, each key once (the last assignment wins) */
	size_t nvars;
	struct shvar *rejected; /* keys whose last assignment was refused; value is the reason */
	size_t nrejected;
	unsigned nerrors;       /* lines refused, keyless ones included */
	unsigned keyless_line;  /* first refused line that names no key (a command: what it
				 * would set when run is unknown), 0 when none */
};

/* Parse TEXT (LEN bytes) read from PATH; errors go to ERRS (may be NULL) as
 * "PATH:LINE: message". Returns 0, or -1 when out of memory. */
int shvar_parse(struct shvar_file *f, const char *path, const char *text, size_t len, FILE *errs);

/* Read and parse the file at PATH. Returns 0; -1 with errno set when it cannot
 * be read (ENOENT when missing: callers often treat that as an empty file);
 * the message for I/O errors other than ENOENT is printed to ERRS. */
int shvar_load(struct shvar_file *f, const char *path, FILE *errs);

/* Value of KEY, or NULL when unset or rejected. */
const char *shvar_get(const struct shvar_file *f, const char *key);

/* The line on which KEY was rejected, or 0 when it was not. */
unsigned shvar_rejected_line(const struct shvar_file *f, const char *key);

/* "yes"/"true"/"1" (any case) give true; everything else false. */
bool shvar_is_true(const char *value);

/* Split a string into words as the shell would without running anything:
 * quotes and backslashes are honoured, expansions are refused. On success
 * returns a NULL-terminated array (free with shvar_free_words) and sets *n;
 * on error returns NULL and, when WHY is non-NULL, sets *WHY to a static reason. */
char **shvar_split_words(const char *text, size_t *n, const char **why);
void shvar_free_words(char **words);

void shvar_free(struct shvar_file *f);

#endif
