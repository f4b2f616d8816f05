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
			c->cfg[c->n++] = (struct bootcfg){ .loader = candidates[i].loader, .path = host };
			break;
		}
	}
}

int nkp_check_writable(const struct bootcfgs *c)
{
	int rc = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *path = c->cfg[i].path;
		char *copy = strdup(path);
		const char *dir = copy ? dirname(copy) : ".";
		/* grubby replaces the file through a new one beside it: both must be writable */
		if (access(path, W_OK) || access(dir, W_OK | X_OK)) {
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

int nkp_lock_boot(const char *root)
{
	char *boot = nkp_in_root(root, "/boot");
	int fd = boot ? open(boot, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	free(boot);
	if (fd < 0)
		return -1; /* no /boot: nothing of ours to protect */
	/* grubby locks each config on its own lock file; this lock is another
	 * object, so holding it while grubby runs cannot deadlock */
	while (flock(fd, LOCK_EX))
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}
