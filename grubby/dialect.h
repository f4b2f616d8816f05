/* A boot loader dialect: its keywords and how its config is laid out.
 * Each dialect is one table in its own dialect_NAME.c. */
#ifndef GRUBBY_DIALECT_H
#define GRUBBY_DIALECT_H

#include "grubby/model.h"

struct keyword {
	const char *key;
	enum line_type type;
	char next_char;		/* what follows the keyword: ' ' or '=' */
	char separator;		/* splits the value further (initrd lists) */
};

struct dialect {
	const char *name;		/* the --NAME flag */
	const char *default_config;
	const char *const *config_paths;	/* probed in order, if any */
	const struct keyword *keywords;	/* ends with a NULL key */
	bool case_insensitive;
	bool default_is_index;
	bool default_is_variable;	/* grub2: set default="N" */
	bool default_supports_saved;
	bool default_is_unquoted;
	enum line_type entry_start;
	enum line_type entry_end;
	bool needs_boot_prefix;
	bool args_in_quotes;
	int max_title_length;
	bool title_bracketed;	/* zipl: [title] */
	int title_position;
	bool mb_hyper_first;
	bool mb_initrd_is_module;
	bool mb_concat_args;	/* elilo: append="xen args -- linux args" */
	bool mb_allow_extra_initrds;
	bool uses_grubenv;
	bool title_strip_spaces;	/* extlinux labels without a template */
};

extern const struct dialect dialect_grub;
extern const struct dialect dialect_grub2;
extern const struct dialect dialect_extlinux;
extern const struct dialect dialect_elilo;
extern const struct dialect dialect_lilo;
extern const struct dialect dialect_zipl;
extern const struct dialect dialect_yaboot;
extern const struct dialect dialect_xenefi;	/* xen.cfg: xenefi.h */

const struct dialect *dialect_by_name(const char *name);
/* every dialect, NULL-terminated, in --help order */
extern const struct dialect *const all_dialects[];

/* the config file a dialect uses on this system, or NULL */
const char *dialect_find_config(const struct dialect *d);

const struct keyword *keyword_by_type(const struct dialect *d,
				      enum line_type type);
const char *key_by_type(const struct dialect *d, enum line_type type);
enum line_type type_by_keyword(const struct dialect *d, const char *word);
/* the line type to write for a kernel/initrd line in this dialect */
enum line_type preferred_line_type(const struct config *cfg,
				   enum line_type type);

#endif
