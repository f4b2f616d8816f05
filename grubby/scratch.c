/* --new-entry-if-no-template: a fresh system's config (empty, or only its
 * header) has no entry to copy, and grubby 8.40 refused --copy-default
 * there. With this option the entry is built from scratch in the dialect's
 * simple form (add.c's entry without a template), then completed here with
 * what booting needs and a copied entry would have brought along. */
#include "grubby/scratch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool scratch_has_template(struct config *cfg, const char *prefix, int flags)
{
	/* find_template() falls back to any suitable entry: ask that directly */
	for (struct entry *e = cfg->entries; e; e = e->next)
		if (suitable_image(e, prefix, 0, flags))
			return true;
	return false;
}

/* the entry add_new_kernel() inserted at INDEX (appended when beyond the end) */
static struct entry *new_entry(struct config *cfg, int index)
{
	struct entry *e = cfg->entries;
	for (int i = 0; e && e->next && i < index; i++)
		e = e->next;
	return e;
}

/* GRUB 2's linux16/initrd16 exist only on BIOS; linux/initrd boot a kernel
 * on BIOS and UEFI alike, as grub-mkconfig writes them. */
static void grub2_portable_linux(struct config *cfg, struct entry *e)
{
	for (struct line *l = e->lines; l; l = l->next) {
		enum line_type to = l->type == LT_KERNEL_16 ? LT_KERNEL :
				    l->type == LT_INITRD_16 ? LT_INITRD : 0;
		if (!to || !l->nelem)
			continue;
		l->type = to;
		l->el[0].item = gb_strdup(key_by_type(cfg->d, to));
	}
}

/* GRUB 2 decompresses a hypervisor only through its filter modules, which
 * nothing loads by default: name the one the file's suffix calls for, as
 * grub-mkconfig's 20_linux_xen does. */
static const char *grub2_decompressor(const char *path)
{
	static const struct {
		const char *suffix, *module;
	} filters[] = { { ".gz", "gzio" }, { ".xz", "xzio" }, { ".lzo", "lzopio" } };
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		size_t s = strlen(filters[i].suffix);
		if (n > s && !strcmp(path + n - s, filters[i].suffix))
			return filters[i].module;
	}
	return NULL;
}

/* A line of two words, "KEY<sep>VALUE", as the writer prints it back. */
static struct line *two_words(const char *indent, const char *key, const char *sep, const char *value)
{
	struct line *m = line_new();
	m->indent = gb_strdup(indent);
	m->type = LT_UNKNOWN;
	m->nelem = 2;
	m->el = gb_alloc(2 * sizeof(*m->el));
	m->el[0] = (struct element){ gb_strdup(key), gb_strdup(sep) };
	m->el[1] = (struct element){ gb_strdup(value), gb_strdup("") };
	return m;
}

static void grub2_insmod_before_hypervisor(struct entry *e, const char *module)
{
	struct line *prev = NULL;
	for (struct line *l = e->lines; l; prev = l, l = l->next) {
		if (l->type != LT_HYPER || !prev)
			continue;
		struct line *m = two_words(l->indent, "insmod", " ", module);
		m->next = l;
		prev->next = m;
		return;
	}
}

/* A config that was empty gets what booting unattended needs, as the
 * installer's own config would have had: GRUB waits at its menu forever
 * without a timeout, syslinux boots nothing without a default. A header of
 * the administrator's (any line with words or a comment) is left alone. */
static void fresh_header(struct config *cfg, struct entry *e)
{
	for (const struct line *l = cfg->lines; l; l = l->next)
		if (l->nelem || (l->indent && l->indent[strspn(l->indent, " \t\r\n")]))
			return;
	if (cfg->entries != e || e->next)
		return;
	struct line *first = NULL, *second = NULL;
	if (cfg->d == &dialect_grub2) {
		first = two_words("", "set", " ", "timeout=5");
	} else if (cfg->d == &dialect_grub) {
		first = two_words("", "timeout", "=", "5");
	} else if (cfg->d == &dialect_extlinux) {
		const struct line *label = line_by_type(LT_TITLE, e->lines);
		first = two_words("", "timeout", " ", "50"); /* tenths of a second */
		if (label && label->nelem >= 2)
			second = two_words("", "default", " ", label->el[1].item);
	}
	if (!first)
		return;
	first->next = second;
	(second ? second : first)->next = NULL;
	cfg->lines = first; /* the blank lines of an empty file go */
}

/* Whether the entry's kernel arguments hold NAME (NAME or NAME=...). */
static bool has_arg(const struct entry *e, const char *name)
{
	size_t n = strlen(name);
	for (const struct line *l = e->lines; l; l = l->next) {
		/* the kernel's own line: its module in a multiboot entry */
		int first = l->type == LT_KERNELARGS ? 1 :
			    (l->type & (LT_ANY_KERNEL | LT_MBMODULE)) ? 2 : l->nelem;
		for (int i = first; i < l->nelem; i++) {
			const char *a = l->el[i].item + (l->el[i].item[0] == '"');
			if (!strncmp(a, name, n) && (!a[n] || a[n] == '=' || a[n] == '"'))
				return true;
		}
	}
	return false;
}

/* The running kernel's console= arguments (an installer's console is the
 * new system's), up to "--" where init's arguments start. */
static char *running_consoles(void)
{
	FILE *in = fopen("/proc/cmdline", "r");
	if (!in)
		return NULL;
	char line[4096] = "", *out = NULL;
	if (!fgets(line, sizeof(line), in))
		line[0] = '\0';
	fclose(in);
	for (char *w = strtok(line, " \t\n"); w && strcmp(w, "--"); w = strtok(NULL, " \t\n"))
		if (!strncmp(w, "console=", 8) && w[8])
			out = out ? gb_printf("%s %s", out, w) : gb_strdup(w);
	return out;
}

/* Arguments a copied entry would have carried: "ro" (distributions mount
 * root read-only first) and, for a kernel booted directly, the console. A
 * Xen dom0's console is the hypervisor's business (HYPERVISOR_ARGS). */
static char *scratch_args(const struct entry *e)
{
	char *args = has_arg(e, "ro") || has_arg(e, "rw") ? NULL : gb_strdup("ro");
	char *consoles = e->multiboot || has_arg(e, "console") ? NULL : running_consoles();
	if (consoles)
		args = args ? gb_printf("%s %s", args, consoles) : consoles;
	return args;
}

void scratch_complete(struct config *cfg, const char *prefix, const struct new_kernel *nk)
{
	struct entry *e = new_entry(cfg, nk->index);
	if (!e)
		return;
	fprintf(stderr, "grubby: %s: no entry to copy; the entry for %s is built from scratch\n",
		cfg->path ? cfg->path : "config", nk->path);
	fresh_header(cfg, e);
	if (cfg->d == &dialect_grub2) {
		if (!cfg->efi)
			grub2_portable_linux(cfg, e);
		const char *module = nk->mb_kernel ? grub2_decompressor(nk->mb_kernel) : NULL;
		if (module)
			grub2_insmod_before_hypervisor(e, module);
	}
	char *args = scratch_args(e);
	if (args)
		update_image(cfg, gb_printf("%d", nk->index), prefix, args, NULL, NULL, NULL);
}
