/* CRC32 (slicing by 8: the gzip and xz checks run over the whole kernel) and CRC64.
 * Tables are built on first use so the freestanding image needs no generator step. */
#include <bc/crc.h>

static u32 crc32_table[8][256];
static u64 crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc32_table[0][i] = c;
	}
	for (u32 i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc32_table[t][i] = (crc32_table[t - 1][i] >> 8) ^ crc32_table[0][crc32_table[t - 1][i] & 0xff];
	crc32_ready = true;
}

u32 bc_crc32(u32 crc, const u8 *p, size_t len)
{
	if (!crc32_ready)
		crc32_init();
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		u32 lo = crc ^ bc_le32(p);
		u32 hi = bc_le32(p + 4);
		crc = crc32_table[7][lo & 0xff] ^ crc32_table[6][(lo >> 8) & 0xff] ^
		      crc32_table[5][(lo >> 16) & 0xff] ^ crc32_table[4][lo >> 24] ^
		      crc32_table[3][hi & 0xff] ^ crc32_table[2][(hi >> 8) & 0xff] ^
		      crc32_table[1][(hi >> 16) & 0xff] ^ crc32_table[0][hi >> 24];
	}
	while (len--)
		crc = crc32_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void crc64_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u64 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xC96C5795D7870F42ull ^ (c >> 1) : c >> 1;
		crc64_table[i] = c;
	}
	crc64_ready = true;
}

u64 bc_crc64(u64 crc, const u8 *p, size_t len)
{
	if (!crc64_ready)
		crc64_init();
	crc = ~crc;
	while (len--)
		crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
