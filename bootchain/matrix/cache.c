/* Content hashing and the file cache. FNV-1a is not cryptographic; two streams with
 * different offsets make an accidental collision of build inputs negligible. Entries
 * are named by the hash of their inputs and appear whole (a unique temporary, then
 * rename), so runs on one machine or CI jobs sharing a cache directory may fill it at
 * once: two writers of one key store the same content, the last rename wins. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/util.h"

#define FNV_PRIME 0x100000001b3ULL

void mx_hash_init(struct mx_hash *h)
{
	h->a = 0xcbf29ce484222325ULL;
	h->b = 0x84222325cbf29ce4ULL;
}

void mx_hash_bytes(struct mx_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t a = h->a, b = h->b;
	for (size_t i = 0; i < len; i++) {
		a = (a ^ p[i]) * FNV_PRIME;
		b = (b ^ (uint64_t)(p[i] ^ 0x5c)) * FNV_PRIME;
	}
	h->a = a;
	h->b = b;
}

void mx_hash_str(struct mx_hash *h, const char *s)
{
	mx_hash_bytes(h, s, strlen(s) + 1);
}

int mx_hash_file(struct mx_hash *h, const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	static _Thread_local unsigned char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		mx_hash_bytes(h, buf, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

void mx_hash_hex(const struct mx_hash *h, char out[33])
{
	mx_fmt(out, 33, "%016llx%016llx", (unsigned long long)h->a, (unsigned long long)h->b);
}

void mx_cache_path(const char *cache_dir, const char *kind, const char *key, const char *ext,
		   char *out, size_t len)
{
	mx_fmt(out, len, "%s/%s/%s%s", cache_dir, kind, key, ext);
}

bool mx_cache_fetch(const char *cached, const char *dest)
{
	if (access(cached, R_OK))
		return false;
	unlink(dest);
	return link(cached, dest) == 0 || mx_copy_file(cached, dest) == 0;
}

int mx_cache_store(const char *src, const char *cached)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 32];
	mx_fmt(dir, sizeof(dir), "%s", cached);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (mx_mkdir_p(dir))
		return -1;
	/* a name no other writer has, on this host or another sharing the directory */
	mx_fmt(tmp, sizeof(tmp), "%s.tmp.XXXXXX", cached);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	close(fd);
	if (mx_copy_file(src, tmp) || rename(tmp, cached)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Temporaries of writers that were killed (a CI job stopped at its time limit) would
 * pile up in a cache kept between jobs; none older than a day still has a writer. */
void mx_cache_sweep(const char *cache_dir)
{
	static const char *const kinds[] = { "initramfs", "media" };
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct stat st;
	time_t old = time(NULL) - 24 * 3600;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		mx_fmt(dir, sizeof(dir), "%s/%s", cache_dir, kinds[i]);
		DIR *d = opendir(dir);
		for (struct dirent *e; d && (e = readdir(d));) {
			mx_fmt(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (strstr(e->d_name, ".tmp.") && lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    st.st_mtime < old)
				unlink(path);
		}
		if (d)
			closedir(d);
	}
}
