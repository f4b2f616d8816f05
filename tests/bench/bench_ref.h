/* The reference decoders the bench compares against: each decodes IN (the
 * kernel-build-style stream, maybe with the 4-byte size trailer) into OUT
 * (exactly OUT_LEN bytes expected) and returns the CPU seconds it took, or -1. */
#ifndef BENCH_REF_H
#define BENCH_REF_H
#include <stddef.h>
#include <bc/types.h>

/* CPU seconds this process has used (what every time here measures). */
double bench_cpu_now(void);

typedef double (*bench_ref_fn)(const u8 *in, size_t in_len, u8 *out, size_t out_len);

double bench_ref_gzip(const u8 *in, size_t in_len, u8 *out, size_t out_len);
double bench_ref_xz(const u8 *in, size_t in_len, u8 *out, size_t out_len);
double bench_ref_lzma(const u8 *in, size_t in_len, u8 *out, size_t out_len);
double bench_ref_bzip2(const u8 *in, size_t in_len, u8 *out, size_t out_len);
double bench_ref_lzo(const u8 *in, size_t in_len, u8 *out, size_t out_len);
double bench_ref_lz4(const u8 *in, size_t in_len, u8 *out, size_t out_len);
double bench_ref_zstd(const u8 *in, size_t in_len, u8 *out, size_t out_len);

/* CPU seconds (user + system) of the command CMD run with FILE as its last
 * argument and stdout on /dev/null, or -1 if it could not run or failed. */
double bench_cli_run(const char *cmd, const char *file);

#endif
