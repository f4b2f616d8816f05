/* Host-side helpers shared by the bootchain kernel subcommands. */
#ifndef BC_HOST_UTIL_H
#define BC_HOST_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "hypervisor/decompress/decompress.h"

/* Read PATH (or stdin when PATH is NULL or "-") whole into a malloc'd buffer.
 * On failure prints "bootchain CMD: PATH: reason" and returns -1. */
int bc_read_whole(const char *cmd, const char *path, u8 **data, size_t *len);

/* An input file: mapped when it is a regular file, else read whole. */
struct bc_input {
	u8 *data;
	size_t len;
	bool mapped;
};
/* bc_read_whole into IN without copying a regular file; same errors. */
int bc_input_open(const char *cmd, const char *path, struct bc_input *in);
void bc_input_close(struct bc_input *in);

/* Write LEN bytes to OUT; on failure prints an error and returns -1. */
int bc_write_all(const char *cmd, FILE *out, const u8 *data, size_t len);

/* Work memory for the freestanding decompressors: plain malloc/free. */
extern const struct bc_dc_env bc_host_dc_env;

/* Output of a decoder on the host: one large reservation of address space
 * that the decoder writes into directly; pages are backed only as written. */
struct bc_host_out {
	u8 *data;
	size_t len, cap;
};
int bc_host_out_init(struct bc_host_out *o);
void bc_host_out_free(struct bc_host_out *o);

/* Decompress one stream of format D, in one pass, into a malloc'd buffer of
 * exactly its size (for small outputs such as an embedded kernel config).
 * Returns a BC_DC_* status; *msg gets the decoder's reason on failure. */
int bc_host_decompress(const struct bc_decompressor *d, const u8 *in, size_t in_len,
		       u8 **out, size_t *out_len, size_t *in_used, const char **msg);

/* What followed the last stream, as the format's reference tool treats it. */
struct bc_dc_tail {
	size_t ignored;     /* bytes ignored with a warning (0: none, or zeros gzip and lzop ignore silently) */
	int exit_status;    /* the tool's exit status for them: 0, or 2 (gzip, lzop: "trailing garbage") */
};

/* Every stream in IN, as zcat/xzcat/zstdcat/lzop -dc read a file: concatenated
 * gzip members, bzip2 and xz streams (xz stream padding checked), zstd frames
 * with skippable frames anywhere, lz4 frames, lzop files. A final LE32 equal
 * to the decoded size (the kernel build's size trailer) is accepted. Other
 * bytes after the last stream are an error or set *TAIL, as the format's tool
 * does. Output goes to O (initialised by the caller). Returns a BC_DC_*
 * status with *MSG set on failure. */
int bc_host_decompress_all(const struct bc_decompressor *d, const u8 *in, size_t in_len,
			   struct bc_host_out *o, struct bc_dc_tail *tail, const char **msg);

#endif
