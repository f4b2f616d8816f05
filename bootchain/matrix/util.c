/* Process and file helpers: no shell is involved in running the tools, so paths with
 * spaces or quotes cannot change what runs. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bootchain/matrix/util.h"

int mx_fmt(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n;
}

const char *mx_tool_path(const struct mx_options *opt, const char *name)
{
	static char paths[8][PATH_MAX];
	static int next;
	char *out = paths[next++ % 8];
	mx_fmt(out, PATH_MAX, "%s/%s", opt->tools, name);
	return out;
}

/* In a child with stdin from /dev/null and output to log: fn(argv), or exec argv. */
static int run_in_child(int (*fn)(int, char **), char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
		int in = open("/dev/null", O_RDONLY);
		if (fd < 0 || in < 0)
			_exit(127);
		dup2(in, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fn) {
			int argc = 0;
			while (argv[argc])
				argc++;
			int rc = fn(argc, (char **)argv);
			fflush(NULL);
			_exit(rc);
		}
		execvp(argv[0], argv);
		dprintf(fd, "bootchain matrix: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int mx_run(char *const argv[], const char *log) { return run_in_child(NULL, argv, log); }

int mx_run_fn(int (*fn)(int, char **), char *const argv[], const char *log)
{
	return run_in_child(fn, argv, log);
}

int mx_mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	mx_fmt(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

int mx_rm_rf(const char *path)
{
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int mx_copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	char buf[1 << 16];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -1;
			break;
		}
	if (n < 0)
		rc = -1;
	close(in);
	if (close(out))
		rc = -1;
	return rc;
}

int mx_write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t put = fwrite(data, 1, len, f);
	return fclose(f) || put != len ? -1 : 0;
}

int mx_write_file(const char *path, const char *text)
{
	return mx_write_bytes(path, text, strlen(text));
}

char *mx_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

double mx_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool mx_is_executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

bool mx_on_path(const char *name)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		mx_fmt(dir, sizeof(dir), "%.*s/%s", (int)n, path, name);
		if (mx_is_executable(dir))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

void mx_last_line(const char *path, char *out, size_t len)
{
	size_t n = 0;
	char *text = mx_read_file(path, &n);
	out[0] = '\0';
	if (!text)
		return;
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		text[--n] = '\0';
	char *start = strrchr(text, '\n');
	mx_fmt(out, len, "%s", start ? start + 1 : text);
	free(text);
}
