/* The dom0 image of cells with guest stages (guests.c). */
#ifndef BC_MATRIX_GUESTS_H
#define BC_MATRIX_GUESTS_H
#include "bootchain/matrix/stages.h"

/* PV-GRUB2: GRUB2 built as a Xen PV kernel (package grub-xen-host) */
#define MX_PVGRUB_BIN "/usr/lib/grub-xen/grub-x86_64-xen.bin"

/* Cache key of the image: its scripts, kernel, modules, toolstack and our tools. */
void mx_dom0_image_key(const struct mx_cell_ctx *ctx, char key[33]);
/* Build it at out; -1 with the cell's reason set. */
int mx_build_dom0_image(struct mx_cell_ctx *ctx, const char *out);
/* The Xen toolstack's directory (/usr/lib/xen-V/bin), or "". */
void mx_xen_tools_dir(char *out, size_t len);

#endif
