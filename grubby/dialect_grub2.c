/* GRUB 2 (grub.cfg): "menuentry '...' {" ... "}". Xen entries are written
 * as multiboot2/module2 (GRUB 2 has no "kernel" command); multiboot/module
 * and the old "kernel" form are still read. The first keyword of a type is
 * the one written. */
#include "grubby/dialect.h"

static const struct keyword grub2_keywords[] = {
	{ "menuentry", LT_MENUENTRY, ' ', 0 },
	{ "}", LT_ENTRY_END, ' ', 0 },
	{ "echo", LT_ECHO, ' ', 0 },
	{ "set", LT_SET_VARIABLE, ' ', '=' },
	{ "root", LT_BOOTROOT, ' ', 0 },
	{ "default", LT_DEFAULT, ' ', 0 },
	{ "fallback", LT_FALLBACK, ' ', 0 },
	{ "linux", LT_KERNEL, ' ', 0 },
	{ "linuxefi", LT_KERNEL_EFI, ' ', 0 },
	{ "linux16", LT_KERNEL_16, ' ', 0 },
	{ "initrd", LT_INITRD, ' ', ' ' },
	{ "initrdefi", LT_INITRD_EFI, ' ', ' ' },
	{ "initrd16", LT_INITRD_16, ' ', ' ' },
	{ "module2", LT_MBMODULE, ' ', 0 },
	{ "module", LT_MBMODULE, ' ', 0 },
	{ "multiboot2", LT_HYPER, ' ', 0 },
	{ "multiboot", LT_HYPER, ' ', 0 },
	{ "kernel", LT_HYPER, ' ', 0 },
	{ "devicetree", LT_DEVTREE, ' ', 0 },
	{ NULL, 0, 0, 0 },
};

static const char *const grub2_paths[] = {
	"/etc/grub2-efi.cfg", "/etc/grub2.cfg", "/boot/grub2/grub.cfg",
	"/boot/grub2-efi/grub.cfg", NULL,
};

const struct dialect dialect_grub2 = {
	.name = "grub2",
	.config_paths = grub2_paths,
	.keywords = grub2_keywords,
	.default_is_index = true,
	.default_supports_saved = true,
	.default_is_variable = true,
	.entry_start = LT_MENUENTRY,
	.entry_end = LT_ENTRY_END,
	.title_position = 1,
	.needs_boot_prefix = true,
	.mb_hyper_first = true,
	.mb_initrd_is_module = true,
	.mb_allow_extra_initrds = true,
	.uses_grubenv = true,
};
