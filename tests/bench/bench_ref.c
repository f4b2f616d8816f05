/* Reference decoders for the bench: zlib, liblzma, libbz2, liblz4, libzstd
 * in-process; lzop(1) as a process (there is no liblzo2 by default), so its
 * time includes starting lzop and reading the file from the page cache.
 * Times are CPU seconds: the machine is shared, and wall time mostly
 * measures the other jobs. */
#include <bzlib.h>
#include <lz4.h>
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

/* CPU seconds used by finished child processes (for the lzop CLI). */
static double children_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
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

double bench_ref_lzo(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	char dir[] = "/tmp/bench_lzo.XXXXXX", file[64], cmd[160];
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/in.lzo", dir);
	FILE *f = fopen(file, "wb");
	bool ok = f && fwrite(in, 1, in_len, f) == in_len;
	if (f)
		ok = fclose(f) == 0 && ok;
	double t = -1;
	snprintf(cmd, sizeof(cmd), "lzop -dc %s > /dev/null 2>&1", file);
	if (ok) {
		t = children_cpu();
		/* lzop warns about the size trailer ("trailing garbage") and exits 2 */
		int st = system(cmd);
		t = children_cpu() - t;
		if (st == -1 || !WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 2))
			t = -1;
	}
	unlink(file);
	rmdir(dir);
	(void)out;
	(void)out_len;
	return t;
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
