/* Whether a kernel can boot each way, and why not: decided from facts gathered
 * by inspect (kept separate so the rules are unit-tested on synthetic facts). */
#ifndef BC_VERDICT_H
#define BC_VERDICT_H
#include <stdbool.h>
#include "hypervisor/loader/loader.h"

enum bc_answer { BC_NO = 0, BC_YES, BC_UNKNOWN };

enum bc_boot_way { BC_WAY_BARE_METAL, BC_WAY_XEN_PV, BC_WAY_XEN_PVH, BC_WAY_OURS, BC_WAY_COUNT };

struct bc_boot_facts {
	bool is_bzimage;
	const struct bc_bzimage *bz;       /* when is_bzimage */
	const struct bc_xen_notes *notes;  /* NULL when the notes could not be read */
	const char *notes_unknown_why;     /* why notes is NULL */
	bool loadable_elf;                 /* decompressed and parsed as ELF by our code */
	const char *elf_unknown_why;       /* why not */
	u16 elf_machine;                   /* when loadable_elf: 62 = x86-64 */
	bool segments_below_4g;            /* when loadable_elf: all PT_LOAD in [1 MiB, 4 GiB) */
	/* a bzImage whose payload does not decompress: the decompressor's
	 * message (nothing boots a kernel that cannot be unpacked) */
	const char *payload_error;
	/* config values as bc_kernel_config_get returns them ('?' = no config) */
	char xen_dom0, xen_pvh, pvh;
	const char *config_missing_why;    /* why the values are '?' */
	unsigned xen_major, xen_minor;     /* the Xen version to judge against */
};

struct bc_verdict {
	enum bc_answer answer;
	char why[512];                     /* reasons, "; "-separated; empty for yes */
	const char *host;                  /* what it needs of the machine, when it can boot; or NULL */
};

const char *bc_boot_way_name(enum bc_boot_way way);    /* "bare metal", ... */
const char *bc_boot_way_key(enum bc_boot_way way);     /* "bare_metal", ... (JSON) */
const char *bc_answer_name(enum bc_answer a);          /* "yes", "no", "unknown" */

/* Can Xen MAJOR.MINOR decompress this bzImage's payload? NULL if yes, else why. */
const char *bc_xen_payload_problem(const struct bc_bzimage *bz, unsigned major, unsigned minor,
				   char *buf, size_t cap);

void bc_decide(const struct bc_boot_facts *f, struct bc_verdict out[BC_WAY_COUNT]);

#endif
