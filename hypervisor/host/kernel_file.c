/* Open a kernel image: bzImage or ELF vmlinux, decompressing a bzImage's payload. */
#include "hypervisor/host/kernel_file.h"
#include "hypervisor/host/host_util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void decompress_payload(struct bc_kernel_file *kf)
{
	size_t cap = kf->bz.decompressed_size;
	u8 *out = malloc(cap ? cap : 1);
	if (!out) {
		kf->dc_status = BC_LD_NOSPACE;
		kf->dc_reason = "out of memory for the decompressed kernel";
		return;
	}
	size_t n = 0;
	kf->dc_status = bc_kernel_decompress(&kf->bz, out, cap, &bc_host_dc_env, &n);
	if (kf->dc_status != BC_LD_OK) {
		kf->dc_reason = bc_ld_reason();
		free(out);
		return;
	}
	kf->vmlinux = out;
	kf->vmlinux_len = n;
}

static void parse_vmlinux(struct bc_kernel_file *kf)
{
	if (bc_elf_parse(kf->vmlinux, kf->vmlinux_len, &kf->elf) != BC_LD_OK) {
		kf->elf_reason = bc_ld_reason();
		return;
	}
	kf->have_elf = true;
	if (bc_xen_notes_parse(&kf->elf, &kf->notes) != BC_LD_OK) {
		kf->notes_reason = bc_ld_reason();
		return;
	}
	kf->have_notes = true;
}

static int classify(const char *cmd, struct bc_kernel_file *kf)
{
	if (kf->len >= 4 && !memcmp(kf->data, "\x7f" "ELF", 4)) {
		kf->kind = BC_KERNEL_ELF;
		kf->vmlinux = kf->data;
		kf->vmlinux_len = kf->len;
		return 0;
	}
	int st = bc_bzimage_parse(kf->data, kf->len, &kf->bz);
	if (st != BC_LD_OK) {
		/* a bare compressed file (xen.gz, a compressed vmlinux) is named as such */
		const struct bc_decompressor *d = bc_dc_detect(kf->data, kf->len);
		if (d)
			snprintf(kf->error, sizeof(kf->error),
				 "%s data, not a Linux kernel image: a hypervisor image?", d->name);
		else
			snprintf(kf->error, sizeof(kf->error), "not a Linux kernel image (%s)",
				 bc_ld_reason());
		fprintf(stderr, "bootchain %s: %s: %s\n", cmd, kf->path, kf->error);
		return -1;
	}
	kf->kind = BC_KERNEL_BZIMAGE;
	decompress_payload(kf);
	return 0;
}

int bc_kernel_file_open(const char *cmd, const char *path, struct bc_kernel_file *kf)
{
	memset(kf, 0, sizeof(*kf));
	kf->path = path;
	if (bc_read_whole(cmd, path, &kf->data, &kf->len)) {
		snprintf(kf->error, sizeof(kf->error), "%s", strerror(errno));
		return -1;
	}
	if (classify(cmd, kf)) {
		bc_kernel_file_close(kf);
		return -1;
	}
	if (kf->vmlinux)
		parse_vmlinux(kf);
	return 0;
}

void bc_kernel_file_close(struct bc_kernel_file *kf)
{
	if (kf->vmlinux != kf->data)
		free(kf->vmlinux);
	free(kf->data);
	kf->vmlinux = kf->data = NULL;
}
