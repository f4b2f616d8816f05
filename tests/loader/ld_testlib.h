/* Helpers for the loader tests: synthetic bzImages, ELF images and Xen notes
 * built in memory, and the Debian kernels decompressed with the reference
 * libraries (liblzma, liblz4, zlib) so the parsers can be tested on real
 * images whether or not our own decoders are finished. */
#ifndef LD_TESTLIB_H
#define LD_TESTLIB_H
#include <stdbool.h>
#include <stddef.h>
#include <bc/types.h>

struct ld_buf {
	u8 *data;
	size_t len;
};
void ld_buf_free(struct ld_buf *b);
/* Append LEN bytes (DATA may be NULL for zeros); aborts on ENOMEM. */
void ld_buf_append(struct ld_buf *b, const void *data, size_t len);
int ld_read_file(const char *path, struct ld_buf *out);

/* ---- synthetic bzImage ---------------------------------------------- */
struct ld_bz_spec {
	u16 protocol;            /* 0 = 0x020F */
	u8 setup_sects;          /* as stored: 0 means 4 */
	const char *version;     /* kernel_version string, NULL for none */
	u32 pm_prefix;           /* bytes of fake code before the payload (payload_offset) */
};
/* A bzImage carrying PAYLOAD (already including any size trailer). */
struct ld_buf ld_make_bzimage(const struct ld_bz_spec *spec, const u8 *payload, size_t plen);
/* PAYLOAD gzip-compressed with zlib (gzip's ISIZE is its size trailer). */
struct ld_buf ld_gzip(const u8 *data, size_t len);

/* ---- synthetic ELF64 --------------------------------------------------- */
struct ld_seg {
	u64 paddr, vaddr, memsz;
	const u8 *data;          /* filesz bytes; NULL = a pattern */
	u64 filesz;
};
/* An x86-64 ET_EXEC with the PT_LOAD segments given and, when NOTES_LEN > 0,
 * one PT_NOTE segment holding NOTES (and a matching SHT_NOTE section when
 * WITH_SECTION; with NOTE_IN_SECTION_ONLY the PT_NOTE header is left out). */
struct ld_elf_spec {
	const struct ld_seg *segs;
	unsigned nsegs;
	const u8 *notes;
	size_t notes_len;
	bool note_in_section_only;
	u64 entry;
};
struct ld_buf ld_make_elf(const struct ld_elf_spec *spec);
/* Append one ELF note to BLOB. */
void ld_add_note(struct ld_buf *blob, const char *name, u32 type, const void *desc, u32 descsz);

/* ---- the Debian kernels ------------------------------------------------ */
/* Path of /boot/vmlinuz-*-amd64 (CLOUD false) or -cloud-amd64, or NULL. */
const char *ld_debian_kernel(bool cloud);
/* The kernel's payload decompressed with the reference library for its format.
 * Returns 0, or -1 with a reason in WHY. */
int ld_reference_vmlinux(const u8 *img, size_t len, struct ld_buf *out, char *why, size_t why_len);

#endif
