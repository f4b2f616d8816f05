/* cpio newc writer over an in-memory tree; see cpio.h. */
#include "initramfs/cpio.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define CPIO_MAX_FILE ((size_t)1 << 30) /* an initramfs file over 1 GiB is a mistake */

int bytebuf_append(struct bytebuf *b, const void *data, size_t n)
{
	if (b->len + n < b->len)
		return -1;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *t = realloc(b->data, cap);
		if (!t)
			return -1;
		b->data = t;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	return 0;
}

void bytebuf_free(struct bytebuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* "/a//b/./c/" -> "a/b/c"; NULL for "" , "/" or a ".." part (it would leave the image). */
static char *normalise(const char *path)
{
	char *out = malloc(strlen(path) + 1);
	if (!out)
		return NULL;
	size_t len = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *part = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - part);
		if (n == 0 || (n == 1 && part[0] == '.'))
			continue;
		if (n == 2 && part[0] == '.' && part[1] == '.') {
			free(out);
			return NULL;
		}
		if (len)
			out[len++] = '/';
		memcpy(out + len, part, n);
		len += n;
	}
	out[len] = '\0';
	if (!len) {
		free(out);
		return NULL;
	}
	return out;
}

static ssize_t find_index(const struct cpio_tree *t, const char *norm)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->entries[i].path, norm))
			return (ssize_t)i;
	return -1;
}

const struct cpio_entry *cpio_find(const struct cpio_tree *t, const char *path)
{
	char *norm = normalise(path);
	ssize_t i = norm ? find_index(t, norm) : -1;
	free(norm);
	return i < 0 ? NULL : &t->entries[i];
}

static void entry_free(struct cpio_entry *e)
{
	free(e->path);
	free(e->target);
	free(e->source);
	free(e->data);
}

static int push(struct cpio_tree *t, struct cpio_entry *e)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct cpio_entry *n = realloc(t->entries, cap * sizeof(*n));
		if (!n)
			return -1;
		t->entries = n;
		t->cap = cap;
	}
	t->entries[t->n++] = *e;
	return 0;
}

/* Make sure every directory above NORM exists. */
static int add_parents(struct cpio_tree *t, const char *norm, char *err, size_t errsize)
{
	for (const char *slash = strchr(norm, '/'); slash; slash = strchr(slash + 1, '/')) {
		char *dir = strndup(norm, (size_t)(slash - norm));
		if (!dir)
			goto oom;
		ssize_t i = find_index(t, dir);
		if (i >= 0) {
			free(dir);
			if (t->entries[i].kind != CPIO_DIR) {
				snprintf(err, errsize, "/%s: a parent of it is already a non-directory", norm);
				return -1;
			}
			continue;
		}
		struct cpio_entry e = { .path = dir, .kind = CPIO_DIR, .perm = 0755 };
		if (push(t, &e)) {
			free(dir);
			goto oom;
		}
	}
	return 0;
oom:
	snprintf(err, errsize, "out of memory");
	return -1;
}

/* Insert E (whose path is not yet normalised); takes ownership of its strings. */
static int add_entry(struct cpio_tree *t, struct cpio_entry *e, char *err, size_t errsize)
{
	char *norm = normalise(e->path);
	if (!norm) {
		snprintf(err, errsize, "'%s': not a path inside the image", e->path);
		entry_free(e);
		return -1;
	}
	free(e->path);
	e->path = norm;
	if (add_parents(t, norm, err, errsize)) {
		entry_free(e);
		return -1;
	}
	ssize_t i = find_index(t, norm);
	if (i < 0) {
		if (push(t, e)) {
			snprintf(err, errsize, "out of memory");
			entry_free(e);
			return -1;
		}
		return 0;
	}
	struct cpio_entry *old = &t->entries[i];
	if (old->kind == CPIO_DIR && e->kind != CPIO_DIR) {
		size_t plen = strlen(norm);
		for (size_t j = 0; j < t->n; j++)
			if (!strncmp(t->entries[j].path, norm, plen) && t->entries[j].path[plen] == '/') {
				snprintf(err, errsize, "/%s: is a directory with contents, cannot replace it", norm);
				entry_free(e);
				return -1;
			}
	}
	entry_free(old);
	*old = *e; /* keep its place, so parents still come first */
	return 0;
}

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static int add_simple(struct cpio_tree *t, const char *path, enum cpio_kind kind, unsigned perm,
		      unsigned major, unsigned minor, const char *target, const char *source,
		      char *err, size_t errsize)
{
	bool oom = false;
	struct cpio_entry e = {
		.path = dup_or_null(path, &oom), .kind = kind, .perm = perm & 07777,
		.rmajor = major, .rminor = minor,
		.target = dup_or_null(target, &oom), .source = dup_or_null(source, &oom),
	};
	if (oom) {
		entry_free(&e);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return add_entry(t, &e, err, errsize);
}

int cpio_add_dir(struct cpio_tree *t, const char *path, unsigned perm, char *err, size_t errsize)
{
	const struct cpio_entry *old = cpio_find(t, path);
	if (old && old->kind == CPIO_DIR)
		return 0; /* directories merge */
	return add_simple(t, path, CPIO_DIR, perm, 0, 0, NULL, NULL, err, errsize);
}

int cpio_add_node(struct cpio_tree *t, const char *path, enum cpio_kind kind, unsigned perm,
		  unsigned major, unsigned minor, char *err, size_t errsize)
{
	if (kind != CPIO_CHARDEV && kind != CPIO_BLOCKDEV) {
		snprintf(err, errsize, "%s: a device node must be a character or block device", path);
		return -1;
	}
	return add_simple(t, path, kind, perm, major, minor, NULL, NULL, err, errsize);
}

int cpio_add_symlink(struct cpio_tree *t, const char *path, const char *target, char *err, size_t errsize)
{
	if (!*target) {
		snprintf(err, errsize, "%s: empty symlink target", path);
		return -1;
	}
	return add_simple(t, path, CPIO_SYMLINK, 0777, 0, 0, target, NULL, err, errsize);
}

int cpio_add_file(struct cpio_tree *t, const char *path, unsigned perm, const char *source,
		  char *err, size_t errsize)
{
	return add_simple(t, path, CPIO_FILE, perm, 0, 0, NULL, source, err, errsize);
}

int cpio_add_data(struct cpio_tree *t, const char *path, unsigned perm, const void *data, size_t size,
		  char *err, size_t errsize)
{
	bool oom = false;
	struct cpio_entry e = { .path = dup_or_null(path, &oom), .kind = CPIO_FILE, .perm = perm & 07777 };
	e.data = malloc(size ? size : 1);
	if (oom || !e.data) {
		entry_free(&e);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	memcpy(e.data, data, size);
	e.size = size;
	return add_entry(t, &e, err, errsize);
}

static int read_source(const char *source, struct bytebuf *into, char *err, size_t errsize)
{
	FILE *in = fopen(source, "rb");
	if (!in) {
		snprintf(err, errsize, "%s: cannot read: %s", source, strerror(errno));
		return -1;
	}
	unsigned char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		if (into->len + n > CPIO_MAX_FILE) {
			snprintf(err, errsize, "%s: larger than 1 GiB, refusing it", source);
			rc = -1;
			break;
		}
		if (bytebuf_append(into, chunk, n)) {
			snprintf(err, errsize, "%s: out of memory", source);
			rc = -1;
			break;
		}
	}
	if (!rc && ferror(in)) {
		snprintf(err, errsize, "%s: read error: %s", source, strerror(errno));
		rc = -1;
	}
	fclose(in);
	return rc;
}

static unsigned mode_of(const struct cpio_entry *e)
{
	switch (e->kind) {
	case CPIO_DIR: return S_IFDIR | e->perm;
	case CPIO_SYMLINK: return S_IFLNK | 0777;
	case CPIO_CHARDEV: return S_IFCHR | e->perm;
	case CPIO_BLOCKDEV: return S_IFBLK | e->perm;
	case CPIO_FILE: break;
	}
	return S_IFREG | e->perm;
}

static int pad4(struct bytebuf *out)
{
	static const unsigned char zeros[4];
	return bytebuf_append(out, zeros, (4 - out->len % 4) % 4);
}

/* One newc header + name + padding; the archive starts 4-aligned, so aligning
 * the buffer length aligns the archive offsets too. */
static int write_header(struct bytebuf *out, unsigned ino, unsigned mode, unsigned nlink, size_t filesize,
			unsigned rmajor, unsigned rminor, const char *name)
{
	char hdr[111];
	size_t namesize = strlen(name) + 1;
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, nlink, 0u, (unsigned)filesize, 0u, 0u, rmajor, rminor,
		 (unsigned)namesize, 0u);
	if (bytebuf_append(out, hdr, 110) || bytebuf_append(out, name, namesize))
		return -1;
	return pad4(out);
}

static int write_entry(const struct cpio_entry *e, unsigned ino, struct bytebuf *out, char *err,
		       size_t errsize)
{
	struct bytebuf content = { 0 };
	const unsigned char *data = e->data;
	size_t size = e->size;
	if (e->kind == CPIO_SYMLINK) {
		data = (const unsigned char *)e->target;
		size = strlen(e->target);
	} else if (e->kind == CPIO_FILE && e->source) {
		if (read_source(e->source, &content, err, errsize))
			return -1;
		data = content.data;
		size = content.len;
	}
	int rc = write_header(out, ino, mode_of(e), e->kind == CPIO_DIR ? 2 : 1, size, e->rmajor,
			      e->rminor, e->path) ||
		 bytebuf_append(out, data, size) || pad4(out);
	bytebuf_free(&content);
	if (rc)
		snprintf(err, errsize, "out of memory writing /%s", e->path);
	return rc ? -1 : 0;
}

int cpio_write(const struct cpio_tree *t, struct bytebuf *out, char *err, size_t errsize)
{
	if (pad4(out)) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < t->n; i++)
		if (write_entry(&t->entries[i], (unsigned)i + 1, out, err, errsize))
			return -1;
	if (write_header(out, 0, 0, 1, 0, 0, 0, "TRAILER!!!")) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return 0;
}

void cpio_free(struct cpio_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		entry_free(&t->entries[i]);
	free(t->entries);
	memset(t, 0, sizeof(*t));
}
