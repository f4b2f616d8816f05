/* EFI system partition images with mtools; see esp.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bootloader/esp.h"
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/util.h"

int bl_esp_tools_check(char *err, size_t len)
{
	static const char *const tools[] = { "mformat", "mmd", "mcopy" };
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!mx_on_path(tools[i])) {
			mx_fmt(err, len, "%s not found on PATH (package mtools)", tools[i]);
			return -1;
		}
	return 0;
}

int bl_esp_add(struct bl_esp *e, const char *src, const char *dest)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct bl_esp_file *f = realloc(e->files, cap * sizeof(*f));
		if (!f)
			return -1;
		e->files = f;
		e->cap = cap;
	}
	char *s = strdup(src), *d = strdup(dest);
	if (!s || !d) {
		free(s);
		free(d);
		return -1;
	}
	e->files[e->n++] = (struct bl_esp_file){ s, d };
	return 0;
}

int bl_esp_add_tree(struct bl_esp *e, const char *src, const char *dest, char *err, size_t len)
{
	struct dirent **names;
	/* sorted: the same tree gives the same list, and so the same cache key */
	int n = scandir(src, &names, NULL, alphasort);
	if (n < 0) {
		mx_fmt(err, len, "%s: cannot read: %s", src, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char from[PATH_MAX], to[PATH_MAX];
		struct stat st;
		if (!rc && name[0] != '.' && /* dot files: locks, temporaries */
		    mx_fmt(from, sizeof(from), "%s/%s", src, name) < (int)sizeof(from) &&
		    mx_fmt(to, sizeof(to), "%s%s%s", dest, *dest ? "/" : "", name) < (int)sizeof(to) &&
		    !stat(from, &st)) {
			if (S_ISDIR(st.st_mode))
				rc = bl_esp_add_tree(e, from, to, err, len);
			else if (S_ISREG(st.st_mode) && bl_esp_add(e, from, to)) {
				mx_fmt(err, len, "%s: out of memory", from);
				rc = -1;
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

void bl_esp_free(struct bl_esp *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->files[i].src);
		free(e->files[i].dest);
	}
	free(e->files);
	e->files = NULL;
	e->n = e->cap = 0;
}

/* The tool's last line names what went wrong; the file is the one it worked on. */
static int mtool(const struct bl_esp *e, char *const argv[], const char *file, char *err, size_t len)
{
	int rc = mx_run(argv, e->log);
	if (rc) {
		char last[256] = "";
		if (e->log)
			mx_last_line(e->log, last, sizeof(last));
		mx_fmt(err, len, "%s: %s exited with status %d: %s", file, argv[0], rc, last);
		return -1;
	}
	return 0;
}

/* every directory the files go into, parents first, as mmd's "::/DIR" arguments */
static char **dirs_of(const struct bl_esp *e, size_t *count)
{
	char **dirs = calloc(e->n * 8 + 1, sizeof(*dirs));
	size_t n = 0;
	for (size_t i = 0; dirs && i < e->n; i++) {
		const char *d = e->files[i].dest;
		for (const char *s = strchr(d, '/'); s; s = strchr(s + 1, '/')) {
			char dir[PATH_MAX];
			mx_fmt(dir, sizeof(dir), "::/%.*s", (int)(s - d), d);
			bool seen = false;
			for (size_t k = 0; k < n && !seen; k++)
				seen = !strcmp(dirs[k], dir);
			if (!seen && n < e->n * 8)
				dirs[n++] = strdup(dir);
		}
	}
	*count = n;
	return dirs;
}

static int fill(const struct bl_esp *e, const char *img, long long bytes, char *err, size_t len)
{
	/* room for the files, FAT's tables and clusters; FAT32 wants 33 MB at least */
	long long mb = bytes / (1024 * 1024) * 5 / 4 + 48;
	if (mb < 64)
		mb = 64;
	if (truncate(img, mb * 1024 * 1024)) {
		mx_fmt(err, len, "%s: cannot size the image: %s", img, strerror(errno));
		return -1;
	}
	char *format[] = { "mformat", "-i", (char *)img, "-F", "-v", "ESP", "::", NULL };
	if (mtool(e, format, img, err, len))
		return -1;
	size_t ndirs;
	char **dirs = dirs_of(e, &ndirs);
	char **mmd = dirs ? calloc(ndirs + 4, sizeof(*mmd)) : NULL;
	int rc = mmd ? 0 : -1;
	if (mmd && ndirs) {
		mmd[0] = "mmd";
		mmd[1] = "-i";
		mmd[2] = (char *)img;
		memcpy(mmd + 3, dirs, ndirs * sizeof(*dirs));
		rc = mtool(e, mmd, img, err, len);
	}
	for (size_t i = 0; dirs && i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	free(mmd);
	for (size_t i = 0; !rc && i < e->n; i++) {
		char to[PATH_MAX];
		mx_fmt(to, sizeof(to), "::/%s", e->files[i].dest);
		char *copy[] = { "mcopy", "-o", "-i", (char *)img, e->files[i].src, to, NULL };
		rc = mtool(e, copy, e->files[i].src, err, len);
	}
	if (rc && !err[0])
		mx_fmt(err, len, "%s: out of memory", img);
	return rc;
}

int bl_esp_build(struct bl_esp *e, char *err, size_t len)
{
	struct mx_hash h;
	long long bytes = 0;
	char key[33];
	e->cached = false;
	err[0] = '\0';
	mx_hash_init(&h);
	mx_hash_str(&h, "esp-1");
	for (size_t i = 0; i < e->n; i++) {
		struct stat st;
		mx_hash_str(&h, e->files[i].dest);
		if (stat(e->files[i].src, &st) || mx_hash_file(&h, e->files[i].src)) {
			mx_fmt(err, len, "%s: cannot read: %s", e->files[i].src, strerror(errno));
			return -1;
		}
		bytes += st.st_size;
	}
	mx_hash_hex(&h, key);
	char dir[PATH_MAX], tmp[PATH_MAX + 64];
	if (e->cache_dir) {
		mx_fmt(dir, sizeof(dir), "%s/media", e->cache_dir);
		mx_fmt(e->img, sizeof(e->img), "%s/%s.img", dir, key);
		if (!access(e->img, R_OK)) {
			e->cached = true;
			return 0;
		}
	} else {
		mx_fmt(e->img, sizeof(e->img), "%s", e->work_img);
	}
	/* a unique temporary, then rename: other runs may share the cache at once */
	mx_fmt(tmp, sizeof(tmp), "%s.tmp.XXXXXX.img", e->img);
	int fd = e->cache_dir && mx_mkdir_p(dir) ? -1 : mkstemps(tmp, 4);
	if (fd < 0) {
		mx_fmt(err, len, "%s: cannot create: %s", tmp, strerror(errno));
		return -1;
	}
	close(fd);
	if (fill(e, tmp, bytes, err, len) || rename(tmp, e->img)) {
		if (!err[0])
			mx_fmt(err, len, "%s: cannot store the image: %s", e->img, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
