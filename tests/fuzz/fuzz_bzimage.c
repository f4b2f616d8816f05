/* libFuzzer target: bzImage parsing, payload decompression, then the ELF and
 * Xen note parsers on whatever comes out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hypervisor/loader/loader.h"
#include "tests/fuzz/fuzz_env.h"

#define MAX_VMLINUX ((size_t)8 << 20)

static void parse_vmlinux(const u8 *vm, size_t len)
{
	struct bc_elf elf;
	struct bc_xen_notes notes;
	const u8 *gz;
	size_t gz_len;
	if (bc_elf_parse(vm, len, &elf) == BC_LD_OK)
		bc_xen_notes_parse(&elf, &notes);
	bc_ikconfig_find(vm, len, &gz, &gz_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *img = malloc(size ? size : 1);
	memcpy(img, data, size);
	struct bc_bzimage bz;
	if (bc_bzimage_parse(img, size, &bz) == BC_LD_OK) {
		if (bz.payload < img || bz.payload + bz.payload_len > img + size)
			abort();
		size_t cap = BC_MIN(bz.decompressed_size, MAX_VMLINUX);
		u8 *out = malloc(cap ? cap : 1);
		struct fuzz_mem mem;
		struct bc_dc_env env = fuzz_env(&mem);
		size_t n = 0;
		if (bc_kernel_decompress(&bz, out, cap, &env, &n) == BC_LD_OK)
			parse_vmlinux(out, n);
		free(out);
	}
	free(img);
	return 0;
}
