/* Decompressor throughput, ours against the reference library, in one run.
 *
 * For every registered format: the real Debian kernel payload where one uses
 * that format (xz, lz4), the decompressed Debian vmlinux recompressed the
 * kernel-build way for the others, and a 64 MiB mixed vector compressed the
 * same way (dc_shell_filter caches those in $BUILD/dc-cache: compressing
 * 66 MB at zstd -22 or lzma -9 takes minutes). Prints MB/s of output per CPU
 * second for both, the ratio ours/reference (goal >= 0.8) and whether the
 * outputs agree.
 * Usage: bench_decompress [FORMAT...]   (default: all)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_ref.h"
#include "tests/decompress/dc_testlib.h"

#define REPS 3
#define REPS_FAST 9
#define MIXED_LEN (64u << 20)
#define GOAL 0.8

struct format_spec {
	const char *name;
	const char *cmd;            /* the kernel build's compressor, reading stdin */
	const char *payload;        /* format of a Debian kernel payload to use as is, or NULL */
	bench_ref_fn ref;
	bool ref_outputs;           /* false: the reference (lzop CLI) writes to /dev/null */
};

static const struct format_spec formats[] = {
	{ "gzip", "gzip -9 -n", NULL, bench_ref_gzip, true },
	{ "xz", "xz --check=crc32 --x86 --lzma2=dict=32MiB -c", "xz", bench_ref_xz, true },
	{ "lzma", "lzma -9 -c", NULL, bench_ref_lzma, true },
	{ "bzip2", "bzip2 -9", NULL, bench_ref_bzip2, true },
	{ "lzo", "lzop -9 -c", NULL, bench_ref_lzo, false },
	{ "lz4", "lz4 -l -9 -c", "lz4", bench_ref_lz4, true },
	{ "zstd", "zstd -22 --ultra -c -q", NULL, bench_ref_zstd, true },
};

/* The compressed form of RAW by SPEC's command (dc_shell_filter caches it
 * in $BUILD/dc-cache, so only the first run pays for zstd -22 or lzma -9). */
static int compressed(const struct format_spec *spec, const char *what, const struct dc_buf *raw,
		      struct dc_buf *out)
{
	char why[256];
	fprintf(stderr, "bench: %s with '%s'\n", what, spec->cmd);
	if (dc_shell_filter(spec->cmd, raw->data, raw->len, out, why, sizeof(why)) == 0)
		return 0;
	fprintf(stderr, "bench: %s\n", why);
	return -1;
}

/* One run of our decoder: seconds, or -1 with *WHY set. */
static double run_ours(const struct bc_decompressor *d, const struct dc_buf *in, u8 *out,
		       size_t out_len, const char **why)
{
	struct dc_env env;
	struct bc_dc_result res;
	dc_env_init(&env, 0);
	double t = bench_cpu_now();
	int st = d->decompress(in->data, in->len, out, out_len, &env.env, &res);
	t = bench_cpu_now() - t;
	if (st == BC_DC_OK && res.out_len == out_len)
		return t;
	*why = st != BC_DC_OK ? res.msg : "output length differs";
	return -1;
}

static void keep_best(double *best, double t)
{
	if (t >= 0 && (*best < 0 || t < *best))
		*best = t;
}

/* Times reference and ours alternately (the machine is shared: alternating
 * makes both see the same load), best of REPS, or of REPS_FAST for quick runs. */
static void bench_one(const struct format_spec *spec, const char *label, const struct dc_buf *in,
		      size_t out_len)
{
	const struct bc_decompressor *d = bc_dc_by_name(spec->name);
	u8 *ref_out = malloc(out_len), *our_out = malloc(out_len);
	if (!ref_out || !our_out) {
		fprintf(stderr, "bench: out of memory for %zu bytes\n", out_len);
		exit(1);
	}
	memset(ref_out, 0, out_len);
	memset(our_out, 0xa5, out_len);    /* fault the pages in before timing */
	const char *why = d ? NULL : "no decoder registered";
	double tr = -1, to = -1;
	bool ref_failed = false;
	for (int i = 0, reps = REPS; i < reps && !ref_failed && (d && !why); i++) {
		double t = spec->ref(in->data, in->len, ref_out, out_len);
		ref_failed = t < 0;
		keep_best(&tr, t);
		keep_best(&to, run_ours(d, in, our_out, out_len, &why));
		if (i == 0 && tr >= 0 && tr < 0.5)
			reps = REPS_FAST;
	}
	if (d && why == NULL && to < 0)
		why = "decoder failed";
	double mb = (double)out_len / 1e6;
	printf("%-6s %-26s %8.1f ", spec->name, label, mb);
	if (tr > 0)
		printf("%9.1f ", mb / tr);
	else
		printf("%9s ", ref_failed ? "ref-fail" : "-");
	if (why) {
		bool stub = strstr(why, "not implemented") != NULL;
		printf("%9s   %s\n", stub ? "-" : "FAIL", stub ? "not implemented" : why);
	} else {
		double ratio = tr > 0 ? tr / to : 0;
		const char *cmp = !spec->ref_outputs ? " (ref output not compared)"
				  : tr > 0 && memcmp(ref_out, our_out, out_len) != 0 ? " OUTPUT DIFFERS" : "";
		printf("%9.1f %6.2fx %s%s\n", mb / to, ratio, ratio >= GOAL ? "ok" : "BELOW GOAL", cmp);
	}
	fflush(stdout);
	free(ref_out);
	free(our_out);
}

static bool wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	char why[512];
	struct dc_buf vmlinux = { NULL, 0 }, mixed = dc_mixed_make(MIXED_LEN, 64);
	bool have_vm = dc_kernel_vmlinux(&vmlinux, why, sizeof(why)) == 0;
	if (!have_vm)
		printf("# no Debian vmlinux: %s\n", why);
	printf("# decompressor throughput (MB/s of output per CPU second, best of %d-%d); goal ours/ref >= %.1f\n",
	       REPS, REPS_FAST, GOAL);
	printf("%-6s %-26s %8s %9s %9s %7s\n", "format", "vector", "out MB", "ref", "ours", "ratio");
	for (size_t i = 0; i < BC_ARRAY_SIZE(formats); i++) {
		const struct format_spec *spec = &formats[i];
		if (!wanted(spec->name, argc, argv))
			continue;
		struct dc_payload p;
		char label[64];
		if (spec->payload && dc_kernel_payload(spec->payload, &p, why, sizeof(why)) == 0) {
			snprintf(label, sizeof(label), "Debian %s payload", strstr(p.path, "cloud") ? "cloud" : "kernel");
			bench_one(spec, label, &p.data, p.trailer_size);
			dc_payload_free(&p);
		} else if (have_vm) {
			struct dc_buf c;
			if (compressed(spec, "vmlinux", &vmlinux, &c) == 0) {
				bench_one(spec, "Debian vmlinux, kernel cmd", &c, vmlinux.len);
				dc_buf_free(&c);
			}
		}
		struct dc_buf c;
		if (compressed(spec, "64 MiB mixed", &mixed, &c) == 0) {
			bench_one(spec, "64 MiB mixed", &c, mixed.len);
			dc_buf_free(&c);
		}
	}
	dc_buf_free(&vmlinux);
	dc_buf_free(&mixed);
	return 0;
}
