/* XXH64 (seed 0), the hash behind zstd's content checksum: the frame
 * stores its low 32 bits. The output is contiguous in memory, so the hash
 * keeps no buffer: it takes whole 32-byte stripes as blocks are decoded
 * (while they are still in cache) and the last few bytes at the end. */
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

void bc_zstd_xxh64_init(struct zstd_xxh64 *x, const u8 *start)
{
	x->v[0] = P1 + P2;
	x->v[1] = P2;
	x->v[2] = 0;
	x->v[3] = 0 - P1;
	x->next = start;
}

void bc_zstd_xxh64_update(struct zstd_xxh64 *x, const u8 *end)
{
	u64 v1 = x->v[0], v2 = x->v[1], v3 = x->v[2], v4 = x->v[3];
	const u8 *p = x->next;
	for (; end - p >= 32; p += 32) {
		v1 = xxh_round(v1, zstd_load64(p));
		v2 = xxh_round(v2, zstd_load64(p + 8));
		v3 = xxh_round(v3, zstd_load64(p + 16));
		v4 = xxh_round(v4, zstd_load64(p + 24));
	}
	x->v[0] = v1;
	x->v[1] = v2;
	x->v[2] = v3;
	x->v[3] = v4;
	x->next = p;
}

u64 bc_zstd_xxh64_final(struct zstd_xxh64 *x, const u8 *start, const u8 *end)
{
	bc_zstd_xxh64_update(x, end);
	size_t len = (size_t)(end - start);
	const u8 *p = x->next;
	u64 h;
	if (len >= 32) {
		h = rotl64(x->v[0], 1) + rotl64(x->v[1], 7) + rotl64(x->v[2], 12) + rotl64(x->v[3], 18);
		for (int i = 0; i < 4; i++)
			h = xxh_merge(h, x->v[i]);
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
