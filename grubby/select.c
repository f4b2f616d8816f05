/* Finding entries: by index, by kernel path or title, and the template a
 * new entry is copied from. */
#include "grubby/core.h"

#include <blkid/blkid.h>
#include <ctype.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Walks resume from the last entry found: callers step through entries in
 * order, and restarting from the head each time would make every
 * operation quadratic in the number of entries. */
static struct {
	const struct config *cfg;
	unsigned generation;
	struct entry *entry;
	int index;
} cursor;

struct entry *entry_by_index(struct config *cfg, int index)
{
	if (index < 0)
		return NULL;
	struct entry *e = cfg->entries;
	int i = 0;
	if (cursor.cfg == cfg && cursor.generation == cfg->generation &&
	    cursor.entry && cursor.index <= index) {
		e = cursor.entry;
		i = cursor.index;
	}
	while (e && i < index) {
		e = e->next;
		i++;
	}
	if (e) {
		cursor.cfg = cfg;
		cursor.generation = cfg->generation;
		cursor.entry = e;
		cursor.index = i;
	}
	return e;
}

int count_entries(struct config *cfg)
{
	int n = 0;
	for (struct entry *e = cfg->entries; e; e = e->next)
		if (!e->skip)
			n++;
	return n;
}

/* "2" or "1,3": entries by index; the index-th call gets the index-th */
static struct entry *entry_by_index_list(struct config *cfg,
					 const char *list, int *index)
{
	int count = 0, values[64];
	const char *p = list;
	char *end;
	for (;;) {
		long v = strtol(p, &end, 10);
		if (count < 64)
			values[count++] = (int)v;
		if (*end != ',')
			break;
		p = end + 1;
	}
	if (*end)
		return NULL;
	int i = 0;
	if (index)
		while (i < *index)
			if (++i >= count)
				return NULL;
	struct entry *e = entry_by_index(cfg, values[i]);
	if (!e || !line_by_type(LT_BOOTABLE, e->lines))
		return NULL;
	if (index)
		*index = values[i];
	return e;
}

static bool line_names(const struct line *l, const char *want)
{
	if (l->type == LT_MENUENTRY)
		return l->nelem > 1 && !strcmp(l->el[1].item, want);
	if (l->nelem < 2)
		return false;
	const char *path = l->el[path_element(l)].item;
	return !strcmp(path + root_specifier_len(path), want);
}

struct entry *entry_by_path(struct config *cfg, const char *kernel,
			    const char *prefix, int *index)
{
	if (isdigit((unsigned char)*kernel))
		return entry_by_index_list(cfg, kernel, index);

	struct entry *e;
	int i = index ? *index : 0;
	if (!strcmp(kernel, "DEFAULT")) {
		if (index && *index > cfg->default_image)
			return NULL;
		e = entry_by_index(cfg, cfg->default_image);
		if (e && e->skip)
			return NULL;
		if (e && index)
			*index = cfg->default_image;
		return e;
	}
	if (!strcmp(kernel, "ALL")) {
		for (e = entry_by_index(cfg, i); e && e->skip; e = e->next)
			i++;
		if (e && index)
			*index = i;
		return e;
	}

	enum line_type check = LT_KERNEL;
	const char *want;
	if (!strncmp(kernel, "TITLE=", 6)) {
		check = LT_TITLE | LT_MENUENTRY;
		want = kernel + 6;
	} else {
		/* the path as the config names it, below the boot prefix */
		size_t plen = prefix ? strlen(prefix) : 0;
		want = strlen(kernel) >= plen ? kernel + plen : "";
	}
	for (e = entry_by_index(cfg, i); e; e = e->next, i++) {
		if (e->skip)
			continue;
		enum line_type ct = check;
		if (e->multiboot && check == LT_KERNEL)
			ct = LT_BOOTABLE | LT_MBMODULE;
		else if (check & LT_KERNEL)
			ct = check | LT_ANY_KERNEL;
		struct line *l;
		for (l = line_by_type(ct, e->lines); l;
		     l = line_by_type(ct, l->next))
			if (line_names(l, want))
				break;
		/* only entries that boot something: skips chainloaders */
		if (l && line_by_type(LT_BOOTABLE, e->lines))
			break;
	}
	if (index)
		*index = i;
	return e;
}

struct entry *entry_by_title(struct config *cfg, const char *title,
			     int *index)
{
	int i = 0;
	for (struct entry *e = cfg->entries; e; e = e->next, i++) {
		if (index && i < *index)
			continue;
		struct line *l = line_by_type(LT_TITLE, e->lines);
		if (!l)
			l = line_by_type(LT_MENUENTRY, e->lines);
		char *t = l ? menuentry_title(l) : NULL;
		if (t && !strcmp(title, t)) {
			if (index)
				*index = i;
			return e;
		}
	}
	return NULL;
}

static blkid_cache blkid;

static char *spec_to_device(const char *spec)
{
	if (!blkid && blkid_get_cache(&blkid, NULL) < 0)
		return NULL;
	return blkid_get_devname(blkid, spec, NULL);
}

static char *device_uuid(const char *dev)
{
	if (!blkid && blkid_get_cache(&blkid, NULL) < 0)
		return NULL;
	return blkid_get_tag_value(blkid, "UUID", dev);
}

/* the device of the last "/" mount in the mount table */
static char *root_device(void)
{
	FILE *f = fopen(_PATH_MOUNTED, "r");
	if (!f) {
		fprintf(stderr, "grubby: failed to open %s: %m\n",
			_PATH_MOUNTED);
		return NULL;
	}
	char *buf = NULL, *found = NULL;
	size_t cap = 0;
	while (getline(&buf, &cap, f) >= 0) {
		char dev[4096], dir[4096];
		if (buf[0] != '/' ||
		    sscanf(buf, "%4095s %4095s", dev, dir) != 2)
			continue;
		if (!strcmp(dir, "/")) {
			free(found);
			found = strdup(dev);
		}
	}
	free(buf);
	fclose(f);
	if (!found)
		fprintf(stderr, "grubby: %s: no root mount_point found\n",
			_PATH_MOUNTED);
	return found;
}

/* the device "root=" names: on the kernel line, a root line, or args */
static const char *entry_root_spec(struct entry *e, struct line *kernel)
{
	for (int i = 2; i < kernel->nelem; i++)
		if (!strncasecmp(kernel->el[i].item, "root=", 5))
			return kernel->el[i].item + 5;
	struct line *l = line_by_type(LT_ROOT, e->lines);
	if (l && l->nelem >= 2)
		return l->el[1].item;
	l = line_by_type(LT_KERNELARGS | LT_MBMODULE, e->lines);
	if (!l) {
		not_suitable(e, 0, "no line found\n");
		return NULL;
	}
	for (int i = 1; i < l->nelem; i++)
		if (!strncasecmp(l->el[i].item, "root=", 5))
			return l->el[i].item + 5;
	not_suitable(e, 0, "no root= entry found\n");
	return NULL;
}

/* An entry can serve as a template when its kernel exists and it boots
 * the root file system we are running on. */
int suitable_image(struct entry *e, const char *prefix, int skip_removed,
		   int flags)
{
	if (skip_removed && e->skip) {
		not_suitable(e, 0, "marked to skip\n");
		return 0;
	}
	struct line *l = line_by_type(LT_BOOTABLE, e->lines);
	if (!l) {
		not_suitable(e, 0, "no line found\n");
		return 0;
	}
	if (l->nelem < 2) {
		not_suitable(e, 0, "line has only %d elements\n", l->nelem);
		return 0;
	}
	if (flags & GRUBBY_BADIMAGE_OKAY) {
		not_suitable(e, 1, "\n");
		return 1;
	}

	const char *word = l->el[path_element(l)].item;
	const char *path = word + root_specifier_len(word);
	size_t plen = strlen(prefix);
	bool slash = (plen && prefix[plen - 1] == '/') || path[0] == '/';
	char *full = gb_printf("%s%s%s", prefix, slash ? "" : "/", path);
	if (access(full, R_OK)) {
		not_suitable(e, 0, "access to %s failed\n", full);
		return 0;
	}

	const char *spec = entry_root_spec(e, l);
	if (!spec)
		return 0;
	char *dev = spec_to_device(spec);
	if (!dev) {
		not_suitable(e, 0, "can't find blkid entry for %s\n", spec);
		return 0;
	}
	char *rootdev = root_device();
	if (!rootdev) {
		not_suitable(e, 0, "can't find root device\n");
		free(dev);
		return 0;
	}
	char *u1 = device_uuid(rootdev), *u2 = device_uuid(dev);
	int ok = 0;
	if (!u1 || !u2)
		not_suitable(e, 0, "uuid missing: rootdev %s, dev %s\n",
			     u1 ? u1 : "(null)", u2 ? u2 : "(null)");
	else if (strcmp(u1, u2))
		not_suitable(e, 0, "uuid mismatch: rootdev %s, dev %s\n", u1,
			     u2);
	else
		ok = 1;
	if (ok)
		not_suitable(e, 1, "\n");
	free(u1);
	free(u2);
	free(rootdev);
	free(dev);
	return ok;
}

/* The default entry if it will do, else the first entry that will; the
 * index returned counts only entries that are kept. */
struct entry *find_template(struct config *cfg, const char *prefix,
			    int *index, int skip_removed, int flags)
{
	struct entry *e;
	if (cfg->default_is_saved) {
		char *title = env_get(cfg, "saved_entry");
		if (title) {
			int i = 0;
			bool numeric = *title && strspn(title, "0123456789") ==
							 strlen(title);
			if (numeric) {
				i = atoi(title);
				e = entry_by_index(cfg, i);
			} else {
				e = entry_by_title(cfg, title, &i);
			}
			if (e && suitable_image(e, prefix, skip_removed, flags)) {
				cfg->default_image = i;
				if (index)
					*index = i;
				return e;
			}
		}
	} else if (cfg->default_image >= 0) {
		e = entry_by_index(cfg, cfg->default_image);
		if (e && suitable_image(e, prefix, skip_removed, flags)) {
			if (index)
				*index = cfg->default_image;
			return e;
		}
	}

	int kept = 0;
	for (e = cfg->entries; e; e = e->next) {
		if (suitable_image(e, prefix, skip_removed, flags)) {
			if (index)
				*index = kept;
			return e;
		}
		if (!e->skip)
			kept++;
	}
	fprintf(stderr, "grubby fatal error: unable to find a suitable "
		"template in %s\n", cfg->path ? cfg->path : "the config");
	return NULL;
}
