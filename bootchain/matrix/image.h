/* Image checks done before booting: bzImage kernels and multiboot hypervisors. */
#ifndef BC_MATRIX_IMAGE_H
#define BC_MATRIX_IMAGE_H
#include <stddef.h>

/* The kernel release ("6.1.0-56-amd64") from a bzImage's version string; -1 with err set. */
int mx_bzimage_release(const char *path, char *release, size_t len, char *err, size_t errlen);
/* 1 or 2 for a multiboot1/2 image (gzip or plain); -1 with err set. */
int mx_multiboot_check(const char *path, char *err, size_t errlen);
/* Where a multiboot image's loaded part lies (multiboot1 load_addr to load_end_addr);
 * -1 with err set when its header does not say. */
int mx_multiboot_load_range(const char *path, unsigned long *lo, unsigned long *len, char *err,
			    size_t errlen);

#endif
