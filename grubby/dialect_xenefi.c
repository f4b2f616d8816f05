/* xen.cfg (Xen's EFI configuration file): "[section]" lines and KEY=VALUE
 * settings, read the way xen.efi reads them: leading blanks are ignored,
 * '#' starts a comment anywhere and ';' at the start of a line. The
 * keywords below are the ones grubby writes; any other key (xsm=, ucode=,
 * dtb=, chain=, ...) is kept as it is. */
#include "grubby/dialect.h"
#include "grubby/xenefi.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct keyword xenefi_keywords[] = {
	{ "default", LT_DEFAULT, '=', 0 },	/* in [global] */
	{ "options", LT_HYPER, '=', 0 },	/* Xen's own arguments */
	{ "kernel", LT_KERNEL, '=', 0 },	/* dom0 kernel and its arguments */
	{ "ramdisk", LT_INITRD, '=', 0 },
	{ NULL, 0, 0, 0 },
};

/* the engine never parses xen.cfg (xenefi_run does): no entry_start */
const struct dialect dialect_xenefi = {
	.name = "xen-efi",
	.default_config = XENEFI_DEFAULT_CONFIG,
	.keywords = xenefi_keywords,
};

enum xkind { X_BLANK, X_SECTION, X_SETTING, X_BAD };

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* what a line is; for a section its name, for a setting its key and value
 * (both up to a comment, without trailing blanks or '\r') */
static enum xkind classify(const char *text, char **name, char **val)
{
	const char *p = skip_blanks(text);
	if (!*p || *p == '\r' || *p == '#' || *p == ';')
		return X_BLANK;
	size_t len = strcspn(p, "#\r");
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (*p == '[') {
		const char *close = memchr(p, ']', len);
		if (!close || close == p + 1 || close != p + len - 1)
			return X_BAD;
		if (name)
			*name = gb_strndup(p + 1, (size_t)(close - p - 1));
		return X_SECTION;
	}
	const char *eq = memchr(p, '=', len);
	if (!eq || eq == p || memchr(p, ' ', (size_t)(eq - p)) ||
	    memchr(p, '\t', (size_t)(eq - p)))
		return X_BAD;
	if (name)
		*name = gb_strndup(p, (size_t)(eq - p));
	if (val)
		*val = gb_strndup(eq + 1, len - (size_t)(eq + 1 - p));
	return X_SETTING;
}

void xenefi_index(struct xenefi_cfg *c)
{
	c->nsec = 0;
	c->s = gb_alloc(sizeof(*c->s) * (size_t)(c->n + 1));
	for (int i = 0; i < c->n; i++) {
		char *name;
		if (classify(c->l[i].text, &name, NULL) != X_SECTION)
			continue;
		if (c->nsec)
			c->s[c->nsec - 1].end = i;
		c->s[c->nsec++] = (struct xenefi_section){ name, i, c->n };
	}
}

static void grow(struct xenefi_cfg *c)
{
	if (c->n < c->cap)
		return;
	c->cap = c->cap ? c->cap * 2 : 64;
	struct xenefi_line *l = gb_alloc(sizeof(*l) * (size_t)c->cap);
	if (c->n)
		memcpy(l, c->l, sizeof(*l) * (size_t)c->n);
	c->l = l;
}

static struct xenefi_cfg *bad(const struct xenefi_cfg *c, int line,
			      const char *problem)
{
	fprintf(stderr, "grubby: %s:%d: %s; nothing changed\n", c->path,
		line + 1, problem);
	return NULL;
}

/* the checks that make every later edit well defined: each line is a
 * section, a setting or blank, settings live in sections, names are unique
 * and a section sets kernel=, ramdisk= and options= at most once */
static struct xenefi_cfg *check(struct xenefi_cfg *c)
{
	int sec = -1;
	for (int i = 0; i < c->n; i++) {
		char *name;
		switch (classify(c->l[i].text, &name, NULL)) {
		case X_BAD:
			return bad(c, i, "neither [section] nor key=value");
		case X_SETTING:
			if (sec < 0)
				return bad(c, i, "a setting before any [section]");
			for (const struct keyword *k = xenefi_keywords; k->key; k++) {
				if (strcmp(name, k->key))
					continue;
				int at = xenefi_key(c, sec, k->key, NULL);
				if (at != i)
					return bad(c, i, gb_printf("%s= set twice in "
						"[%s]", name, c->s[sec].name));
			}
			break;
		case X_SECTION:
			sec++;
			if (xenefi_section(c, name) != sec)
				return bad(c, i, gb_printf("[%s] appears twice",
							   name));
			break;
		case X_BLANK:
			break;
		}
	}
	return c;
}

struct xenefi_cfg *xenefi_parse(char *text, const char *path,
				const char *dir, const char *esp)
{
	struct xenefi_cfg *c = gb_alloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->dir = dir;
	c->esp = esp;
	size_t size = strlen(text);
	c->final_newline = size && text[size - 1] == '\n';
	for (char *p = text; *p;) {
		char *eol = strchr(p, '\n');
		if (eol)
			*eol = '\0';
		grow(c);
		c->l[c->n++].text = p;
		size_t len = strlen(p);
		if (len && p[len - 1] == '\r')
			c->crlf = true;
		p = eol ? eol + 1 : p + len;
	}
	xenefi_index(c);
	return check(c);
}

int xenefi_write(const struct xenefi_cfg *c, FILE *out)
{
	for (int i = 0; i < c->n; i++) {
		fputs(c->l[i].text, out);
		if (i + 1 < c->n || c->final_newline)
			fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

int xenefi_section(const struct xenefi_cfg *c, const char *name)
{
	for (int i = 0; i < c->nsec; i++)
		if (!strcmp(c->s[i].name, name))
			return i;
	return -1;
}

int xenefi_key(const struct xenefi_cfg *c, int sec, const char *key,
	       const char **val)
{
	if (sec < 0)
		return -1;
	for (int i = c->s[sec].head + 1; i < c->s[sec].end; i++) {
		char *name, *v;
		if (classify(c->l[i].text, &name, &v) == X_SETTING &&
		    !strcmp(name, key)) {
			if (val)
				*val = v;
			return i;
		}
	}
	return -1;
}

/* text is one line without its end; a "\r" is added in a CRLF file */
void xenefi_insert(struct xenefi_cfg *c, int at, const char *text)
{
	grow(c);
	memmove(&c->l[at + 1], &c->l[at], sizeof(*c->l) * (size_t)(c->n - at));
	c->l[at].text = c->crlf ? gb_printf("%s\r", text) : gb_strdup(text);
	c->n++;
	if (at == c->n - 1)
		c->final_newline = true;	/* the old last line gets one */
	xenefi_index(c);
}

void xenefi_delete(struct xenefi_cfg *c, int at, int count)
{
	memmove(&c->l[at], &c->l[at + count],
		sizeof(*c->l) * (size_t)(c->n - at - count));
	c->n -= count;
	xenefi_index(c);
}

static char *with_slashes(const char *s, char from, char to)
{
	char *out = gb_strdup(s);
	for (char *p = out; *p; p++)
		if (*p == from)
			*p = to;
	return out;
}

/* a file named in xen.cfg, as a path on this system */
char *xenefi_host_path(const struct xenefi_cfg *c, const char *file)
{
	char *f = with_slashes(file, '\\', '/');
	if (*f == '/')
		return gb_printf("%s%s", c->esp, f);
	return gb_printf("%s/%s", c->dir, f);
}

static const char *below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (!strncmp(path, dir, n) && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return NULL;
}

/* a path on this system as xen.efi names it, or NULL when it is not on
 * the partition; a relative path already is xen.efi's name */
char *xenefi_efi_path(const struct xenefi_cfg *c, const char *host)
{
	if (*host != '/')
		return gb_strdup(host);
	const char *rest = below(host, c->dir);
	if (rest)
		return with_slashes(rest, '/', '\\');
	if ((rest = below(host, c->esp)))
		return gb_printf("\\%s", with_slashes(rest, '/', '\\'));
	if (!*c->esp)
		return with_slashes(host, '/', '\\');
	return NULL;
}
