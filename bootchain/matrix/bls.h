/* The "bls" config style: systemd-boot and BLS entries on an ESP image (bls.c). */
#ifndef BC_MATRIX_BLS_H
#define BC_MATRIX_BLS_H
#include "bootchain/matrix/stages.h"

/* Whether a bls cell can exist: UEFI only, bare metal or Xen (through xen.efi). */
bool mx_bls_cell_possible(enum mx_firmware fw, enum mx_hv_kind hv);
/* 0 when the plan has no bls cell or what they need is here; else -1 with err set. */
int mx_bls_tools_check(const struct mx_plan *plan, char *err, size_t len);
/* Sandbox: /boot/loader, a machine id, an fstab mounting /boot, xen.efi beside xen.gz. */
int mx_bls_seed(struct mx_cell_ctx *ctx);
/* Medium: the FAT image of the root's /boot with systemd-boot; its path in ctx->iso. */
int mx_bls_medium(struct mx_cell_ctx *ctx);

#endif
