/* BLS entry files: read line by line (each kept as read unless changed),
 * checked, put in systemd-boot's menu order, and written back. */
#include "grubby/bls.h"
#include "grubby/model.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* keys an entry has at most once: a second one is a mistake systemd-boot
 * would resolve silently (the last wins), so it is refused */
static const char *const single_keys[] = {
	"title", "version", "machine-id", "sort-key", "linux", "efi",
	"devicetree", "architecture", NULL,
};

static bool is_single(const char *key)
{
	for (int i = 0; single_keys[i]; i++)
		if (!strcmp(single_keys[i], key))
			return true;
	return false;
}

static void push_line(struct bls_entry *e, struct bls_line l)
{
	if (e->nlines == e->cap) {
		int cap = e->cap ? e->cap * 2 : 16;
		struct bls_line *n = gb_alloc(sizeof(*n) * (size_t)cap);
		if (e->nlines)
			memcpy(n, e->lines, sizeof(*n) * (size_t)e->nlines);
		e->lines = n;
		e->cap = cap;
	}
	e->lines[e->nlines++] = l;
}

/* Split TEXT into key and value. NULL, or the problem with it. */
static const char *split_line(struct bls_line *l)
{
	const char *p = l->text;
	l->key = l->value = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return NULL;
	const char *k = p;
	while (*p && *p != ' ' && *p != '\t') {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return "not a KEY VALUE line";
		p++;
	}
	l->key = gb_strndup(k, (size_t)(p - k));
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (!n)
		return gb_printf("\"%s\" has no value", l->key);
	l->value = gb_strndup(p, n);
	return NULL;
}

int bls_parse(struct bls_entry *e, const char *text, size_t len)
{
	if (memchr(text, '\0', len)) {
		fprintf(stderr, "grubby: %s: a NUL byte: not a text file\n",
			e->path);
		return -1;
	}
	const char *p = text, *end = text + len;
	for (int lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		struct bls_line l = { .text = gb_strndup(p, (size_t)(stop - p)) };
		const char *problem = split_line(&l);
		for (int i = 0; !problem && l.key && i < e->nlines; i++)
			if (e->lines[i].key && !strcmp(e->lines[i].key, l.key) &&
			    is_single(l.key))
				problem = gb_printf("a second \"%s\" line",
						    l.key);
		if (problem) {
			fprintf(stderr, "grubby: %s:%d: %s; nothing changed\n",
				e->path, lineno, problem);
			return -1;
		}
		push_line(e, l);
		e->no_final_newline = !nl;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int read_file(struct bls_entry *e, bool may_be_missing)
{
	FILE *f = fopen(e->path, "re");
	if (!f) {
		if (may_be_missing && errno == ENOENT)
			return 0;
		fprintf(stderr, "grubby: %s: %s\n", e->path, strerror(errno));
		return -1;
	}
	char buf[65536];
	size_t len = 0, cap = 0, n;
	char *text = NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			char *grown = gb_alloc(cap);
			if (len)
				memcpy(grown, text, len);
			text = grown;
		}
		memcpy(text + len, buf, n);
		len += n;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "grubby: %s: read error\n", e->path);
		return -1;
	}
	return len ? bls_parse(e, text, len) : 0;
}

static void push_entry(struct bls_dir *b, struct bls_entry *e)
{
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 16;
		struct bls_entry **n = gb_alloc(sizeof(*n) * (size_t)cap);
		if (b->n)
			memcpy(n, b->entries, sizeof(*n) * (size_t)b->n);
		b->entries = n;
		b->cap = cap;
	}
	b->entries[b->n++] = e;
}

static bool is_entry_name(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && name[0] != '.' && !strcmp(name + n - 5, ".conf");
}

int bls_read(struct bls_dir *b, const char *dir, const char *loader_conf)
{
	memset(b, 0, sizeof(*b));
	b->dir = dir;
	b->loader_conf = loader_conf;
	b->loader = gb_alloc(sizeof(*b->loader));
	memset(b->loader, 0, sizeof(*b->loader));
	b->loader->path = loader_conf;
	b->loader->name = "loader.conf";
	if (read_file(b->loader, true))
		return -1;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* no entry yet: the first add makes it */
		fprintf(stderr, "grubby: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d))) {
		if (!is_entry_name(de->d_name))
			continue;
		const char *path = gb_printf("%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;	/* not a file: not an entry */
		struct bls_entry *e = bls_new_entry(b, de->d_name);
		e->created = e->dirty = false;
		rc = read_file(e, false);
	}
	closedir(d);
	bls_sort(b);
	return rc;
}

struct bls_entry *bls_new_entry(struct bls_dir *b, const char *name)
{
	struct bls_entry *e = gb_alloc(sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->name = gb_strdup(name);
	e->path = gb_printf("%s/%s", b->dir, name);
	e->created = e->dirty = true;
	push_entry(b, e);
	return e;
}

const char *bls_get(const struct bls_entry *e, const char *key)
{
	for (int i = 0; i < e->nlines; i++)
		if (e->lines[i].key && !strcmp(e->lines[i].key, key))
			return e->lines[i].value;
	return NULL;
}

const char *bls_options(const struct bls_entry *e)
{
	const char *all = "";
	for (int i = 0; i < e->nlines; i++)
		if (e->lines[i].key && !strcmp(e->lines[i].key, "options"))
			all = *all ? gb_printf("%s %s", all, e->lines[i].value)
				   : e->lines[i].value;
	return all;
}

void bls_append(struct bls_entry *e, const char *key, const char *value)
{
	struct bls_line l = { .text = gb_printf("%s %s", key, value),
			      .key = gb_strdup(key), .value = gb_strdup(value) };
	push_line(e, l);
	e->dirty = true;
}

void bls_unset(struct bls_entry *e, const char *key)
{
	int out = 0;
	for (int i = 0; i < e->nlines; i++) {
		if (e->lines[i].key && !strcmp(e->lines[i].key, key)) {
			e->dirty = true;
			continue;
		}
		e->lines[out++] = e->lines[i];
	}
	e->nlines = out;
}

void bls_set(struct bls_entry *e, const char *key, const char *value)
{
	for (int i = 0; i < e->nlines; i++) {
		struct bls_line *l = &e->lines[i];
		if (!l->key || strcmp(l->key, key))
			continue;
		if (strcmp(l->value, value)) {
			/* keep the line's own indent and separator */
			const char *v = l->text + strspn(l->text, " \t");
			v += strlen(l->key);
			v += strspn(v, " \t");
			l->text = gb_printf("%.*s%s", (int)(v - l->text),
					    l->text, value);
			l->value = gb_strdup(value);
			e->dirty = true;
		}
		/* later lines of KEY go */
		int out = i + 1;
		for (int k = i + 1; k < e->nlines; k++) {
			if (e->lines[k].key && !strcmp(e->lines[k].key, key)) {
				e->dirty = true;
				continue;
			}
			e->lines[out++] = e->lines[k];
		}
		e->nlines = out;
		return;
	}
	bls_append(e, key, value);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* systemd-boot's order: entries with a sort-key first, by sort-key, then
 * machine-id, then version newest first; the others by file name, newest
 * version first. */
static int entry_cmp(const void *pa, const void *pb)
{
	const struct bls_entry *a = *(struct bls_entry *const *)pa;
	const struct bls_entry *b = *(struct bls_entry *const *)pb;
	const char *ka = bls_get(a, "sort-key"), *kb = bls_get(b, "sort-key");
	if (!ka != !kb)
		return ka ? -1 : 1;
	if (ka) {
		int r = strcmp(ka, kb);
		if (!r)
			r = strcmp(or_empty(bls_get(a, "machine-id")),
				   or_empty(bls_get(b, "machine-id")));
		if (!r)
			r = -strverscmp(or_empty(bls_get(a, "version")),
					or_empty(bls_get(b, "version")));
		if (r)
			return r;
	}
	return -strverscmp(a->name, b->name);
}

void bls_sort(struct bls_dir *b)
{
	if (b->n > 1)
		qsort(b->entries, (size_t)b->n, sizeof(*b->entries), entry_cmp);
}

int bls_write_entry(FILE *out, const struct bls_entry *e)
{
	for (int i = 0; i < e->nlines; i++) {
		fputs(e->lines[i].text, out);
		if (i + 1 < e->nlines || !e->no_final_newline)
			fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}
