/* gzip (RFC 1952): one member, header fields, DEFLATE body, CRC32 and ISIZE.
 * The kernel build uses `gzip -9 -n`; anything after the member (the
 * appended size word, padding) is not part of the stream. */
#include "decompress.h"
#include "inflate.h"
#include <bc/crc.h>

enum {
	FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16,
	FRESERVED = 0xe0,
};

struct gz_header {
	const u8 *in;
	size_t len, pos;
};

/* Skips a zero-terminated field; false if the input ends first. */
static bool skip_string(struct gz_header *h)
{
	while (h->pos < h->len)
		if (h->in[h->pos++] == 0)
			return true;
	return false;
}

/* Parses the member header; on success h->pos is where the DEFLATE data starts. */
static int parse_header(struct gz_header *h, const char **msg)
{
	const u8 *in = h->in;
	if (h->len < 10) {
		*msg = "gzip: input ends inside the header";
		return BC_DC_TRUNCATED;
	}
	if (in[0] != 0x1f || in[1] != 0x8b) {
		*msg = "gzip: bad magic";
		return BC_DC_CORRUPT;
	}
	if (in[2] != 8) {
		*msg = "gzip: compression method is not deflate";
		return BC_DC_UNSUPPORTED;
	}
	u8 flg = in[3];
	if (flg & FRESERVED) {
		*msg = "gzip: reserved header flags set";
		return BC_DC_UNSUPPORTED;
	}
	h->pos = 10;   /* magic, CM, FLG, MTIME, XFL, OS */
	if (flg & FEXTRA) {
		if (h->len - h->pos < 2) {
			*msg = "gzip: input ends inside the extra field";
			return BC_DC_TRUNCATED;
		}
		size_t xlen = bc_le16(in + h->pos);
		h->pos += 2;
		if (xlen > h->len - h->pos) {
			*msg = "gzip: input ends inside the extra field";
			return BC_DC_TRUNCATED;
		}
		h->pos += xlen;
	}
	if (((flg & FNAME) && !skip_string(h)) || ((flg & FCOMMENT) && !skip_string(h))) {
		*msg = "gzip: input ends inside the file name or comment";
		return BC_DC_TRUNCATED;
	}
	if (flg & FHCRC) {
		if (h->len - h->pos < 2) {
			*msg = "gzip: input ends inside the header CRC";
			return BC_DC_TRUNCATED;
		}
		if ((bc_crc32(0, in, h->pos) & 0xffff) != bc_le16(in + h->pos)) {
			*msg = "gzip: header CRC mismatch";
			return BC_DC_CHECKSUM;
		}
		h->pos += 2;
	}
	return BC_DC_OK;
}

static int gzip_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			   const struct bc_dc_env *env, struct bc_dc_result *res)
{
	struct gz_header h = { .in = in, .len = in_len };
	res->in_used = 0;
	res->out_len = 0;
	res->msg = NULL;
	int st = parse_header(&h, &res->msg);
	if (st != BC_DC_OK)
		return st;
	struct bc_dc_result body;
	st = bc_inflate(in + h.pos, in_len - h.pos, out, out_cap, env, &body);
	res->out_len = body.out_len;
	res->in_used = h.pos + body.in_used;
	if (st != BC_DC_OK) {
		res->msg = body.msg;
		return st;
	}
	if (in_len - res->in_used < 8) {
		res->msg = "gzip: input ends inside the CRC32/ISIZE trailer";
		return BC_DC_TRUNCATED;
	}
	const u8 *trailer = in + res->in_used;
	res->in_used += 8;
	if (bc_crc32(0, out, body.out_len) != bc_le32(trailer)) {
		res->msg = "gzip: CRC32 of the data does not match";
		return BC_DC_CHECKSUM;
	}
	if ((u32)body.out_len != bc_le32(trailer + 4)) {
		res->msg = "gzip: ISIZE does not match the data length";
		return BC_DC_CHECKSUM;
	}
	return BC_DC_OK;
}

const struct bc_decompressor bc_dc_gzip = {
	.name = "gzip", .magic = (const u8 *)"\x1f\x8b", .magic_len = sizeof("\x1f\x8b") - 1,
	.decompress = gzip_decompress,
};
