/* bootchain inspect: what is gathered about a kernel, and its two renderings. */
#ifndef BC_INSPECT_H
#define BC_INSPECT_H
#include <stdbool.h>
#include <stdio.h>
#include "hypervisor/host/kernel_config.h"
#include "hypervisor/host/kernel_file.h"
#include "hypervisor/host/verdict.h"

struct bc_inspect_report {
	const struct bc_kernel_file *kf;
	const struct bc_kernel_config *cfg;
	struct bc_boot_facts facts;
	struct bc_verdict verdict[BC_WAY_COUNT];
	char version[256];
};

/* The facts the verdict code judges, from a kernel file and its config (shared
 * by `bootchain inspect` and the matrix, so both judge a kernel alike). */
void bc_boot_facts_gather(const struct bc_kernel_file *kf, const struct bc_kernel_config *cfg,
			  unsigned xen_major, unsigned xen_minor, struct bc_boot_facts *f);

/* Verdicts first, then the facts; VERBOSE adds every Xen ELF note. */
void bc_inspect_print_text(FILE *out, const struct bc_inspect_report *r, bool verbose);
void bc_inspect_print_json(FILE *out, const struct bc_inspect_report *r);
/* {"file": PATH, "error": WHY}: what --json prints when inspect fails. */
void bc_inspect_print_json_error(FILE *out, const char *path, const char *why);

/* A note's value as text: the string, a hex number, or PHYS32_RELOC's triple. */
void bc_note_value_text(const struct bc_xen_note *n, const struct bc_xen_notes *all,
			char *buf, size_t cap);

/* Options whose values inspect reports, in this order. */
extern const char *const bc_inspect_config_options[];

#endif
