/* lzo: the lzop container (what `lzop -9` writes for the kernel build) with
 * LZO1X blocks. Header and block checksums present in the stream (adler32 or
 * CRC32, per the flags) are verified. Each block is decoded on its own: LZO1X
 * matches never reach into an earlier block. */
#include "decompress.h"
#include "lzcopy.h"
#include <bc/crc.h>
#include <bc/string.h>

enum {
	F_ADLER32_D = 0x1, F_ADLER32_C = 0x2, F_H_EXTRA_FIELD = 0x40, F_CRC32_D = 0x100,
	F_CRC32_C = 0x200, F_MULTIPART = 0x400, F_H_FILTER = 0x800, F_H_CRC32 = 0x1000,
};
#define LZOP_MAX_BLOCK (64u << 20)   /* lzop's own limit on a block */

/* ---- checksums ------------------------------------------------------------ */

static u32 adler32(u32 adler, const u8 *p, size_t len)
{
	u32 a = adler & 0xffff, b = adler >> 16;
	while (len) {
		/* 5552 bytes is the most that cannot overflow b before the modulo */
		size_t n = BC_MIN(len, (size_t)5552);
		len -= n;
		while (n--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return (b << 16) | a;
}

/* ---- LZO1X ------------------------------------------------------------------ */

struct lzo_block {
	const u8 *ip, *iend;
	u8 *op, *oend, *start;
	const char *msg;
};

/* Reads a run-length extension: zero bytes count 255 each, then one more
 * byte; adds BASE + all of it to *T. False if the input ends first. */
static inline bool read_ext(const u8 **ipp, const u8 *iend, size_t base, size_t *t)
{
	const u8 *ip = *ipp;
	size_t n = base;
	while (ip < iend && *ip == 0) {
		n += 255;
		ip++;
	}
	if (ip == iend)
		return false;
	*t += n + *ip++;
	*ipp = ip;
	return true;
}

static inline void copy_bytes(u8 *op, const u8 *ip, size_t n, const u8 *iend, const u8 *oend)
{
	if ((size_t)(iend - ip) >= n + 8 && (size_t)(oend - op) >= n + 8) {
		for (size_t i = 0; i < n; i += 8)
			lz_store64(op + i, lz_load64(ip + i));
	} else {
		bc_memcpy(op, ip, n);
	}
}

#define NEED_IN(n)  do { if ((size_t)(iend - ip) < (size_t)(n)) goto truncated; } while (0)
#define NEED_OUT(n) do { if ((size_t)(oend - op) < (size_t)(n)) goto too_long; } while (0)

/* Decodes one LZO1X block (no RFC; Linux documents the layout in lzo.rst).
 * Returns OK at the end-of-stream instruction; b->ip/op say where it ended. */
static int lzo1x_block(struct lzo_block *b)
{
	const u8 *ip = b->ip, *const iend = b->iend;
	u8 *op = b->op, *const oend = b->oend, *const start = b->start;
	size_t t, dist, next, state = 0;
	NEED_IN(1);
	if (*ip > 17) {
		t = *ip++ - 17u;
		if (t < 4) {
			next = t;
			goto match_next;
		}
		goto literal_run;
	}
	for (;;) {
		NEED_IN(1);
		t = *ip++;
		if (t < 16) {
			if (state == 0) {
				if (t == 0 && !read_ext(&ip, iend, 15, &t))
					goto truncated;
				t += 3;
literal_run:
				NEED_IN(t);
				NEED_OUT(t);
				copy_bytes(op, ip, t, iend, oend);
				ip += t;
				op += t;
				state = 4;
				continue;
			}
			NEED_IN(1);
			next = t & 3;
			/* after a short literal run: 2-byte match; after a long one: 3 bytes, 2K further */
			dist = 1 + (t >> 2) + ((size_t)*ip++ << 2) + (state == 4 ? 0x800 : 0);
			t = state == 4 ? 3 : 2;
		} else if (t >= 64) {
			NEED_IN(1);
			next = t & 3;
			dist = 1 + ((t >> 2) & 7) + ((size_t)*ip++ << 3);
			t = (t >> 5) + 1;
		} else if (t >= 32) {
			t &= 31;
			if (t == 0 && !read_ext(&ip, iend, 31, &t))
				goto truncated;
			t += 2;
			NEED_IN(2);
			u16 w = bc_le16(ip);
			ip += 2;
			dist = 1 + (w >> 2);
			next = w & 3;
		} else {
			size_t far = (t & 8) << 11;
			t &= 7;
			if (t == 0 && !read_ext(&ip, iend, 7, &t))
				goto truncated;
			t += 2;
			NEED_IN(2);
			u16 w = bc_le16(ip);
			ip += 2;
			dist = far + (w >> 2);
			if (dist == 0) {
				if (t != 3) {
					b->msg = "lzo: malformed end-of-stream marker";
					return BC_DC_CORRUPT;
				}
				b->ip = ip;
				b->op = op;
				return BC_DC_OK;
			}
			dist += 0x4000;
			next = w & 3;
		}
		if (dist > (size_t)(op - start)) {
			b->msg = "lzo: match distance before the block start";
			return BC_DC_CORRUPT;
		}
		NEED_OUT(t);
		lz_copy_match(op, dist, t, oend);
		op += t;
match_next:
		/* the low two bits of a match carry 0-3 literals that follow it */
		state = next;
		NEED_IN(next);
		NEED_OUT(next);
		for (size_t i = 0; i < next; i++)
			op[i] = ip[i];
		ip += next;
		op += next;
	}
truncated:
	b->msg = "lzo: block data ends inside an instruction";
	return BC_DC_CORRUPT;
too_long:
	b->msg = "lzo: block decodes to more than its stated size";
	return BC_DC_CORRUPT;
}

#undef NEED_IN
#undef NEED_OUT

/* ---- lzop container ----------------------------------------------------------- */

struct lzop {
	const u8 *in;
	size_t len, pos;
	u32 flags;
	const char *msg;
};

static int lzop_fail(struct lzop *z, int status, const char *msg)
{
	z->msg = msg;
	return status;
}

/* Reads N (1, 2 or 4) big-endian bytes into *V; false if the input ends. */
static bool get_be(struct lzop *z, unsigned n, u32 *v)
{
	if (z->len - z->pos < n)
		return false;
	u32 x = 0;
	for (unsigned i = 0; i < n; i++)
		x = (x << 8) | z->in[z->pos++];
	*v = x;
	return true;
}

static int parse_header(struct lzop *z)
{
	static const u8 magic[9] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n' };
	u32 version, lib, need = 0, method, level = 0, mode, mtime, name_len, check, skip;
	if (z->len < 9)
		return lzop_fail(z, BC_DC_TRUNCATED, "lzo: input ends inside the magic");
	if (bc_memcmp(z->in, magic, 9) != 0)
		return lzop_fail(z, BC_DC_CORRUPT, "lzo: bad lzop magic");
	z->pos = 9;
	bool ok = get_be(z, 2, &version) && get_be(z, 2, &lib);
	if (ok && version >= 0x0940)
		ok = get_be(z, 2, &need);
	ok = ok && get_be(z, 1, &method);
	if (ok && version >= 0x0940)
		ok = get_be(z, 1, &level);
	ok = ok && get_be(z, 4, &z->flags);
	if (ok && (z->flags & F_H_FILTER))
		ok = get_be(z, 4, &skip);
	ok = ok && get_be(z, 4, &mode) && get_be(z, 4, &mtime);
	if (ok && version >= 0x0940)
		ok = get_be(z, 4, &mtime);
	ok = ok && get_be(z, 1, &name_len) && z->len - z->pos >= name_len;
	if (!ok)
		return lzop_fail(z, BC_DC_TRUNCATED, "lzo: input ends inside the lzop header");
	z->pos += name_len;
	size_t hdr_end = z->pos;
	if (!get_be(z, 4, &check))
		return lzop_fail(z, BC_DC_TRUNCATED, "lzo: input ends inside the header checksum");
	u32 want = (z->flags & F_H_CRC32) ? bc_crc32(0, z->in + 9, hdr_end - 9)
					  : adler32(1, z->in + 9, hdr_end - 9);
	if (check != want)
		return lzop_fail(z, BC_DC_CHECKSUM, "lzo: header checksum mismatch");
	if (version < 0x0900 || (version >= 0x0940 && need > 0x1040))
		return lzop_fail(z, BC_DC_UNSUPPORTED, "lzo: lzop format version not supported");
	if (method < 1 || method > 3)
		return lzop_fail(z, BC_DC_UNSUPPORTED, "lzo: compression method is not LZO1X");
	if (z->flags & (F_H_FILTER | F_MULTIPART | F_H_EXTRA_FIELD))
		return lzop_fail(z, BC_DC_UNSUPPORTED, "lzo: filter, multipart or extra field not supported");
	(void)lib; (void)level; (void)mode;
	return BC_DC_OK;
}

/* Verifies the adler32 and/or CRC32 fields read for DATA (flag pair given). */
static bool sums_match(const u8 *data, size_t len, u32 flags, u32 f_adler, u32 f_crc,
		       u32 adler, u32 crc)
{
	if ((flags & f_adler) && adler32(1, data, len) != adler)
		return false;
	return !(flags & f_crc) || bc_crc32(0, data, len) == crc;
}

/* Decodes one block at z->pos into OUT[*OLEN..CAP); sets *END at the end marker. */
static int lzop_block(struct lzop *z, u8 *out, size_t *olen, size_t cap, bool *end)
{
	u32 dlen, clen, d_adler = 0, d_crc = 0, c_adler = 0, c_crc = 0;
	if (!get_be(z, 4, &dlen))
		return lzop_fail(z, BC_DC_TRUNCATED, "lzo: input ends before the end-of-stream marker");
	if (dlen == 0) {
		*end = true;
		return BC_DC_OK;
	}
	bool ok = get_be(z, 4, &clen);
	if (ok && (z->flags & F_ADLER32_D))
		ok = get_be(z, 4, &d_adler);
	if (ok && (z->flags & F_CRC32_D))
		ok = get_be(z, 4, &d_crc);
	if (ok && clen < dlen && (z->flags & F_ADLER32_C))
		ok = get_be(z, 4, &c_adler);
	if (ok && clen < dlen && (z->flags & F_CRC32_C))
		ok = get_be(z, 4, &c_crc);
	if (!ok)
		return lzop_fail(z, BC_DC_TRUNCATED, "lzo: input ends inside a block header");
	if (dlen > LZOP_MAX_BLOCK || clen > dlen || clen == 0)
		return lzop_fail(z, BC_DC_CORRUPT, "lzo: impossible block sizes");
	if (clen > z->len - z->pos)
		return lzop_fail(z, BC_DC_TRUNCATED, "lzo: input ends inside a block");
	if (dlen > cap - *olen)
		return lzop_fail(z, BC_DC_OUTPUT_FULL, "lzo: output larger than the buffer");
	const u8 *src = z->in + z->pos;
	u8 *dst = out + *olen;
	if (clen == dlen) {
		bc_memcpy(dst, src, dlen);      /* stored: lzop keeps incompressible blocks as is */
	} else {
		if (!sums_match(src, clen, z->flags, F_ADLER32_C, F_CRC32_C, c_adler, c_crc))
			return lzop_fail(z, BC_DC_CHECKSUM, "lzo: compressed block checksum mismatch");
		struct lzo_block b = { .ip = src, .iend = src + clen, .op = dst, .oend = dst + dlen,
				       .start = dst };
		int st = lzo1x_block(&b);
		if (st != BC_DC_OK)
			return lzop_fail(z, st, b.msg);
		if (b.op != b.oend || b.ip != b.iend)
			return lzop_fail(z, BC_DC_CORRUPT, "lzo: block size does not match its data");
	}
	if (!sums_match(dst, dlen, z->flags, F_ADLER32_D, F_CRC32_D, d_adler, d_crc))
		return lzop_fail(z, BC_DC_CHECKSUM, "lzo: block checksum mismatch");
	z->pos += clen;
	*olen += dlen;
	return BC_DC_OK;
}

static int lzo_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			  const struct bc_dc_env *env, struct bc_dc_result *res)
{
	(void)env;   /* LZO1X needs no work memory */
	struct lzop z = { .in = in, .len = in_len };
	res->out_len = 0;
	res->msg = NULL;
	int st = parse_header(&z);
	for (bool end = false; st == BC_DC_OK && !end;)
		st = lzop_block(&z, out, &res->out_len, out_cap, &end);
	res->in_used = z.pos;
	if (st != BC_DC_OK)
		res->msg = z.msg;
	return st;
}

const struct bc_decompressor bc_dc_lzo = {
	.name = "lzo", .magic = (const u8 *)"\x89LZO\x00\r\n\x1a\n", .magic_len = sizeof("\x89LZO\x00\r\n\x1a\n") - 1,
	.decompress = lzo_decompress,
};
