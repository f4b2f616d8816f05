/* Assembling a config from its lines: global lines, entries, and which
 * entry is the default. */
#include "grubby/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_special_grub2_variable(const char *name)
{
	return !strcmp(name, "\"${next_entry}\"") ||
	       !strcmp(name, "\"${prev_saved_entry}\"");
}

static int number_length(const char *s)
{
	int i;
	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return i;
}

static const char *skip_quotes_and_blanks(const char *s)
{
	while (*s && (*s == '"' || *s == '\'' || *s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* the entry grub2's saved_entry names, by index or by title */
static int saved_entry_index(struct config *cfg, int fallback)
{
	char *title = env_get(cfg, "saved_entry");
	if (!title)
		return fallback;
	int index = 0;
	struct entry *e;
	if (number_length(title)) {
		index = atoi(title);
		e = entry_by_index(cfg, index);
	} else {
		e = entry_by_title(cfg, title, &index);
	}
	return e ? index : fallback;
}

static void resolve_default(struct config *cfg, struct line *def)
{
	const struct dialect *d = cfg->d;
	char *end;
	if (def->nelem > 2 && d->default_supports_saved &&
	    !strncmp(def->el[2].item, "\"${saved_entry}\"", 16)) {
		cfg->default_is_saved = true;
		cfg->default_image = saved_entry_index(cfg, DEFAULT_SAVED_GRUB2);
	} else if (d->default_is_variable && cfg->has_submenus) {
		/* GRUB's own numbering, through submenus: "1>2" */
		const char *v = def->nelem == 3 ? def->el[2].item :
			def->el[1].item;
		size_t n = strlen(v);
		if (n >= 2 && is_quote(v[0]) && v[n - 1] == v[0])
			v = gb_strndup(v + 1, n - 2);
		cfg->default_image = menu_path_index(cfg, v);
	} else if (d->default_is_variable) {
		const char *v = skip_quotes_and_blanks(
			def->nelem == 3 ? def->el[2].item : def->el[1].item);
		cfg->default_image = (int)strtol(v, &end, 10);
		if (*skip_quotes_and_blanks(end))
			cfg->default_image = NO_DEFAULT_ENTRY;
	} else if (d->default_supports_saved &&
		   !strncmp(def->el[1].item, "saved", 5)) {
		cfg->default_image = DEFAULT_SAVED;
	} else if (d->default_is_index) {
		cfg->default_image = (int)strtol(def->el[1].item, &end, 10);
		if (*end)
			cfg->default_image = NO_DEFAULT_ENTRY;
	} else {
		/* the default names an entry by its title */
		int i = 0;
		cfg->default_image = NO_DEFAULT_ENTRY;
		for (struct entry *e = cfg->entries; e; e = e->next, i++) {
			struct line *t = line_by_type(LT_TITLE, e->lines);
			if (!t)
				continue;
			const char *title = d->title_bracketed ?
				extract_title(cfg, t) :
				t->nelem >= 2 ? t->el[1].item : NULL;
			if (title && !strcmp(def->el[1].item, title)) {
				cfg->default_image = i;
				break;
			}
		}
	}
}

/* lines of types that tie an entry to Xen */
static void note_multiboot(struct entry *e, struct line *l)
{
	if (!e)
		return;
	if (is_kernel_type(l->type)) {
		if (e->multiboot)
			l->type = LT_HYPER;
	} else if (l->type == LT_MBMODULE) {
		/* the kernel line seen earlier was the hypervisor */
		for (struct line *k = e->lines; k; k = k->next) {
			if (k->type == LT_HYPER)
				break;
			if (is_kernel_type(k->type)) {
				k->type = LT_HYPER;
				break;
			}
		}
		e->multiboot = true;
	} else if (l->type == LT_HYPER) {
		e->multiboot = true;
	}
}

/* what a line tells about its entry or the whole config */
static void note_line(struct config *cfg, struct entry *entry,
		      struct line *l, struct line **def)
{
	const struct dialect *d = cfg->d;
	const struct keyword *default_kw = keyword_by_type(d, LT_DEFAULT);

	if (l->type == LT_SET_VARIABLE) {
		if (default_kw && l->nelem == 3 &&
		    !strcmp(l->el[1].item, default_kw->key) &&
		    !is_special_grub2_variable(l->el[2].item)) {
			cfg->flags &= ~CFG_NO_DEFAULT;
			*def = l;
		}
	} else if (l->type & (LT_ANY_KERNEL | LT_MBMODULE | LT_HYPER)) {
		note_multiboot(entry, l);
	} else if (l->type == LT_FALLBACK && l->nelem == 2) {
		char *end;
		cfg->fallback_image = (int)strtol(l->el[1].item, &end, 10);
		if (*end)
			cfg->fallback_image = -1;
	} else {
		canonicalize_line(d, l);
	}
	if (l->type == LT_DEFAULT && l->nelem == 2) {
		cfg->flags &= ~CFG_NO_DEFAULT;
		*def = l;
	}
}

/* a global option found inside an entry goes after the last global line
 * that is not blank */
static void move_to_globals(struct config *cfg, struct line *l,
			    struct line ***tail)
{
	struct line **p = &cfg->lines, **after = &cfg->lines;
	for (; *p; p = &(*p)->next)
		if ((*p)->type != LT_WHITESPACE)
			after = &(*p)->next;
	l->next = *after;
	*after = l;
	if (*tail == after)
		*tail = &l->next;
}

static struct entry *new_entry(struct config *cfg, struct entry *last)
{
	struct entry *e = gb_alloc(sizeof(*e));
	memset(e, 0, sizeof(*e));
	if (last)
		last->next = e;
	else
		cfg->entries = e;
	return e;
}

struct config *config_parse(char *text, const struct dialect *d, bool efi,
			    const char *env_path)
{
	struct config *cfg = gb_alloc(sizeof(*cfg));
	memset(cfg, 0, sizeof(*cfg));
	cfg->d = d;
	cfg->efi = efi;
	cfg->env_path = env_path;
	cfg->primary_indent = "";
	cfg->secondary_indent = "\t";
	cfg->flags = CFG_NO_DEFAULT;

	struct entry *entry = NULL;
	struct line *last = NULL, *def = NULL, **lines_tail = &cfg->lines;
	bool in_entry = false, moved = false;

	for (char *head = text; *head;) {
		char *eol = strchr(head, '\n');
		if (!eol)
			eol = head + strlen(head);
		bool more = *eol != '\0';
		*eol = '\0';	/* the word splitter stops at the line's end */
		struct line *l = parse_line(d, head, eol);
		head = more ? eol + 1 : eol;

		if (!in_entry && l->nelem)
			cfg->primary_indent = l->indent;
		else if (l->nelem)
			cfg->secondary_indent = l->indent;

		bool starts = l->type == d->entry_start || l->type == LT_OTHER ||
			      (d->title_bracketed && is_bracketed_title(l));
		/* after an entry's end, whatever follows is an entry too */
		if (starts || (cfg->entries && !in_entry)) {
			in_entry = true;
			entry = new_entry(cfg, entry);
		}
		note_line(cfg, entry, l, &def);

		if (in_entry && l->type == LT_GENERIC) {
			move_to_globals(cfg, l, &lines_tail);
			moved = true;
			continue;
		}
		/* and a blank line it leaves behind next to another goes */
		if (moved && l->type == LT_WHITESPACE && last &&
		    last->type == LT_WHITESPACE) {
			moved = false;
			continue;
		}
		moved = false;

		if (in_entry) {
			if (!entry->lines)
				entry->lines = l;
			else
				last->next = l;
			if (l->type == LT_ENTRY_END)
				in_entry = false;
		} else {
			*lines_tail = l;
			lines_tail = &l->next;
		}
		last = l;
	}

	if (d == &dialect_grub2)
		cfg->has_submenus = menu_tree_update(cfg);
	if (def)
		resolve_default(cfg, def);
	else
		cfg->default_image = 0;
	return cfg;
}

/* the whole file, ending in a newline, as the parser wants it; in the
 * arena, as the lines' raw text points into it */
static char *read_all(int fd, const char *name)
{
	struct stat st;
	size_t cap = 65536, size = 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;	/* one more: EOF is seen */
	char *buf = gb_alloc(cap + 2);
	for (;;) {
		if (size == cap) {
			char *nb = gb_alloc(cap * 2 + 2);
			memcpy(nb, buf, size);
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + size, cap - size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "grubby: error reading %s: %s\n", name,
				strerror(errno));
			return NULL;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (memchr(buf, '\0', size)) {
		fprintf(stderr, "grubby: %s: not a text file (contains NUL "
			"bytes)\n", name);
		return NULL;
	}
	if (size == 0 || buf[size - 1] != '\n')
		buf[size++] = '\n';
	buf[size] = '\0';
	return buf;
}

/* check_script: refuse a grub.cfg that GRUB could not parse (before
 * changing it) */
struct config *config_read(const char *path, const struct dialect *d,
			   bool efi, const char *env_path, bool check_script)
{
	int fd = 0;
	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "grubby: error opening %s for read: "
				"%s\n", path, strerror(errno));
			return NULL;
		}
	}
	char *text = read_all(fd, strcmp(path, "-") ? path : "stdin");
	if (fd)
		close(fd);
	if (!text)
		return NULL;
	int line;
	const char *problem;
	if (check_script && d == &dialect_grub2 &&
	    grub_script_check(text, strlen(text), &line, &problem)) {
		fprintf(stderr, "grubby: %s:%d: %s; not a valid GRUB script, "
			"nothing changed\n", strcmp(path, "-") ? path : "stdin",
			line, problem);
		return NULL;
	}
	struct config *cfg = config_parse(text, d, efi, env_path);
	cfg->path = gb_strdup(path);
	return cfg;
}

char *menuentry_title(const struct line *l)
{
	if (l->nelem < 2 || strcmp(l->el[0].item, "menuentry"))
		return NULL;
	const char *cur = l->el[1].item;
	size_t len = strlen(cur);
	if (!is_quote(*cur))
		return (char *)cur;
	if (len > 1 && is_quote(cur[len - 1]))
		return gb_strndup(cur + 1, len - 2);

	/* the title runs on to the word that ends with the same quote */
	char quote = *cur;
	size_t total = 1;
	for (int i = 1; i < l->nelem; i++)
		total += strlen(l->el[i].item) + strlen(l->el[i].indent);
	char *out = gb_alloc(total);
	char *end = stpcpy(out, cur + 1);
	for (int i = 2; i < l->nelem; i++) {
		const char *item = l->el[i].item;
		size_t n = strlen(item);
		end = stpcpy(end, l->el[i - 1].indent);
		if (n && item[n - 1] == quote) {
			memcpy(end, item, n - 1);
			end[n - 1] = '\0';
			break;
		}
		end = stpcpy(end, item);
	}
	return out;
}

char *extract_title(const struct config *cfg, const struct line *l)
{
	if (l->type == LT_TITLE) {
		int pos = cfg->d->title_position;
		if (pos >= l->nelem)
			return NULL;
		const char *t = l->el[pos].item;
		if (cfg->d->title_bracketed) {
			size_t n = strlen(t);
			return n >= 2 ? gb_strndup(t + 1, n - 2) : gb_strdup("");
		}
		return gb_strdup(t);
	}
	if (l->type == LT_MENUENTRY && l->nelem > 1)
		return gb_strdup(l->el[1].item);
	return NULL;
}
