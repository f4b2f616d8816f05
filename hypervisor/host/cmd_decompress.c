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
	"Decompress a gzip, xz, lzma, bzip2, lzo (lzop), lz4 or zstd file, detected\n"
	"by its magic, to stdout, like zcat: every concatenated stream (gzip members,\n"
	"bzip2 and xz streams, zstd and lz4 frames, lzop files) is decoded. Reads\n"
	"stdin when FILE is absent or '-'. A kernel's size trailer after the last\n"
	"stream is accepted; other bytes there are treated as the format's own tool\n"
	"treats them: an error for xz, lzma, zstd and lz4; a warning for bzip2; for\n"
	"gzip and lzo, zeros are ignored and other bytes a warning with exit status 2.\n";

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
	struct bc_input input;
	if (bc_input_open("decompress", path, &input))
		return 1;
	const u8 *in = input.data;
	size_t len = input.len;
	const struct bc_decompressor *d = bc_dc_detect(in, len);
	if (!d) {
		struct bc_bzimage bz;
		bool kernel = bc_bzimage_parse(in, len, &bz) == BC_LD_OK;
		fprintf(stderr, "bootchain decompress: %s: %s\n", name, kernel
			? "a bzImage kernel, not a bare stream (use 'bootchain extract')"
			: "not a stream in a known format (gzip, xz, lzma, bzip2, lzo, lz4, zstd)");
		bc_input_close(&input);
		return 1;
	}
	struct bc_host_out out;
	if (bc_host_out_init(&out)) {
		fprintf(stderr, "bootchain decompress: %s: out of memory\n", name);
		bc_input_close(&input);
		return 1;
	}
	const char *msg = NULL;
	struct bc_dc_tail tail;
	int st = bc_host_decompress_all(d, in, len, &out, &tail, &msg);
	bc_input_close(&input);
	if (st != BC_DC_OK) {
		/* decoders usually name themselves in their messages already */
		bool named = !strncmp(msg, d->name, strlen(d->name));
		fprintf(stderr, "bootchain decompress: %s: %s%s%s\n", name, named ? "" : d->name,
			named ? "" : ": ", msg);
		bc_host_out_free(&out);
		return 1;
	}
	if (tail.ignored)
		fprintf(stderr, "bootchain decompress: %s: decompression OK, %zu bytes of trailing "
			"garbage after the %s data ignored\n", name, tail.ignored, d->name);
	int rc = bc_write_all("decompress", stdout, out.data, out.len) ? 1 : tail.exit_status;
	bc_host_out_free(&out);
	return rc;
}
