/* One signature for every kernel payload decompressor.
 *
 * A decompressor turns one complete compressed stream at IN into bytes at OUT
 * in a single call (the whole kernel is in memory, so the output buffer doubles
 * as the LZ window, as Linux's own boot decompressors do). It never reads past
 * in_len nor writes past out_cap; on any problem it returns a status and sets
 * res->msg to a short static reason. Work memory comes from env->alloc only.
 */
#ifndef BC_DECOMPRESS_H
#define BC_DECOMPRESS_H
#include <bc/types.h>

enum bc_dc_status {
	BC_DC_OK = 0,
	BC_DC_TRUNCATED,    /* input ended inside the stream */
	BC_DC_CORRUPT,      /* malformed data */
	BC_DC_CHECKSUM,     /* data decoded but a CRC/size/hash check failed */
	BC_DC_OUTPUT_FULL,  /* output larger than out_cap */
	BC_DC_UNSUPPORTED,  /* valid but uses an option we do not implement */
	BC_DC_NOMEM,        /* env->alloc failed */
};

struct bc_dc_env {
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr);
	void *ctx;
};

struct bc_dc_result {
	size_t in_used;     /* bytes of IN consumed by the complete stream */
	size_t out_len;     /* bytes written to OUT */
	const char *msg;    /* static reason when status != BC_DC_OK, else NULL */
};

typedef int (*bc_dc_fn)(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			const struct bc_dc_env *env, struct bc_dc_result *res);

struct bc_decompressor {
	const char *name;       /* "gzip", "xz", "lzma", "bzip2", "lzo", "lz4", "zstd" */
	const u8 *magic;        /* bytes every stream of this format starts with */
	u8 magic_len;
	/* formats with no fixed magic (.lzma): true if IN starts with a header
	 * of this format; used instead of MAGIC when set */
	bool (*probe)(const u8 *in, size_t in_len);
	bc_dc_fn decompress;
};

/* One descriptor per format, each defined in its own file (gzip.c, xz.c, ...). */
extern const struct bc_decompressor bc_dc_gzip, bc_dc_xz, bc_dc_lzma, bc_dc_bzip2,
	bc_dc_lzo, bc_dc_lz4, bc_dc_zstd;

/* NULL-terminated list of every registered decompressor. */
extern const struct bc_decompressor *const bc_decompressors[];

/* The decompressor whose magic IN starts with, or NULL. Formats with a
 * magic are tried first, then the probes (a weaker test). */
const struct bc_decompressor *bc_dc_detect(const u8 *in, size_t in_len);
const struct bc_decompressor *bc_dc_by_name(const char *name);
const char *bc_dc_status_name(int status);

#endif
