/* The stages of one cell, each its own step:
 * sandbox -> initramfs + install (new-kernel-pkg) -> medium (GRUB2 tools) -> boot (QEMU). */
#ifndef BC_MATRIX_STAGES_H
#define BC_MATRIX_STAGES_H
#include "bootchain/matrix/matrix.h"

/* Everything a stage needs to know about where it works. */
struct mx_cell_ctx {
	const struct mx_options *opt;
	const struct mx_plan *plan;
	struct mx_cell *cell;
	char name[256];          /* kernel-hv-firmware-config */
	char work[PATH_MAX];     /* scratch dir of this cell */
	char root[PATH_MAX];     /* sandbox root (or --root) */
	char cache[PATH_MAX];    /* output/cache */
	char install_log[PATH_MAX];
	char medium_log[PATH_MAX];
	char serial_log[PATH_MAX];
	char iso[PATH_MAX];
};

/* Each returns 0, or -1 with cell->reason saying what went wrong. */
int mx_stage_sandbox(struct mx_cell_ctx *ctx);
int mx_stage_install(struct mx_cell_ctx *ctx);
int mx_stage_medium(struct mx_cell_ctx *ctx);
int mx_stage_boot(struct mx_cell_ctx *ctx);
/* esp.c: the medium of a xen-efi cell; the xen.efi and xen.cfg settings of its root */
int mx_stage_esp(struct mx_cell_ctx *ctx);
/* The medium of a cell booting from an ESP image (bootloader/esp.c) holding what LIST
 * puts on it; a failure is the cell's reason, after "STAGE: ". */
struct bl_esp;
typedef int (*mx_esp_list_fn)(struct mx_cell_ctx *ctx, struct bl_esp *esp, char *err, size_t len);
int mx_esp_medium(struct mx_cell_ctx *ctx, const char *stage, mx_esp_list_fn list);
int mx_xenefi_sandbox(struct mx_cell_ctx *ctx, const char *hv_in_root);

/* /etc/sysconfig/kernel in root; hypervisor "" for bare metal. */
int mx_write_sysconfig(const char *root, const char *hypervisor, const char *args);

/* Kernel command line and hypervisor arguments a cell's entry gets (guests: dom0 with
 * room for its guests' save files and images). */
const char *mx_kernel_args(enum mx_hv_kind kind);
const char *mx_hypervisor_args(enum mx_hv_kind kind, bool guests);
/* QEMU memory of a cell: guests need more than --memory's default. */
int mx_cell_memory_mb(const struct mx_options *opt, const struct mx_cell *cell);

/* cell.c: the paths of a cell, and a whole cell run to its verdict. */
void mx_cell_paths(struct mx_cell_ctx *ctx, const struct mx_options *opt,
		   const struct mx_plan *plan, struct mx_cell *cell);
void mx_cell_run(const struct mx_options *opt, const struct mx_plan *plan, struct mx_cell *cell);

/* install.c: new-kernel-pkg --root ROOT --install for the cell's kernel (with dracut
 * when mkinitrd); -1 with the cell's reason set. */
int mx_new_kernel_pkg(struct mx_cell_ctx *ctx, const char *root, const char *kernel_args,
		      bool mkinitrd, const char *dracut_args);
/* install.c: the kernel arguments of the cell's entry (with guests: the stages' limits). */
void mx_cell_kernel_args(const struct mx_cell_ctx *ctx, char *out, size_t len);
/* install.c: the marker script and the dracut arguments that put it in an image. */
void mx_marker_path(const struct mx_options *opt, char *out, size_t len);
/* install.c: the static probe the marker runs in dom0 (bootchain-dom0-probe). */
void mx_dom0_probe_path(const struct mx_options *opt, char *out, size_t len);
void mx_dracut_args(const struct mx_options *opt, char *out, size_t len);

#endif
