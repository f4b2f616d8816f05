/* Atomic, locked replacement of a config file. */
#include "grubby/safefile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *d = strdup(dirname(copy));
	free(copy);
	return d;
}

static char *base_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *b = strdup(basename(copy));
	free(copy);
	return b;
}

/* follow symlinks; a relative link is relative to the link's directory */
static char *resolve_links(const char *path)
{
	char *cur = strdup(path);
	for (int depth = 0; cur && depth < 40; depth++) {
		struct stat st;
		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			return cur;
		char buf[PATH_MAX];
		ssize_t n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0)
			return cur;
		buf[n] = '\0';
		char *next;
		if (buf[0] == '/') {
			next = strdup(buf);
		} else {
			char *dir = dir_of(cur);
			size_t len = (dir ? strlen(dir) : 0) + strlen(buf) + 2;
			next = dir ? malloc(len) : NULL;
			if (next)
				snprintf(next, len, "%s/%s", dir, buf);
			free(dir);
		}
		free(cur);
		cur = next;
	}
	return cur;
}

#define TEMP_SUFFIX ".grubby"
#define TEMP_RANDOM 6	/* the XXXXXX of mkstemp */

/* Temporaries a writer killed mid-write left beside the file. Only called
 * with the lock held, and every writer holds it while its temporary
 * exists: whatever matches our name now belongs to a dead writer. */
static void remove_stale_temporaries(const char *target)
{
	char *dir = dir_of(target), *base = base_of(target);
	DIR *d = dir && base ? opendir(dir) : NULL;
	if (d) {
		size_t blen = strlen(base), slen = strlen(TEMP_SUFFIX);
		struct dirent *de;
		while ((de = readdir(d))) {
			const char *n = de->d_name;
			if (strlen(n) != blen + slen + TEMP_RANDOM ||
			    strncmp(n, base, blen) ||
			    strncmp(n + blen, TEMP_SUFFIX, slen))
				continue;
			struct stat st;
			if (!fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) &&
			    S_ISREG(st.st_mode))
				unlinkat(dirfd(d), n, 0);
		}
		closedir(d);
	}
	free(dir);
	free(base);
}

int safe_file_lock(struct safe_file *sf, const char *path)
{
	sf->path = strdup(path);
	sf->target = resolve_links(path);
	sf->lock_fd = -1;
	if (!sf->path || !sf->target) {
		fprintf(stderr, "grubby: %s: out of memory\n", path);
		return -1;
	}
	struct stat st;
	sf->device = !stat(sf->target, &st) && !S_ISREG(st.st_mode) &&
		     !S_ISDIR(st.st_mode);
	/* nothing to lock: a device or pipe is only written, never read
	 * back, and holding a pipe open would swallow what we write */
	if (sf->device)
		return 0;
	char *dir = dir_of(sf->target), *base = base_of(sf->target);
	if (!dir || !base) {
		free(dir);
		free(base);
		fprintf(stderr, "grubby: %s: out of memory\n", path);
		return -1;
	}
	size_t len = strlen(dir) + strlen(base) + 16;
	char *lock = malloc(len);
	if (lock) {
		snprintf(lock, len, "%s/.%s.lock", dir, base);
		sf->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	}
	int saved = errno;
	bool have_lock_file = sf->lock_fd >= 0;
	free(lock);
	free(dir);
	free(base);
	/* a directory we cannot write: lock the file itself, the write will
	 * fail with a clear message anyway */
	if (sf->lock_fd < 0)
		sf->lock_fd = open(sf->target, O_RDONLY | O_CLOEXEC);
	if (sf->lock_fd < 0) {
		if (errno == ENOENT)
			return 0;	/* a new output file */
		fprintf(stderr, "grubby: cannot lock %s: %s\n", path,
			strerror(saved));
		return -1;
	}
	while (flock(sf->lock_fd, LOCK_EX)) {
		if (errno != EINTR) {
			fprintf(stderr, "grubby: cannot lock %s: %s\n", path,
				strerror(errno));
			return -1;
		}
	}
	if (have_lock_file)
		remove_stale_temporaries(sf->target);
	return 0;
}

void safe_file_unlock(struct safe_file *sf)
{
	if (sf->lock_fd >= 0)
		close(sf->lock_fd);	/* releases the flock */
	sf->lock_fd = -1;
	free(sf->path);
	free(sf->target);
	sf->path = sf->target = NULL;
}

static int fail(const struct safe_file *sf, const char *what, int err)
{
	fprintf(stderr, "grubby: error writing %s: %s%s%s\n", sf->path, what,
		*what ? ": " : "", strerror(err));
	return -1;
}

/* the temporary file gets the old file's mode and owner */
static int copy_attributes(const struct safe_file *sf, int fd)
{
	struct stat st;
	if (stat(sf->target, &st)) {
		mode_t mask = umask(0);
		umask(mask);
		return fchmod(fd, 0666 & ~mask) ? fail(sf, "", errno) : 0;
	}
	if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid))
		return fail(sf, "cannot keep its owner", errno);
	if (fchmod(fd, st.st_mode & 07777))
		return fail(sf, "cannot keep its mode", errno);
	return 0;
}

/* the new file as written, read back through the page cache */
static int check_written(const struct safe_file *sf, int fd, void *arg)
{
	struct stat st;
	if (fstat(fd, &st))
		return fail(sf, "", errno);
	if (st.st_size == 0)
		return sf->check("", 0, arg);
	void *text = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			  fd, 0);
	if (text == MAP_FAILED)
		return fail(sf, "", errno);
	int rc = sf->check(text, (size_t)st.st_size, arg);
	munmap(text, (size_t)st.st_size);
	return rc;
}

/* A device or pipe: the text is made and checked in memory, then written
 * into it; renaming over /dev/null would replace the device by a file. */
static int write_into_device(struct safe_file *sf,
			     int (*writer)(FILE *out, void *arg), void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return fail(sf, "", errno);
	errno = 0;
	int bad = writer(mem, arg) || fflush(mem) || ferror(mem);
	int err = errno ? errno : EIO;
	if (fclose(mem) && !bad) {
		bad = 1;
		err = errno;
	}
	int rc = -1;
	if (bad)
		fail(sf, "", err);
	else if (!sf->check || !sf->check(text ? text : "", len, arg)) {
		int fd = open(sf->target, O_WRONLY | O_CLOEXEC);
		size_t done = 0;
		errno = 0;
		while (fd >= 0 && done < len) {
			ssize_t n = write(fd, text + done, len - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			done += (size_t)n;
		}
		if (fd < 0 || done < len)
			fail(sf, "", errno ? errno : EIO);
		else
			rc = 0;
		if (fd >= 0)
			close(fd);
	}
	free(text);
	return rc;
}

int safe_file_replace(struct safe_file *sf,
		      int (*writer)(FILE *out, void *arg), void *arg)
{
	if (sf->device)
		return write_into_device(sf, writer, arg);
	size_t len = strlen(sf->target) + 16;
	char *tmp = malloc(len);
	char *dir = dir_of(sf->target);
	int rc = -1, fd = -1;
	FILE *out = NULL;
	if (!tmp || !dir) {
		fail(sf, "", ENOMEM);
		goto done;
	}
	snprintf(tmp, len, "%s" TEMP_SUFFIX "XXXXXX", sf->target);
	fd = mkstemp(tmp);
	if (fd < 0) {
		fail(sf, "", errno);
		free(tmp);
		tmp = NULL;
		goto done;
	}
	if (copy_attributes(sf, fd))
		goto remove;
	out = fdopen(fd, "w");
	if (!out) {
		fail(sf, "", errno);
		goto remove;
	}
	fd = -1;
	errno = 0;
	if (writer(out, arg) || fflush(out) || ferror(out)) {
		fail(sf, "", errno ? errno : EIO);
		goto remove;
	}
	if (sf->check && check_written(sf, fileno(out), arg))
		goto remove;
	if (fsync(fileno(out))) {
		fail(sf, "", errno);
		goto remove;
	}
	int closed = fclose(out);
	out = NULL;
	if (closed) {
		fail(sf, "", errno);
		goto remove;
	}
	if (rename(tmp, sf->target)) {
		fail(sf, "", errno);
		goto remove;
	}
	/* the rename itself must reach the disk */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		int err = errno;
		if (dfd >= 0)
			close(dfd);
		fail(sf, "flushing its directory", err);
		goto done;
	}
	close(dfd);
	rc = 0;
	goto done;
remove:
	if (out)
		fclose(out);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
done:
	free(tmp);
	free(dir);
	return rc;
}
