/* extlinux (syslinux): "label" starts an entry, keywords in any case. */
#include "grubby/dialect.h"

static const struct keyword extlinux_keywords[] = {
	{ "label", LT_TITLE, ' ', 0 },
	{ "root", LT_ROOT, ' ', 0 },
	{ "default", LT_DEFAULT, ' ', 0 },
	{ "kernel", LT_KERNEL, ' ', 0 },
	{ "initrd", LT_INITRD, ' ', ',' },
	{ "append", LT_KERNELARGS, ' ', 0 },
	{ "prompt", LT_UNKNOWN, ' ', 0 },
	{ "fdt", LT_DEVTREE, ' ', 0 },
	{ "fdtdir", LT_DEVTREE, ' ', 0 },
	{ NULL, 0, 0, 0 },
};

const struct dialect dialect_extlinux = {
	.name = "extlinux",
	.default_config = "/boot/extlinux/extlinux.conf",
	.keywords = extlinux_keywords,
	.case_insensitive = true,
	.entry_start = LT_TITLE,
	.needs_boot_prefix = true,
	.max_title_length = 255,
	.mb_allow_extra_initrds = true,
	.default_is_unquoted = true,
	.title_position = 1,
	.title_strip_spaces = true,
};
