/* Compressors for initramfs images, in the formats the kernel unpacks. */
#ifndef INITRAMFS_COMPRESS_H
#define INITRAMFS_COMPRESS_H

#include <stddef.h>
#include "initramfs/cpio.h"

enum ir_compression { IR_COMPRESS_NONE, IR_COMPRESS_GZIP, IR_COMPRESS_XZ };

/* "gzip", "xz" or "none"; -1 for anything else. */
int ir_compression_from_name(const char *name);

/* Append IN compressed to OUT. xz uses a CRC32 check, which the kernel's
 * decoder accepts (it rejects CRC64/SHA-256 unless built with them). */
int ir_compress(enum ir_compression how, const unsigned char *in, size_t len, struct bytebuf *out,
		char *err, size_t errsize);

#endif
