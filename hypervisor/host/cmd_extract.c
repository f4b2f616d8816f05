/* bootchain extract KERNEL: the vmlinux ELF inside a bzImage, to stdout or -o FILE. */
#include "bootchain/bootchain.h"
#include "hypervisor/host/host_util.h"
#include "hypervisor/host/kernel_file.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char extract_usage[] =
	"usage: bootchain extract [-o OUTPUT] KERNEL\n"
	"Write the vmlinux ELF inside the bzImage KERNEL to stdout (or OUTPUT).\n";

/* Returns -1 to go on, else the exit status (help or a usage error). */
static int parse_args(int argc, char **argv, const char **kernel, const char **output)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(extract_usage, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			*output = argv[++i];
		} else if (argv[i][0] != '-' && !*kernel) {
			*kernel = argv[i];
		} else {
			*kernel = NULL;
			break;
		}
	}
	if (*kernel)
		return -1;
	fputs(extract_usage, stderr);
	return 2;
}

static int write_vmlinux(const struct bc_kernel_file *kf, const char *output)
{
	FILE *out = output ? fopen(output, "wb") : stdout;
	if (!out) {
		fprintf(stderr, "bootchain extract: %s: %s\n", output, strerror(errno));
		return 1;
	}
	int rc = bc_write_all("extract", out, kf->vmlinux, kf->vmlinux_len) ? 1 : 0;
	if (output && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "bootchain extract: %s: %s\n", output, strerror(errno));
		rc = 1;
	}
	return rc;
}

int bc_cmd_extract(int argc, char **argv)
{
	const char *kernel = NULL, *output = NULL;
	int rc = parse_args(argc, argv, &kernel, &output);
	if (rc >= 0)
		return rc;
	if (!output && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "bootchain extract: refusing to write a binary to a terminal; redirect or use -o\n");
		return 2;
	}
	struct bc_kernel_file kf;
	if (bc_kernel_file_open("extract", kernel, &kf))
		return 1;
	if (kf.kind != BC_KERNEL_BZIMAGE) {
		fprintf(stderr, "bootchain extract: %s: already an ELF vmlinux, not a bzImage\n", kernel);
		rc = 1;
	} else if (!kf.vmlinux) {
		fprintf(stderr, "bootchain extract: %s: cannot decompress the %s payload: %s\n", kernel,
			kf.bz.codec ? kf.bz.codec->name : "unknown", kf.dc_reason);
		rc = 1;
	} else if (kf.vmlinux_len < 4 || memcmp(kf.vmlinux, "\x7f" "ELF", 4)) {
		fprintf(stderr, "bootchain extract: %s: the decompressed payload is not an ELF\n", kernel);
		rc = 1;
	} else {
		rc = write_vmlinux(&kf, output);
	}
	bc_kernel_file_close(&kf);
	return rc;
}
