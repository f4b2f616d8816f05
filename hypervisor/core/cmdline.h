/* The hypervisor's command line, Xen-style where an option means the same:
 *   console=com1|none   dom0_mem=[max:]<size>[BKMGT]   loglvl=none|error|warning|info|debug|all
 *   noreboot            (halt instead of rebooting after a fatal error)
 *   dom0=native         (start dom0 on the bare CPU when it cannot be a guest)
 * Host-testable: no console output here, problems are reported back. */
#ifndef BCHV_CMDLINE_H
#define BCHV_CMDLINE_H
#include <bc/types.h>

#define HV_MAX_UNKNOWN 8

struct hv_options {
	bool console_serial;       /* console=com1 (the default) */
	bool noreboot;
	bool dom0_native;          /* dom0=native: no SVM/NPT is not fatal */
	int loglvl;                /* enum hv_log_level */
	u64 dom0_mem;              /* bytes of RAM for dom0; 0 = all that is free */
	/* words we did not understand, for a warning: pointer and length */
	const char *unknown[HV_MAX_UNKNOWN];
	size_t unknown_len[HV_MAX_UNKNOWN];
	size_t nr_unknown;
	const char *bad;           /* first option with a bad value, as "name" */
	size_t bad_len;
};

/* Fills OPTS from CMDLINE (NULL is an empty line). Always sets defaults first. */
void hv_options_parse(const char *cmdline, struct hv_options *opts);

/* Xen's size syntax: a number with an optional B/K/M/G/T suffix, K by default.
 * Returns false on anything else (or overflow). */
bool hv_parse_size(const char *s, size_t len, u64 *out);

/* Drops the image name GRUB legacy and QEMU put first on multiboot1 command
 * lines (GRUB2 and multiboot2 do not). */
const char *hv_cmdline_skip_image_name(const char *cmdline);

/* Dom0's command line from its module's. bchv offers no Xen console, so a
 * "console=hvc0" (as written for Xen dom0) becomes "console=ttyS0": COM1 is
 * dom0's once it runs. Returns the number of rewrites, or -1 when OUT (CAP
 * bytes) is too small; OUT is NUL-terminated whenever CAP > 0. */
int hv_dom0_cmdline(const char *in, char *out, size_t cap);

#endif
