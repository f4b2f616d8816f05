/* File I/O and decompression with growing buffers for the host subcommands. */
#include "hypervisor/host/host_util.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

int bc_input_open(const char *cmd, const char *path, struct bc_input *in)
{
	in->mapped = false;
	if (path && strcmp(path, "-")) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0) {
			fprintf(stderr, "bootchain %s: %s: %s\n", cmd, path, strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
			/* the page cache itself, read once, with no copy */
			void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
			if (p != MAP_FAILED) {
				close(fd);
				in->data = p;
				in->len = (size_t)st.st_size;
				in->mapped = true;
				return 0;
			}
		}
		close(fd);
	}
	return bc_read_whole(cmd, path, &in->data, &in->len);
}

void bc_input_close(struct bc_input *in)
{
	if (in->mapped)
		munmap(in->data, in->len);
	else
		free(in->data);
	in->data = NULL;
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

/* One reservation of address space for the output: pages are faulted in
 * only as the decoder writes them (huge pages where the kernel allows, so a
 * 64 MiB output costs a few dozen faults), and the output grows without a
 * second decode. */
int bc_host_out_init(struct bc_host_out *o)
{
	o->len = 0;
	o->cap = MAX_OUTPUT;
	void *p = mmap(NULL, o->cap, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		o->data = NULL;
		return -1;
	}
	o->data = p;
	madvise(p, o->cap, MADV_HUGEPAGE);
	return 0;
}

void bc_host_out_free(struct bc_host_out *o)
{
	if (o->data)
		munmap(o->data, o->cap);
	o->data = NULL;
	o->len = 0;
}

int bc_host_decompress(const struct bc_decompressor *d, const u8 *in, size_t in_len,
		       u8 **out, size_t *out_len, size_t *in_used, const char **msg)
{
	struct bc_host_out o;
	if (bc_host_out_init(&o)) {
		*msg = "out of memory";
		return BC_DC_NOMEM;
	}
	struct bc_dc_result res = { 0 };
	int st = d->decompress(in, in_len, o.data, o.cap, &bc_host_dc_env, &res);
	u8 *copy = st == BC_DC_OK ? malloc(res.out_len ? res.out_len : 1) : NULL;
	if (st == BC_DC_OK && !copy)
		st = BC_DC_NOMEM;
	if (st != BC_DC_OK) {
		bc_host_out_free(&o);
		*msg = res.msg ? res.msg : bc_dc_status_name(st);
		return st;
	}
	memcpy(copy, o.data, res.out_len);
	bc_host_out_free(&o);
	*out = copy;
	*out_len = res.out_len;
	if (in_used)
		*in_used = res.in_used;
	return BC_DC_OK;
}
