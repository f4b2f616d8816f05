/* Decompressor throughput, ours against the reference library, in one run.
 *
 * For every registered format: the real Debian kernel payload where one uses
 * that format (xz, lz4), the decompressed Debian vmlinux recompressed the
 * kernel-build way for the others, and a 64 MiB mixed vector compressed the
 * same way (dc_shell_filter caches those by content in $BOOTCHAIN_DC_CACHE,
 * build/dc-cache by default: compressing 66 MB at zstd -22 or lzma -9 takes
 * minutes, so only the first run pays). Prints MB/s of output per CPU
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
#include <time.h>
#include <unistd.h>
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
	const char *cli;            /* the reference command-line decoder */
};

static const struct format_spec formats[] = {
	{ "gzip", "gzip -9 -n", NULL, bench_ref_gzip, "gzip -dc" },
	{ "xz", "xz --check=crc32 --x86 --lzma2=dict=32MiB -c", "xz", bench_ref_xz, "xz -dc" },
	{ "lzma", "lzma -9 -c", NULL, bench_ref_lzma, "xz --format=lzma -dc" },
	{ "bzip2", "bzip2 -9", NULL, bench_ref_bzip2, "bzip2 -dc" },
	{ "lzo", "lzop -9 -c", NULL, bench_ref_lzo, "lzop -dc" },
	{ "lz4", "lz4 -l -9 -c", "lz4", bench_ref_lz4, "lz4 -dc" },
	{ "zstd", "zstd -22 --ultra -c -q", NULL, bench_ref_zstd, "zstd -dc -q" },
};

/* The compressed form of RAW by SPEC's command, from the cache when an
 * earlier run made it. */
static int compressed(const struct format_spec *spec, const char *what, const struct dc_buf *raw,
		      struct dc_buf *out)
{
	char why[256];
	bool hit;
	time_t t0 = time(NULL);
	if (dc_shell_filter(spec->cmd, raw->data, raw->len, out, &hit, why, sizeof(why)) == 0) {
		if (hit)
			fprintf(stderr, "bench: %s with '%s': from the cache\n", what, spec->cmd);
		else
			fprintf(stderr, "bench: %s with '%s': compressed in %ld s, cached for the "
				"next run\n", what, spec->cmd, (long)(time(NULL) - t0));
		return 0;
	}
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

/* One table row: MB/s of both and the ratio, or why there is none. */
static void print_row(const struct format_spec *spec, const char *label, const char *mode,
		      size_t out_len, double tr, bool ref_failed, double to, const char *why,
		      const char *note)
{
	double mb = (double)out_len / 1e6;
	printf("%-6s %-28s %-4s %8.1f ", spec->name, label, mode, mb);
	if (tr > 0)
		printf("%9.1f ", mb / tr);
	else
		printf("%9s ", ref_failed ? "ref-fail" : "-");
	if (why) {
		printf("%9s   %s\n", "FAIL", why);
	} else {
		double ratio = tr > 0 ? tr / to : 0;
		printf("%9.1f %6.2fx %s%s\n", mb / to, ratio, ratio >= GOAL ? "ok" : "BELOW GOAL", note);
	}
	fflush(stdout);
}

/* In process against the library: times reference and ours alternately (the
 * machine is shared: alternating makes both see the same load), best of
 * REPS, or of REPS_FAST for quick runs. Both decode into a buffer of exactly
 * the output size, touched before timing. */
static void bench_lib(const struct format_spec *spec, const char *label, const struct dc_buf *in,
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
	const char *cmp = !why && tr > 0 && memcmp(ref_out, our_out, out_len) ? " OUTPUT DIFFERS" : "";
	print_row(spec, label, "lib", out_len, tr, ref_failed, to, why, cmp);
	free(ref_out);
	free(our_out);
}

/* Whole process against whole process: `bootchain decompress FILE` against
 * the reference CLI on the same file, the bytes bench_lib decoded. Best of
 * REPS, alternating. */
static void bench_cli(const struct format_spec *spec, const char *label, const u8 *stream,
		      size_t stream_len, size_t out_len)
{
	const char *bin = getenv("BIN") ? getenv("BIN") : "build/bin";
	char file[] = "/tmp/bench_cli.XXXXXX", ours[512];
	int fd = mkstemp(file);
	if (fd < 0 || write(fd, stream, stream_len) != (ssize_t)stream_len) {
		fprintf(stderr, "bench: cannot write %s\n", file);
		exit(1);
	}
	close(fd);
	snprintf(ours, sizeof(ours), "%s/bootchain decompress", bin);
	double tr = -1, to = -1;
	bool ref_failed = false, our_failed = false;
	for (int i = 0; i < REPS && !ref_failed && !our_failed; i++) {
		double t = bench_cli_run(spec->cli, file);
		ref_failed = t < 0;
		keep_best(&tr, t);
		t = bench_cli_run(ours, file);
		our_failed = t < 0;
		keep_best(&to, t);
	}
	unlink(file);
	char note[96];
	snprintf(note, sizeof(note), " (vs '%s')", spec->cli);
	print_row(spec, label, "cli", out_len, tr, ref_failed, to,
		  our_failed ? "bootchain decompress failed" : NULL, note);
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

/* The first LEN bytes of RAW repeated: long matches and long runs, where
 * the LZ copies are weakest. */
static struct dc_buf repeated(const struct dc_buf *raw, size_t len)
{
	struct dc_buf b = { malloc(len), len };
	if (!b.data) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	for (size_t o = 0; o < len; o += BC_MIN(raw->len, len - o))
		memcpy(b.data + o, raw->data, BC_MIN(raw->len, len - o));
	return b;
}

/* Both rows (library, CLI) for the kernel-build compression of RAW. */
static void bench_vector(const struct format_spec *spec, const char *label, const struct dc_buf *raw)
{
	struct dc_buf c;
	if (compressed(spec, label, raw, &c) == 0) {
		bench_lib(spec, label, &c, raw->len);
		bench_cli(spec, label, c.data, c.len, raw->len);
		dc_buf_free(&c);
	}
}

int main(int argc, char **argv)
{
	char why[512];
	struct dc_buf vmlinux = { NULL, 0 }, mixed = dc_mixed_make(MIXED_LEN, 64), vmcat = { NULL, 0 };
	bool have_vm = dc_kernel_vmlinux(&vmlinux, why, sizeof(why)) == 0;
	if (!have_vm)
		printf("# no Debian vmlinux: %s\n", why);
	else
		vmcat = repeated(&vmlinux, MIXED_LEN);
	printf("# decompressor throughput (MB/s of output per CPU second, best of %d-%d); goal ours/ref >= %.1f\n"
	       "# lib: in process against the reference library; cli: 'bootchain decompress FILE'\n"
	       "# against the reference command, whole process, output to /dev/null\n",
	       REPS, REPS_FAST, GOAL);
	printf("%-6s %-28s %-4s %8s %9s %9s %7s\n", "format", "vector", "mode", "out MB", "ref", "ours", "ratio");
	for (size_t i = 0; i < BC_ARRAY_SIZE(formats); i++) {
		const struct format_spec *spec = &formats[i];
		if (!wanted(spec->name, argc, argv))
			continue;
		struct dc_payload p;
		if (spec->payload && dc_kernel_payload(spec->payload, &p, why, sizeof(why)) == 0) {
			char label[64];
			snprintf(label, sizeof(label), "Debian %s payload", strstr(p.path, "cloud") ? "cloud" : "kernel");
			/* both modes get the same bytes: the stream without the
			 * kernel's size trailer, which not every reference CLI accepts */
			struct dc_buf stream = { p.data.data, p.data.len - 4 };
			bench_lib(spec, label, &stream, p.trailer_size);
			bench_cli(spec, label, stream.data, stream.len, p.trailer_size);
			dc_payload_free(&p);
		} else if (have_vm) {
			bench_vector(spec, "Debian vmlinux, kernel cmd", &vmlinux);
		}
		if (have_vm)
			bench_vector(spec, "vmlinux repeated to 64 MiB", &vmcat);
		bench_vector(spec, "64 MiB mixed", &mixed);
	}
	dc_buf_free(&vmlinux);
	dc_buf_free(&vmcat);
	dc_buf_free(&mixed);
	return 0;
}
