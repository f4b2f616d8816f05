/* LILO (lilo.conf): "image=" or "other=" starts an entry; labels are at
 * most 15 characters. */
#include "grubby/dialect.h"

static const struct keyword lilo_keywords[] = {
	{ "label", LT_TITLE, '=', 0 },
	{ "root", LT_ROOT, '=', 0 },
	{ "default", LT_DEFAULT, '=', 0 },
	{ "image", LT_KERNEL, '=', 0 },
	{ "other", LT_OTHER, '=', 0 },
	{ "initrd", LT_INITRD, '=', 0 },
	{ "append", LT_KERNELARGS, '=', 0 },
	{ "boot", LT_BOOT, '=', 0 },
	{ "lba", LT_LBA, ' ', 0 },
	{ NULL, 0, 0, 0 },
};

const struct dialect dialect_lilo = {
	.name = "lilo",
	.default_config = "/etc/lilo.conf",
	.keywords = lilo_keywords,
	.entry_start = LT_KERNEL,
	.args_in_quotes = true,
	.max_title_length = 15,
	.title_position = 1,
};
