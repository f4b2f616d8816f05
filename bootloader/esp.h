/* EFI system partition images made with mtools, for boots without GRUB (xen.efi, or
 * systemd-boot, as the removable-media loader \EFI\BOOT\BOOTX64.EFI). A bare FAT32
 * file system, no partition table: OVMF reads it as a disk. The caller lists the files
 * and where each goes; images are cached by content as the GRUB media are (media.c). */
#ifndef BC_BOOTLOADER_ESP_H
#define BC_BOOTLOADER_ESP_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct bl_esp_file {
	char *src;              /* a file on this machine */
	char *dest;             /* its path on the ESP, "/"-separated, no leading "/" */
};

struct bl_esp {
	struct bl_esp_file *files;  /* what the ESP holds (bl_esp_add, bl_esp_add_tree) */
	size_t n, cap;
	const char *work_img;   /* the image when there is no cache */
	const char *cache_dir;  /* images cached here by content; NULL: no cache */
	const char *log;        /* the mtools' output */
	char img[PATH_MAX];     /* out: the image to boot */
	bool cached;            /* out: it came from the cache */
};

/* Are mformat, mmd and mcopy here? -1 with a one-line reason when not. */
int bl_esp_tools_check(char *err, size_t len);
/* SRC goes to DEST on the ESP; -1 when out of memory. */
int bl_esp_add(struct bl_esp *e, const char *src, const char *dest);
/* Every file under directory SRC (dot files left out) goes below DEST ("" for the
 * ESP's root), in name order; -1 with err set. */
int bl_esp_add_tree(struct bl_esp *e, const char *src, const char *dest, char *err, size_t len);
/* Build (or take from the cache) the image; -1 with err set (the tool and the file). */
int bl_esp_build(struct bl_esp *e, char *err, size_t len);
void bl_esp_free(struct bl_esp *e);

#endif
