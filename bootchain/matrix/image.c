/* Checks of the image files a cell boots, done before anything boots: a kernel must be
 * a bzImage, a hypervisor a multiboot image (possibly gzip-compressed, as GRUB reads it). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include "bootchain/matrix/image.h"
#include "bootchain/matrix/util.h"

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }

int mx_bzimage_release(const char *path, char *release, size_t len, char *err, size_t errlen)
{
	unsigned char hdr[1024];
	FILE *f = fopen(path, "rb");
	if (!f) {
		mx_fmt(err, errlen, "%s: cannot open kernel: %s", path, strerror(errno));
		return -1;
	}
	size_t n = fread(hdr, 1, sizeof(hdr), f);
	if (n < 0x270 || le16(hdr + 0x1FE) != 0xAA55 || memcmp(hdr + 0x202, "HdrS", 4) ||
	    le16(hdr + 0x206) < 0x0200) {
		fclose(f);
		mx_fmt(err, errlen, "%s: not a Linux bzImage (no boot-protocol header)", path);
		return -1;
	}
	/* kernel_version points (minus 0x200) at "RELEASE (builder) #1 ..." */
	long off = (long)le16(hdr + 0x20E) + 0x200;
	char text[160] = "";
	if (le16(hdr + 0x20E) == 0 || fseek(f, off, SEEK_SET) ||
	    !fgets(text, sizeof(text), f)) {
		fclose(f);
		mx_fmt(err, errlen, "%s: bzImage has no kernel version string", path);
		return -1;
	}
	fclose(f);
	size_t word = strcspn(text, " \n");
	if (word == 0 || word >= len) {
		mx_fmt(err, errlen, "%s: bzImage kernel version string is unreadable", path);
		return -1;
	}
	memcpy(release, text, word);
	release[word] = '\0';
	return 0;
}

/* Multiboot1 header: magic within the first 8 KiB, 4-byte aligned, checksummed;
 * Multiboot2: within the first 32 KiB, 8-byte aligned, checksummed. */
static int multiboot_version(const unsigned char *buf, size_t n)
{
	for (size_t i = 0; i + 16 <= n && i < 32768; i += 4) {
		uint32_t magic = le32(buf + i);
		if (magic == 0xE85250D6u && i % 8 == 0 &&
		    (uint32_t)(magic + le32(buf + i + 4) + le32(buf + i + 8) + le32(buf + i + 12)) == 0)
			return 2;
		if (magic == 0x1BADB002u && i < 8192 &&
		    (uint32_t)(magic + le32(buf + i + 4) + le32(buf + i + 8)) == 0)
			return 1;
	}
	return 0;
}

/* The first 32 KiB of a (possibly gzip'd) image into buf; its length, or -1 with err set. */
static int read_head(const char *path, unsigned char *buf, unsigned size, char *err, size_t errlen)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		mx_fmt(err, errlen, "%s: cannot open hypervisor: %s", path, strerror(errno));
		return -1;
	}
	int n = gzread(gz, buf, size);
	gzclose(gz);
	if (n <= 0) {
		mx_fmt(err, errlen, "%s: hypervisor image is empty or unreadable", path);
		return -1;
	}
	return n;
}

/* A multiboot1 header with the address fields (flag 16) says where the image's
 * loaded part goes: load_addr up to load_end_addr. */
int mx_multiboot_load_range(const char *path, unsigned long *lo, unsigned long *len, char *err,
			    size_t errlen)
{
	static unsigned char buf[8192 + 32];
	int n = read_head(path, buf, sizeof(buf), err, errlen);
	if (n < 0)
		return -1;
	for (size_t i = 0; i + 32 <= (size_t)n && i < 8192; i += 4) {
		const unsigned char *h = buf + i;
		if (le32(h) != 0x1BADB002u || (uint32_t)(le32(h) + le32(h + 4) + le32(h + 8)) != 0)
			continue;
		uint32_t start = le32(h + 16), end = le32(h + 20);
		if (!(le32(h + 4) & (1u << 16)) || end <= start)
			break;
		*lo = start;
		*len = end - start;
		return 0;
	}
	mx_fmt(err, errlen, "%s: no multiboot1 header with load addresses: its memory range is unknown",
	       path);
	return -1;
}

int mx_multiboot_check(const char *path, char *err, size_t errlen)
{
	static unsigned char buf[32768 + 16];
	int n = read_head(path, buf, sizeof(buf), err, errlen);
	if (n < 0)
		return -1;
	int v = multiboot_version(buf, (size_t)n);
	if (!v) {
		mx_fmt(err, errlen, "%s: not a multiboot image (no multiboot header in its first 32 KiB)",
			 path);
		return -1;
	}
	return v;
}
