/* Writes small seed inputs for the image-parser fuzz targets:
 *   make_seeds bzimage|elf|pvh DIR
 * built from the loader tests' synthetic image builders. */
#include <stdio.h>
#include <string.h>
#include "hypervisor/loader/loader.h"
#include "tests/loader/ld_testlib.h"

static int write_seed(const char *dir, const char *name, const u8 *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

/* A small vmlinux-like ELF: two PT_LOADs and the usual Xen notes. */
static struct ld_buf small_vmlinux(bool section_only)
{
	static const struct ld_seg segs[] = {
		{ .paddr = 0x1000000, .vaddr = 0xffffffff81000000ull, .memsz = 0x400, .filesz = 0x200 },
		{ .paddr = 0x1000400, .vaddr = 0xffffffff81000400ull, .memsz = 0x100, .filesz = 0x80 },
	};
	u64 virt_base = 0xffffffff80000000ull, phys32 = 0x1000040;
	u32 features = 0x8801, reloc[3] = { 0x200000, 0x1000000, 0x3fffffff };
	struct ld_buf notes = { 0 };
	ld_add_note(&notes, "Xen", BC_XEN_GUEST_OS, "linux", 6);
	ld_add_note(&notes, "Xen", BC_XEN_XEN_VERSION, "xen-3.0", 8);
	ld_add_note(&notes, "Xen", BC_XEN_VIRT_BASE, &virt_base, 8);
	ld_add_note(&notes, "Xen", BC_XEN_SUPPORTED_FEATURES, &features, 4);
	ld_add_note(&notes, "Xen", BC_XEN_PHYS32_ENTRY, &phys32, 8);
	ld_add_note(&notes, "Xen", BC_XEN_PHYS32_RELOC, reloc, 12);
	struct ld_elf_spec spec = { .segs = segs, .nsegs = 2, .notes = notes.data,
				    .notes_len = notes.len, .note_in_section_only = section_only,
				    .entry = 0x1000000 };
	struct ld_buf elf = ld_make_elf(&spec);
	ld_buf_free(&notes);
	return elf;
}

static int bzimage_seeds(const char *dir)
{
	struct ld_buf vm = small_vmlinux(false), gz = ld_gzip(vm.data, vm.len);
	struct ld_bz_spec spec = { .setup_sects = 1, .version = "6.1.0-fuzz (seed) #1", .pm_prefix = 16 };
	struct ld_buf a = ld_make_bzimage(&spec, gz.data, gz.len);
	u32 size = (u32)vm.len;
	ld_buf_append(&vm, &size, 4);          /* raw ELF payload keeps a size trailer too */
	struct ld_buf b = ld_make_bzimage(&spec, vm.data, vm.len);
	int rc = write_seed(dir, "gzip-payload", a.data, a.len) | write_seed(dir, "elf-payload", b.data, b.len);
	ld_buf_free(&a);
	ld_buf_free(&b);
	ld_buf_free(&gz);
	ld_buf_free(&vm);
	return rc;
}

static int elf_seeds(const char *dir)
{
	struct ld_buf a = small_vmlinux(false), b = small_vmlinux(true);
	int rc = write_seed(dir, "pt-note", a.data, a.len) | write_seed(dir, "sht-note", b.data, b.len);
	ld_buf_free(&a);
	ld_buf_free(&b);
	return rc;
}

static int pvh_seeds(const char *dir)
{
	/* area 0x1000 at 0x9000; 2 map ranges; 1 reserved; 1 module; a command line */
	static const u8 seed[] = {
		0x00, 0x10, 0x00, 0x90, 0, 0, 0, 0, 0, 0,
		2, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xFC, 0x09, 0, 0, 0, 0, 0, 1,
		   0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x1F, 0, 0, 0, 0, 1,
		1, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x39, 0x30, 0, 0, 0, 0, 0, 0, 1,
		'c', 'o', 'n', 's', 'o', 'l', 'e', '=', 't', 't', 'y', 'S', '0',
	};
	return write_seed(dir, "basic", seed, sizeof(seed));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: make_seeds bzimage|elf|pvh DIR\n");
		return 2;
	}
	if (!strcmp(argv[1], "bzimage"))
		return bzimage_seeds(argv[2]);
	if (!strcmp(argv[1], "elf"))
		return elf_seeds(argv[2]);
	if (!strcmp(argv[1], "pvh"))
		return pvh_seeds(argv[2]);
	fprintf(stderr, "make_seeds: unknown target '%s'\n", argv[1]);
	return 2;
}
