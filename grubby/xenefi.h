/* xen.cfg, the file xen.efi reads beside itself on the EFI system
 * partition: "[global]" with "default=SECTION", then a section a boot with
 * "options=" (Xen's arguments), "kernel=FILE ARGS" (dom0) and "ramdisk=".
 * Files are named as xen.efi opens them: relative to its own directory, or
 * "\PATH" from the root of the partition. Unlike the other dialects a
 * section is edited line by line in place; the text model is its own. */
#ifndef GRUBBY_XENEFI_H
#define GRUBBY_XENEFI_H

#include <stdbool.h>
#include <stdio.h>

#define XENEFI_DEFAULT_CONFIG "/boot/efi/EFI/xen/xen.cfg"

/* one line, as read (without its '\n'; a '\r' before it stays) */
struct xenefi_line {
	const char *text;
};

struct xenefi_section {
	const char *name;
	int head;		/* the "[name]" line */
	int end;		/* one past its last line */
};

struct xenefi_cfg {
	struct xenefi_line *l;
	int n, cap;
	bool final_newline;	/* the file ended with one */
	bool crlf;		/* new lines end in "\r\n" too */
	struct xenefi_section *s;
	int nsec;
	const char *path;	/* for messages */
	const char *dir;	/* where xen.efi (and relative names) are */
	const char *esp;	/* the partition's mount point ("\" there) */
	const char *root;	/* --root ("" for none): stripped from paths shown */
};

/* dialect_xenefi.c: reading and writing the text */
struct xenefi_cfg *xenefi_parse(char *text, const char *path,
				const char *dir, const char *esp);
void xenefi_index(struct xenefi_cfg *c);
int xenefi_write(const struct xenefi_cfg *c, FILE *out);
/* the setting KEY of a section: its line, or -1; *val its value */
int xenefi_key(const struct xenefi_cfg *c, int sec, const char *key,
	       const char **val);
int xenefi_section(const struct xenefi_cfg *c, const char *name);
void xenefi_insert(struct xenefi_cfg *c, int at, const char *text);
void xenefi_delete(struct xenefi_cfg *c, int at, int count);
char *xenefi_host_path(const struct xenefi_cfg *c, const char *file);
char *xenefi_efi_path(const struct xenefi_cfg *c, const char *host);

/* xenefi_edit.c: what grubby's options do to a xen.cfg */
struct xenefi_request {
	const char *config, *output, *esp;
	const char *root;	/* --root: paths of that system image, under it */
	const char *info, *add_kernel, *remove_kernel, *update_kernel;
	const char *set_default, *args, *remove_args, *mb_args;
	const char *remove_mbargs, *initrd, *title;
	int set_default_index, set_index;
	bool show_default, show_default_index, show_default_title;
	bool copy_default, make_default, bad_image_okay, allow_empty;
	bool new_entry;		/* --new-entry-if-no-template */
};
int xenefi_run(const struct xenefi_request *r);

#endif
