/* Which entry is the default (and the fallback) once entries are added
 * and removed. */
#include "grubby/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void mark_removed(struct config *cfg, const char *image, const char *prefix)
{
	if (!image)
		return;
	struct entry *e;
	if (isdigit((unsigned char)*image)) {
		e = entry_by_path(cfg, image, prefix, NULL);
		if (e)
			e->skip = true;
		return;
	}
	while ((e = entry_by_path(cfg, image, prefix, NULL)))
		e->skip = true;
}

/* the index grub2's saved_entry names, or -1 */
static int saved_default_index(struct config *cfg, int current)
{
	char *title = env_get(cfg, "saved_entry");
	if (!title)
		return NO_DEFAULT_ENTRY;
	if (*title && strspn(title, "0123456789") == strlen(title))
		return atoi(title);
	int i = current;
	entry_by_title(cfg, title, &i);
	return i;
}

/* entries marked for removal at or before index */
static int removed_up_to(struct config *cfg, int index)
{
	int n = 0, i = 0;
	for (struct entry *e = cfg->entries; e && i <= index; e = e->next, i++)
		if (e->skip)
			n++;
	return n;
}

void set_default_image(struct config *cfg, int adding, const char *kernel,
		       int new_is_default, const char *prefix, int flags,
		       int new_default_index, int new_entry_index)
{
	int lookup = 0;

	if (new_is_default) {
		cfg->default_image = new_entry_index;
		return;
	}
	if (new_default_index >= 0) {
		int verify = new_default_index;
		if (new_default_index == new_entry_index) {
			cfg->default_image = new_entry_index;
			return;
		}
		/* the index counts the entry being added */
		if (new_entry_index < new_default_index && !cfg->is_modified)
			verify--;
		cfg->default_image = entry_by_index(cfg, verify) ?
			new_default_index : NO_DEFAULT_ENTRY;
		return;
	}

	if (kernel) {
		int first = 0;
		if (!entry_by_path(cfg, kernel, prefix, &first)) {
			cfg->default_image = NO_DEFAULT_ENTRY;
			return;
		}
		cfg->default_image = first;
		lookup = first;
		if (adding && !cfg->is_modified && new_entry_index < first)
			cfg->default_image++;
	} else {
		if (cfg->default_image < 0) {
			if ((cfg->default_image == DEFAULT_SAVED ||
			     cfg->default_image == DEFAULT_SAVED_GRUB2) &&
			    cfg->default_is_saved && cfg->d->uses_grubenv) {
				int i = saved_default_index(cfg, lookup);
				if (i != NO_DEFAULT_ENTRY ||
				    env_get(cfg, "saved_entry")) {
					lookup = i;
					cfg->default_image = i;
				}
			}
		} else {
			lookup = cfg->default_image;
		}
		if (adding && new_entry_index <= cfg->default_image) {
			cfg->default_image++;
			if (cfg->is_modified)
				lookup++;
		}
	}

	struct entry *e = entry_by_index(cfg, lookup);
	if (!e || e->skip) {
		if (adding) {
			cfg->default_image = new_entry_index;
			return;
		}
		if (!find_template(cfg, prefix, &cfg->default_image, 1, flags))
			cfg->default_image = NO_DEFAULT_ENTRY;
		return;
	}
	cfg->default_image -= removed_up_to(cfg, lookup - 1);
}

void set_fallback_image(struct config *cfg, int adding)
{
	if (cfg->fallback_image == -1)
		return;
	struct entry *e = entry_by_index(cfg, cfg->fallback_image);
	if (!e || e->skip) {
		cfg->fallback_image = -1;
		return;
	}
	if (adding)
		cfg->fallback_image++;
	/* the bound shrinks as removed entries are counted, as it always did */
	int j = 0;
	for (e = cfg->entries; e && j < cfg->fallback_image; e = e->next, j++)
		if (e->skip)
			cfg->fallback_image--;
}
