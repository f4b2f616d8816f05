/* GRUB legacy (menu.lst / grub.conf): "title" starts an entry; a Xen entry
 * is "kernel /xen.gz ARGS" followed by "module" lines. */
#include "grubby/dialect.h"

static const struct keyword grub_keywords[] = {
	{ "title", LT_TITLE, ' ', 0 },
	{ "root", LT_BOOTROOT, ' ', 0 },
	{ "default", LT_DEFAULT, ' ', 0 },
	{ "fallback", LT_FALLBACK, ' ', 0 },
	{ "kernel", LT_KERNEL, ' ', 0 },
	{ "initrd", LT_INITRD, ' ', ' ' },
	{ "module", LT_MBMODULE, ' ', 0 },
	{ "kernel", LT_HYPER, ' ', 0 },
	{ NULL, 0, 0, 0 },
};

static const char *const grub_paths[] = {
	"/boot/grub/menu.lst", "/etc/grub.conf", NULL,
};

const struct dialect dialect_grub = {
	.name = "grub",
	.config_paths = grub_paths,
	.keywords = grub_keywords,
	.default_is_index = true,
	.default_supports_saved = true,
	.entry_start = LT_TITLE,
	.needs_boot_prefix = true,
	.mb_hyper_first = true,
	.mb_initrd_is_module = true,
	.mb_allow_extra_initrds = true,
	.title_position = 1,
};
