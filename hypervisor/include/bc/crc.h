/* Checksums used by the compressed formats: CRC32 (gzip, xz, lzo, zstd's
 * xxhash is separate) and CRC64 (xz). Incremental: pass the previous value. */
#ifndef BC_CRC_H
#define BC_CRC_H
#include <bc/types.h>

u32 bc_crc32(u32 crc, const u8 *buf, size_t len);   /* IEEE, reflected; start with 0 */
u64 bc_crc64(u64 crc, const u8 *buf, size_t len);   /* ECMA-182 as xz uses; start with 0 */

#endif
