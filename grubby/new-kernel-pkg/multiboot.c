/* Is HYPERVISOR (or --multiboot) a kernel GRUB can start with multiboot or
 * multiboot2? GRUB looks for the header in the image as its file filters
 * deliver it (gzio, xzio, lzopio decompress transparently), so the check
 * does the same: decompress the start of the file when it is compressed, then
 * look for a checksummed Multiboot2 or Multiboot1 header where each
 * specification says it must be. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "grubby/new-kernel-pkg/nkp.h"
#include "hypervisor/decompress/decompress.h"

#define MB_SCAN 32768u          /* Multiboot2's limit, the larger of the two */
#define MB_READ (4u << 20)      /* compressed bytes read: far more than MB_SCAN needs */
/* output room: a decoder stops short of a full buffer by up to one stored
 * deflate block (64 KiB), and MB_SCAN bytes must be whole */
#define MB_OUT (MB_SCAN + 65536u + 4096u)

/* The two header kinds, as their specifications define them. */
static const struct mb_kind {
	const char *name;
	u32 magic;
	size_t limit, align, words; /* words summed (magic included) to 0 mod 2^32 */
} mb_kinds[] = {
	{ "Multiboot2", 0xE85250D6u, 32768, 8, 4 }, /* magic, architecture, length, checksum */
	{ "Multiboot", 0x1BADB002u, 8192, 4, 3 },   /* magic, flags, checksum */
};

static bool header_at(const u8 *buf, size_t n, size_t at, const struct mb_kind *k)
{
	if (at % k->align || at + 4 * k->words > n || at + 4 * k->words > k->limit || bc_le32(buf + at) != k->magic)
		return false;
	u32 sum = 0;
	for (size_t w = 0; w < k->words; w++)
		sum += bc_le32(buf + at + 4 * w);
	return sum == 0;
}

const char *nkp_multiboot_kind(const unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(mb_kinds) / sizeof(mb_kinds[0]); i++)
		for (size_t at = 0; at < n && at < mb_kinds[i].limit; at += 4)
			if (header_at(buf, n, at, &mb_kinds[i]))
				return mb_kinds[i].name;
	return NULL;
}

static void *heap_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void heap_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

/* The formats GRUB's file filters decompress. */
static bool grub_can_decompress(const struct bc_decompressor *d)
{
	return d == &bc_dc_gzip || d == &bc_dc_xz || d == &bc_dc_lzo;
}

/* The first bytes of the image as GRUB sees them into OUT (MB_OUT bytes);
 * their count, or -1 with WHY set. */
static ssize_t image_start(const u8 *in, size_t len, u8 *out, char *why, size_t size)
{
	const struct bc_decompressor *d = bc_dc_detect(in, len);
	if (!d) {
		size_t n = len < MB_SCAN ? len : MB_SCAN;
		memcpy(out, in, n);
		return (ssize_t)n;
	}
	if (!grub_can_decompress(d)) {
		snprintf(why, size, "compressed with %s, which GRUB cannot decompress", d->name);
		return -1;
	}
	struct bc_dc_env env = { .alloc = heap_alloc, .free = heap_free };
	struct bc_dc_result res;
	int st = d->decompress(in, len, out, MB_OUT, &env, &res);
	/* a stream cut at MB_READ, or larger than MB_OUT, still gives its start */
	if (st != BC_DC_OK && res.out_len < MB_SCAN) {
		snprintf(why, size, "a %s stream that does not decompress (%s)", d->name,
			 res.msg ? res.msg : bc_dc_status_name(st));
		return -1;
	}
	return (ssize_t)(res.out_len < MB_SCAN ? res.out_len : MB_SCAN);
}

int nkp_check_multiboot(const char *path, char *why, size_t size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(why, size, "cannot be read: %s", strerror(errno));
		return -1;
	}
	u8 *in = malloc(MB_READ), *out = malloc(MB_OUT);
	size_t len = in ? fread(in, 1, MB_READ, f) : 0;
	bool io_error = ferror(f);
	fclose(f);
	int rc = -1;
	if (!in || !out) {
		snprintf(why, size, "out of memory");
	} else if (io_error) {
		snprintf(why, size, "cannot be read: %s", strerror(EIO));
	} else {
		ssize_t n = image_start(in, len, out, why, size);
		if (n >= 0 && nkp_multiboot_kind(out, (size_t)n))
			rc = 0;
		else if (n >= 0)
			snprintf(why, size, "not a multiboot kernel (no Multiboot2 header in its first 32 KiB, "
				 "no Multiboot header in its first 8 KiB)");
	}
	free(in);
	free(out);
	return rc;
}
