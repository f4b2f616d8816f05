/* The "bls" config style: systemd-boot and BLS entries on an ESP image (bls.c). */
#ifndef BC_MATRIX_BLS_H
#define BC_MATRIX_BLS_H
#include "bootchain/matrix/stages.h"

/* Whether a bls cell is planned: UEFI only, bare metal or Xen PV/PVH (through xen.efi),
 * and bchv's, which mx_bls_skip skips saying why. */
bool mx_bls_cell_possible(enum mx_firmware fw, enum mx_hv_kind hv);
/* A bls cell that cannot boot (bchv): true with the reason in why. */
bool mx_bls_skip(enum mx_config cfg, enum mx_hv_kind hv, char *why, size_t len);
/* 0 when the plan has no bls cell or what they need is here; else -1 with err set. */
int mx_bls_tools_check(const struct mx_plan *plan, char *err, size_t len);
/* Sandbox: /boot/loader, a machine id, an fstab mounting /boot, xen.efi beside xen.gz. */
int mx_bls_seed(struct mx_cell_ctx *ctx);
/* Medium: the FAT image of the root's /boot with systemd-boot; its path in ctx->iso. */
int mx_bls_medium(struct mx_cell_ctx *ctx);

#endif
