/* SHA-256 of a whole buffer (the .xz SHA-256 check). */
#ifndef BC_SHA256_H
#define BC_SHA256_H
#include <bc/types.h>

void bc_sha256(const u8 *data, size_t len, u8 out[32]);

#endif
