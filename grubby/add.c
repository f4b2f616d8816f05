/* --add-kernel: a new entry, copied from a template entry when there is
 * one (--copy-default), line by line. */
#include "grubby/core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEED_KERNEL (1 << 0)
#define NEED_INITRD (1 << 1)
#define NEED_TITLE (1 << 2)
#define NEED_MB (1 << 4)
#define NEED_END (1 << 5)
#define NEED_DEVTREE (1 << 6)

struct add_state {
	struct config *cfg;
	struct entry *new;
	struct entry *tmpl;
	const char *prefix;
	const struct new_kernel *nk;
	const char *title;
	struct line *last;	/* the line added most recently */
	int needs;
};

/* a path as the config names it: below the boot file system */
static const char *below_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strlen(path) >= n ? path + n : "";
}

/* the initrd value: the new initrd, then extra initrds the template line
 * does not list already */
static char *initrd_value(struct add_state *s, const struct line *tmpl)
{
	const struct new_kernel *nk = s->nk;
	const struct keyword *kw = keyword_by_type(s->cfg->d, LT_INITRD);
	char sep = kw ? kw->separator : ' ';
	size_t total = strlen(nk->initrd) + 1;
	for (int i = 0; i < nk->extra_initrd_count; i++)
		total += strlen(nk->extra_initrds[i]) + 1;
	char *val = gb_alloc(total), *end = val;
	end = stpcpy(end, below_prefix(nk->initrd, s->prefix));
	for (int i = 0; i < nk->extra_initrd_count; i++) {
		const char *extra = below_prefix(nk->extra_initrds[i], s->prefix);
		bool present = false;
		for (int j = 2; tmpl && j < tmpl->nelem; j++)
			if (!strcmp(extra, tmpl->el[j].item))
				present = true;
		if (present)
			continue;
		*end++ = sep;
		end = stpcpy(end, extra);
	}
	return val;
}

static void add(struct add_state *s, enum line_type type, const char *indent,
		const char *val)
{
	s->last = add_line(s->cfg, s->new, type, indent, val);
}

static void copy(struct add_state *s, const struct line *tmpl, const char *val)
{
	s->last = add_line_tmpl(s->cfg, s->new, tmpl, s->last, val);
}

/* The title goes in unquoted: the writer quotes it, with double quotes
 * when it holds a single quote and nothing else GRUB would expand, else
 * the way GRUB's own scripts do ('Bob'\''s'). */
static char *quoted_title(const char *title)
{
	return gb_strdup(title);
}

static void copy_kernel_line(struct add_state *s, struct line *t)
{
	struct config *cfg = s->cfg;
	const char *kernel = below_prefix(s->nk->path, s->prefix);
	if (s->tmpl->multiboot || !(s->needs & NEED_MB)) {
		if (s->needs & NEED_KERNEL) {
			copy(s, t, kernel);
			s->needs &= ~NEED_KERNEL;
		}
		return;
	}
	/* a Xen entry from a plain template: hypervisor, then the kernel as
	 * its first module, keeping the template's arguments */
	const char *mb = below_prefix(s->nk->mb_kernel, s->prefix);
	if (cfg->d->mb_hyper_first) {
		add(s, LT_HYPER, t->indent, mb);
		/* grub2 entries are indented by their braces, not by the
		 * indent of the file's last line */
		if (!cfg->d->entry_end) {
			line_touch(t);
			t->indent = cfg->secondary_indent;
		}
		s->needs &= ~NEED_MB;
	}
	if (s->needs & NEED_KERNEL) {
		if (keyword_by_type(cfg->d, LT_MBMODULE)) {
			line_touch(t);
			t->type = LT_MBMODULE;
			struct line *h = line_by_type(LT_HYPER, s->new->lines);
			t->el[0].item = gb_strdup(
				cfg->d == &dialect_grub2 && h &&
				!strcmp(h->el[0].item, "multiboot") ?
				"module" : key_by_type(cfg->d, LT_MBMODULE));
		}
		copy(s, t, kernel);
		s->needs &= ~NEED_KERNEL;
	}
	if (s->needs & NEED_MB) {
		add(s, LT_HYPER, cfg->secondary_indent, mb);
		s->needs &= ~NEED_MB;
	}
}

static void copy_module_line(struct add_state *s, struct line *t)
{
	struct config *cfg = s->cfg;
	const char *kernel = below_prefix(s->nk->path, s->prefix);
	if (s->new->multiboot) {
		if (s->needs & NEED_KERNEL) {
			copy(s, t, kernel);
			s->needs &= ~NEED_KERNEL;
		} else if (cfg->d->mb_initrd_is_module &&
			   (s->needs & NEED_INITRD)) {
			copy(s, t, initrd_value(s, t));
			s->needs &= ~NEED_INITRD;
		}
		return;
	}
	/* a Xen template for a plain entry: modules become kernel, initrd */
	if (s->needs & NEED_KERNEL) {
		line_touch(t);
		t->type = preferred_line_type(cfg, LT_KERNEL);
		t->el[0].item = gb_strdup(key_by_type(cfg->d, t->type));
		copy(s, t, kernel);
		s->needs &= ~NEED_KERNEL;
	} else if (s->needs & NEED_INITRD) {
		line_touch(t);
		t->type = preferred_line_type(cfg, LT_INITRD);
		t->el[0].item = gb_strdup(key_by_type(cfg->d, t->type));
		copy(s, t, initrd_value(s, t));
		s->needs &= ~NEED_INITRD;
	}
}

/* A menuentry line keeps what follows its title as one element; its id is
 * the word after $menuentry_id_option (or --id) there, which saved_entry
 * and "set default" may name. Finds that word: its start and length. */
static const char *find_id(const struct line *l, size_t *len)
{
	static const char *const opts[] = { "$menuentry_id_option ", "--id " };
	const char *rest = l->nelem > 2 ? l->el[2].item : "";
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const char *p = strstr(rest, opts[i]);
		if (!p)
			continue;
		p += strlen(opts[i]);
		while (*p == ' ' || *p == '\t')
			p++;
		const char *e = p;
		if (*p == '\'') {
			const char *q = strchr(p + 1, '\'');
			e = q ? q + 1 : p + strlen(p);
		} else {
			while (*e && !isspace((unsigned char)*e) && *e != '{')
				e++;
		}
		*len = (size_t)(e - p);
		return *len ? p : NULL;
	}
	return NULL;
}

static bool id_taken(const struct config *cfg, const struct entry *self,
		     const char *quoted)
{
	size_t want = strlen(quoted), len;
	for (const struct entry *e = cfg->entries; e; e = e->next) {
		if (e == self || e->skip)
			continue;
		for (const struct line *l = e->lines; l; l = l->next) {
			const char *id = l->type == LT_MENUENTRY ?
					 find_id(l, &len) : NULL;
			if (id && len == want && !strncmp(id, quoted, len))
				return true;
		}
	}
	return false;
}

/* "bootchain-vmlinuz-V" (with the hypervisor's name for a Xen entry), kept
 * to characters that need no quoting, numbered until no other entry has it */
static void give_own_id(struct add_state *s, struct line *l)
{
	size_t len;
	const char *id = find_id(l, &len);
	if (!id)
		return;
	const char *k = strrchr(s->nk->path, '/');
	const char *h = s->nk->mb_kernel ? strrchr(s->nk->mb_kernel, '/') : NULL;
	char *base = gb_printf("bootchain-%s%s%s", k ? k + 1 : s->nk->path,
			       s->nk->mb_kernel ? "-" : "",
			       s->nk->mb_kernel ? (h ? h + 1 : s->nk->mb_kernel) : "");
	for (char *c = base; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
			*c = '_';
	char *quoted = gb_printf("'%s'", base);
	for (int n = 2; id_taken(s->cfg, s->new, quoted); n++)
		quoted = gb_printf("'%s-%d'", base, n);
	const char *rest = l->el[2].item;
	l->el[2].item = gb_printf("%.*s%s%s", (int)(id - rest), rest, quoted,
				  id + len);
	l->raw = NULL;
}

static void copy_echo_line(struct add_state *s, struct line *t,
			   const struct line *master)
{
	static const char loading[] = "'Loading ";
	requote(s->cfg->d, t);
	if (t->nelem > 1 && strstr(t->el[1].item, loading) && master->next &&
	    is_kernel_type(master->next->type)) {
		char *text = grub_quote(gb_printf("%s%s", loading + 1,
						  s->title));
		add(s, LT_ECHO, t->indent, text);
	} else {
		copy(s, t, NULL);
	}
}

static void copy_template_line(struct add_state *s, const struct line *master)
{
	struct config *cfg = s->cfg;
	const struct new_kernel *nk = s->nk;
	struct line *t = line_dup(master);

	const char *p = t->indent;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p == '#')
		return;		/* comments stay with the template */

	if (is_kernel_type(t->type) && t->nelem >= 2) {
		copy_kernel_line(s, t);
	} else if (t->type == LT_HYPER && t->nelem >= 2) {
		if (s->needs & NEED_MB) {
			copy(s, t, below_prefix(nk->mb_kernel, s->prefix));
			s->needs &= ~NEED_MB;
		}
	} else if (t->type == LT_MBMODULE && t->nelem >= 2) {
		copy_module_line(s, t);
	} else if (is_initrd_type(t->type) && t->nelem >= 2) {
		/* for a new Xen entry the initrd module goes after the kernel
		 * module, below; a plain initrd line is dropped */
		if ((s->needs & NEED_INITRD) && !(s->new->multiboot &&
		    !s->tmpl->multiboot && cfg->d->mb_initrd_is_module)) {
			copy(s, t, initrd_value(s, t));
			s->needs &= ~NEED_INITRD;
		}
	} else if (t->type == LT_MENUENTRY && (s->needs & NEED_TITLE)) {
		requote(cfg->d, t);
		copy(s, t, quoted_title(s->title));
		if (nk->unique_id)
			give_own_id(s, s->last);
		s->needs &= ~NEED_TITLE;
	} else if (t->type == LT_TITLE && (s->needs & NEED_TITLE)) {
		if (t->nelem >= 2) {
			copy(s, t, s->title);
			s->needs &= ~NEED_TITLE;
		} else if (t->nelem == 1 && cfg->d->title_bracketed) {
			add(s, LT_TITLE, t->indent, s->title);
			s->needs &= ~NEED_TITLE;
		}
	} else if (t->type == LT_ECHO) {
		copy_echo_line(s, t, master);
	} else if (t->type == LT_DEVTREE && t->nelem == 2 && nk->devtree) {
		copy(s, t, below_prefix(nk->devtree, s->prefix));
		s->needs &= ~NEED_DEVTREE;
	} else if (t->type == LT_ENTRY_END && (s->needs & NEED_DEVTREE)) {
		size_t n = strlen(s->prefix);
		const char *dt = strncmp(nk->devtree, s->prefix, n) ?
				 nk->devtree : nk->devtree + n;
		add(s, LT_DEVTREE, cfg->secondary_indent, dt);
		s->needs &= ~NEED_DEVTREE;
		copy(s, t, NULL);
	} else {
		copy(s, t, NULL);
	}
}

/* without a template the entry starts with the dialect's first line */
static void start_entry(struct add_state *s)
{
	struct config *cfg = s->cfg;
	const char *kernel = below_prefix(s->nk->path, s->prefix);
	switch (cfg->d->entry_start) {
	case LT_KERNEL:
		if (!(s->new->multiboot && cfg->d->mb_hyper_first)) {
			add(s, preferred_line_type(cfg, LT_KERNEL),
			    cfg->primary_indent, kernel);
			s->needs &= ~NEED_KERNEL;
			break;
		}
		add(s, LT_HYPER, cfg->primary_indent,
		    below_prefix(s->nk->mb_kernel, s->prefix));
		s->needs &= ~NEED_MB;
		break;
	case LT_MENUENTRY:
		add(s, LT_MENUENTRY, cfg->primary_indent,
		    quoted_title(s->title));
		s->needs &= ~NEED_TITLE;
		s->needs |= NEED_END;
		break;
	case LT_TITLE: {
		char *label = gb_strdup(s->title);
		if (cfg->d->title_strip_spaces) {
			char *w = label;
			for (const char *r = s->title; *r; r++)
				if (*r != ' ')
					*w++ = *r;
			*w = '\0';
		}
		add(s, LT_TITLE, cfg->primary_indent, label);
		s->needs &= ~NEED_TITLE;
		break;
	}
	default:
		abort();
	}
}

/* whatever the template did not provide, in the dialect's order */
static void finish_entry(struct add_state *s)
{
	struct config *cfg = s->cfg;
	const struct new_kernel *nk = s->nk;
	const char *ind = cfg->secondary_indent;
	bool mb_module = s->new->multiboot &&
			 keyword_by_type(cfg->d, LT_MBMODULE);

	struct line *end = line_by_type(LT_ENTRY_END, s->new->lines);
	if (end) {
		remove_line(s->new, end);
		s->needs |= NEED_END;
	}
	if (s->needs & NEED_TITLE)
		add(s, LT_TITLE, ind, s->title);
	if ((s->needs & NEED_MB) && cfg->d->mb_hyper_first) {
		add(s, LT_HYPER, ind, below_prefix(nk->mb_kernel, s->prefix));
		s->needs &= ~NEED_MB;
	}
	if (s->needs & NEED_KERNEL)
		add(s, mb_module ? LT_MBMODULE :
		    preferred_line_type(cfg, LT_KERNEL), ind,
		    below_prefix(nk->path, s->prefix));
	if (s->needs & NEED_MB)
		add(s, LT_HYPER, ind, below_prefix(nk->mb_kernel, s->prefix));
	if (s->needs & NEED_INITRD)
		add(s, mb_module ? LT_MBMODULE :
		    preferred_line_type(cfg, LT_INITRD), ind,
		    initrd_value(s, NULL));
	if (s->needs & NEED_DEVTREE)
		add(s, LT_DEVTREE, ind, nk->devtree);
	if (s->needs & NEED_END)
		add(s, LT_ENTRY_END, ind, NULL);
}

/* titles longer than the boot loader allows are cut, then numbered until
 * they are unique */
static const char *fit_title(struct config *cfg, const char *title)
{
	int max = cfg->d->max_title_length;
	if (!max || strlen(title) <= (size_t)max)
		return title;
	char *buf = gb_printf("TITLE=%.*s", max, title);
	for (int i = 1; entry_by_path(cfg, buf, NULL, NULL); i++) {
		char num[16];
		snprintf(num, sizeof(num), "%d", i);
		size_t bl = strlen(buf), nl = strlen(num);
		if (nl > bl - 6)
			break;
		memcpy(buf + bl - nl, num, nl);
	}
	return buf + 6;
}

static struct entry *insert_entry(struct config *cfg, int index)
{
	struct entry *n = gb_alloc(sizeof(*n));
	memset(n, 0, sizeof(*n));
	struct entry **at = &cfg->entries;
	for (int i = 0; i < index && *at; i++)
		at = &(*at)->next;
	n->next = *at;
	*at = n;
	cfg->generation++;
	return n;
}

int add_new_kernel(struct config *cfg, struct entry *tmpl,
		   const char *prefix, const struct new_kernel *nk)
{
	if (!nk->path)
		return 0;
	struct add_state s = {
		.cfg = cfg, .tmpl = tmpl, .prefix = prefix, .nk = nk,
		.title = fit_title(cfg, nk->title),
		.needs = NEED_KERNEL | NEED_TITLE,
	};
	s.new = insert_entry(cfg, nk->index);
	if (nk->initrd)
		s.needs |= NEED_INITRD;
	if (nk->mb_kernel) {
		s.needs |= NEED_MB;
		s.new->multiboot = true;
	}
	if (nk->devtree && keyword_by_type(cfg->d, LT_DEVTREE))
		s.needs |= NEED_DEVTREE;

	if (tmpl)
		for (const struct line *m = tmpl->lines; m; m = m->next)
			copy_template_line(&s, m);
	else
		start_entry(&s);
	finish_entry(&s);

	char *index = gb_printf("%d", nk->index);
	if (update_image(cfg, index, prefix, nk->args, NULL, nk->mb_args,
			 NULL)) {
		cfg->is_modified = true;
		return 1;
	}
	return 0;
}
