/* --update-kernel: change the arguments and initrd of existing entries. */
#include "grubby/core.h"

#include <popt.h>
#include <stdlib.h>
#include <string.h>

/* compare the names of two "name=value" arguments */
static int arg_name_cmp(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");
	if (la != lb)
		return la < lb ? -1 : 1;
	return strncmp(a, b, la);
}

/* compare the values; an argument without '=' has none */
static int arg_value_cmp(const char *a, const char *b)
{
	const char *va = strchr(a, '='), *vb = strchr(b, '=');
	if (!va && !vb)
		return 0;
	if (!va)
		return vb[1];
	if (!vb)
		return -va[1];
	return strcmp(va + 1, vb + 1);
}

static const char **split_args(const char *s)
{
	static const char *none[] = { NULL };
	const char **argv = NULL;
	if (!s)
		return none;
	if (poptParseArgvString(s, NULL, &argv)) {
		fprintf(stderr, "grubby: error separating arguments '%s'\n", s);
		return NULL;
	}
	return argv;
}

struct arg_target {
	struct line *line;
	int first;		/* first element that is an argument */
};

/* the line an entry keeps its (hypervisor) arguments on, or none */
static bool find_arg_line(struct config *cfg, struct entry *e, bool mb,
			  bool use_kernel_args, struct arg_target *t)
{
	if (use_kernel_args) {
		t->line = line_by_type(LT_KERNELARGS, e->lines);
		if (!t->line)
			t->line = add_line(cfg, e, LT_KERNELARGS,
					   cfg->secondary_indent, NULL);
		t->first = 1;
	} else {
		t->line = line_by_type(mb ? LT_HYPER :
				       LT_ANY_KERNEL | LT_MBMODULE, e->lines);
		t->first = t->line ? path_element(t->line) + 1 : 2;
	}
	return t->line != NULL;
}

/* elilo keeps "xen args -- linux args" on one append line */
static void split_concat_args(struct config *cfg, struct entry *e, bool mb,
			      struct arg_target *t)
{
	struct line *l = t->line;
	int i;
	for (i = t->first; i < l->nelem; i++)
		if (!strcmp(l->el[i].item, "--"))
			break;
	if (e->multiboot) {
		if (i == l->nelem) {
			insert_element(cfg->d, l, "--", t->first);
			i = t->first;
		}
		if (!mb)
			t->first = i + 1;
	} else if (i < l->nelem) {
		/* not a Xen entry any more: drop the hypervisor part */
		while (strcmp(l->el[t->first].item, "--"))
			remove_element(l, t->first);
		remove_element(l, t->first);
	}
}

static void set_root_line(struct config *cfg, struct entry *e,
			  const char *dev)
{
	struct line *r = line_by_type(LT_ROOT, e->lines);
	if (r) {
		line_touch(r);
		r->el[1].item = gb_strdup(dev);
	}
	else
		add_line(cfg, e, LT_ROOT, cfg->secondary_indent, dev);
}

static void add_args(struct config *cfg, struct entry *e, bool mb,
		     bool use_root, struct arg_target *t, const char **args)
{
	struct line *l = t->line;
	bool concat = mb && cfg->d->mb_concat_args;
	int cap = l->nelem + 16;
	bool *used = calloc((size_t)cap, sizeof(*used));
	if (!used)
		return;
	for (const char **arg = args; *arg; arg++) {
		bool replace = true;
		int i;
		for (i = t->first; i < l->nelem; i++) {
			if (concat && !strcmp(l->el[i].item, "--")) {
				replace = false;
				break;
			}
			if (used[i])
				continue;
			if (!arg_name_cmp(l->el[i].item, *arg)) {
				used[i] = true;
				break;
			}
		}
		if (i < l->nelem && replace) {
			line_touch(l);
			l->el[i].item = gb_strdup(*arg);
		} else if (use_root && !strncmp(*arg, "root=/dev/", 10)) {
			set_root_line(cfg, e, *arg + 5);
		} else {
			insert_element(cfg->d, l, *arg, i);
			if (l->nelem >= cap) {
				cap = l->nelem * 2;
				bool *n = realloc(used, (size_t)cap * sizeof(*n));
				if (!n)
					break;
				used = n;
			}
			memmove(&used[i + 1], &used[i],
				(size_t)(l->nelem - i - 1) * sizeof(*used));
			used[i] = true;
			/* root=LABEL= replaces a lilo root= line */
			if (use_root && !strncmp(*arg, "root=", 5)) {
				struct line *r = line_by_type(LT_ROOT, e->lines);
				if (r)
					remove_line(e, r);
			}
		}
	}
	free(used);
}

static void remove_args(struct config *cfg, struct entry *e, bool mb,
			bool use_root, struct arg_target *t, const char **args)
{
	struct line *l = t->line;
	bool concat = mb && cfg->d->mb_concat_args;
	for (const char **arg = args; *arg; arg++) {
		for (int i = t->first; i < l->nelem; i++) {
			if (concat && !strcmp(l->el[i].item, "--"))
				break;
			if (arg_name_cmp(l->el[i].item, *arg))
				continue;
			if (!strchr(*arg, '=') ||
			    !arg_value_cmp(l->el[i].item, *arg)) {
				remove_element(l, i);
				break;
			}
		}
		if (use_root && !strncmp(*arg, "root=", 5)) {
			struct line *r = line_by_type(LT_ROOT, e->lines);
			if (r)
				remove_line(e, r);
		}
	}
}

static int update_args(struct config *cfg, const char *image,
		       const char *prefix, const char *add, const char *del,
		       bool mb)
{
	const char **add_v = split_args(add);
	if (!add_v)
		return 1;
	const char **del_v = split_args(del);
	if (!del_v) {
		if (add)
			free(add_v);
		return 1;
	}
	bool use_kernel_args = keyword_by_type(cfg->d, LT_KERNELARGS) &&
			       (!mb || cfg->d->mb_concat_args);
	bool use_root = keyword_by_type(cfg->d, LT_ROOT) && !mb;

	struct entry *e;
	for (int index = 0; (e = entry_by_path(cfg, image, prefix, &index));
	     index++) {
		struct arg_target t;
		if (mb && !e->multiboot)
			continue;
		if (!find_arg_line(cfg, e, mb, use_kernel_args, &t))
			continue;
		if (cfg->d->mb_concat_args)
			split_concat_args(cfg, e, mb, &t);
		add_args(cfg, e, mb, use_root, &t, add_v);
		remove_args(cfg, e, mb, use_root, &t, del_v);
		/* an append line with nothing left goes */
		if (t.line->nelem == 1)
			remove_line(e, t.line);
	}
	if (add)
		free(add_v);
	if (del)
		free(del_v);
	return 0;
}

int update_image(struct config *cfg, const char *image, const char *prefix,
		 const char *add_args, const char *remove_args,
		 const char *add_mbargs, const char *remove_mbargs)
{
	if (!image)
		return 0;
	if ((add_args || remove_args) &&
	    update_args(cfg, image, prefix, add_args, remove_args, false))
		return 1;
	if ((add_mbargs || remove_mbargs) &&
	    update_args(cfg, image, prefix, add_mbargs, remove_mbargs, true))
		return 1;
	return 0;
}

static bool title_matches(struct config *cfg, struct entry *e,
			  const char *title)
{
	if (!title)
		return true;
	struct line *l = line_by_type(LT_TITLE | LT_MENUENTRY, e->lines);
	char *t = l ? extract_title(cfg, l) : NULL;
	return t && !strcmp(title, t);
}

static const char *strip_prefix(const char *path, const char *prefix)
{
	size_t n = prefix ? strlen(prefix) : 0;
	return n && !strncmp(path, prefix, n) ? path + n : path;
}

/* add a line keeping a grub2 entry's closing brace last */
static void add_before_end(struct config *cfg, struct entry *e,
			   enum line_type type, const char *indent,
			   const char *val)
{
	struct line *end = line_by_type(LT_ENTRY_END, e->lines);
	if (end)
		remove_line(e, end);
	add_line(cfg, e, type, indent, val);
	if (end)
		add_line(cfg, e, LT_ENTRY_END, "", NULL);
}

int update_initrd(struct config *cfg, const char *image, const char *prefix,
		  const char *initrd, const char *title)
{
	if (!image)
		return 0;
	struct entry *e;
	for (int index = 0; (e = entry_by_path(cfg, image, prefix, &index));
	     index++) {
		struct line *k = line_by_type(LT_ANY_KERNEL, e->lines);
		if (!k || !title_matches(cfg, e, title))
			continue;
		struct line *old = line_by_type(LT_ANY_INITRD, e->lines);
		if (old)
			remove_line(e, old);
		enum line_type lt = k->type == LT_KERNEL ? LT_INITRD :
				    k->type == LT_KERNEL_EFI ? LT_INITRD_EFI :
				    LT_INITRD_16;
		add_before_end(cfg, e, lt, k->indent,
			       strip_prefix(initrd, prefix));
		break;
	}
	return 0;
}

int add_mb_initrd(struct config *cfg, const char *mbkernel,
		  const char *image, const char *prefix, const char *initrd,
		  const char *title)
{
	(void)mbkernel;
	if (!image)
		return 0;
	struct entry *e;
	for (int index = 0; (e = entry_by_path(cfg, image, prefix, &index));
	     index++) {
		struct line *k = line_by_type(LT_MBMODULE, e->lines);
		if (!k || !title_matches(cfg, e, title))
			continue;
		add_before_end(cfg, e, LT_MBMODULE, k->indent,
			       strip_prefix(initrd, prefix));
		break;
	}
	return 0;
}
