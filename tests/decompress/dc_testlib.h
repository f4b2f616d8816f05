/* Shared helpers for the decompressor tests (and the decompressor bench).
 *
 * Vectors, shell compressors, the Debian kernels' payloads, a malloc-backed
 * struct bc_dc_env that counts and can limit memory, exact-size runs (every
 * input and output buffer is its own malloc block so ASan catches any read
 * past in_len or write past out_cap), and a truncation + bit-flip torture loop.
 *
 * Functions named dc_assert_* and dc_torture use cmocka assertions, so include
 * this after <cmocka.h>'s prerequisites. Everything else reports failure by
 * return value and a message in a caller-supplied buffer.
 */
#ifndef DC_TESTLIB_H
#define DC_TESTLIB_H
#include <stdbool.h>
#include <stddef.h>
#include <bc/types.h>
#include "hypervisor/decompress/decompress.h"

/* A heap buffer; data is NULL only when len is 0 and nothing was allocated. */
struct dc_buf {
	u8 *data;
	size_t len;
};
void dc_buf_free(struct dc_buf *b);

/* ---- vectors ---------------------------------------------------------- */

/* Deterministic 32-bit xorshift generator; *state must not be 0. */
u32 dc_rand(u32 *state);

enum dc_vec {
	DC_VEC_EMPTY,   /* 0 bytes */
	DC_VEC_TINY,    /* 13 bytes of text */
	DC_VEC_RANDOM,  /* 64 KiB incompressible */
	DC_VEC_TEXT,    /* 256 KiB pseudo-English with long repeats */
	DC_VEC_LARGE,   /* 9 MiB mixed: crosses lz4's 8 MiB block and bzip2's 900k block */
	DC_VEC_COUNT,
};
const char *dc_vec_name(enum dc_vec v);
/* Builds vector V (always the same bytes for the same V). Aborts on ENOMEM. */
struct dc_buf dc_vec_make(enum dc_vec v);
/* LEN bytes mixing text, random, zero runs, short-period and binary-table data
 * in chunks of varying size: what a kernel image looks like to a compressor. */
struct dc_buf dc_mixed_make(size_t len, u32 seed);

/* ---- reference tools -------------------------------------------------- */

/* True if TOOL is found on PATH. */
bool dc_have_tool(const char *tool);
/* Runs the shell command CMD (e.g. "gzip -9 -n") with IN on stdin and puts its
 * stdout in *OUT. Returns 0, or -1 with a reason in WHY (WHY_LEN bytes).
 * Results for inputs of 1 MiB or more are cached in $BOOTCHAIN_DC_CACHE, or
 * $BUILD/dc-cache (keyed by command, length and CRC32 of the input), when
 * one is set, as make does: compressing the kernel at -9 takes the CLIs many
 * seconds. *FROM_CACHE (if not NULL) says whether the cache had it. */
int dc_shell_filter(const char *cmd, const u8 *in, size_t in_len, struct dc_buf *out, bool *from_cache,
		    char *why, size_t why_len);

/* ---- Debian kernel payloads ------------------------------------------- */

struct dc_payload {
	struct dc_buf data;   /* payload_length bytes: the stream plus the 4-byte size trailer */
	u32 trailer_size;     /* the LE32 uncompressed size the kernel build appended */
	char path[256];       /* the bzImage it came from */
};
/* Finds a /boot/vmlinuz-* whose payload the registry detects as FORMAT ("xz",
 * "lz4", ...) and loads that payload. Returns 0, or -1 with a reason in WHY
 * (no such kernel: callers skip() with that reason). */
int dc_kernel_payload(const char *format, struct dc_payload *p, char *why, size_t why_len);
void dc_payload_free(struct dc_payload *p);
/* The decompressed Debian vmlinux (ELF + relocs), decoded from whichever
 * kernel payload is present with its reference library (liblzma or liblz4),
 * for recompressing it the kernel-build way. Returns 0 or -1 with WHY. */
int dc_kernel_vmlinux(struct dc_buf *out, char *why, size_t why_len);

/* ---- work memory -------------------------------------------------------- */

/* A struct bc_dc_env over malloc that counts blocks and bytes and refuses any
 * allocation that would take the live total over LIMIT (0 = no limit). */
struct dc_env {
	struct bc_dc_env env;   /* pass &e.env to decompressors */
	size_t limit;
	size_t live_bytes, peak_bytes;
	unsigned long live_blocks, failed;
};
void dc_env_init(struct dc_env *e, size_t limit);

/* ---- running decompressors ---------------------------------------------- */

/* Runs D on an exact-size heap copy of IN into a fresh OUT_CAP-byte heap
 * buffer (returned in *OUT, to be freed; out->len = res->out_len). Checks
 * the contract every call must keep whatever the status (in_used <= in_len,
 * out_len <= out_cap, msg set exactly when status != OK, every work block
 * freed) and fails the cmocka test if it is broken. Returns the status. */
int dc_run(const struct bc_decompressor *d, const u8 *in, size_t in_len, size_t out_cap,
	   struct dc_buf *out, struct bc_dc_result *res);
/* dc_run with the caller's environment (e.g. one with a memory limit). */
int dc_run_env(const struct bc_decompressor *d, struct dc_env *env, const u8 *in, size_t in_len,
	       size_t out_cap, struct dc_buf *out, struct bc_dc_result *res);

/* Asserts D decodes COMP (COMP_LEN bytes, which may include trailing bytes)
 * to exactly EXPECT, consuming IN_USED bytes, with an exact-size output
 * buffer; then asserts a buffer one byte short gives BC_DC_OUTPUT_FULL. */
void dc_assert_decodes(const struct bc_decompressor *d, const u8 *comp, size_t comp_len,
		       size_t in_used, const u8 *expect, size_t expect_len);

/* Asserts IN is rejected with status WANT (any error if WANT is -1). */
void dc_assert_rejects(const struct bc_decompressor *d, const u8 *in, size_t in_len,
		       size_t out_cap, int want);

struct dc_torture_opts {
	unsigned flips;          /* random single-bit flips to try */
	u32 seed;                /* for the flip positions; 0 picks a fixed one */
	size_t max_cuts;         /* truncation points to try, spread evenly; 0 = every one */
	bool prefix_may_decode;  /* no end marker (lz4 legacy): a cut on a block boundary is
				    a valid shorter stream, so OK is allowed if the output is a
				    prefix of the original */
	bool checksummed;        /* an OK decode after a flip must give the original bytes */
};
struct dc_torture_stats {
	unsigned cuts, cuts_rejected;
	unsigned flips, flips_rejected;
};
/* Truncates COMP at every point (or max_cuts of them) and flips random bits,
 * running each variant through dc_run with an output buffer of EXPECT_LEN
 * bytes. Every call must keep the dc_run contract; a cut must fail unless
 * prefix_may_decode; an OK after a flip must equal EXPECT when checksummed.
 * A hang is caught by a watchdog alarm. Fills *ST when ST is not NULL. */
void dc_torture(const struct bc_decompressor *d, const u8 *comp, size_t comp_len,
		const u8 *expect, size_t expect_len, const struct dc_torture_opts *opt,
		struct dc_torture_stats *st);

/* Runs D on RUNS random inputs of 0-1024 bytes, each starting with PREFIX
 * (the format's magic or a valid header, so the decoder gets past it), with
 * a 64 KiB output buffer. Every call must keep the dc_run contract (bounds,
 * message, no leaked work memory, no crash or hang). Returns how many
 * decoded OK (random data rarely should). */
unsigned dc_random_inputs(const struct bc_decompressor *d, const u8 *prefix, size_t prefix_len,
			  unsigned runs, u32 seed);

/* ---- shared test shapes (cmocka) ---------------------------------------- */

/* Stores V little-endian at P (the kernel's size trailer, xz fields). */
void dc_put_le32(u8 *p, u32 v);

/* The first LEN bytes of vector V in a block of exactly LEN bytes: a small
 * stream for the torture loop, which tries every cut point. */
struct dc_buf dc_vec_prefix(enum dc_vec v, size_t len);

/* COMP followed by EXTRA_LEN bytes of EXTRA, in a new exact-size block. */
struct dc_buf dc_with_suffix(const struct dc_buf *comp, const void *extra, size_t extra_len);

/* dc_assert_decodes on COMP alone, then with the kernel build's LE32 size
 * trailer appended: in_used must still stop at the end of COMP. */
void dc_assert_decodes_trailer(const struct bc_decompressor *d, const struct dc_buf *comp,
			       const u8 *expect, size_t expect_len);

/* dc_shell_filter that fails the test when CMD cannot compress IN. */
struct dc_buf dc_cli_compress(const char *cmd, const u8 *in, size_t in_len);

/* One reference command line for dc_assert_cli_vectors. */
struct dc_cli_case {
	const char *cmd;        /* compresses stdin to stdout, e.g. "gzip -9 -n" */
	bool small_only;        /* too slow for DC_VEC_LARGE */
	const u8 *magic;        /* when not NULL, the output must start with these bytes */
	size_t magic_len;
};
/* Compresses every standard vector with each of the N commands and asserts D
 * decodes it exactly (dc_assert_decodes). skip()s when TOOL is not on PATH. */
void dc_assert_cli_vectors(const struct bc_decompressor *d, const char *tool,
			   const struct dc_cli_case *cases, size_t n);

/* The kernel build's CMD on the real decompressed Debian vmlinux (its first
 * MAX_LEN bytes; 0 = all of it), decoded by D, with the LE32 size trailer
 * after the stream when TRAILER. skip()s when there is no kernel, or when
 * TOOL is not NULL and not on PATH. */
void dc_assert_cli_vmlinux(const struct bc_decompressor *d, const char *tool, const char *cmd,
			   size_t max_len, bool trailer);

/* dc_kernel_payload that skip()s the test (reason on stderr) when no
 * installed kernel has a FORMAT payload. */
void dc_kernel_payload_or_skip(const char *format, struct dc_payload *p);

/* Asserts D decoding COMP with work memory limited to LIMIT bytes fails
 * with BC_DC_NOMEM because an allocation was refused. */
void dc_assert_nomem(const struct bc_decompressor *d, const struct dc_buf *comp, size_t out_cap,
		     size_t limit);

/* dc_torture of COMP against EXPECT, then asserts every cut was rejected and
 * at least MIN_FLIP_PERCENT of the flips were (0: no bound on flips).
 * Returns the stats for any further check. */
struct dc_torture_stats dc_torture_all_cuts(const struct bc_decompressor *d,
					    const struct dc_buf *comp, const struct dc_buf *expect,
					    const struct dc_torture_opts *opt,
					    unsigned min_flip_percent);

/* Seconds since an arbitrary point (CLOCK_MONOTONIC), for the bench. */
double dc_now(void);

#endif
