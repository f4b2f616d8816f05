/* A kernel image file read into memory and taken apart as far as possible:
 * bzImage header, decompressed vmlinux, ELF segments, Xen notes. */
#ifndef BC_KERNEL_FILE_H
#define BC_KERNEL_FILE_H
#include <stdbool.h>
#include <stddef.h>
#include "hypervisor/loader/loader.h"

enum bc_kernel_kind { BC_KERNEL_BZIMAGE, BC_KERNEL_ELF };

struct bc_kernel_file {
	const char *path;
	u8 *data;                    /* the whole file */
	size_t len;
	enum bc_kernel_kind kind;
	struct bc_bzimage bz;        /* kind == BZIMAGE */
	u8 *vmlinux;                 /* decompressed payload, or data for an ELF file */
	size_t vmlinux_len;
	int dc_status;               /* BC_LD_* of the decompression (OK for an ELF file) */
	const char *dc_reason;       /* why vmlinux is NULL */
	bool have_elf;
	struct bc_elf elf;
	const char *elf_reason;      /* why have_elf is false (vmlinux present) */
	bool have_notes;
	struct bc_xen_notes notes;
	const char *notes_reason;
	char error[512];             /* why bc_kernel_file_open failed */
};

/* Read and analyse PATH. Fails (prints "bootchain CMD: PATH: reason", keeps
 * the reason in kf->error, returns -1) only when the file cannot be read or
 * is not a kernel at all; a payload we cannot decompress is recorded in
 * dc_status/dc_reason instead. */
int bc_kernel_file_open(const char *cmd, const char *path, struct bc_kernel_file *kf);
void bc_kernel_file_close(struct bc_kernel_file *kf);

#endif
