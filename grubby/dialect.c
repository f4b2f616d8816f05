/* Keyword lookups shared by every dialect, and finding the config file. */
#include "grubby/dialect.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const struct dialect *const all_dialects[] = {
	&dialect_elilo, &dialect_extlinux, &dialect_grub, &dialect_grub2,
	&dialect_lilo, &dialect_yaboot, &dialect_zipl, NULL,
};

const struct dialect *dialect_by_name(const char *name)
{
	for (int i = 0; all_dialects[i]; i++)
		if (!strcmp(all_dialects[i]->name, name))
			return all_dialects[i];
	return NULL;
}

const struct keyword *keyword_by_type(const struct dialect *d,
				      enum line_type type)
{
	for (const struct keyword *kw = d->keywords; kw->key; kw++)
		if (kw->type == type)
			return kw;
	return NULL;
}

const char *key_by_type(const struct dialect *d, enum line_type type)
{
	const struct keyword *kw = keyword_by_type(d, type);
	return kw ? kw->key : "unknown";
}

/* A word matches a keyword when it is the keyword, or the keyword followed
 * by whitespace or by one of the keyword's own separators. */
static bool keyword_matches(const struct keyword *kw, const char *word,
			    bool nocase)
{
	size_t kl = strlen(kw->key);
	if ((nocase ? strncasecmp : strncmp)(kw->key, word, kl))
		return false;
	char c = word[kl];
	if (c == '\0' || isspace((unsigned char)c))
		return true;
	return (kw->separator && c == kw->separator) ||
	       (kw->next_char && c == kw->next_char);
}

enum line_type type_by_keyword(const struct dialect *d, const char *word)
{
	for (const struct keyword *kw = d->keywords; kw->key; kw++)
		if (keyword_matches(kw, word, d->case_insensitive))
			return kw->type;
	return LT_UNKNOWN;
}

enum line_type preferred_line_type(const struct config *cfg,
				   enum line_type type)
{
	if (cfg->d != &dialect_grub2)
		return type;
#if defined(__aarch64__)
	return type;
#else
	if (cfg->efi) {
		if (type == LT_KERNEL)
			return LT_KERNEL_EFI;
		if (type == LT_INITRD)
			return LT_INITRD_EFI;
		return type;
	}
#if defined(__i386__) || defined(__x86_64__)
	if (type == LT_KERNEL)
		return LT_KERNEL_16;
	if (type == LT_INITRD)
		return LT_INITRD_16;
#endif
	return type;
#endif
}

const char *dialect_find_config(const struct dialect *d)
{
	if (!d->config_paths)
		return d->default_config;
	for (int i = 0; d->config_paths[i]; i++) {
		if (!access(d->config_paths[i], R_OK))
			return d->config_paths[i];
		if (errno == EACCES && d == &dialect_grub2) {
			printf("Unable to access bootloader configuration file "
			       "\"%s\": %s\n", d->config_paths[i],
			       strerror(errno));
			exit(1);
		}
	}
	/* Debian and Ubuntu call grub2 "grub": /etc/grub.d tells them apart */
	if (d == &dialect_grub2 && !access("/etc/grub.d/", R_OK))
		return "/boot/grub/grub.cfg";
	return d->default_config;
}
