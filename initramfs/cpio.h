/* An in-memory file tree written as a cpio "newc" archive (the format the
 * Linux kernel unpacks as initramfs). Device nodes are plain entries, so an
 * image with /dev/console is made without root. */
#ifndef INITRAMFS_CPIO_H
#define INITRAMFS_CPIO_H

#include <stddef.h>

struct bytebuf {
	unsigned char *data;
	size_t len, cap;
};

int bytebuf_append(struct bytebuf *b, const void *data, size_t n);
void bytebuf_free(struct bytebuf *b);

enum cpio_kind { CPIO_DIR, CPIO_FILE, CPIO_SYMLINK, CPIO_CHARDEV, CPIO_BLOCKDEV };

struct cpio_entry {
	char *path;        /* normalised: no leading '/', no "." or ".." parts */
	enum cpio_kind kind;
	unsigned perm;     /* permission bits only */
	unsigned rmajor, rminor;
	char *target;      /* symlink target */
	char *source;      /* host file whose contents are copied, or NULL */
	unsigned char *data; /* inline contents when source is NULL */
	size_t size;
};

struct cpio_tree {
	struct cpio_entry *entries; /* in archive order: a directory before what it holds */
	size_t n, cap;
};

/* Each adder creates missing parent directories (0755). Adding a path that is
 * already there replaces it, except that two directories simply merge.
 * On error they return -1 and write a one-line reason into ERR. */
int cpio_add_dir(struct cpio_tree *t, const char *path, unsigned perm, char *err, size_t errsize);
int cpio_add_node(struct cpio_tree *t, const char *path, enum cpio_kind kind, unsigned perm,
		  unsigned major, unsigned minor, char *err, size_t errsize);
int cpio_add_symlink(struct cpio_tree *t, const char *path, const char *target, char *err, size_t errsize);
int cpio_add_file(struct cpio_tree *t, const char *path, unsigned perm, const char *source,
		  char *err, size_t errsize);
int cpio_add_data(struct cpio_tree *t, const char *path, unsigned perm, const void *data, size_t size,
		  char *err, size_t errsize);

/* The entry at PATH (any spelling), or NULL. */
const struct cpio_entry *cpio_find(const struct cpio_tree *t, const char *path);

/* Append the archive, trailer included, to OUT. Files are read now. */
int cpio_write(const struct cpio_tree *t, struct bytebuf *out, char *err, size_t errsize);

void cpio_free(struct cpio_tree *t);

#endif
