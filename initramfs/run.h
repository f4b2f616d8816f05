/* Run a program without a shell, keep the end of what it printed. Used by the
 * dracut wrapper and by new-kernel-pkg for grubby and the kernel hooks. */
#ifndef INITRAMFS_RUN_H
#define INITRAMFS_RUN_H

#include <stdbool.h>
#include <stddef.h>

#define RUN_TAIL 2048

struct run_result {
	int status;          /* exit status; 128+N when killed by signal N; -1 when it did not start */
	int start_errno;     /* why it did not start */
	char tail[RUN_TAIL]; /* the last bytes of its stdout and stderr together */
};

/* A growable NULL-terminated argument vector for run_program. After the
 * first allocation failure it stops growing and remembers it, so a builder
 * adds everything and checks once, in run_argv_finish. */
struct run_argv {
	char **v;   /* NULL until the first argument, then NULL-terminated */
	size_t n;
	bool oom;
};

/* Append a copy of ARG. */
void run_argv_add(struct run_argv *a, const char *arg);
/* Append the printf-style formatted string. */
void run_argv_addf(struct run_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The finished vector (free with run_free_argv), or NULL, with everything
 * freed, when an allocation failed on the way. */
char **run_argv_finish(struct run_argv *a);
/* Free a vector from run_argv_finish (NULL is fine). */
void run_free_argv(char **argv);

/* Run ARGV[0] (searched on PATH when it has no '/'). With ECHO, its output is
 * also copied to our stderr as it comes. Returns 0 when it exited with 0. */
int run_program(char *const argv[], bool echo, struct run_result *r);

/* Print R's tail to stderr, each line indented, under a heading. */
void run_print_tail(const struct run_result *r, const char *heading);

/* "exit status 3", "killed by signal 9" or "could not start: reason" */
const char *run_describe(const struct run_result *r, char *buf, unsigned size);

#endif
