/* Dom0 loader: parse a Linux kernel image (bzImage or ELF64 vmlinux), read its
 * Xen ELF notes, load its segments, and lay out the PVH start info.
 *
 * Freestanding: the hypervisor and the host tools build the same sources.
 * Every function that can fail returns a BC_LD_* status; on failure it also
 * sets a short static reason that bc_ld_reason() returns (the last failure's).
 * Images are only read, never modified; parsed structures point into them.
 */
#ifndef BC_LOADER_H
#define BC_LOADER_H
#include <bc/types.h>
#include "hypervisor/decompress/decompress.h"

enum bc_ld_status {
	BC_LD_OK = 0,
	BC_LD_NOT_KERNEL,    /* not a bzImage / not an ELF at all */
	BC_LD_INVALID,       /* recognised format but malformed or inconsistent */
	BC_LD_UNSUPPORTED,   /* valid, but something we (or the target) cannot handle */
	BC_LD_DECOMPRESS,    /* the payload decompressor failed (reason says why) */
	BC_LD_NOSPACE,       /* a caller-given buffer or area is too small */
};

/* Reason for the most recent failure (static string; never NULL). */
const char *bc_ld_reason(void);
const char *bc_ld_status_name(int status);

/* ---- bzImage (Linux x86 boot protocol) ---------------------------------- */

#define BC_BZ_MIN_PROTOCOL 0x0208    /* payload_offset/length appeared in 2.08 */

struct bc_bzimage {
	u16 protocol;            /* (major << 8) | minor */
	u8 setup_sects;          /* effective count (0 in the file means 4) */
	u8 loadflags;
	u16 xloadflags;          /* 0 before protocol 2.12 */
	u32 syssize;             /* protected-mode code size in 16-byte units */
	u32 kernel_alignment;
	u8 relocatable;
	u64 pref_address;        /* 0 before protocol 2.10 */
	u32 init_size;           /* 0 before protocol 2.10 */
	u32 cmdline_size;        /* 255 before protocol 2.06 */
	size_t header_end;       /* file offset just past the setup header */
	size_t setup_len;        /* bytes of the real-mode part: (setup_sects + 1) * 512 */
	const u8 *pm;            /* protected-mode kernel inside the image */
	size_t pm_len;
	const u8 *payload;       /* compressed payload, 4-byte size trailer included */
	size_t payload_len;
	u32 decompressed_size;   /* the payload's trailing LE32 (uncompressed length);
				  * payload_len for an uncompressed ELF payload */
	bool payload_is_elf;     /* payload stored uncompressed */
	const struct bc_decompressor *codec;  /* by magic; NULL if ELF or unknown */
	const char *version;     /* kernel_version string in the image, or NULL */
	size_t version_len;      /* bytes before the NUL (or image end) */
};

/* Validate the setup header (0xAA55, "HdrS", protocol >= 2.08) and locate the
 * payload. An unknown payload format is not an error here: codec stays NULL. */
int bc_bzimage_parse(const u8 *img, size_t len, struct bc_bzimage *out);

/* Decompress the payload into OUT (out_cap >= bz->decompressed_size suffices).
 * A raw ELF payload is copied. *out_len gets the byte count written. */
int bc_kernel_decompress(const struct bc_bzimage *bz, u8 *out, size_t out_cap,
			 const struct bc_dc_env *env, size_t *out_len);

/* ---- ELF64 vmlinux ------------------------------------------------------- */

#define BC_ELF_MAX_LOAD 16       /* PT_LOAD segments we accept (vmlinux has ~5) */

struct bc_elf_segment {
	u64 offset;              /* in the file */
	u64 paddr, vaddr;
	u64 filesz, memsz;
	u64 align;
	u32 flags;               /* PF_X 1, PF_W 2, PF_R 4 */
};

struct bc_elf {
	const u8 *img;
	size_t len;
	u16 machine;             /* 62 = x86-64 */
	u64 entry;               /* e_entry (virtual for vmlinux) */
	u64 phoff, shoff;
	u16 phnum, phentsize, shnum, shentsize;
	u32 nr_load;
	struct bc_elf_segment load[BC_ELF_MAX_LOAD];  /* PT_LOAD in file order */
	u64 paddr_lo, paddr_hi;  /* [lo, hi) covering every PT_LOAD's memsz */
};

/* Parse an ELF64 little-endian executable: header, program headers, PT_LOAD
 * segments (in the file, filesz <= memsz, no wrap, no two overlapping in
 * physical memory). Trailing bytes after the ELF (vmlinux.relocs) are fine. */
int bc_elf_parse(const u8 *img, size_t len, struct bc_elf *out);

/* Reject a segment that falls outside the physical window [lo, hi). */
int bc_elf_check_range(const struct bc_elf *elf, u64 lo, u64 hi);

/* Copy every PT_LOAD to MEM (which is physical address mem_paddr, mem_size
 * bytes) at its p_paddr and zero its bss tail. Checks the range first. */
int bc_elf_load(const struct bc_elf *elf, u8 *mem, u64 mem_paddr, u64 mem_size);

/* ---- Xen ELF notes (xen/include/public/elfnote.h) ------------------------ */

enum bc_xen_note_type {
	BC_XEN_INFO = 0, BC_XEN_ENTRY = 1, BC_XEN_HYPERCALL_PAGE = 2, BC_XEN_VIRT_BASE = 3,
	BC_XEN_PADDR_OFFSET = 4, BC_XEN_XEN_VERSION = 5, BC_XEN_GUEST_OS = 6,
	BC_XEN_GUEST_VERSION = 7, BC_XEN_LOADER = 8, BC_XEN_PAE_MODE = 9, BC_XEN_FEATURES = 10,
	BC_XEN_BSD_SYMTAB = 11, BC_XEN_HV_START_LOW = 12, BC_XEN_L1_MFN_VALID = 13,
	BC_XEN_SUSPEND_CANCEL = 14, BC_XEN_INIT_P2M = 15, BC_XEN_MOD_START_PFN = 16,
	BC_XEN_SUPPORTED_FEATURES = 17, BC_XEN_PHYS32_ENTRY = 18, BC_XEN_PHYS32_RELOC = 19,
	BC_XEN_NOTE_TYPES = 20,
};

#define BC_XENFEAT_DOM0 11       /* SUPPORTED_FEATURES bit: kernel can be dom0 */
#define BC_XEN_MAX_NOTES 48

struct bc_xen_note {
	u32 type;
	const u8 *desc;          /* inside the image */
	u32 descsz;
};

struct bc_xen_notes {
	u32 count;               /* notes named "Xen" found, in image order */
	struct bc_xen_note note[BC_XEN_MAX_NOTES];
	u32 present;             /* bit T set when a note of type T (< 32) exists */
	/* decoded values of the notes that are present (else 0 / NULL) */
	u64 entry, hypercall_page, virt_base, paddr_offset, init_p2m;
	u64 supported_features, phys32_entry;
	u32 reloc_align, reloc_min, reloc_max;   /* PHYS32_RELOC */
	const char *guest_os, *xen_version, *loader, *features, *pae_mode;  /* NUL-terminated */
};

/* Collect the "Xen" notes from the PT_NOTE segments, or from SHT_NOTE
 * sections when no segment has any. No notes at all is BC_LD_OK, count 0. */
int bc_xen_notes_parse(const struct bc_elf *elf, struct bc_xen_notes *out);

/* Numeric value of a note's desc as Xen reads it (1/2/4/8 bytes, else 0). */
u64 bc_xen_note_value(const struct bc_xen_note *n);
/* "GUEST_OS", "PHYS32_ENTRY", ...; "UNKNOWN" for other types. */
const char *bc_xen_note_name(u32 type);
/* True when the note's desc is a string (printable as such). */
bool bc_xen_note_is_string(u32 type);

/* ---- Embedded kernel config (CONFIG_IKCONFIG) ---------------------------- */

/* Find the gzip stream between "IKCFG_ST" and "IKCFG_ED" in a vmlinux. */
int bc_ikconfig_find(const u8 *vmlinux, size_t len, const u8 **gz, size_t *gz_len);

/* Value of OPTION (e.g. "CONFIG_XEN_DOM0") in .config text: 'y', 'm', or 'n'
 * for "# OPTION is not set" / absent; for a string or number value, 'v'. */
char bc_kconfig_value(const char *text, size_t len, const char *option);

/* ---- PVH start info (xen/include/public/arch-x86/hvm/start_info.h) ------- */

#define BC_PVH_MAGIC 0x336EC578u
#define BC_PVH_START_INFO_SIZE 56
#define BC_PVH_MODLIST_ENTRY_SIZE 32
#define BC_PVH_MEMMAP_ENTRY_SIZE 24
#define BC_PVH_SIF_PRIVILEGED 1u
#define BC_PVH_SIF_INITDOMAIN 2u

enum bc_e820_type {
	BC_E820_RAM = 1, BC_E820_RESERVED = 2, BC_E820_ACPI = 3, BC_E820_NVS = 4,
	BC_E820_UNUSABLE = 5,
};

struct bc_mem_range {
	u64 addr, size;
	u32 type;                /* bc_e820_type; ignored for reserved ranges */
};

struct bc_pvh_module {
	u64 paddr, size;         /* e.g. the initramfs */
	const char *cmdline;     /* NULL for none */
};

struct bc_pvh_params {
	const char *cmdline;                 /* kernel command line; NULL = empty */
	const struct bc_pvh_module *modules;
	u32 nr_modules;
	const struct bc_mem_range *memmap;   /* the machine's map (any order) */
	u32 nr_memmap;
	const struct bc_mem_range *reserved; /* memory the kernel must not use (ours) */
	u32 nr_reserved;
	u64 rsdp_paddr;                      /* 0 when unknown */
	u32 flags;                           /* BC_PVH_SIF_* */
};

struct bc_pvh_layout {
	u64 start_info_paddr;    /* put this in EBX at the PHYS32 entry */
	size_t used;             /* bytes of the area used, from its start */
	u32 memmap_entries;
};

/* Lay out hvm_start_info (version 1) at the start of AREA, followed by the
 * module list, memory map and strings, all 8-byte aligned. AREA is the memory
 * at physical address area_paddr as the kernel will see it. The memory map is
 * the given map sorted, with the reserved ranges carved out of RAM and added
 * as E820 reserved, and the area itself reserved. */
int bc_pvh_build_start_info(const struct bc_pvh_params *p, u8 *area, size_t area_size,
			    u64 area_paddr, struct bc_pvh_layout *out);

#endif
