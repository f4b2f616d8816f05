/* --new-entry-if-no-template: an entry built from scratch when no entry of
 * the config can be copied (a fresh system's empty or header-only config). */
#ifndef GRUBBY_SCRATCH_H
#define GRUBBY_SCRATCH_H

#include "grubby/core.h"

/* Whether --copy-default would find a template (without its error). */
bool scratch_has_template(struct config *cfg, const char *prefix, int flags);

/* Finish the entry add_new_kernel() just built without a template for NK:
 * what a boot loader needs that grubby 8.40's bare entry lacks (GRUB 2's
 * "linux" that boots on BIOS and UEFI, the module that decompresses a
 * compressed hypervisor, "ro", the running system's console; for a config
 * that was empty, a menu timeout and syslinux's default). */
void scratch_complete(struct config *cfg, const char *prefix, const struct new_kernel *nk);

#endif
