/* See run.h. */
#include "initramfs/run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Takes ownership of S (NULL: its allocation failed). */
static void argv_push(struct run_argv *a, char *s)
{
	if (a->oom || !s) {
		free(s);
		a->oom = true;
		return;
	}
	char **t = realloc(a->v, (a->n + 2) * sizeof(*t));
	if (!t) {
		free(s);
		a->oom = true;
		return;
	}
	a->v = t;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void run_argv_add(struct run_argv *a, const char *arg)
{
	argv_push(a, a->oom || !arg ? NULL : strdup(arg));
}

void run_argv_addf(struct run_argv *a, const char *fmt, ...)
{
	char *s = NULL;
	if (!a->oom) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) < 0)
			s = NULL;
		va_end(ap);
	}
	argv_push(a, s);
}

char **run_argv_finish(struct run_argv *a)
{
	if (!a->oom)
		return a->v;
	run_free_argv(a->v);
	a->v = NULL;
	a->n = 0;
	return NULL;
}

void run_free_argv(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* Keep only the last RUN_TAIL-1 bytes seen. */
static void tail_add(struct run_result *r, size_t *len, const char *data, size_t n)
{
	const size_t cap = RUN_TAIL - 1;
	if (n >= cap) {
		memcpy(r->tail, data + n - cap, cap);
		*len = cap;
	} else {
		size_t keep = *len + n > cap ? cap - n : *len;
		memmove(r->tail, r->tail + *len - keep, keep);
		memcpy(r->tail + keep, data, n);
		*len = keep + n;
	}
	r->tail[*len] = '\0';
}

int run_program(char *const argv[], bool echo, struct run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = -1;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC)) {
		r->start_errno = errno;
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (e) {
		close(fds[0]);
		r->start_errno = e;
		return -1;
	}
	size_t len = 0;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (echo)
			fwrite(chunk, 1, (size_t)n, stderr);
		tail_add(r, &len, chunk, (size_t)n);
	}
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r->start_errno = errno;
			return -1;
		}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return r->status == 0 ? 0 : -1;
}

void run_print_tail(const struct run_result *r, const char *heading)
{
	if (!r->tail[0])
		return;
	fprintf(stderr, "%s\n", heading);
	const char *p = r->tail;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(stderr, "    %.*s\n", n, p);
		p += n + (nl ? 1 : 0);
	}
}

const char *run_describe(const struct run_result *r, char *buf, unsigned size)
{
	if (r->status < 0)
		snprintf(buf, size, "could not start: %s", strerror(r->start_errno));
	else if (r->status > 128)
		snprintf(buf, size, "killed by signal %d", r->status - 128);
	else
		snprintf(buf, size, "exit status %d", r->status);
	return buf;
}
