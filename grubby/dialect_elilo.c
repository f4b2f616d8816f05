/* elilo (IA-64/EFI): "image=" starts an entry; a Xen entry has "vmm=" and
 * one append line "xen args -- linux args". */
#include "grubby/dialect.h"

static const struct keyword elilo_keywords[] = {
	{ "label", LT_TITLE, '=', 0 },
	{ "root", LT_ROOT, '=', 0 },
	{ "default", LT_DEFAULT, '=', 0 },
	{ "image", LT_KERNEL, '=', 0 },
	{ "initrd", LT_INITRD, '=', 0 },
	{ "append", LT_KERNELARGS, '=', 0 },
	{ "vmm", LT_HYPER, '=', 0 },
	{ NULL, 0, 0, 0 },
};

const struct dialect dialect_elilo = {
	.name = "elilo",
	.default_config = "/boot/efi/EFI/redhat/elilo.conf",
	.keywords = elilo_keywords,
	.entry_start = LT_KERNEL,
	.needs_boot_prefix = true,
	.args_in_quotes = true,
	.mb_concat_args = true,
	.title_position = 1,
};
