/* `bootchain initramfs`: build a small test initramfs (cpio newc, gzip/xz/none)
 * from a static busybox, an /init script and files given on the command line.
 * See initramfs/README.md. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootchain/bootchain.h"
#include "initramfs/compress.h"
#include "initramfs/cpio.h"

#define ERRLEN 512

static const char default_init[] =
	"#!/bin/sh\n"
	"# bootchain test initramfs: no --init was given\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sysfs /sys\n"
	"mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
	"echo 'bootchain initramfs: default /init, starting a shell'\n"
	"exec /bin/sh\n";

static void usage(FILE *to)
{
	fprintf(to,
		"usage: bootchain initramfs -o OUT [--compress gzip|xz|none] [--busybox PATH]\n"
		"                           [--init FILE] [--add SRC:DEST]... [--mkdir DEST]...\n"
		"                           [--symlink TARGET:DEST]...\n"
		"Always adds /dev/console (c 5:1), /dev/null (c 1:3), /proc, /sys, /dev, /tmp, /run.\n"
		"--busybox adds it as /bin/busybox with a link for each applet; --init FILE\n"
		"becomes /init (mode 0755). --add copies a file, symlink or directory tree.\n");
}

/* Split "A:B" at its last ':' into newly allocated halves. */
static int split_pair(const char *arg, const char *what, char **a, char **b, char *err)
{
	const char *colon = strrchr(arg, ':');
	if (!colon || colon == arg || !colon[1]) {
		snprintf(err, ERRLEN, "%s '%s': expected two parts joined by ':'", what, arg);
		return -1;
	}
	*a = strndup(arg, (size_t)(colon - arg));
	*b = strdup(colon + 1);
	if (!*a || !*b) {
		free(*a);
		free(*b);
		snprintf(err, ERRLEN, "out of memory");
		return -1;
	}
	return 0;
}

static int add_host_path(struct cpio_tree *t, const char *src, const char *dest, char *err);

static int add_host_dir(struct cpio_tree *t, const char *src, const char *dest, unsigned perm, char *err)
{
	if (cpio_add_dir(t, dest, perm, err, ERRLEN))
		return -1;
	struct dirent **names;
	int n = scandir(src, &names, NULL, alphasort); /* sorted: the same tree gives the same image */
	if (n < 0) {
		snprintf(err, ERRLEN, "%s: cannot list: %s", src, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (!rc && strcmp(name, ".") && strcmp(name, "..")) {
			char *s = NULL, *d = NULL;
			if (asprintf(&s, "%s/%s", src, name) < 0 || asprintf(&d, "%s/%s", dest, name) < 0) {
				snprintf(err, ERRLEN, "out of memory");
				rc = -1;
			} else {
				rc = add_host_path(t, s, d, err);
			}
			free(s);
			free(d);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Copy SRC (a file, symlink or directory tree) from the host to DEST. */
static int add_host_path(struct cpio_tree *t, const char *src, const char *dest, char *err)
{
	struct stat st;
	if (lstat(src, &st)) {
		snprintf(err, ERRLEN, "%s: %s", src, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return add_host_dir(t, src, dest, st.st_mode & 07777, err);
	if (S_ISREG(st.st_mode))
		return cpio_add_file(t, dest, st.st_mode & 07777, src, err, ERRLEN);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(src, target, sizeof(target) - 1);
		if (n < 0) {
			snprintf(err, ERRLEN, "%s: %s", src, strerror(errno));
			return -1;
		}
		target[n] = '\0';
		return cpio_add_symlink(t, dest, target, err, ERRLEN);
	}
	snprintf(err, ERRLEN, "%s: only files, symlinks and directories can be added", src);
	return -1;
}

static int add_base_layout(struct cpio_tree *t, char *err)
{
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/tmp", "/run", "/bin", "/sbin", "/etc", "/root" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (cpio_add_dir(t, dirs[i], !strcmp(dirs[i], "/tmp") ? 01777 : 0755, err, ERRLEN))
			return -1;
	/* without /dev/console init has no stdout and nothing it prints is seen */
	if (cpio_add_node(t, "/dev/console", CPIO_CHARDEV, 0600, 5, 1, err, ERRLEN) ||
	    cpio_add_node(t, "/dev/null", CPIO_CHARDEV, 0666, 1, 3, err, ERRLEN))
		return -1;
	return 0;
}

/* Run "BUSYBOX --list-full" and read its applet paths; NULL when it cannot tell. */
static char *busybox_applets(const char *busybox)
{
	int fds[2];
	if (pipe(fds))
		return NULL;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(busybox, busybox, "--list-full", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	struct bytebuf out = { 0 };
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		if (bytebuf_append(&out, chunk, (size_t)n))
			break;
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || bytebuf_append(&out, "", 1)) {
		bytebuf_free(&out);
		return NULL;
	}
	return (char *)out.data;
}

static int add_busybox(struct cpio_tree *t, const char *busybox, char *err)
{
	if (access(busybox, X_OK)) {
		snprintf(err, ERRLEN, "%s: not an executable busybox: %s", busybox, strerror(errno));
		return -1;
	}
	if (cpio_add_file(t, "/bin/busybox", 0755, busybox, err, ERRLEN))
		return -1;
	char *list = busybox_applets(busybox);
	if (!list) {
		/* a busybox without --list-full still gives a usable shell */
		return cpio_add_symlink(t, "/bin/sh", "/bin/busybox", err, ERRLEN);
	}
	int rc = 0;
	for (char *line = strtok(list, "\n"); line && !rc; line = strtok(NULL, "\n")) {
		if (!strcmp(line, "bin/busybox") || strstr(line, ".."))
			continue;
		if (!cpio_find(t, line))
			rc = cpio_add_symlink(t, line, "/bin/busybox", err, ERRLEN);
	}
	free(list);
	return rc;
}

/* Write DATA to OUT through a temporary file, so a failure leaves no half image. */
static int write_atomically(const char *out, const struct bytebuf *data, char *err)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmpXXXXXX", out) < 0) {
		snprintf(err, ERRLEN, "out of memory");
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, ERRLEN, "%s: cannot create: %s", out, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t done = 0;
	while (done < data->len) {
		ssize_t n = write(fd, data->data + done, data->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	int rc = (done == data->len && fchmod(fd, 0644) == 0) ? 0 : -1;
	if (close(fd))
		rc = -1;
	if (!rc && rename(tmp, out))
		rc = -1;
	if (rc) {
		snprintf(err, ERRLEN, "%s: cannot write: %s", out, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

struct options {
	const char *out;
	int compression;
};

/* Apply one option that adds to the tree; returns 0, or -1 with ERR set. */
static int apply_option(struct cpio_tree *t, int opt, const char *arg, char *err)
{
	char *a = NULL, *b = NULL;
	int rc = 0;
	switch (opt) {
	case 'b':
		return add_busybox(t, arg, err);
	case 'i':
		return cpio_add_file(t, "/init", 0755, arg, err, ERRLEN);
	case 'd':
		return cpio_add_dir(t, arg, 0755, err, ERRLEN);
	case 'a':
		if (split_pair(arg, "--add", &a, &b, err))
			return -1;
		rc = add_host_path(t, a, b, err);
		break;
	case 's':
		if (split_pair(arg, "--symlink", &a, &b, err))
			return -1;
		rc = cpio_add_symlink(t, b, a, err, ERRLEN);
		break;
	}
	free(a);
	free(b);
	return rc;
}

static int build(const struct options *o, struct cpio_tree *t, char *err)
{
	if (!cpio_find(t, "/init") && cpio_find(t, "/bin/busybox") &&
	    cpio_add_data(t, "/init", 0755, default_init, sizeof(default_init) - 1, err, ERRLEN))
		return -1;
	struct bytebuf archive = { 0 }, packed = { 0 };
	int rc = cpio_write(t, &archive, err, ERRLEN);
	if (!rc)
		rc = ir_compress((enum ir_compression)o->compression, archive.data, archive.len, &packed, err, ERRLEN);
	if (!rc)
		rc = write_atomically(o->out, &packed, err);
	bytebuf_free(&archive);
	bytebuf_free(&packed);
	return rc;
}

int bc_cmd_initramfs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' }, { "compress", required_argument, NULL, 'c' },
		{ "busybox", required_argument, NULL, 'b' }, { "init", required_argument, NULL, 'i' },
		{ "add", required_argument, NULL, 'a' },     { "mkdir", required_argument, NULL, 'd' },
		{ "symlink", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .compression = IR_COMPRESS_GZIP };
	struct cpio_tree t = { 0 };
	char err[ERRLEN] = "";
	int rc = add_base_layout(&t, err);
	int opt;
	optind = 1;
	while (!rc && (opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (opt == 'o') {
			o.out = optarg;
		} else if (opt == 'c') {
			o.compression = ir_compression_from_name(optarg);
			if (o.compression < 0) {
				snprintf(err, ERRLEN, "--compress '%s': use gzip, xz or none", optarg);
				rc = -1;
			}
		} else if (opt == 'h') {
			usage(stdout);
			cpio_free(&t);
			return 0;
		} else if (opt == '?') {
			usage(stderr);
			cpio_free(&t);
			return 2;
		} else {
			rc = apply_option(&t, opt, optarg, err);
		}
	}
	if (!rc && optind < argc) {
		snprintf(err, ERRLEN, "unexpected argument '%s'", argv[optind]);
		rc = -1;
	}
	if (!rc && !o.out) {
		snprintf(err, ERRLEN, "-o OUT is required");
		rc = -1;
	}
	if (!rc)
		rc = build(&o, &t, err);
	cpio_free(&t);
	if (rc) {
		fprintf(stderr, "bootchain initramfs: %s\n", err);
		return 1;
	}
	return 0;
}
