/* The kernel's build configuration: the embedded IKCONFIG blob when present,
 * else /boot/config-V next to the image (or a file the user names). */
#ifndef BC_KERNEL_CONFIG_H
#define BC_KERNEL_CONFIG_H
#include <stddef.h>
#include "hypervisor/host/kernel_file.h"

struct bc_kernel_config {
	char *text;               /* malloc'd .config text, NULL when not found */
	size_t len;
	char source[4096];        /* "embedded (IKCONFIG)" or the file's path */
	char missing[4096];       /* why text is NULL */
};

/* Kernel version read from the image, never from its file name: the first
 * word of the setup header's kernel_version string, else of the vmlinux's
 * "Linux version " banner. Empty if unknown. */
void bc_kernel_version_of(const struct bc_kernel_file *kf, char *out, size_t cap);

/* Find the config for KF; OVERRIDE (may be NULL) names the file to use instead. */
void bc_kernel_config_load(const struct bc_kernel_file *kf, const char *override,
			   struct bc_kernel_config *cfg);
void bc_kernel_config_free(struct bc_kernel_config *cfg);

/* 'y', 'm', 'n' (not set or absent), 'v' (other value), '?' (no config). */
char bc_kernel_config_get(const struct bc_kernel_config *cfg, const char *option);

#endif
