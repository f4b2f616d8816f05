/* Boot Loader Specification (Type #1) entries: a directory of KEY VALUE
 * files, one per boot entry, read by systemd-boot (and by GRUB's blscfg),
 * and loader.conf's "default" line beside it. grubby --bls works on them.
 * See grubby(8), BLS ENTRIES. */
#ifndef GRUBBY_BLS_H
#define GRUBBY_BLS_H

#include <stdbool.h>
#include <stdio.h>

struct bls_line {
	const char *text;	/* the line as read (no newline), or as rewritten */
	const char *key;	/* NULL for blank lines and comments */
	const char *value;	/* trailing blanks trimmed */
};

struct bls_entry {
	const char *name;	/* file name, e.g. MACHINEID-VERSION.conf */
	const char *path;
	struct bls_line *lines;
	int nlines, cap;
	bool no_final_newline;	/* as read: kept that way */
	bool dirty, removed, created;
};

struct bls_dir {
	const char *dir;	/* the entries directory */
	const char *loader_conf;	/* loader.conf beside it */
	struct bls_entry **entries;	/* in systemd-boot's menu order */
	int n, cap;
	struct bls_entry *loader;	/* loader.conf (same line model) */
};

/* bls_entry.c: reading, checking, ordering and writing entry files */
/* Reads every *.conf of DIR and LOADER_CONF (missing: empty). 0, or -1
 * after one line "grubby: FILE:LINE: problem" for the first malformed one. */
int bls_read(struct bls_dir *b, const char *dir, const char *loader_conf);
/* One entry file's TEXT (LEN bytes) into E (path set, for messages); 0, or -1
 * after naming the bad line. */
int bls_parse(struct bls_entry *e, const char *text, size_t len);
const char *bls_get(const struct bls_entry *e, const char *key);
/* all "options" lines joined by single blanks ("" when none) */
const char *bls_options(const struct bls_entry *e);
/* Replace the first KEY line's value (others of KEY go), or append one. */
void bls_set(struct bls_entry *e, const char *key, const char *value);
void bls_unset(struct bls_entry *e, const char *key);
void bls_append(struct bls_entry *e, const char *key, const char *value);
struct bls_entry *bls_new_entry(struct bls_dir *b, const char *name);
void bls_sort(struct bls_dir *b);
int bls_write_entry(FILE *out, const struct bls_entry *e);

/* bls_args.c: kernel command lines as grubby edits them */
/* ARGS with each of ADD put in (a KEY=VALUE replaces KEY's old value) */
const char *bls_args_add(const char *args, const char *add);
/* ARGS without the arguments whose key is in REMOVE */
const char *bls_args_remove(const char *args, const char *remove);
/* the value of KEY= in ARGS, or NULL; and ARGS without KEY= */
const char *bls_args_value(const char *args, const char *key);

/* dialect_bls.c: what grubby --bls does */
struct bls_request {
	const char *entries_dir;	/* -c; default ROOT/boot/loader/entries */
	const char *root;		/* --root: machine-id, os-release */
	const char *machine_id;		/* --machine-id */
	const char *boot_fs;		/* --boot-filesystem */
	const char *output;		/* -o: only "-" (print, change nothing) */
	const char *add_kernel, *title, *args, *remove_args, *initrd;
	const char *const *extra_initrds;
	int extra_initrd_count;
	const char *devtree, *mb_kernel, *mb_args;
	const char *remove_kernel, *update_kernel, *set_default, *info;
	int set_default_index;
	bool copy_default, make_default, bad_image_okay;
	int show;	/* 'k', 'i', 't' for --default-kernel/-index/-title */
};
int bls_main(const struct bls_request *r);

/* bls_xen.c: the entry that starts Xen through systemd-boot's "efi" key */
/* Fills E (title, version, machine-id already there) to start the
 * hypervisor EFI image at XEN_EFI (a path on the boot partition). */
void bls_xen_entry(struct bls_entry *e, const char *xen_efi,
		   const char *mb_args, const char *version);
/* the xen.cfg such an entry names, as Xen spells it (\EFI\xen\xen.cfg) */
const char *bls_xen_cfg_path(const char *xen_efi);

#endif
