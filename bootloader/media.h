/* Boot media made with GRUB2's own tools: a root's /boot plus a small wrapper config
 * that sets up the serial console and hands over to the config grubby wrote
 * (configfile for GRUB2, legacy_configfile for a GRUB-legacy grub.conf).
 * grub-mkrescue makes one hybrid ISO: BIOS (i386-pc) and, when grub-efi-amd64-bin is
 * installed, UEFI (x86_64-efi) too. */
#ifndef BC_BOOTLOADER_MEDIA_H
#define BC_BOOTLOADER_MEDIA_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct bl_media {
	const char *boot_dir;   /* a root's /boot: becomes the medium's /boot */
	bool legacy;            /* entries are in /boot/grub/grub.conf (GRUB legacy) */
	bool uefi;              /* the medium must boot under UEFI too */
	const char *stage_dir;  /* scratch tree, replaced */
	const char *cache_dir;  /* media cached here by content; NULL: no cache */
	const char *log;        /* grub-mkrescue output */
	char iso[PATH_MAX];     /* out: the medium to boot */
	bool cached;            /* out: it came from the cache */
};

/* Are GRUB2's tools and platform files here? -1 with a one-line reason when not. */
int bl_media_tools_check(bool uefi, char *err, size_t len);
/* The UEFI firmware image QEMU boots with, or NULL when none is installed. */
const char *bl_ovmf_path(void);
/* The wrapper /boot/grub/grub.cfg text. */
int bl_media_wrapper(bool legacy, char *out, size_t len);
/* Build (or take from the cache) the medium; -1 with err set. */
int bl_media_build(struct bl_media *m, char *err, size_t len);

#endif
