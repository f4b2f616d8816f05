/* grubby config model: a config file is a list of lines before the first
 * entry, then a list of entries, each a list of lines. A line keeps its
 * leading whitespace and, for every word, the separator that followed it,
 * so that writing it back reproduces the input byte for byte. */
#ifndef GRUBBY_MODEL_H
#define GRUBBY_MODEL_H

#include <stdbool.h>
#include <stddef.h>

enum line_type {
	LT_UNIDENTIFIED = 0,
	LT_WHITESPACE = 1 << 0,
	LT_TITLE = 1 << 1,
	LT_KERNEL = 1 << 2,
	LT_INITRD = 1 << 3,
	LT_HYPER = 1 << 4,
	LT_DEFAULT = 1 << 5,
	LT_MBMODULE = 1 << 6,
	LT_ROOT = 1 << 7,
	LT_FALLBACK = 1 << 8,
	LT_KERNELARGS = 1 << 9,
	LT_BOOT = 1 << 10,
	LT_BOOTROOT = 1 << 11,
	LT_LBA = 1 << 12,
	LT_OTHER = 1 << 13,
	LT_GENERIC = 1 << 14,
	LT_ECHO = 1 << 16,
	LT_MENUENTRY = 1 << 17,
	LT_ENTRY_END = 1 << 18,
	LT_SET_VARIABLE = 1 << 19,
	LT_KERNEL_EFI = 1 << 20,
	LT_INITRD_EFI = 1 << 21,
	LT_KERNEL_16 = 1 << 22,
	LT_INITRD_16 = 1 << 23,
	LT_DEVTREE = 1 << 24,
	LT_UNKNOWN = 1 << 25,
};

#define LT_ANY_KERNEL (LT_KERNEL | LT_KERNEL_EFI | LT_KERNEL_16)
#define LT_ANY_INITRD (LT_INITRD | LT_INITRD_EFI | LT_INITRD_16)
/* the line that names what an entry boots: kernel or hypervisor */
#define LT_BOOTABLE (LT_ANY_KERNEL | LT_HYPER)

struct element {
	char *item;
	char *indent;		/* whitespace (or separator) after item */
};

struct line {
	/* the line as read, while nothing has changed it: written back as
	 * is, so untouched lines stay byte for byte (NULL once changed, and
	 * for new lines) */
	const char *raw;
	char *indent;		/* leading whitespace; whole text of comments */
	int nelem;
	struct element *el;
	struct line *next;
	enum line_type type;
	bool hidden;		/* not written: a submenu's line, emptied */
};

struct entry {
	struct line *lines;
	bool skip;		/* marked for removal */
	bool multiboot;
	struct menu_block *menu_parent;	/* grub2: its submenu, or the top */
	int menu_index;		/* grub2: GRUB's number for it there */
	struct entry *next;
};

struct dialect;
struct menu_block;
struct grubenv_ops;

/* default_image values besides entry indexes */
#define NO_DEFAULT_ENTRY -1
#define DEFAULT_SAVED -2
#define DEFAULT_SAVED_GRUB2 -3

#define CFG_NO_DEFAULT (1 << 0)	/* no default line seen: don't invent one */

struct config {
	struct line *lines;	/* lines before the first entry */
	struct entry *entries;
	char *primary_indent;
	char *secondary_indent;
	int default_image;
	int fallback_image;
	int flags;
	bool has_submenus;	/* grub2: defaults are GRUB menu paths */
	bool default_is_saved;	/* grub2 "set default=${saved_entry}" */
	bool is_modified;
	bool efi;		/* --efi: prefer linuxefi/initrdefi */
	unsigned generation;	/* bumped when the entry list changes */
	const struct dialect *d;
	const char *env_path;	/* grubenv file (grub2) */
	const char *path;	/* the file read, for messages */
};

/* strings live in one arena for the whole run: a config of thousands of
 * entries is hundreds of thousands of small strings */
char *gb_strdup(const char *s);
char *gb_strndup(const char *s, size_t n);
char *gb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *gb_alloc(size_t n);
void gb_arena_release(void);

#endif
