/* Writing a config back out: untouched lines come out as they came in. */
#include "grubby/core.h"

#include <string.h>

/* GRUB reads "value" back as value: nothing in it expands or escapes */
static bool same_in_double_quotes(const char *v)
{
	if (strpbrk(v, "\"$`"))
		return false;
	for (const char *p = strchr(v, '\\'); p; p = strchr(p + 2, '\\'))
		if (p[1] == '\\' || p[1] == '\n' || p[1] == '\0')
			return false;
	return true;
}

/* a separator without its trailing blanks */
static size_t visible_len(const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

int line_write(FILE *out, const struct line *l, const struct dialect *d)
{
	if (l->raw)
		return fputs(l->raw, out) == EOF || fputc('\n', out) == EOF ?
		       -1 : 0;
	bool quoted_args = l->type == LT_KERNELARGS && d->args_in_quotes;
	if (fputs(l->indent, out) == EOF)
		return -1;
	for (int i = 0; i < l->nelem; i++) {
		const struct element *e = &l->el[i];
		if (l->type == LT_MENUENTRY && i == 1) {
			/* the title was read without its quotes */
			if (is_quote(*e->item))
				fputs(e->item, out);
			else if (strchr(e->item, '\'') &&
				 same_in_double_quotes(e->item))
				fprintf(out, "\"%s\"", e->item);
			else
				fputs(grub_quote(e->item), out);
			fputs(e->indent, out);
			continue;
		}
		if (i == 1 && quoted_args && fputc('"', out) == EOF)
			return -1;
		if (fputs(e->item, out) == EOF)
			return -1;
		if ((i < l->nelem - 1 || l->type == LT_SET_VARIABLE) &&
		    fputs(e->indent, out) == EOF)
			return -1;
		/* what ends a line is blank, except "name=" with no value */
		if (i == 0 && l->nelem == 1 && l->type != LT_SET_VARIABLE &&
		    !quoted_args && fwrite(e->indent, 1, visible_len(e->indent),
					   out) != visible_len(e->indent))
			return -1;
	}
	if (quoted_args && fputc('"', out) == EOF)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

/* the index-th entry that is not being removed */
static struct entry *nth_kept_entry(struct config *cfg, int index)
{
	struct entry *e = cfg->entries;
	for (;;) {
		while (e && e->skip)
			e = e->next;
		if (!e || index-- == 0)
			return e;
		e = e->next;
	}
}

static void save_default_title(struct config *cfg)
{
	struct entry *e = nth_kept_entry(cfg, cfg->default_image);
	if (!e)
		return;
	struct line *l = line_by_type(LT_MENUENTRY, e->lines);
	if (!l)
		l = line_by_type(LT_TITLE, e->lines);
	char *title = l ? extract_title(cfg, l) : NULL;
	if (title)
		env_set(cfg, "saved_entry", title);
}

static void write_default(FILE *out, const char *indent, const char *sep,
			  struct config *cfg)
{
	if (!cfg->default_image && cfg->flags == CFG_NO_DEFAULT)
		return;
	if (cfg->default_image == DEFAULT_SAVED) {
		fprintf(out, "%sdefault%ssaved\n", indent, sep);
	} else if (cfg->default_is_saved) {
		fprintf(out, "%sset default=\"${saved_entry}\"\n", indent);
		if (cfg->default_image >= 0 && cfg->d->uses_grubenv)
			save_default_title(cfg);
	} else if (cfg->default_image >= 0) {
		struct entry *e = nth_kept_entry(cfg, cfg->default_image);
		char *path = cfg->has_submenus && e ? menu_path(e) : NULL;
		if (path) {
			fprintf(out, "%sset default=\"%s\"\n", indent, path);
			return;
		}
		if (cfg->d->default_is_index) {
			if (cfg->d->default_is_variable)
				fprintf(out, "%sset default=\"%d\"\n", indent,
					cfg->default_image);
			else
				fprintf(out, "%sdefault%s%d\n", indent, sep,
					cfg->default_image);
			return;
		}
		if (!e)
			return;
		struct line *l = line_by_type(LT_TITLE, e->lines);
		if (l && l->nelem >= 2)
			fprintf(out, "%sdefault%s%s\n", indent, sep,
				l->el[1].item);
		else if (l && l->nelem == 1 && cfg->d->title_bracketed)
			fprintf(out, "%sdefault%s%s\n", indent, sep,
				extract_title(cfg, l));
	}
}

static bool sets_default(const struct config *cfg, const struct line *l)
{
	const struct keyword *kw = keyword_by_type(cfg->d, LT_DEFAULT);
	return l->type == LT_SET_VARIABLE && kw && l->nelem == 3 &&
	       !strcmp(l->el[1].item, kw->key) &&
	       strcmp(l->el[2].item, "\"${next_entry}\"") &&
	       strcmp(l->el[2].item, "\"${prev_saved_entry}\"");
}

int config_write(struct config *cfg, FILE *out)
{
	bool wrote_default = false;
	if (cfg->d == &dialect_grub2)
		menu_tree_update(cfg);
	for (struct line *l = cfg->lines; l; l = l->next) {
		if (l->hidden)
			continue;
		if (sets_default(cfg, l) || l->type == LT_DEFAULT) {
			write_default(out, l->indent, l->el[0].indent, cfg);
			wrote_default = true;
		} else if (l->type == LT_FALLBACK) {
			if (cfg->fallback_image > -1)
				fprintf(out, "%s%s%s%d\n", l->indent,
					l->el[0].item, l->el[0].indent,
					cfg->fallback_image);
		} else if (line_write(out, l, cfg->d)) {
			return -1;
		}
	}
	if (!wrote_default)
		write_default(out, cfg->primary_indent, "=", cfg);

	for (struct entry *e = cfg->entries; e; e = e->next) {
		if (e->skip)
			continue;
		for (struct line *l = e->lines; l; l = l->next)
			if (!l->hidden && line_write(out, l, cfg->d))
				return -1;
	}
	return ferror(out) ? -1 : 0;
}
