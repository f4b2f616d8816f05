/* Host-side helpers shared by the bootchain kernel subcommands. */
#ifndef BC_HOST_UTIL_H
#define BC_HOST_UTIL_H
#include <stddef.h>
#include <stdio.h>
#include "hypervisor/decompress/decompress.h"

/* Read PATH (or stdin when PATH is NULL or "-") whole into a malloc'd buffer.
 * On failure prints "bootchain CMD: PATH: reason" and returns -1. */
int bc_read_whole(const char *cmd, const char *path, u8 **data, size_t *len);

/* Write LEN bytes to OUT; on failure prints an error and returns -1. */
int bc_write_all(const char *cmd, FILE *out, const u8 *data, size_t len);

/* Work memory for the freestanding decompressors: plain malloc/free. */
extern const struct bc_dc_env bc_host_dc_env;

/* Decompress one stream of format D into a malloc'd buffer, growing it until
 * the output fits. SIZE_HINT (0 = unknown) sizes the first attempt. Returns a
 * BC_DC_* status; *msg gets the decoder's reason on failure. */
int bc_host_decompress(const struct bc_decompressor *d, const u8 *in, size_t in_len,
		       size_t size_hint, u8 **out, size_t *out_len, size_t *in_used,
		       const char **msg);

#endif
