/* File I/O and decompression with growing buffers for the host subcommands. */
#include "hypervisor/host/host_util.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OUTPUT ((size_t)1 << 32)   /* 4 GiB: more than any kernel or initramfs */

static int read_stream(FILE *f, u8 **data, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	u8 *buf = malloc(cap);
	if (!buf)
		return -1;
	for (;;) {
		if (n == cap) {
			u8 *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return -1;
			}
			buf = bigger;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

int bc_read_whole(const char *cmd, const char *path, u8 **data, size_t *len)
{
	bool use_stdin = !path || !strcmp(path, "-");
	FILE *f = use_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bootchain %s: %s: %s\n", cmd, path, strerror(errno));
		return -1;
	}
	int rc = read_stream(f, data, len);
	int saved = errno;
	if (!use_stdin)
		fclose(f);
	if (rc)
		fprintf(stderr, "bootchain %s: %s: read failed: %s\n", cmd,
			use_stdin ? "(stdin)" : path, strerror(saved));
	return rc;
}

int bc_write_all(const char *cmd, FILE *out, const u8 *data, size_t len)
{
	if (fwrite(data, 1, len, out) != len || fflush(out) != 0) {
		fprintf(stderr, "bootchain %s: writing output: %s\n", cmd, strerror(errno));
		return -1;
	}
	return 0;
}

static void *host_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void host_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

const struct bc_dc_env bc_host_dc_env = { .alloc = host_alloc, .free = host_free };

int bc_host_decompress(const struct bc_decompressor *d, const u8 *in, size_t in_len,
		       size_t size_hint, u8 **out, size_t *out_len, size_t *in_used,
		       const char **msg)
{
	size_t cap = size_hint ? size_hint : (in_len < (1 << 18) ? 1 << 20 : in_len * 4);
	for (;;) {
		u8 *buf = malloc(cap ? cap : 1);
		if (!buf) {
			*msg = "out of memory";
			return BC_DC_NOMEM;
		}
		struct bc_dc_result res = { 0 };
		int st = d->decompress(in, in_len, buf, cap, &bc_host_dc_env, &res);
		if (st == BC_DC_OUTPUT_FULL && cap < MAX_OUTPUT) {
			free(buf);
			cap = cap * 2 > MAX_OUTPUT ? MAX_OUTPUT : cap * 2;
			continue;
		}
		if (st != BC_DC_OK) {
			free(buf);
			*msg = res.msg ? res.msg : bc_dc_status_name(st);
			return st;
		}
		*out = buf;
		*out_len = res.out_len;
		if (in_used)
			*in_used = res.in_used;
		return BC_DC_OK;
	}
}
