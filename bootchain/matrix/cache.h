/* Content-addressed cache of built initramfs images and boot media: a second run
 * with the same inputs reuses them instead of rebuilding. */
#ifndef BC_MATRIX_CACHE_H
#define BC_MATRIX_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mx_hash {
	uint64_t a, b;          /* two independent 64-bit FNV-1a streams */
};

void mx_hash_init(struct mx_hash *h);
void mx_hash_bytes(struct mx_hash *h, const void *data, size_t len);
void mx_hash_str(struct mx_hash *h, const char *s); /* includes the NUL: "ab","c" != "a","bc" */
int mx_hash_file(struct mx_hash *h, const char *path); /* -1 when unreadable */
void mx_hash_hex(const struct mx_hash *h, char out[33]);

/* cache_dir/kind/KEY.ext */
void mx_cache_path(const char *cache_dir, const char *kind, const char *key, const char *ext,
		   char *out, size_t len);
/* Put the cached file at dest (hard link, else copy); false when not cached. */
bool mx_cache_fetch(const char *cached, const char *dest);
/* Store src under cached atomically (a half-written entry is never visible). */
int mx_cache_store(const char *src, const char *cached);
/* Remove temporaries more than a day old that killed writers left in the cache. */
void mx_cache_sweep(const char *cache_dir);

#endif
