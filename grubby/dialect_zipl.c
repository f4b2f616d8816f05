/* z/IPL (s390 zipl.conf): "[title]" starts an entry. */
#include "grubby/dialect.h"

static const struct keyword zipl_keywords[] = {
	{ "target", LT_BOOTROOT, '=', 0 },
	{ "image", LT_KERNEL, '=', 0 },
	{ "ramdisk", LT_INITRD, '=', 0 },
	{ "parameters", LT_KERNELARGS, '=', 0 },
	{ "default", LT_DEFAULT, '=', 0 },
	{ NULL, 0, 0, 0 },
};

const struct dialect dialect_zipl = {
	.name = "zipl",
	.default_config = "/etc/zipl.conf",
	.keywords = zipl_keywords,
	.entry_start = LT_TITLE,
	.args_in_quotes = true,
	.title_bracketed = true,
};
