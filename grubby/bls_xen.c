/* A BLS entry that starts Xen as an EFI program (systemd-boot's "efi"
 * key): Xen's EFI loader reads the dom0 kernel, its arguments and its
 * initramfs from a section of its xen.cfg. The section is named after the
 * kernel version; the config is xen.cfg's usual place, beside xen.efi
 * (the image path with .efi replaced by .cfg), given in full with -cfg=.
 * xen.efi takes the first word of its command line for its own file name,
 * so the options start with one. Hypervisor arguments go after "--". */
#include "grubby/bls.h"
#include "grubby/model.h"

#include <string.h>

/* /EFI/xen/xen.efi -> \EFI\xen\xen.cfg, as Xen's EFI loader names files */
static const char *cfg_beside(const char *xen_efi)
{
	size_t n = strlen(xen_efi);
	if (n > 4 && !strcmp(xen_efi + n - 4, ".efi"))
		n -= 4;
	char *cfg = gb_printf("%.*s.cfg", (int)n, xen_efi);
	for (char *p = cfg; *p; p++)
		if (*p == '/')
			*p = '\\';
	return cfg;
}

const char *bls_xen_cfg_path(const char *xen_efi)
{
	return cfg_beside(xen_efi);
}

void bls_xen_entry(struct bls_entry *e, const char *xen_efi,
		   const char *mb_args, const char *version)
{
	bls_append(e, "efi", xen_efi);
	const char *opts = gb_printf("xen.efi -cfg=%s %s", cfg_beside(xen_efi),
				     version);
	if (mb_args && *mb_args)
		opts = gb_printf("%s -- %s", opts, mb_args);
	bls_append(e, "options", opts);
}
