/* bootchain decompress [FILE]: any kernel payload format to stdout, like zcat. */
#include "bootchain/bootchain.h"
#include "hypervisor/host/host_util.h"
#include "hypervisor/loader/loader.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char decompress_usage[] =
	"usage: bootchain decompress [FILE]\n"
	"Decompress a gzip, xz, lzma, bzip2, lzo (lzop), lz4 (legacy) or zstd stream,\n"
	"detected by its magic, to stdout. Reads stdin when FILE is absent or '-'.\n"
	"Bytes after the end of the stream (such as a kernel's size trailer) are ignored.\n";

/* First guess at the output size: a kernel payload (and gzip) ends with the
 * uncompressed length as LE32; trust it only within a sane ratio. A wrong
 * guess costs one more attempt, never a wrong result. */
static size_t size_hint(const u8 *in, size_t len)
{
	if (len < 4)
		return 0;
	size_t tail = bc_le32(in + len - 4);
	return tail >= len / 2 && tail / 64 <= len + (1 << 20) ? tail : 0;
}

/* Decode IN; if that fails, retry without a trailing 4-byte size (formats with
 * no end marker, such as legacy lz4, would read it as another block). */
static int decode(const struct bc_decompressor *d, const u8 *in, size_t len,
		  u8 **out, size_t *out_len, const char **msg)
{
	int st = bc_host_decompress(d, in, len, size_hint(in, len), out, out_len, NULL, msg);
	if ((st == BC_DC_CORRUPT || st == BC_DC_TRUNCATED) && len > 4) {
		const char *first_msg = *msg;
		int st2 = bc_host_decompress(d, in, len - 4, size_hint(in, len), out, out_len, NULL, msg);
		if (st2 == BC_DC_OK)
			return st2;
		*msg = first_msg;
	}
	return st;
}

int bc_cmd_decompress(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(decompress_usage, stdout);
			return 0;
		}
		if (path || (argv[i][0] == '-' && argv[i][1])) {
			fputs(decompress_usage, stderr);
			return 2;
		}
		path = argv[i];
	}
	const char *name = path && strcmp(path, "-") ? path : "(stdin)";
	u8 *in;
	size_t len;
	if (bc_read_whole("decompress", path, &in, &len))
		return 1;
	const struct bc_decompressor *d = bc_dc_detect(in, len);
	if (!d) {
		struct bc_bzimage bz;
		bool kernel = bc_bzimage_parse(in, len, &bz) == BC_LD_OK;
		fprintf(stderr, "bootchain decompress: %s: %s\n", name, kernel
			? "a bzImage kernel, not a bare stream (use 'bootchain extract')"
			: "not a stream in a known format (gzip, xz, lzma, bzip2, lzo, lz4, zstd)");
		free(in);
		return 1;
	}
	u8 *out;
	size_t out_len;
	const char *msg = NULL;
	int st = decode(d, in, len, &out, &out_len, &msg);
	free(in);
	if (st != BC_DC_OK) {
		/* decoders usually name themselves in their messages already */
		bool named = !strncmp(msg, d->name, strlen(d->name));
		fprintf(stderr, "bootchain decompress: %s: %s%s%s\n", name, named ? "" : d->name,
			named ? "" : ": ", msg);
		return 1;
	}
	int rc = bc_write_all("decompress", stdout, out, out_len) ? 1 : 0;
	free(out);
	return rc;
}
