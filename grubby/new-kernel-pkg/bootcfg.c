/* Paths inside the root new-kernel-pkg works on, the boot loader configs
 * found there, and their snapshots: several configs are changed by separate
 * grubby runs, so a failure in one puts all of them back. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grubby/new-kernel-pkg/nkp.h"

char *nkp_in_root(const char *root, const char *path)
{
	char *out = NULL;
	if (!root || !*root || !strcmp(root, "/"))
		return strdup(path);
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	return asprintf(&out, "%.*s%s%s", (int)rl, root, path[0] == '/' ? "" : "/", path) < 0 ? NULL : out;
}

/* DIR of PATH joined with TARGET (a relative symlink target). */
static char *join_relative(const char *path, const char *target)
{
	char *copy = strdup(path);
	char *out = NULL;
	if (copy && asprintf(&out, "%s/%s", dirname(copy), target) < 0)
		out = NULL;
	free(copy);
	return out;
}

char *nkp_resolve_in_root(const char *root, const char *path)
{
	char *cur = strdup(path);
	/* an absolute link such as /etc/grub2.cfg -> /boot/grub2/grub.cfg means
	 * /boot inside the root, so links are followed here, not by the kernel */
	for (int hops = 0; cur && hops < 16; hops++) {
		char *host = nkp_in_root(root, cur);
		struct stat st;
		if (!host || lstat(host, &st)) {
			free(host);
			break;
		}
		if (S_ISREG(st.st_mode)) {
			free(host);
			return cur;
		}
		char target[PATH_MAX];
		ssize_t n = S_ISLNK(st.st_mode) ? readlink(host, target, sizeof(target) - 1) : -1;
		free(host);
		if (n <= 0)
			break;
		target[n] = '\0';
		char *next = target[0] == '/' ? strdup(target) : join_relative(cur, target);
		free(cur);
		cur = next;
	}
	free(cur);
	return NULL;
}

/* Where each loader's config lives, first match wins: the /etc links the
 * Fedora/RHEL packages make, then the files themselves (Debian's GRUB 2
 * config is /boot/grub/grub.cfg). */
static const struct {
	const char *loader;
	const char *paths[4];
} candidates[] = {
	{ "--grub", { "/etc/grub.conf", "/boot/grub/grub.conf", "/boot/grub/menu.lst" } },
	{ "--grub2", { "/etc/grub2.cfg", "/boot/grub2/grub.cfg", "/boot/grub/grub.cfg" } },
	{ "--grub2", { "/etc/grub2-efi.cfg" } },
	{ "--extlinux", { "/etc/extlinux.conf", "/boot/extlinux/extlinux.conf", "/boot/extlinux.conf" } },
	{ "--elilo", { "/etc/elilo.conf", "/boot/efi/EFI/redhat/elilo.conf" } },
};

static bool already_found(const struct bootcfgs *c, const char *path)
{
	char *real = realpath(path, NULL);
	bool found = false;
	for (size_t i = 0; real && i < c->n && !found; i++) {
		char *other = realpath(c->cfg[i].path, NULL);
		found = other && !strcmp(other, real);
		free(other);
	}
	free(real);
	return found;
}

/* grub-mkconfig marks each part of what it writes "### BEGIN /etc/grub.d/NN_name ###". */
static bool written_by_grub_mkconfig(const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (f && !found && getline(&line, &cap, f) >= 0)
		found = !strncmp(line, "### BEGIN /etc/grub.d/", 22);
	free(line);
	if (f)
		fclose(f);
	return found;
}

/* The custom.cfg beside HOST, a generated grub.cfg. */
static struct bootcfg companion_of(const char *loader, const char *host)
{
	char *copy = strdup(host), *path = NULL;
	if (!copy || asprintf(&path, "%s/custom.cfg", dirname(copy)) < 0)
		path = NULL;
	free(copy);
	struct stat st;
	return (struct bootcfg){ .loader = loader, .path = path, .companion = true,
				 .missing = path && lstat(path, &st) && errno == ENOENT };
}

/* BLS entries are used when their directory, or loader.conf, is in the
 * root's /boot (the ESP or XBOOTLDR mounted there, as systemd-boot wants) */
static void find_bls(const char *root, struct bootcfgs *c)
{
	char *dir = nkp_in_root(root, "/boot/loader/entries");
	char *conf = nkp_in_root(root, "/boot/loader/loader.conf");
	struct stat st;
	bool used = dir && conf && ((!stat(dir, &st) && S_ISDIR(st.st_mode)) ||
				    (!stat(conf, &st) && S_ISREG(st.st_mode)));
	free(conf);
	if (!used) {
		free(dir);
		return;
	}
	bool missing = stat(dir, &st) != 0; /* loader.conf alone: the first install makes it */
	c->cfg[c->n++] = (struct bootcfg){ .loader = "--bls", .path = dir, .is_dir = true, .missing = missing };
}

void nkp_find_configs(const char *root, struct bootcfgs *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		for (size_t k = 0; k < 4 && candidates[i].paths[k]; k++) {
			char *in_system = nkp_resolve_in_root(root, candidates[i].paths[k]);
			char *host = in_system ? nkp_in_root(root, in_system) : NULL;
			free(in_system);
			if (!host)
				continue;
			if (already_found(c, host)) {
				free(host);
				break;
			}
			struct bootcfg b = { .loader = candidates[i].loader, .path = host };
			if (!strcmp(b.loader, "--grub2") && written_by_grub_mkconfig(host)) {
				b = companion_of(b.loader, host);
				free(host);
			}
			if (b.path)
				c->cfg[c->n++] = b;
			break;
		}
	}
	find_bls(root, c);
}

int nkp_create_companion(struct bootcfg *b)
{
	return nkp_create_config(b,
		"# Boot entries that new-kernel-pkg adds and removes as kernels come and go.\n"
		"# grub-mkconfig's /etc/grub.d/41_custom makes GRUB read this file, so they\n"
		"# stay when update-grub rewrites grub.cfg. Entries of your own may go here too.\n");
}

int nkp_create_config(struct bootcfg *b, const char *header)
{
	size_t len = strlen(header);
	int fd = open(b->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	bool ok = fd >= 0 && write(fd, header, len) == (ssize_t)len && !fsync(fd);
	if (fd >= 0 && (close(fd) || !ok))
		unlink(b->path);
	if (!ok) {
		fprintf(stderr, "new-kernel-pkg: %s: cannot create: %s; nothing changed\n", b->path, strerror(errno));
		return -1;
	}
	b->missing = false;
	return 0;
}

int nkp_check_writable(const struct bootcfgs *c)
{
	int rc = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *path = c->cfg[i].path;
		char *copy = strdup(path);
		const char *dir = copy ? dirname(copy) : ".";
		/* grubby replaces the file through a new one beside it: both must be writable */
		if ((!c->cfg[i].missing && access(path, W_OK)) || access(dir, W_OK | X_OK)) {
			fprintf(stderr, "new-kernel-pkg: %s: cannot be rewritten: %s; nothing changed\n", path,
				strerror(errno));
			rc = -1;
		}
		free(copy);
	}
	return rc;
}

static int read_all(const char *path, char **data, size_t *len, unsigned *mode)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*mode = st.st_mode & 07777;
	/* the size may change while we read (someone else writing): grow as needed */
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = malloc(cap);
	ssize_t r = 0;
	while (buf && (r = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n < cap)
			continue;
		char *grown = realloc(buf, cap * 2);
		if (!grown)
			free(buf);
		buf = grown;
		cap *= 2;
	}
	close(fd);
	if (!buf || r < 0) {
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

int nkp_snapshot_configs(struct bootcfgs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct bootcfg *b = &c->cfg[i];
		if (b->missing || b->is_dir)
			continue;
		if (read_all(b->path, &b->saved, &b->saved_len, &b->saved_mode)) {
			fprintf(stderr, "new-kernel-pkg: %s: cannot read: %s; nothing changed\n", b->path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Unchanged files are left alone, so a restore never touches what no one wrote. */
static bool unchanged(const struct bootcfg *b)
{
	char *now = NULL;
	size_t len = 0;
	unsigned mode = 0;
	bool same = !read_all(b->path, &now, &len, &mode) && len == b->saved_len &&
		    !memcmp(now, b->saved, len);
	free(now);
	return same;
}

static int write_back(const struct bootcfg *b)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.nkp-XXXXXX", b->path) < 0)
		return -1;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	bool ok = write(fd, b->saved, b->saved_len) == (ssize_t)b->saved_len && !fchmod(fd, b->saved_mode) &&
		  !fsync(fd);
	ok = !close(fd) && ok && !rename(tmp, b->path);
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : -1;
}

void nkp_restore_configs(const struct bootcfgs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct bootcfg *b = &c->cfg[i];
		if ((b->companion || b->created) && !b->saved && !b->missing) {
			/* made by this run: it goes again */
			if (!unlink(b->path))
				fprintf(stderr, "new-kernel-pkg: %s: removed (made by this run)\n", b->path);
			continue;
		}
		if (!b->saved || unchanged(b))
			continue;
		if (write_back(b))
			fprintf(stderr, "new-kernel-pkg: %s: could not be restored: %s\n", b->path, strerror(errno));
		else
			fprintf(stderr, "new-kernel-pkg: %s: restored as it was\n", b->path);
	}
}

void nkp_free_configs(struct bootcfgs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->cfg[i].path);
		free(c->cfg[i].saved);
	}
	memset(c, 0, sizeof(*c));
}

/* The lock that serialises new-kernel-pkg runs on one root. It is a file,
 * ROOT/boot/.new-kernel-pkg.lock, holding "PID what" of the run that holds
 * it, so a run that has to wait can say for whom; the wait has a limit. */
static long lock_timeout_seconds(void)
{
	const char *env = getenv("NEWKERNELPKG_LOCK_TIMEOUT");
	char *end = NULL;
	long s = env && *env ? strtol(env, &end, 10) : -1;
	return end && !*end && s >= 0 ? s : NKP_LOCK_TIMEOUT_DEFAULT;
}

/* "PID what" from the lock file, for messages; "" when unknown. */
static void lock_holder(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static long holder_pid(int fd)
{
	char buf[256];
	lock_holder(fd, buf, sizeof(buf));
	return strtol(buf, NULL, 10);
}

static void record_holder(int fd, const char *what)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%ld %s\n", (long)getpid(), what ? what : "new-kernel-pkg");
	if (n > 0 && (size_t)n < sizeof(buf) && !ftruncate(fd, 0) && pwrite(fd, buf, (size_t)n, 0) != n)
		fprintf(stderr, "new-kernel-pkg: warning: cannot record this run in the lock file\n");
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Take the lock on FD, waiting at most the limit; 0, or -1 after saying who holds it. */
static int wait_for_lock(int fd, const char *path)
{
	long limit = lock_timeout_seconds();
	double deadline = now_seconds() + (double)limit;
	bool told = false;
	char holder[256];
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			fprintf(stderr, "new-kernel-pkg: %s: cannot lock: %s; nothing changed\n", path, strerror(errno));
			return -1;
		}
		lock_holder(fd, holder, sizeof(holder));
		if (now_seconds() >= deadline) {
			fprintf(stderr, "new-kernel-pkg: %s is held by pid %s; gave up after %ld s "
				"(NEWKERNELPKG_LOCK_TIMEOUT); nothing changed\n", path, *holder ? holder : "(unknown)", limit);
			return -1;
		}
		if (!told) {
			fprintf(stderr, "new-kernel-pkg: waiting up to %ld s for %s, held by pid %s\n", limit, path,
				*holder ? holder : "(unknown)");
			told = true;
		}
		struct timespec pause = { 0, 100 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* Inside a hook that a new-kernel-pkg run started, that run holds the lock
 * and waits for us: taking it again would wait forever. */
static bool held_by_our_caller(int fd)
{
	const char *env = getenv(NKP_HOOK_ENV);
	char *end = NULL;
	long caller = env && *env ? strtol(env, &end, 10) : 0;
	return caller > 0 && end && !*end && holder_pid(fd) == caller &&
	       flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK;
}

int nkp_lock_boot(const char *root, const char *what)
{
	char *boot = nkp_in_root(root, "/boot");
	char *path = nkp_in_root(root, NKP_LOCK_FILE);
	int fd = -1, rc = NKP_LOCK_NONE;
	if (!boot || !path || access(boot, F_OK))
		goto out; /* no /boot: nothing of ours to protect */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && (errno == EROFS || errno == EACCES)) {
		free(path); /* a /boot we cannot write: lock the directory, holder unknown */
		path = boot;
		boot = NULL;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0) {
		fprintf(stderr, "new-kernel-pkg: %s: cannot open the lock: %s; nothing changed\n", path, strerror(errno));
		rc = NKP_LOCK_FAILED;
		goto out;
	}
	if (held_by_our_caller(fd)) {
		close(fd);
		fd = -1;
		goto out;
	}
	/* grubby locks each config on its own lock file; this lock is another
	 * object, so holding it while grubby runs cannot deadlock */
	if (wait_for_lock(fd, path)) {
		rc = NKP_LOCK_FAILED;
		goto out;
	}
	if (boot)
		record_holder(fd, what);
	rc = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	free(boot);
	free(path);
	return rc;
}
