/* GRUB 2's menu as GRUB sees it: menuentries nested in submenus. grubby's
 * entry list is flat (a submenu's "submenu ... {" and "}" lines sit in
 * entries of their own); this file recovers the nesting from the lines in
 * file order, so that a default is written the way GRUB numbers it
 * ("1>2") and a submenu left without entries is not written at all (GRUB
 * rejects an empty block). */
#include "grubby/core.h"

#include <stdlib.h>
#include <string.h>

struct menu_block {
	struct line *open, *close;
	struct menu_block *parent;	/* NULL for the top level */
	bool submenu;		/* else a function, or a block we do not know */
	bool kept;		/* holds an entry that is written */
	int index;		/* among the menu items of its parent */
	int next_child;
};

struct walk {
	struct menu_block **stack;
	int depth, cap;
	struct menu_block *top;	/* arena: entries point to it */
	bool numbering;		/* second pass: hidden lines are known */
	bool any_submenu;
};

static bool opens_block(const struct line *l)
{
	if (!l->nelem || l->type == LT_MENUENTRY)
		return false;
	const char *w = l->el[l->nelem - 1].item;
	size_t n = strlen(w);
	return n && w[n - 1] == '{';
}

static bool is_menu_entry(const struct entry *e)
{
	for (const struct line *l = e->lines; l; l = l->next)
		if (l->nelem)
			return l->type == LT_MENUENTRY;
	return false;
}

/* the innermost submenu around what comes next */
static struct menu_block *current(struct walk *w)
{
	for (int i = w->depth - 1; i >= 0; i--)
		if (w->stack[i]->submenu)
			return w->stack[i];
	return w->top;
}

static void push(struct walk *w, struct line *l, bool kept)
{
	if (w->depth == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->stack = realloc(w->stack, sizeof(*w->stack) * (size_t)w->cap);
		if (!w->stack) {
			fprintf(stderr, "grubby: out of memory\n");
			exit(1);
		}
	}
	struct menu_block *b = gb_alloc(sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->open = l;
	b->submenu = !strcmp(l->el[0].item, "submenu");
	b->parent = current(w);
	/* anything but a submenu, or a submenu in a removed entry, is
	 * written or dropped with its entry */
	b->kept = !b->submenu || !kept;
	if (b->submenu) {
		w->any_submenu = true;
		if (w->numbering && !l->hidden)
			b->index = b->parent->next_child++;
	}
	w->stack[w->depth++] = b;
}

static void pop(struct walk *w, struct line *l)
{
	struct menu_block *b = w->stack[--w->depth];
	b->close = l;
	if (!w->numbering && b->submenu && !b->kept) {
		b->open->hidden = true;
		l->hidden = true;
	}
}

static void walk_lines(struct walk *w, struct line *l, bool kept)
{
	for (; l; l = l->next) {
		if (!w->numbering)
			l->hidden = false;
		if (opens_block(l))
			push(w, l, kept);
		else if (l->type == LT_ENTRY_END && w->depth)
			pop(w, l);
	}
}

static void walk(struct config *cfg, struct walk *w)
{
	w->top = gb_alloc(sizeof(*w->top));
	memset(w->top, 0, sizeof(*w->top));
	w->top->kept = true;
	walk_lines(w, cfg->lines, true);
	for (struct entry *e = cfg->entries; e; e = e->next) {
		if (!is_menu_entry(e)) {
			e->menu_parent = NULL;
			walk_lines(w, e->lines, !e->skip);
			continue;
		}
		struct menu_block *p = current(w);
		e->menu_parent = p;
		if (e->skip)
			continue;
		for (struct menu_block *b = p; b && !b->kept; b = b->parent)
			b->kept = true;
		if (w->numbering)
			e->menu_index = p->next_child++;
	}
	/* blocks left open: the config check reports them */
	while (w->depth)
		w->stack[--w->depth]->close = NULL;
}

bool menu_tree_update(struct config *cfg)
{
	struct walk w = { 0 };
	walk(cfg, &w);
	w.numbering = true;
	walk(cfg, &w);
	free(w.stack);
	return w.any_submenu;
}

/* "1>2": where GRUB finds an entry; NULL for what GRUB does not list */
char *menu_path(const struct entry *e)
{
	if (!e->menu_parent)
		return NULL;
	char *path = gb_printf("%d", e->menu_index);
	for (const struct menu_block *b = e->menu_parent; b && b->parent;
	     b = b->parent)
		path = gb_printf("%d>%s", b->index, path);
	return path;
}

/* the entry at a GRUB path of numbers, as its index in grubby's list, or
 * -1 when the path does not name an entry */
int menu_path_index(struct config *cfg, const char *path)
{
	int want[32], n = 0;
	const char *p = path;
	for (;;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 0 || n == 32)
			return -1;
		want[n++] = (int)v;
		if (*end == '\0')
			break;
		if (*end != '>')
			return -1;
		p = end + 1;
	}
	int i = 0;
	for (struct entry *e = cfg->entries; e; e = e->next, i++) {
		if (!e->menu_parent || e->skip)
			continue;
		int depth = 0;
		for (const struct menu_block *b = e->menu_parent; b->parent;
		     b = b->parent)
			depth++;
		if (depth + 1 != n || e->menu_index != want[n - 1])
			continue;
		const struct menu_block *b = e->menu_parent;
		int k = n - 2;
		for (; k >= 0 && b->index == want[k]; k--)
			b = b->parent;
		if (k < 0)
			return i;
	}
	return -1;
}
