/* bootchain matrix: boot every kernel on bare metal and as dom0 through the entries
 * new-kernel-pkg/grubby wrote, in QEMU, and report a verdict per cell and stage.
 * A cell is built by sandbox -> install -> medium -> boot; its boot is judged in
 * stages: the boot itself, then in Xen dom0 cells the toolstack and the guests. */
#ifndef BC_MATRIX_H
#define BC_MATRIX_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MX_MAX_KERNELS 64
#define MX_MAX_HVS 8
#define MX_MAX_FIRMWARES 2
#define MX_MAX_CONFIGS 4
#define MX_MAX_CELLS (MX_MAX_KERNELS * MX_MAX_HVS * MX_MAX_FIRMWARES * MX_MAX_CONFIGS)
#define MX_REASON_MAX 256
#define MX_MARKER_TAG "BOOTCHAIN-MARKER"

enum mx_hv_kind { MX_HV_NONE, MX_HV_XEN_PV, MX_HV_XEN_PVH, MX_HV_BCHV, MX_HV_FILE, MX_HV_KINDS };
enum mx_firmware { MX_FW_BIOS, MX_FW_UEFI };
/* XENEFI: xen.efi started by UEFI from an ESP, reading the xen.cfg our tools wrote (esp.c);
 * BLS: systemd-boot from an ESP, reading the BLS entries our tools wrote */
enum mx_config { MX_CFG_GRUB2, MX_CFG_LEGACY, MX_CFG_XENEFI, MX_CFG_BLS };
/* DOM0: busybox, the Xen toolstack, backend drivers and the guests' kernels and disks */
enum mx_initramfs { MX_INITRAMFS_AUTO, MX_INITRAMFS_BUSYBOX, MX_INITRAMFS_DRACUT, MX_INITRAMFS_DOM0 };
enum mx_verdict { MX_PENDING, MX_PASS, MX_FAIL, MX_XFAIL, MX_XPASS, MX_SKIP };

/* The stages of a boot, in order (see stage.c for what each proves). BOOT is every
 * cell's; the rest run in Xen dom0 cells, TOOLSTACK always, the guest stages unless
 * --no-guests. */
enum mx_stage_id {
	MX_ST_BOOT,
	MX_ST_TOOLSTACK,
	MX_ST_PV_GUEST,
	MX_ST_BALLOON,          /* before save-restore: a smaller guest saves faster */
	MX_ST_SAVE_RESTORE,
	MX_ST_PVH_GUEST,
	MX_ST_SHUTDOWN,         /* of the guests so far: PV-GRUB2's then boots on an idle host */
	MX_ST_PVGRUB_GUEST,     /* ends its own guest with xl shutdown too */
	MX_STAGES
};

struct mx_stage {
	bool planned;
	enum mx_verdict expect; /* MX_PASS or MX_XFAIL */
	enum mx_verdict verdict;
	char reason[MX_REASON_MAX]; /* why not PASS (or why expected to fail) */
	double time_s;          /* how long it took; <0 when unknown */
};

struct mx_kernel {
	char path[PATH_MAX];
	char version[128];      /* from the file name: vmlinuz-VERSION */
	char config[PATH_MAX];  /* config-VERSION next to it, or "" */
	char modules[PATH_MAX]; /* /lib/modules/VERSION, or "" */
	/* what the suite expects before booting, per hypervisor kind (enum mx_hv_kind) */
	bool can_boot[MX_HV_KINDS];
	char why_not[MX_HV_KINDS][MX_REASON_MAX];
	bool dom0_capable;      /* can_boot[MX_HV_XEN_PV] */
	char guests_why_not[MX_REASON_MAX]; /* non-empty: as dom0 it cannot serve guests */
};

struct mx_hypervisor {
	enum mx_hv_kind kind;
	char label[32];         /* column name: none, xen-pv, xen-pvh, bchv, or the file name */
	char path[PATH_MAX];    /* image file; "" for none */
	char missing[MX_REASON_MAX]; /* non-empty: column is skipped with this reason */
	/* bchv: its own memory, which dom0 must read as all ones (the marker's probe) */
	unsigned long hidden_lo, hidden_len;
};

struct mx_cell {
	int kernel, hv;         /* indexes into the plan */
	enum mx_firmware firmware;
	enum mx_config config;
	enum mx_initramfs initramfs; /* resolved: busybox or dracut */
	bool run_xl;            /* the marker must show Domain-0 from `xl list` */
	bool guests;            /* dom0 runs the guest stages */
	enum mx_verdict expect; /* MX_PASS, MX_XFAIL or MX_SKIP */
	char expect_reason[MX_REASON_MAX];
	/* results */
	enum mx_verdict verdict;
	char reason[MX_REASON_MAX];
	char marker[512];
	double to_marker_s;     /* QEMU start to marker; <0 when never seen */
	double wall_s;          /* whole cell, all stages */
	bool cached_initramfs, cached_medium;
	/* stages after BOOT; stage[MX_ST_BOOT] mirrors verdict/reason/to_marker_s */
	struct mx_stage stage[MX_STAGES];
	char doing[24];         /* what the running cell does now, for the progress line */
};

struct mx_options {
	char kernels[MX_MAX_KERNELS][PATH_MAX];
	int nkernels;
	char hvs[MX_MAX_HVS][PATH_MAX]; /* none|xen-pv|xen-pvh|bchv|PATH as given */
	int nhvs;
	enum mx_firmware firmwares[MX_MAX_FIRMWARES];
	int nfirmwares;         /* 0: bios and uefi (bios for --quick) */
	enum mx_config configs[MX_MAX_CONFIGS];
	int nconfigs;           /* 0: grub2 and grub-legacy (grub2 for --quick) */
	enum mx_initramfs initramfs;
	bool quick;
	bool no_guests;         /* skip the guest stages of Xen dom0 cells */
	bool list;              /* print the cells and stages, boot nothing */
	char output[PATH_MAX];
	char root[PATH_MAX];    /* --root: boot an already installed root, no install */
	char boot_dir[PATH_MAX];/* where default kernels are found (/boot) */
	char tools[PATH_MAX];   /* where grubby/new-kernel-pkg/bootchain live */
	char cache[PATH_MAX];   /* built initramfs images and media; default OUTPUT/cache */
	char data[PATH_MAX];    /* marker scripts (bootchain/matrix/scripts in the source tree) */
	int jobs;               /* 0: as many as cores and memory allow */
	int timeout_s;          /* per boot */
	int mem_mb;             /* QEMU -m */
	bool progress;          /* live progress line (default: when stderr is a tty) */
	bool no_cache;
	int shard_k, shard_n;    /* --shard K/N: run slice K of N (0/0: the whole plan) */
};

struct mx_plan {
	struct mx_kernel kernels[MX_MAX_KERNELS];
	int nkernels;
	struct mx_hypervisor hvs[MX_MAX_HVS];
	int nhvs;
	struct mx_cell cells[MX_MAX_CELLS];
	int ncells;
};

/* options.c */
int mx_parse_options(int argc, char **argv, struct mx_options *opt);
void mx_usage(FILE *to);

/* plan.c */
int mx_plan_build(const struct mx_options *opt, struct mx_plan *plan);
const char *mx_hv_expected_type(enum mx_hv_kind kind);
const char *mx_firmware_name(enum mx_firmware fw);
const char *mx_config_name(enum mx_config cfg);
const char *mx_verdict_name(enum mx_verdict v);
void mx_cell_name(const struct mx_plan *plan, const struct mx_cell *cell, char *out, size_t len);

/* esp.c: the xen-efi config style: which cells it has (Xen only; BIOS skipped with the
 * reason), and its boot medium, an EFI system partition made with mtools */
bool mx_xenefi_applies(enum mx_hv_kind kind, enum mx_config cfg);
bool mx_xenefi_skip(const struct mx_cell *cell, char *why, size_t len);

/* expect.c: can this kernel boot under each hypervisor kind, and serve guests as dom0?
 * Fills can_boot/why_not/guests_why_not from the verdict code inspect uses. */
struct bc_verdict;
void mx_kernel_dom0_check(struct mx_kernel *k);
void mx_expect_from_verdicts(struct mx_kernel *k, const struct bc_verdict *v);

/* stage.c: which stages a cell runs and what they expect; their verdicts from the log */
const char *mx_stage_name(enum mx_stage_id id);
int mx_stage_limit_s(enum mx_stage_id id);  /* time limit dom0 gives it */
void mx_stages_plan(struct mx_cell *cell, const struct mx_kernel *k);
/* The worst verdict over a cell's planned stages (FAIL/XPASS > XFAIL > SKIP > PASS). */
enum mx_verdict mx_cell_overall(const struct mx_cell *cell);
/* Judge the stages after BOOT from the serial log's stage lines. */
void mx_stages_decide(struct mx_cell *cell, const char *log, size_t len);
/* The stage dom0 started last, "" before any (for the progress line). */
void mx_stage_current(const char *log, size_t len, char *out, size_t outlen);

/* classify.c: the serial-log classifier */
struct mx_boot_result {
	bool marker_seen;
	char marker[512];
	double to_marker_s;
	bool timed_out;
	int silent_s;           /* > 0: stopped after this long without console output */
	int qemu_status;        /* exit status, -1 if killed by us */
	char qemu_error[MX_REASON_MAX];
};
const char *mx_classify_log(const char *log, size_t len, char *detail, size_t detail_len);
bool mx_classify_terminal(const char *log, size_t len);
const char *mx_hv_log_proof(enum mx_hv_kind kind);
bool mx_marker_field(const char *marker, const char *key, char *out, size_t len);
void mx_verdict_decide(struct mx_cell *cell, const struct mx_hypervisor *hv,
		       const struct mx_boot_result *boot, const char *log, size_t len);

#endif
