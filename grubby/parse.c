/* Splitting a config line into words, the way every dialect needs. */
#include "grubby/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(char c)
{
	return isspace((unsigned char)c);
}

/* elements are gathered here, then copied to an array of the right size:
 * a config of thousands of entries has tens of thousands of lines */
static struct element *scratch;
static int scratch_cap;

static void push_element(struct line *l, int *cap, const char *item,
			 size_t ilen, const char *indent, size_t nlen)
{
	if (l->nelem == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		struct element *el = gb_alloc(sizeof(*el) * (size_t)*cap);
		if (l->nelem)
			memcpy(el, l->el, sizeof(*el) * (size_t)l->nelem);
		l->el = el;
	}
	l->el[l->nelem].item = gb_strndup(item, ilen);
	l->el[l->nelem].indent = gb_strndup(indent, nlen);
	l->nelem++;
}

static void push_scratch(int n, const char *item, size_t ilen,
			 const char *indent, size_t nlen)
{
	if (n == scratch_cap) {
		scratch_cap = scratch_cap ? scratch_cap * 2 : 64;
		scratch = realloc(scratch, sizeof(*scratch) * (size_t)scratch_cap);
		if (!scratch) {
			fprintf(stderr, "grubby: out of memory\n");
			exit(1);
		}
	}
	scratch[n].item = gb_strndup(item, ilen);
	scratch[n].indent = gb_strndup(indent, nlen);
}

/* Words are split at whitespace; the first word also ends at '=' and the
 * separator after a word may hold one '=' ("append = \"...\""). */
static void split_words(struct line *l, const char *start, const char *end)
{
	int n = 0;
	bool first = true;
	while (start < end) {
		const char *p = start;
		while (*p && !is_space(*p) && !(first && *p == '='))
			p++;
		const char *item = start;
		size_t ilen = (size_t)(p - start);
		start = p;
		if (*p == '=')
			p++;
		do {
			while (*p && is_space(*p))
				p++;
			if (*p == '=')
				p++;
		} while (is_space(*p));
		push_scratch(n++, item, ilen, start, (size_t)(p - start));
		start = p;
		first = false;
	}
	l->nelem = n;
	if (n) {
		l->el = gb_alloc(sizeof(*l->el) * (size_t)n);
		memcpy(l->el, scratch, sizeof(*l->el) * (size_t)n);
	}
}

bool is_bracketed_title(const struct line *l)
{
	if (l->nelem != 1 || l->el[0].item[0] != '[')
		return false;
	size_t len = strlen(l->el[0].item);
	return l->el[0].item[len - 1] == ']' &&
	       strcmp(l->el[0].item, "[defaultboot]");
}

/* a comment keeps all of its text in the indent */
static void make_comment(struct line *l)
{
	size_t len = strlen(l->indent);
	for (int i = 0; i < l->nelem; i++)
		len += strlen(l->el[i].item) + strlen(l->el[i].indent);
	char *full = gb_alloc(len + 1);
	char *end = stpcpy(full, l->indent);
	for (int i = 0; i < l->nelem; i++) {
		end = stpcpy(end, l->el[i].item);
		end = stpcpy(end, l->el[i].indent);
	}
	l->indent = full;
	l->type = LT_WHITESPACE;
	l->nelem = 0;
}

/* "initrd=a,b" (extlinux) or "initrd=a;b" (yaboot): one element a file */
static void split_initrd_list(const struct dialect *d, struct line *l)
{
	const struct keyword *kw = keyword_by_type(d, l->type);
	if (!kw || is_space(kw->separator) || !kw->separator)
		return;
	char sep[2] = { kw->separator, '\0' };
	struct line n = *l;
	int cap = 0;
	n.nelem = 0;
	n.el = NULL;
	push_element(&n, &cap, l->el[0].item, strlen(l->el[0].item),
		     l->el[0].indent, strlen(l->el[0].indent));
	for (int i = 1; i < l->nelem; i++) {
		const char *s = l->el[i].item;
		const char *c;
		while ((c = strchr(s, kw->separator))) {
			push_element(&n, &cap, s, (size_t)(c - s), sep, 1);
			s = c + 1;
		}
		push_element(&n, &cap, s, strlen(s), l->el[i].indent,
			     strlen(l->el[i].indent));
	}
	l->nelem = n.nelem;
	l->el = n.el;
}

/* "set name=value": the name and the value become elements of their own */
static void split_set(struct line *l)
{
	if (l->nelem < 2)
		return;
	char *eq = strchr(l->el[1].item, '=');
	if (!eq)
		return;
	struct element *el = gb_alloc(sizeof(*el) * (size_t)(l->nelem + 1));
	el[0] = l->el[0];
	el[1].item = gb_strndup(l->el[1].item, (size_t)(eq - l->el[1].item));
	int n = 2;
	if (eq[1]) {
		el[1].indent = "=";
		el[2].item = gb_strdup(eq + 1);
		el[2].indent = l->el[1].indent;
		n = 3;
	} else {
		el[1].indent = gb_printf("=%s", l->el[1].indent);
	}
	for (int i = 2; i < l->nelem; i++)
		el[n++] = l->el[i];
	l->el = el;
	l->nelem = n;
}

/* start..end is one line, NUL-terminated at end, that lives as long as
 * the config (it is the line's raw text) */
struct line *parse_line(const struct dialect *d, const char *start,
			const char *end)
{
	struct line *l = line_new();
	const char *p = start;
	l->raw = start;
	while (p < end && is_space(*p))
		p++;
	l->indent = gb_strndup(start, (size_t)(p - start));
	split_words(l, p, end);

	if (!l->nelem) {
		l->type = LT_WHITESPACE;
		return l;
	}
	l->type = type_by_keyword(d, l->el[0].item);
	if (l->type == LT_UNKNOWN) {
		if (d->title_bracketed && is_bracketed_title(l))
			l->type = LT_TITLE;
		if (l->el[0].item[0] == '#')
			make_comment(l);
	} else if (l->type == LT_INITRD) {
		split_initrd_list(d, l);
	} else if (l->type == LT_SET_VARIABLE) {
		split_set(l);
	}
	return l;
}

/* "title a b" and "default a b" (extlinux) hold one value with spaces */
static void join_value(struct line *l)
{
	size_t len = 1;
	for (int i = 1; i < l->nelem; i++)
		len += strlen(l->el[i].item) + strlen(l->el[i].indent);
	char *buf = gb_alloc(len);
	char *end = buf;
	*end = '\0';
	for (int i = 1; i < l->nelem; i++) {
		end = stpcpy(end, l->el[i].item);
		if (i + 1 != l->nelem)
			end = stpcpy(end, l->el[i].indent);
	}
	l->el[1].indent = l->el[l->nelem - 1].indent;
	l->el[1].item = buf;
	l->nelem = 2;
}

/* "menuentry 'a b' --class x {" becomes three elements: the keyword, the
 * title without its quotes, and everything after the title. */
/* a title quoted the way GRUB's scripts quote ('it'\''s'): read as GRUB
 * reads it. Returns false for the plain forms, which join_menuentry keeps
 * reading as grubby always did. */
static bool join_escaped_title(struct line *l)
{
	if (!l->raw)
		return false;
	const char *p = l->raw + strlen(l->indent) + strlen(l->el[0].item);
	while (*p == ' ' || *p == '\t')
		p++;
	const char *end;
	char *title = grub_word(p, &end);
	size_t span = (size_t)(end - p);
	bool plain = !memchr(p, '\\', span) &&
		     (!is_quote(*p) || (span >= 2 && end[-1] == *p &&
					!memchr(p + 1, *p, span - 2)));
	if (plain)
		return false;
	const char *rest = end;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	l->el[1] = (struct element){ title,
		gb_strndup(end, (size_t)(rest - end)) };
	l->el[2] = (struct element){ gb_strdup(rest), "" };
	l->nelem = 3;
	return true;
}

static void join_menuentry(struct line *l)
{
	if (join_escaped_title(l))
		return;
	size_t len = 1;
	for (int i = 1; i < l->nelem; i++)
		len += strlen(l->el[i].item) + strlen(l->el[i].indent);
	char *title = gb_alloc(len), *extras = gb_alloc(len);
	size_t tlen = 0;
	char quote = '\0';
	extras[0] = '\0';

	for (int i = 1; i < l->nelem; i++) {
		const char *t = l->el[i].item;
		if (is_quote(*t) && quote == '\0')
			quote = *t++;
		size_t n = strlen(t);
		if (n && t[n - 1] == quote) {
			memcpy(title + tlen, t, n - 1);
			tlen += n - 1;
			break;
		}
		memcpy(title + tlen, t, n);
		tlen += n;
		n = strlen(l->el[i].indent);
		memcpy(title + tlen, l->el[i].indent, n);
		tlen += n;
	}
	title[tlen] = '\0';

	int count = 0;
	char *end = extras;
	quote = '\0';
	for (int i = 1; i < l->nelem; i++) {
		const char *t = l->el[i].item;
		if (count >= 2) {
			end = stpcpy(end, t);
			end = stpcpy(end, l->el[i].indent);
		}
		if (is_quote(*t) && quote == '\0') {
			quote = *t;
			count++;
		}
		size_t n = strlen(t);
		if (n && t[n - 1] == quote)
			count++;
	}
	char *indent = l->el[l->nelem - 2].indent;
	l->el[1] = (struct element){ title, indent };
	l->el[2] = (struct element){ extras, indent };
	l->nelem = 3;
}

/* lilo-style append="...": the quotes come back when written */
static void strip_arg_quotes(struct line *l)
{
	if (l->nelem < 2)
		return;
	char *first = l->el[1].item;
	if (is_quote(*first))
		memmove(first, first + 1, strlen(first + 1) + 1);
	char *last = l->el[l->nelem - 1].item;
	size_t len = strlen(last);
	if (len && is_quote(last[len - 1]))
		last[len - 1] = '\0';
}

/* lines whose words grubby treats as one value */
void canonicalize_line(const struct dialect *d, struct line *l)
{
	if ((l->type == LT_DEFAULT && d->default_is_unquoted) ||
	    (l->type == LT_TITLE && l->nelem > 1))
		join_value(l);
	else if (l->type == LT_MENUENTRY && l->nelem > 3)
		join_menuentry(l);
	else if (l->type == LT_KERNELARGS && d->args_in_quotes)
		strip_arg_quotes(l);
}
