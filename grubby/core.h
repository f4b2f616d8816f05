/* grubby's operations on a parsed config. Each function keeps the
 * behaviour (and the output, byte for byte) of grubby 8.40. */
#ifndef GRUBBY_CORE_H
#define GRUBBY_CORE_H

#include <stdio.h>

#include "grubby/dialect.h"
#include "grubby/model.h"

#define GRUBBY_BADIMAGE_OKAY (1 << 0)

/* lines.c: lines and their elements */
struct line *line_new(void);
struct line *line_dup(const struct line *l);
/* a line about to change: it is written from its words from now on */
static inline void line_touch(struct line *l)
{
	l->raw = NULL;
}
struct line *line_by_type(enum line_type type, struct line *l);
void insert_element(const struct dialect *d, struct line *l,
		    const char *item, int at);
void remove_element(struct line *l, int at);
void requote(const struct dialect *d, struct line *l);
struct line *add_line_tmpl(struct config *cfg, struct entry *e,
			   const struct line *tmpl, struct line *prev,
			   const char *val);
struct line *add_line(struct config *cfg, struct entry *e,
		      enum line_type type, const char *default_indent,
		      const char *val);
void remove_line(struct entry *e, struct line *l);
bool is_kernel_type(enum line_type t);
bool is_initrd_type(enum line_type t);
bool is_quote(char c);
int path_element(const struct line *l);

/* rootspec.c: "(hd0,0)" and btrfs subvolume prefixes of a path */
extern const char *gb_mounts_path;
size_t root_specifier_len(const char *path);

/* parse.c: one line */
struct line *parse_line(const struct dialect *d, const char *start,
			const char *end);
void canonicalize_line(const struct dialect *d, struct line *l);
bool is_bracketed_title(const struct line *l);

/* config.c: a whole config. The text given to config_parse must live as
 * long as the config: untouched lines are written from it. */
struct config *config_parse(char *text, const struct dialect *d,
			    bool efi, const char *env_path);
struct config *config_read(const char *path, const struct dialect *d,
			   bool efi, const char *env_path, bool check_script);
char *menuentry_title(const struct line *l);
char *extract_title(const struct config *cfg, const struct line *l);

/* menutree.c: GRUB 2 submenus */
bool menu_tree_update(struct config *cfg);
char *menu_path(const struct entry *e);
int menu_path_index(struct config *cfg, const char *path);

/* grubscript.c: what GRUB's parser needs of a grub.cfg */
int grub_script_check(const char *text, size_t len, int *line,
		      const char **problem);
char *grub_word(const char *s, const char **end);
char *grub_quote(const char *value);

/* writer.c */
int config_write(struct config *cfg, FILE *out);
int line_write(FILE *out, const struct line *l, const struct dialect *d);

/* select.c: finding entries */
struct entry *entry_by_index(struct config *cfg, int index);
struct entry *entry_by_path(struct config *cfg, const char *kernel,
			    const char *prefix, int *index);
struct entry *entry_by_title(struct config *cfg, const char *title,
			     int *index);
struct entry *find_template(struct config *cfg, const char *prefix,
			    int *index, int skip_removed, int flags);
int suitable_image(struct entry *e, const char *prefix, int skip_removed,
		   int flags);
int count_entries(struct config *cfg);

/* defaults.c */
void mark_removed(struct config *cfg, const char *image, const char *prefix);
void set_default_image(struct config *cfg, int adding, const char *kernel,
		       int new_is_default, const char *prefix, int flags,
		       int new_default_index, int new_entry_index);
void set_fallback_image(struct config *cfg, int adding);

/* update.c */
int update_image(struct config *cfg, const char *image, const char *prefix,
		 const char *add_args, const char *remove_args,
		 const char *add_mbargs, const char *remove_mbargs);
int update_initrd(struct config *cfg, const char *image, const char *prefix,
		  const char *initrd, const char *title);
int add_mb_initrd(struct config *cfg, const char *mbkernel,
		  const char *image, const char *prefix, const char *initrd,
		  const char *title);

/* add.c */
struct new_kernel {
	const char *path;
	const char *title;
	const char *args;
	const char *initrd;
	const char **extra_initrds;
	int extra_initrd_count;
	const char *mb_kernel;
	const char *mb_args;
	const char *devtree;
	int index;
	bool unique_id;		/* grub2: an id of its own, not the template's */
};
int add_new_kernel(struct config *cfg, struct entry *tmpl,
		   const char *prefix, const struct new_kernel *nk);

/* display.c */
int display_info(struct config *cfg, const char *kernel, const char *prefix);

/* debuglog.c: --debug reports about template choice */
extern int gb_debug;
extern const char *gb_command_line;
void not_suitable(struct entry *e, int okay, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* env.c: grub2's saved_entry */
char *env_get(const struct config *cfg, const char *name);
int env_set(const struct config *cfg, const char *name, const char *value);

/* probe.c */
int bootloader_probe(void);

#endif
