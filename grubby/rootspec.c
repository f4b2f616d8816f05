/* The part of a boot path that names where the file lives rather than the
 * file: a GRUB device "(hd0,0)", and the btrfs subvolume /boot sits on
 * (from the mounts table: --mounts, or /proc/mounts). */
#include "grubby/core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gb_mounts_path = "/proc/mounts";

/* subvol= values of the btrfs mounts, read once */
static char **subvols;
static size_t nsubvols;
static bool subvols_loaded;

static void add_subvols_from_options(char *opts)
{
	for (char *opt = strtok(opts, ","); opt; opt = strtok(NULL, ",")) {
		if (strncmp(opt, "subvol=", 7) || !opt[7])
			continue;
		char *val = opt + 7;
		char *eq = strchr(val, '=');
		if (eq)
			*eq = '\0';
		subvols = realloc(subvols, sizeof(*subvols) * (nsubvols + 1));
		if (!subvols)
			return;
		subvols[nsubvols++] = gb_strdup(val);
	}
}

static void load_subvols(void)
{
	subvols_loaded = true;
	FILE *f = fopen(gb_mounts_path, "r");
	if (!f)
		return;
	char *buf = NULL;
	size_t cap = 0;
	while (getline(&buf, &cap, f) >= 0) {
		char dev[4096], path[4096], type[256], opts[4096];
		if (sscanf(buf, "%4095s %4095s %255s %4095s", dev, path,
			   type, opts) != 4)
			continue;
		if (!strcmp(type, "btrfs"))
			add_subvols_from_options(opts);
	}
	free(buf);
	fclose(f);
}

static size_t subvol_prefix_len(const char *str)
{
	if (!subvols_loaded)
		load_subvols();
	size_t best = 0;
	for (size_t i = 0; i < nsubvols; i++) {
		const char *v = subvols[i];
		size_t n = strlen(v);
		if (strncmp(v, str, n))
			continue;
		if (v[n - 1] != '/' && str[n] != '/')
			continue;
		if (best < n)
			best = n;
	}
	return best;
}

size_t root_specifier_len(const char *str)
{
	size_t rs = 0;
	if (*str == '(') {
		for (; str[rs] != ')' && !isspace((unsigned char)str[rs]); rs++)
			if (!str[rs])
				return rs;
		rs++;
	}
	return rs + subvol_prefix_len(str + rs);
}
