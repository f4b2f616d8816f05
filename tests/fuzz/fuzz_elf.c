/* libFuzzer target: ELF64 parsing, Xen notes, segment loading, the embedded
 * config finder and .config lookups. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hypervisor/loader/loader.h"

#define LOAD_WINDOW ((u64)1 << 20)

static void try_load(const struct bc_elf *elf)
{
	if (elf->paddr_hi - elf->paddr_lo > LOAD_WINDOW)
		return;
	u8 *mem = malloc(LOAD_WINDOW);
	bc_elf_load(elf, mem, elf->paddr_lo, LOAD_WINDOW);
	free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *img = malloc(size ? size : 1);
	memcpy(img, data, size);
	struct bc_elf elf;
	struct bc_xen_notes notes;
	if (bc_elf_parse(img, size, &elf) == BC_LD_OK) {
		if (bc_xen_notes_parse(&elf, &notes) == BC_LD_OK && notes.count > BC_XEN_MAX_NOTES)
			abort();
		for (u32 i = 0; i < notes.count; i++)
			bc_xen_note_value(&notes.note[i]);
		bc_elf_check_range(&elf, 0x100000, 0x40000000);
		try_load(&elf);
	}
	const u8 *gz;
	size_t gz_len;
	if (bc_ikconfig_find(img, size, &gz, &gz_len) == BC_LD_OK && gz + gz_len > img + size)
		abort();
	bc_kconfig_value((const char *)img, size, "CONFIG_XEN_DOM0");
	free(img);
	return 0;
}
