/* Build a real initramfs with dracut for a kernel version, on the running
 * system or on a system image mounted at ROOT (see initramfs/README.md). */
#ifndef INITRAMFS_DRACUT_H
#define INITRAMFS_DRACUT_H

#include <stdbool.h>
#include <stddef.h>

struct dracut_request {
	const char *program;  /* "dracut" unless overridden (NEWKERNELPKG_DRACUT) */
	const char *root;     /* NULL or "/" for the running system */
	const char *version;
	const char *output;   /* the image path on this machine (ROOT already prepended) */
	bool hostonly;        /* --hostonly; otherwise dracut's configuration decides */
	bool verbose;         /* show dracut's output as it runs */
	char *const *extra;   /* more dracut arguments, e.g. "--modules base --gzip" split */
	size_t nextra;
};

/* The argument vector dracut is run with (NULL-terminated; free with
 * dracut_free_argv). NULL with ERR set when ROOT lacks what dracut needs. */
char **dracut_argv(const struct dracut_request *q, char *err, size_t errsize);
void dracut_free_argv(char **argv);

/* The Xen dom0 drivers (event channels, xenfs, privcmd, grant devices,
 * block/net/pci/scsi backends, ACPI processor) that ROOT/lib/modules/VERSION
 * has as modules, space-separated for dracut's --add-drivers; "" when none
 * (built in, or no modules.dep). NULL when out of memory. */
char *dracut_xen_dom0_drivers(const char *root, const char *version);

/* Run dracut; on failure ERR says why and dracut's last output is printed. */
int dracut_run(const struct dracut_request *q, char *err, size_t errsize);

#endif
