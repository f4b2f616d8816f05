/* Raw DEFLATE (RFC 1951) decoding, used by the gzip container (gzip.c). */
#ifndef BC_INFLATE_H
#define BC_INFLATE_H
#include "decompress.h"

/* Decodes the DEFLATE stream at IN into OUT (which is also the window: no
 * preset dictionary). On success res->in_used is the byte count up to and
 * including the byte holding the final block's last bit. Same status codes
 * and bounds as bc_dc_fn; messages start with "deflate:". */
int bc_inflate(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
	       const struct bc_dc_env *env, struct bc_dc_result *res);

#endif
