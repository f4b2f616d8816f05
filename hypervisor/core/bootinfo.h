/* What the boot loader told us, copied out of its multiboot1 or multiboot2
 * information structure so that loading dom0 may overwrite the original.
 * Host-testable: physical addresses are read through a caller's map(). */
#ifndef BCHV_BOOTINFO_H
#define BCHV_BOOTINFO_H
#include <bc/types.h>

#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB2_BOOT_MAGIC 0x36D76289u

#define HV_MAX_MODULES  16
#define HV_MAX_MEM      128
#define HV_STRPOOL_SIZE 8192

enum { E820_RAM = 1, E820_RESERVED = 2, E820_ACPI = 3, E820_NVS = 4, E820_UNUSABLE = 5 };

struct hv_module {
	u64 start, end;            /* physical, end exclusive */
	const char *cmdline;       /* in the string pool; "" when none */
};

struct hv_mem_region {
	u64 base, len;
	u32 type;                  /* E820_* */
};

struct hv_bootinfo {
	int protocol;              /* 1 or 2 (multiboot version) */
	const char *loader;        /* boot loader name, "" if not given */
	const char *cmdline;       /* hypervisor command line (image name removed) */
	u32 nr_modules;
	struct hv_module modules[HV_MAX_MODULES];
	u32 nr_mem;
	struct hv_mem_region mem[HV_MAX_MEM];
	u8 rsdp[36];               /* copy of the ACPI RSDP (v1: 20 bytes, v2: 36) */
	u32 rsdp_len;              /* 0: the loader gave none */
	u64 info_start, info_end;  /* where the loader's structure was */
	char pool[HV_STRPOOL_SIZE];
	size_t pool_used;
};

/* Returns a pointer to LEN bytes at physical address PHYS, or NULL when that
 * range cannot be read. */
typedef const void *(*hv_map_fn)(u64 phys, size_t len, void *ctx);

/* Fills BI from the loader's MAGIC and INFO address. Returns NULL on success,
 * else a one-line reason (static text). */
const char *hv_bootinfo_parse(u32 magic, u64 info, hv_map_fn map, void *ctx,
			      struct hv_bootinfo *bi);

const char *hv_mem_type_name(u32 type);

#endif
