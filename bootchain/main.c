/* bootchain front end: dispatch to the subcommand named by the first argument. */
#include <stdio.h>
#include <string.h>
#include "bootchain/bootchain.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "matrix", bc_cmd_matrix, "boot every kernel on bare metal, as dom0 and with guests; report" },
	{ "inspect", bc_cmd_inspect, "tell whether a kernel image can boot as dom0, and why" },
	{ "decompress", bc_cmd_decompress, "decompress any kernel payload format to stdout" },
	{ "extract", bc_cmd_extract, "write the vmlinux ELF inside a bzImage to stdout" },
	{ "initramfs", bc_cmd_initramfs, "build a small test initramfs (cpio newc, gzip or xz)" },
};

static void usage(FILE *to)
{
	fprintf(to, "usage: bootchain COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(to, "  %-11s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(to, "\nRun 'bootchain COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("bootchain %s\n", BOOTCHAIN_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bootchain: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
