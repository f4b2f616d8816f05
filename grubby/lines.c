/* Lines and their elements: copy, insert and remove words keeping the
 * whitespace conventions grubby has always produced. */
#include "grubby/core.h"

#include <string.h>

bool is_quote(char c)
{
	return c == '\'' || c == '"';
}

bool is_kernel_type(enum line_type t)
{
	return t == LT_KERNEL || t == LT_KERNEL_EFI || t == LT_KERNEL_16;
}

bool is_initrd_type(enum line_type t)
{
	return t == LT_INITRD || t == LT_INITRD_EFI || t == LT_INITRD_16;
}

/* The word holding the file a boot line loads: GRUB's linux, multiboot2
 * and module2 take options ("module2 --nounzip /initrd") before it. */
int path_element(const struct line *l)
{
	int i = 1;
	if (l->type & (LT_BOOTABLE | LT_MBMODULE | LT_ANY_INITRD))
		while (i < l->nelem - 1 && !strncmp(l->el[i].item, "--", 2))
			i++;
	return i;
}

struct line *line_new(void)
{
	struct line *l = gb_alloc(sizeof(*l));
	memset(l, 0, sizeof(*l));
	return l;
}

struct line *line_dup(const struct line *src)
{
	struct line *l = line_new();
	l->raw = src->raw;
	l->indent = gb_strdup(src->indent);
	l->type = src->type;
	l->nelem = src->nelem;
	l->el = gb_alloc(sizeof(*l->el) * (size_t)(src->nelem ? src->nelem : 1));
	for (int i = 0; i < src->nelem; i++) {
		l->el[i].item = gb_strdup(src->el[i].item);
		l->el[i].indent = gb_strdup(src->el[i].indent);
	}
	return l;
}

struct line *line_by_type(enum line_type type, struct line *l)
{
	for (; l; l = l->next)
		if (l->type & type)
			return l;
	return NULL;
}

void insert_element(const struct dialect *d, struct line *l,
		    const char *item, int at)
{
	if (at > l->nelem)
		at = l->nelem;
	line_touch(l);
	struct element *el = gb_alloc(sizeof(*el) * (size_t)(l->nelem + 1));
	if (l->nelem)
		memcpy(el, l->el, sizeof(*el) * (size_t)l->nelem);
	memmove(&el[at + 1], &el[at], sizeof(*el) * (size_t)(l->nelem - at));
	l->el = el;
	el[at].item = gb_strdup(item);

	const struct keyword *kw = keyword_by_type(d, l->type);
	char indent[2] = "";
	if (l->nelem == 0)
		indent[0] = '\0';
	else if (at == 0)
		indent[0] = kw ? kw->next_char : ' ';
	else if (kw && kw->separator)
		indent[0] = kw->separator;
	else
		indent[0] = ' ';

	if (at > 0 && el[at - 1].indent[0] == '\0') {
		/* the new word takes over the end of the line */
		el[at].indent = el[at - 1].indent;
		el[at - 1].indent = gb_strdup(indent);
	} else {
		el[at].indent = gb_strdup(indent);
	}
	l->nelem++;
}

void remove_element(struct line *l, int at)
{
	if (at >= l->nelem)
		return;
	line_touch(l);
	/* the previous word inherits what followed this one */
	if (at > 1)
		l->el[at - 1].indent = l->el[at].indent;
	for (int i = at; i < l->nelem - 1; i++)
		l->el[i] = l->el[i + 1];
	l->nelem--;
}

/* Join quoted phrases that the word splitter broke up back into one
 * element each ("'Loading Linux ...'"); words end up one separator apart.
 * Linear in the line's length. */
void requote(const struct dialect *d, struct line *l)
{
	struct element *el = gb_alloc(sizeof(*el) * (size_t)(l->nelem + 1));
	int n = 0, first_quoted = -1;

	line_touch(l);
	if (!l->nelem)
		return;
	el[n++].item = l->el[0].item;
	for (int j = 1; j < l->nelem; j++) {
		const char *item = l->el[j].item;
		size_t len = strlen(item);
		if (first_quoted == -1) {
			if (is_quote(item[0]))
				first_quoted = j;
			else
				el[n++].item = l->el[j].item;
			continue;
		}
		if (len && is_quote(item[len - 1])) {
			size_t total = 1;
			for (int i = first_quoted; i <= j; i++)
				total += strlen(l->el[i].item) +
					 strlen(l->el[i].indent);
			char *c = gb_alloc(total), *end = c;
			*end = '\0';
			for (int i = first_quoted; i <= j; i++) {
				end = stpcpy(end, l->el[i].item);
				end = stpcpy(end, l->el[i].indent);
			}
			el[n++].item = c;
			first_quoted = -1;
		}
	}
	/* an unterminated quote keeps its words rather than losing them */
	if (first_quoted != -1)
		for (int i = first_quoted; i < l->nelem; i++)
			el[n++].item = l->el[i].item;

	const struct keyword *kw = keyword_by_type(d, l->type);
	char *sep = gb_strdup(kw && kw->separator ? (char[]){ kw->separator, 0 }
					       : " ");
	for (int i = 0; i < n; i++)
		el[i].indent = i + 1 < n ? sep : "";
	l->nelem = n;
	l->el = el;
}

struct line *add_line_tmpl(struct config *cfg, struct entry *e,
			   const struct line *tmpl, struct line *prev,
			   const char *val)
{
	struct line *n = line_dup(tmpl);
	if (val || cfg->efi)
		line_touch(n);
	const enum line_type path_types = LT_HYPER | LT_MBMODULE |
		LT_ANY_KERNEL | LT_ANY_INITRD;

	if (cfg->efi && cfg->d == &dialect_grub2) {
		enum line_type old = n->type;
		n->type = preferred_line_type(cfg, n->type);
		if (old != n->type && n->nelem)
			n->el[0].item = gb_strdup(key_by_type(cfg->d, n->type));
	}

	if (val) {
		if (n->nelem > 1)
			remove_element(n, 1);
		insert_element(cfg->d, n, val, 1);

		/* keep the template's "(hd0,0)" in front of the new path */
		if ((tmpl->type & path_types) && tmpl->nelem > 1) {
			const char *from = tmpl->el[1].item;
			size_t rs = root_specifier_len(from);
			if (is_initrd_type(tmpl->type))
				for (struct line *l = e->lines; rs == 0 && l;
				     l = l->next)
					if (is_kernel_type(l->type) &&
					    l->nelem > 1) {
						from = l->el[1].item;
						rs = root_specifier_len(from);
						break;
					}
			if (rs > 0)
				n->el[1].item = gb_printf("%.*s%s", (int)rs,
							  from, val);
		}
	}

	if (!e->lines) {
		e->lines = n;
	} else if (prev) {
		n->next = prev->next;
		prev->next = n;
	}
	return n;
}

/* grub2: a module line must match its entry's multiboot generation */
static const char *module_keyword(struct config *cfg, struct entry *e)
{
	struct line *hyper = line_by_type(LT_HYPER, e->lines);
	if (cfg->d == &dialect_grub2 && hyper && hyper->nelem &&
	    !strcmp(hyper->el[0].item, "multiboot"))
		return "module";
	return key_by_type(cfg->d, LT_MBMODULE);
}

struct line *add_line(struct config *cfg, struct entry *e,
		      enum line_type type, const char *default_indent,
		      const char *val)
{
	struct line t = { .type = type };
	struct element el[3];
	char sep[2] = " ";	/* must outlive add_line_tmpl below */
	t.el = el;

	if (type == LT_TITLE && cfg->d->title_bracketed) {
		t.nelem = 1;
		el[0].item = gb_printf("[%s]", val);
		el[0].indent = "";
		val = NULL;
	} else if (type == LT_MENUENTRY) {
		const struct keyword *kw = keyword_by_type(cfg->d, type);
		sep[0] = kw->next_char;
		t.indent = "";
		t.nelem = 3;
		el[0] = (struct element){ (char *)kw->key, sep };
		el[1] = (struct element){ (char *)val, sep };
		el[2] = (struct element){
			"--class gnu-linux --class gnu --class os {", "" };
	} else {
		const struct keyword *kw = keyword_by_type(cfg->d, type);
		sep[0] = kw ? kw->next_char : ' ';
		t.nelem = val ? 2 : 1;
		el[0].item = (char *)(type == LT_MBMODULE ?
				      module_keyword(cfg, e) :
				      key_by_type(cfg->d, type));
		el[0].indent = sep;
		if (val)
			el[1] = (struct element){ (char *)val, "" };
	}

	/* insert after the last line with words; comments do not count */
	struct line *prev = NULL;
	for (struct line *l = e->lines; l; l = l->next) {
		if (l->nelem)
			prev = l;
		if (!l->next && !prev)
			prev = l;
	}

	struct line *menu = line_by_type(LT_MENUENTRY, e->lines);
	if (type == LT_ENTRY_END)
		t.indent = menu ? menu->indent :
			   (char *)(default_indent ? default_indent : "");
	else if (type != LT_MENUENTRY)
		t.indent = menu ? "\t" :
			   prev == e->lines ?
			   (char *)(default_indent ? default_indent : "") :
			   prev->indent;

	return add_line_tmpl(cfg, e, &t, prev, val);
}

void remove_line(struct entry *e, struct line *l)
{
	if (e->lines == l) {
		e->lines = l->next;
		return;
	}
	for (struct line *p = e->lines; p; p = p->next)
		if (p->next == l) {
			p->next = l->next;
			return;
		}
}
