/* bzImage: validate the Linux x86 boot protocol setup header, locate the
 * compressed payload and decompress it through the decompressor registry. */
#include "ld_internal.h"
#include <bc/string.h>

#define BZ_BOOT_FLAG_OFF   0x1FE
#define BZ_JUMP_LEN_OFF    0x201
#define BZ_MAGIC_OFF       0x202
#define BZ_VERSION_OFF     0x206
#define BZ_KVERSION_OFF    0x20E
#define BZ_LOADFLAGS_OFF   0x211
#define BZ_PAYLOAD_END     0x250       /* payload_offset/length end here */
#define BZ_LOADED_HIGH     0x01
#define BZ_VERSION_MAX     256         /* longest kernel_version string we take */

/* A header field, or 0 when the image's header is too short to have it. */
static u32 hdr_u32(const u8 *img, size_t hdr_end, size_t off)
{
	return off + 4 <= hdr_end ? bc_le32(img + off) : 0;
}

static u16 hdr_u16(const u8 *img, size_t hdr_end, size_t off)
{
	return off + 2 <= hdr_end ? bc_le16(img + off) : 0;
}

static void read_version_string(const u8 *img, size_t len, struct bc_bzimage *bz)
{
	u16 ptr = bc_le16(img + BZ_KVERSION_OFF);
	size_t off = (size_t)ptr + 0x200;
	if (ptr == 0 || off >= len)
		return;
	size_t n = 0;
	while (off + n < len && n < BZ_VERSION_MAX && img[off + n] != 0)
		n++;
	bz->version = (const char *)img + off;
	bz->version_len = n;
}

static void read_optional_fields(const u8 *img, struct bc_bzimage *bz)
{
	size_t end = bz->header_end;
	bz->syssize = hdr_u32(img, end, 0x1F4);
	bz->kernel_alignment = hdr_u32(img, end, 0x230);
	bz->relocatable = end > 0x234 ? img[0x234] : 0;
	bz->xloadflags = bz->protocol >= 0x020C ? hdr_u16(img, end, 0x236) : 0;
	bz->cmdline_size = bz->protocol >= 0x0206 ? hdr_u32(img, end, 0x238) : 255;
	if (bz->protocol >= 0x020A) {
		bz->pref_address = (u64)hdr_u32(img, end, 0x258) | ((u64)hdr_u32(img, end, 0x25C) << 32);
		bz->init_size = hdr_u32(img, end, 0x260);
	}
}

static int locate_payload(const u8 *img, struct bc_bzimage *bz)
{
	u32 off = bc_le32(img + 0x248), plen = bc_le32(img + 0x24C);
	if (!bc_ld_in_bounds(off, plen, bz->pm_len))
		return bc_ld_fail(BC_LD_INVALID, "bzImage payload lies outside the file");
	if (plen < 4)
		return bc_ld_fail(BC_LD_INVALID, "bzImage payload shorter than its size trailer");
	bz->payload = bz->pm + off;
	bz->payload_len = plen;
	bz->decompressed_size = bc_le32(bz->payload + plen - 4);
	bz->payload_is_elf = bc_memcmp(bz->payload, "\x7f" "ELF", 4) == 0;
	if (bz->payload_is_elf)   /* stored as is: that many bytes come out */
		bz->decompressed_size = plen;
	bz->codec = bz->payload_is_elf ? NULL : bc_dc_detect(bz->payload, plen);
	return BC_LD_OK;
}

int bc_bzimage_parse(const u8 *img, size_t len, struct bc_bzimage *out)
{
	bc_memset(out, 0, sizeof(*out));
	if (len < BZ_MAGIC_OFF + 4)
		return bc_ld_fail(BC_LD_NOT_KERNEL, "file too short for a boot sector and setup header");
	if (bc_le16(img + BZ_BOOT_FLAG_OFF) != 0xAA55)
		return bc_ld_fail(BC_LD_NOT_KERNEL, "no boot flag 0xAA55 at offset 0x1FE");
	if (bc_memcmp(img + BZ_MAGIC_OFF, "HdrS", 4) != 0)
		return bc_ld_fail(BC_LD_NOT_KERNEL, "no \"HdrS\" setup header signature at offset 0x202");
	if (len < BZ_PAYLOAD_END)
		return bc_ld_fail(BC_LD_INVALID, "file ends inside the setup header");
	out->header_end = BZ_MAGIC_OFF + (size_t)img[BZ_JUMP_LEN_OFF];
	out->protocol = bc_le16(img + BZ_VERSION_OFF);
	if (out->protocol < BC_BZ_MIN_PROTOCOL)
		return bc_ld_fail(BC_LD_UNSUPPORTED, "boot protocol older than 2.08 (no payload fields)");
	if (out->header_end < BZ_PAYLOAD_END || out->header_end > len)
		return bc_ld_fail(BC_LD_INVALID, "setup header length does not cover the payload fields");
	out->loadflags = img[BZ_LOADFLAGS_OFF];
	if (!(out->loadflags & BZ_LOADED_HIGH))
		return bc_ld_fail(BC_LD_UNSUPPORTED, "zImage (LOADED_HIGH not set), not a bzImage");
	out->setup_sects = img[0x1F1] ? img[0x1F1] : 4;
	out->setup_len = ((size_t)out->setup_sects + 1) * 512;
	if (out->setup_len >= len)
		return bc_ld_fail(BC_LD_INVALID, "setup sectors run past the end of the file");
	out->pm = img + out->setup_len;
	out->pm_len = len - out->setup_len;
	read_optional_fields(img, out);
	read_version_string(img, len, out);
	return locate_payload(img, out);
}

/* Bytes of the payload that belong to the compressed stream: every format but
 * gzip has the 4-byte size appended after its stream (gzip's ISIZE is part of it). */
static size_t stream_len(const struct bc_bzimage *bz)
{
	if (bc_strcmp(bz->codec->name, "gzip") == 0)
		return bz->payload_len;
	return bz->payload_len - 4;
}

int bc_kernel_decompress(const struct bc_bzimage *bz, u8 *out, size_t out_cap,
			 const struct bc_dc_env *env, size_t *out_len)
{
	*out_len = 0;
	if (bz->payload_is_elf) {
		if (bz->payload_len > out_cap)
			return bc_ld_fail(BC_LD_NOSPACE, "output buffer smaller than the ELF payload");
		bc_memcpy(out, bz->payload, bz->payload_len);
		*out_len = bz->payload_len;
		return BC_LD_OK;
	}
	if (!bz->codec)
		return bc_ld_fail(BC_LD_UNSUPPORTED, "payload compression not recognised by its magic");
	struct bc_dc_result res = { 0 };
	int st = bz->codec->decompress(bz->payload, stream_len(bz), out, out_cap, env, &res);
	*out_len = res.out_len;
	if (st == BC_DC_OUTPUT_FULL)
		return bc_ld_fail(BC_LD_NOSPACE, "output buffer smaller than the decompressed kernel");
	if (st != BC_DC_OK)
		return bc_ld_fail(st == BC_DC_UNSUPPORTED ? BC_LD_UNSUPPORTED : BC_LD_DECOMPRESS,
				  res.msg ? res.msg : bc_dc_status_name(st));
	if (res.out_len != bz->decompressed_size)
		return bc_ld_fail(BC_LD_INVALID, "decompressed size differs from the payload's size trailer");
	return BC_LD_OK;
}
