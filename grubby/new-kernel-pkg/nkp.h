/* new-kernel-pkg: installs, updates and removes a kernel's boot entries (through
 * grubby, run as a program), its initramfs (through dracut) and module maps,
 * as the shell new-kernel-pkg shipped with grubby 8.40 did. See new-kernel-pkg.8. */
#ifndef NKP_H
#define NKP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum nkp_mode { NKP_NONE, NKP_INSTALL, NKP_REMOVE, NKP_UPDATE, NKP_RPMPOSTTRANS };

struct nkp_options {
	enum nkp_mode mode;
	const char *version;
	bool mkinitrd, rminitrd, dracut, hostonly;
	bool depmod, rmmoddep;
	bool make_default, verbose;
	bool add_dracut_kargs; /* --add-dracut-args: rd.vconsole/rd.locale kernel arguments */
	const char *initrdfile, *kernel_args, *remove_args, *banner;
	const char *multiboot, *mbargs; /* NULL when not given */
	const char *package, *devtree, *devtreedir;
	const char *kernel_image, *kernel_name;
	const char *root;               /* --root=DIR; NULL for / */
	const char *xen_efi_config, *xen_efi_image; /* --xen-efi=, --xen-efi-image= */
	const char *dracut_args[16];    /* --add-dracut-args=ARGS / --dracut-args=ARGS, unsplit */
	size_t ndracut_args;
};

/* Parse ARGV. Returns 0, or -1 after printing a one-line reason (the caller
 * then prints the usage and exits 1, as the shell version did). */
int nkp_parse_options(int argc, char **argv, struct nkp_options *o);
void nkp_usage(FILE *to);
/* --help, --usage or --version alone: print and return 0; -1 otherwise. */
int nkp_info_option(int argc, char **argv);
/* "new-kernel-pkg --MODE VERSION", as the lock file records a run. */
void nkp_describe_run(const struct nkp_options *o, char *buf, size_t size);

/* ----- settings.c: /etc/sysconfig/kernel, os-release, fstab ----- */
struct nkp_settings {
	char *hypervisor, *hypervisor_args; /* NULL when unset or empty */
	bool updatedefault, makedebug;
	char *defaultkernel;
	char *xen_efi_config, *xen_efi_image; /* XEN_EFI_CONFIG, XEN_EFI_IMAGE */
};

/* Read ROOT/etc/sysconfig/kernel with new-kernel-pkg's safety policy: a
 * refused HYPERVISOR (unless --multiboot replaces it) or HYPERVISOR_ARGS
 * (unless --mbargs replaces it) is fatal, since the kind of entry would be a
 * guess; refused UPDATEDEFAULT/DEFAULTKERNEL/MAKEDEBUG are taken as unset.
 * Returns 0, or -1 after printing why. */
int nkp_load_settings(const struct nkp_options *o, const char *root, struct nkp_settings *s);
void nkp_free_settings(struct nkp_settings *s);

/* The entry title: "BANNER (V)", else os-release "NAME (V) VERSION", else
 * redhat-release "NAME (V)", else "Red Hat Linux (V)" as upstream did. */
char *nkp_title(const char *root, const char *banner, const char *version);

/* The device mounted on / in ROOT/etc/fstab; without --root, the running
 * kernel's root= as a fallback. NULL when unknown. */
char *nkp_root_device(const char *root);

/* Whether ROOT/etc/fstab mounts a file system on /boot. */
bool nkp_separate_boot(const char *root);

/* Kernel arguments from ROOT/etc/vconsole.conf and locale.conf for dracut
 * (rd.vconsole.keymap=..., rd.locale.LANG=...), appended to ARGS. */
char *nkp_dracut_kargs(const char *root, const char *args);

/* ----- multiboot.c: is a hypervisor image one GRUB can start? ----- */
/* 0 when the file at PATH (on this machine) holds a Multiboot2 or Multiboot
 * header, read through gzip/xz/lzop decompression as GRUB reads it; else -1
 * with WHY set to a short reason. */
int nkp_check_multiboot(const char *path, char *why, size_t size);
/* "Multiboot2" or "Multiboot" when BUF (an image's first N bytes) holds such a
 * header where its specification requires it, else NULL. */
const char *nkp_multiboot_kind(const unsigned char *buf, size_t n);

/* ----- bootcfg.c: paths inside the root, boot loader configs ----- */
/* ROOT + PATH ("" or NULL root: PATH itself). */
char *nkp_in_root(const char *root, const char *path);
/* Follow PATH's symlinks inside ROOT; the in-system path of the regular file
 * it names, or NULL when there is none. */
char *nkp_resolve_in_root(const char *root, const char *path);

struct bootcfg {
	const char *loader; /* grubby's flag: "--grub", "--grub2", "--extlinux", "--elilo" */
	char *path;         /* on this machine (root prepended) */
	/* custom.cfg beside a grub.cfg that grub-mkconfig wrote (see
	 * nkp_find_configs); missing: not there yet, made by the first install */
	bool companion, missing;
	bool created;       /* made by this run (a restore removes it) */
	/* --bls: PATH is the entries directory; grubby writes each file
	 * atomically and changes none on error, so it is not snapshotted */
	bool is_dir;
	/* --xen-efi: the xen.cfg beside the hypervisor's EFI image that a BLS
	 * entry starting Xen names; its section is named after the kernel
	 * version and boots the kernel where it is (nothing copied) */
	bool bls_xen;
	/* bls_xen found with no hypervisor configured: edited only to take
	 * away a section named after the kernel, if it has one */
	bool left;
	char *saved;        /* contents before we ran (snapshot) */
	size_t saved_len;
	unsigned saved_mode;
};

struct bootcfgs {
	struct bootcfg cfg[8];
	size_t n;
};

/* Every config present in ROOT, one per loader, in a fixed order (BLS
 * entries, ROOT/boot/loader/entries, last: when a run fails there, the
 * configs before it are put back and it changed nothing). A GRUB 2
 * config written by grub-mkconfig (Debian's update-grub rewrites it after
 * every kernel change) is replaced by custom.cfg beside it, which its
 * 41_custom part sources at boot: entries there survive update-grub. */
void nkp_find_configs(const char *root, struct bootcfgs *c);
/* Make a missing companion custom.cfg (with a comment saying what it is):
 * 0, or -1 after saying why not. */
int nkp_create_companion(struct bootcfg *b);
/* Make missing config B holding HEADER (a comment): 0, or -1 after saying why not. */
int nkp_create_config(struct bootcfg *b, const char *header);
/* Check each can be rewritten (file and directory writable): 0, or -1 after
 * printing which cannot. */
int nkp_check_writable(const struct bootcfgs *c);
int nkp_snapshot_configs(struct bootcfgs *c);
/* Put every config back as snapshotted; prints what it restored. */
void nkp_restore_configs(const struct bootcfgs *c);
void nkp_free_configs(struct bootcfgs *c);
/* Serialise new-kernel-pkg runs on one root: an exclusive flock on
 * ROOT/boot/.new-kernel-pkg.lock, which records "PID WHAT" of its holder,
 * held until the returned descriptor is closed (at exit). A run waits at
 * most $NEWKERNELPKG_LOCK_TIMEOUT seconds (default below), then fails naming
 * the holder. A run started from a hook of the run holding the lock (see
 * NKP_HOOK_ENV) does not wait for it: its caller is waiting for it.
 * Returns the descriptor, NKP_LOCK_NONE (no /boot, or the caller holds it)
 * or NKP_LOCK_FAILED after saying why. */
#define NKP_LOCK_FILE "/boot/.new-kernel-pkg.lock"
#define NKP_LOCK_TIMEOUT_DEFAULT 300
#define NKP_LOCK_NONE (-1)
#define NKP_LOCK_FAILED (-2)
int nkp_lock_boot(const char *root, const char *what);

/* ----- grubby.c: what grubby is asked to do ----- */
struct nkp_plan {
	const char *root;     /* "" for / */
	const char *version;
	char *grubby;         /* program to run */
	char *kernel;         /* in-system path, e.g. /boot/vmlinuz-V */
	char *initrd;         /* in-system path, or NULL for none */
	char *mbkernel;       /* hypervisor for a multiboot entry, or NULL */
	char *mbargs;
	char *title;
	char *args;           /* "root=DEV ARGS", or NULL */
	const char *remove_args;
	const char *devtree, *devtreedir;
	const char *xen_efi_image; /* copied beside xen.cfg, or NULL */
	const char *xen_efi_args;  /* options= of a xen.cfg section */
	char *xen_kernel, *xen_initrd; /* their copies beside xen.cfg (host paths), for its grubby run */
	bool make_default, make_debug;
	bool bad_image_okay;  /* inside --root, grubby cannot see the images itself */
	const char *boot_fs;  /* inside --root: "/boot" when the root's fstab mounts it, else "/"
			       * (grubby would look at this machine's mounts); NULL otherwise */
	bool verbose;
};

/* The grubby to run: $NEWKERNELPKG_GRUBBY, else the grubby next to this
 * program, else "grubby" on PATH. NULL when none is executable. */
char *nkp_find_grubby(const char *self);

enum nkp_grubby_action { NKP_ADD, NKP_ADD_DEBUG, NKP_REMOVE_KERNEL, NKP_UPDATE_KERNEL };
/* grubby's argument vector for ACTION on CFG (NULL-terminated, free with nkp_free_argv). */
char **nkp_grubby_argv(const struct nkp_plan *p, const struct bootcfg *cfg, enum nkp_grubby_action action);
void nkp_free_argv(char **argv);
/* Run ACTION on every config; on the first failure restore all configs and
 * return -1 after saying what failed. */
int nkp_run_grubby_all(const struct nkp_plan *p, struct bootcfgs *c, enum nkp_grubby_action action);

/* ----- xenefi.c: xen.cfg on the EFI system partition ----- */
#define NKP_XENEFI_LOADER "--xen-efi"
#define NKP_XENEFI_CONFIG "/boot/efi/EFI/xen/xen.cfg"
bool nkp_is_xenefi(const struct bootcfg *cfg);
/* Add ROOT's xen.cfg to C: CONFIGURED (made by the first install when its
 * directory is there), else NKP_XENEFI_CONFIG when it exists. */
void nkp_xenefi_find(const char *root, const char *configured, struct bootcfgs *c);
/* With BLS entries in C and a hypervisor HV (its multiboot image), add the
 * xen.cfg their Xen entries name, beside HV's EFI image, before the BLS
 * entries (which stay last). With no HV, add each NAME.cfg beside a
 * NAME.efi in /boot (marked left), so a kernel's section goes with it. */
void nkp_xenefi_find_bls(const char *root, const char *hv, struct bootcfgs *c);
/* The EFI image of the hypervisor whose multiboot image is MB, with SUFFIX
 * in place of ".efi" (/boot/xen-4.17-amd64.gz -> /boot/xen-4.17-amd64.efi,
 * as Debian ships them, and as grubby --bls names it); malloc'd. */
char *nkp_hv_efi_image(const char *mb, const char *suffix);
/* Before grubby runs on it: make a missing xen.cfg (install), copy the kernel,
 * initramfs and xen.efi beside it. 1: skip this config, 0: go on, -1: stop. */
int nkp_xenefi_prepare(const struct nkp_plan *p, struct bootcfg *cfg, enum nkp_grubby_action action);
/* After a removal: the copies of the kernel and initramfs go. */
void nkp_xenefi_cleanup(const struct nkp_plan *p, const struct bootcfg *cfg);
/* FILE's copy beside xen.cfg (malloc'd) */
char *nkp_xenefi_copy_path(const struct bootcfg *cfg, const char *file);

/* ----- hooks.c: /etc/kernel hook directories, deferred work ----- */
/* Set to new-kernel-pkg's pid in the environment of every hook it runs. A
 * new-kernel-pkg started from such a hook runs no hooks itself and does not
 * wait for the lock its caller holds; the package's own hooks do nothing
 * under it (the run that started them does their work). */
#define NKP_HOOK_ENV "NEWKERNELPKG_HOOK_OF"

/* Run the executables in ROOT/etc/kernel/DIR.d and .../DIR.d/VERSION in name
 * order with VERSION and IMAGE (chrooted into ROOT when one is given), with
 * NKP_HOOK_ENV set; nothing when this run was itself started by a hook.
 * Returns 0, or -1 after naming the hook that failed. */
int nkp_run_hooks(const char *root, const char *dir, const char *version, const char *image, bool verbose);
/* Pending work of an install made with --package during an RPM transaction. */
int nkp_mark_pending(const char *root, const char *version);
bool nkp_is_pending(const char *root, const char *version);
void nkp_clear_pending(const char *root, const char *version);

#endif
