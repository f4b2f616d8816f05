/* XXH64 (seed 0), the hash behind zstd's content checksum: the frame
 * stores its low 32 bits. The whole output is in memory, so one pass. */
#include "zstd_internal.h"

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static inline u64 rotl64(u64 v, unsigned r)
{
	return (v << r) | (v >> (64 - r));
}

static inline u64 xxh_round(u64 acc, u64 input)
{
	acc += input * P2;
	return rotl64(acc, 31) * P1;
}

static inline u64 xxh_merge(u64 h, u64 v)
{
	h ^= xxh_round(0, v);
	return h * P1 + P4;
}

u64 bc_zstd_xxh64(const u8 *p, size_t len)
{
	const u8 *end = p + len;
	u64 h;
	if (len >= 32) {
		u64 v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
		for (; end - p >= 32; p += 32) {
			v1 = xxh_round(v1, zstd_load64(p));
			v2 = xxh_round(v2, zstd_load64(p + 8));
			v3 = xxh_round(v3, zstd_load64(p + 16));
			v4 = xxh_round(v4, zstd_load64(p + 24));
		}
		h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
		h = xxh_merge(h, v1);
		h = xxh_merge(h, v2);
		h = xxh_merge(h, v3);
		h = xxh_merge(h, v4);
	} else {
		h = P5;
	}
	h += (u64)len;
	for (; end - p >= 8; p += 8) {
		h ^= xxh_round(0, zstd_load64(p));
		h = rotl64(h, 27) * P1 + P4;
	}
	if (end - p >= 4) {
		h ^= (u64)bc_le32(p) * P1;
		h = rotl64(h, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++) {
		h ^= (u64)*p * P5;
		h = rotl64(h, 11) * P1;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}
