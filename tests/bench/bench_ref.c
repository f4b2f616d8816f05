/* Reference decoders for the bench, in process: zlib, liblzma, libbz2,
 * liblz4, libzstd, and liblzo2 under a reader of the lzop container that
 * checks what lzop checks by default. Times are CPU seconds: the machine is
 * shared, and wall time mostly measures the other jobs. */
#include <bzlib.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "bench_ref.h"
#include "tests/decompress/dc_testlib.h"

double bench_cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double bench_ref_gzip(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)in_len;
	z.next_out = out;
	z.avail_out = (uInt)out_len;
	double t = bench_cpu_now();
	int st = inflate(&z, Z_FINISH);
	t = bench_cpu_now() - t;
	bool ok = st == Z_STREAM_END && z.total_out == out_len;
	inflateEnd(&z);
	return ok ? t : -1;
}

static double lzma_run(lzma_stream *s, const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	s->next_in = in;
	s->avail_in = in_len;
	s->next_out = out;
	s->avail_out = out_len;
	double t = bench_cpu_now();
	lzma_ret r = lzma_code(s, LZMA_FINISH);
	t = bench_cpu_now() - t;
	bool ok = r == LZMA_STREAM_END && s->total_out == out_len;
	lzma_end(s);
	return ok ? t : -1;
}

double bench_ref_xz(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	/* no LZMA_CONCATENATED: the stream ends before the size trailer */
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return -1;
	return lzma_run(&s, in, in_len, out, out_len);
}

double bench_ref_lzma(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_alone_decoder(&s, UINT64_MAX) != LZMA_OK)
		return -1;
	return lzma_run(&s, in, in_len, out, out_len);
}

double bench_ref_bzip2(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	bz_stream s;
	memset(&s, 0, sizeof(s));
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return -1;
	s.next_in = (char *)in;
	s.avail_in = (unsigned)in_len;
	s.next_out = (char *)out;
	s.avail_out = (unsigned)out_len;
	double t = bench_cpu_now();
	int st = BZ2_bzDecompress(&s);
	t = bench_cpu_now() - t;
	bool ok = st == BZ_STREAM_END && s.total_out_lo32 == (unsigned)out_len;
	BZ2_bzDecompressEnd(&s);
	return ok ? t : -1;
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Offset of the first block after an lzop file header, or 0 if malformed;
 * *FLAGS gets the header flags (which checksums each block carries). */
static size_t lzop_header(const u8 *in, size_t in_len, u32 *flags)
{
	if (in_len < 50 || memcmp(in, "\x89LZO\0\r\n\x1a\n", 9))
		return 0;
	unsigned version = (unsigned)in[9] << 8 | in[10];
	size_t p = 13 + (version >= 0x940 ? 2 : 0) + 1 + (version >= 0x940 ? 1 : 0);
	*flags = be32(in + p);
	p += 4 + ((*flags & 0x800) ? 4 : 0) + 8 + (version >= 0x940 ? 4 : 0);
	p += 1 + in[p] + 4;            /* name and the header checksum */
	if (*flags & 0x40)             /* extra field: length, data, checksum */
		p += 4 + be32(in + p) + 4;
	return p < in_len ? p : 0;
}

double bench_ref_lzo(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	u32 flags;
	size_t pos = lzop_header(in, in_len, &flags), o = 0;
	if (pos == 0 || lzo_init() != LZO_E_OK)
		return -1;
	double t = bench_cpu_now();
	for (;;) {
		if (in_len - pos < 4)
			return -1;
		u32 dst = be32(in + pos);
		pos += 4;
		if (dst == 0)
			break;
		if (in_len - pos < 4 || dst > out_len - o)
			return -1;
		u32 src = be32(in + pos), sum_d = 0;
		pos += 4;
		if (flags & 0x101)             /* F_ADLER32_D or F_CRC32_D */
			sum_d = be32(in + pos), pos += 4;
		if (src < dst && (flags & 0x202))
			pos += 4;              /* compressed-data checksum: lzop skips it */
		if (src > in_len - pos)
			return -1;
		if (src == dst) {
			memcpy(out + o, in + pos, src);
		} else {
			lzo_uint got = dst;
			if (lzo1x_decompress_safe(in + pos, src, out + o, &got, NULL) != LZO_E_OK || got != dst)
				return -1;
		}
		if ((flags & 1) && lzo_adler32(1, out + o, dst) != sum_d)
			return -1;
		if ((flags & 0x100) && lzo_crc32(0, out + o, dst) != sum_d)
			return -1;
		o += dst;
		pos += src;
	}
	t = bench_cpu_now() - t;
	return o == out_len ? t : -1;
}

/* The legacy frame by hand: liblz4's frame API does not read it. */
double bench_ref_lz4(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	size_t pos = 4, o = 0;
	double t = bench_cpu_now();
	while (in_len - pos > 4) {
		u32 n = bc_le32(in + pos);
		pos += 4;
		if (n == 0x184C2102u)
			continue;
		if (n > in_len - pos)
			return -1;
		int got = LZ4_decompress_safe((const char *)in + pos, (char *)out + o, (int)n,
					      (int)BC_MIN(out_len - o, (size_t)8 << 20));
		if (got < 0)
			return -1;
		o += (size_t)got;
		pos += n;
	}
	t = bench_cpu_now() - t;
	return o == out_len ? t : -1;
}

double bench_ref_zstd(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	double t = bench_cpu_now();
	size_t frame = ZSTD_findFrameCompressedSize(in, in_len);
	if (ZSTD_isError(frame))
		return -1;
	size_t got = ZSTD_decompress(out, out_len, in, frame);
	t = bench_cpu_now() - t;
	return !ZSTD_isError(got) && got == out_len ? t : -1;
}
