/* bootchain inspect: the human-readable report. */
#include "hypervisor/host/inspect.h"
#include <string.h>

const char *const bc_inspect_config_options[] = {
	"CONFIG_XEN", "CONFIG_XEN_PV", "CONFIG_XEN_PVH", "CONFIG_PVH", "CONFIG_XEN_DOM0", NULL,
};

/* Printable copy of a string note (control bytes become '?'). */
static void printable(const u8 *s, u32 len, char *buf, size_t cap)
{
	size_t n = 0;
	for (u32 i = 0; i < len && s[i] && n + 1 < cap; i++)
		buf[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	buf[n] = 0;
}

void bc_note_value_text(const struct bc_xen_note *n, const struct bc_xen_notes *all,
			char *buf, size_t cap)
{
	if (bc_xen_note_is_string(n->type))
		printable(n->desc, n->descsz, buf, cap);
	else if (n->type == BC_XEN_PHYS32_RELOC)
		snprintf(buf, cap, "align 0x%x, min 0x%x, max 0x%x", all->reloc_align, all->reloc_min,
			 all->reloc_max);
	else if (n->descsz == 1 || n->descsz == 2 || n->descsz == 4 || n->descsz == 8)
		snprintf(buf, cap, "0x%llx", (unsigned long long)bc_xen_note_value(n));
	else
		snprintf(buf, cap, "(%u bytes)", n->descsz);
}

static void print_bzimage(FILE *out, const struct bc_bzimage *bz)
{
	fprintf(out, "format:          bzImage, boot protocol %u.%02u\n", bz->protocol >> 8,
		bz->protocol & 0xff);
	if (bz->version)
		fprintf(out, "kernel string:   %.*s\n", (int)bz->version_len, bz->version);
	fprintf(out, "setup:           %u sectors, protected-mode code %zu bytes\n", bz->setup_sects,
		bz->pm_len);
	fprintf(out, "loading:         %s, alignment 0x%x, preferred address 0x%llx%s\n",
		bz->relocatable ? "relocatable" : "fixed address", bz->kernel_alignment,
		(unsigned long long)bz->pref_address, (bz->xloadflags & 1) ? ", 64-bit entry" : "");
	fprintf(out, "payload:         %s, %zu bytes compressed, %u bytes decompressed\n",
		bz->payload_is_elf ? "uncompressed ELF" : bz->codec ? bz->codec->name : "unknown",
		bz->payload_len, bz->decompressed_size);
}

static void print_elf(FILE *out, const struct bc_kernel_file *kf)
{
	if (!kf->vmlinux) {
		fprintf(out, "vmlinux:         not available (%s)\n", kf->dc_reason);
		return;
	}
	if (!kf->have_elf) {
		fprintf(out, "vmlinux:         not a loadable ELF (%s)\n", kf->elf_reason);
		return;
	}
	const struct bc_elf *e = &kf->elf;
	fprintf(out, "ELF entry:       0x%llx\n", (unsigned long long)e->entry);
	fprintf(out, "ELF segments:    %u PT_LOAD, physical 0x%llx-0x%llx\n", e->nr_load,
		(unsigned long long)e->paddr_lo, (unsigned long long)e->paddr_hi);
}

static void print_notes(FILE *out, const struct bc_kernel_file *kf, bool verbose)
{
	if (!kf->have_notes) {
		if (kf->have_elf)
			fprintf(out, "Xen notes:       unreadable (%s)\n", kf->notes_reason);
		return;
	}
	fprintf(out, "Xen notes:       %u%s\n", kf->notes.count,
		verbose || !kf->notes.count ? "" : " (listed with --verbose)");
	if (!verbose)
		return;
	for (u32 i = 0; i < kf->notes.count; i++) {
		const struct bc_xen_note *n = &kf->notes.note[i];
		char value[256];
		bc_note_value_text(n, &kf->notes, value, sizeof(value));
		fprintf(out, "  %-19s %s\n", bc_xen_note_name(n->type), value);
	}
}

static void print_config(FILE *out, const struct bc_kernel_config *cfg)
{
	if (!cfg->text) {
		fprintf(out, "config:          not found (%s)\n", cfg->missing);
		return;
	}
	fprintf(out, "config:          %s\n", cfg->source);
	for (int i = 0; bc_inspect_config_options[i]; i++)
		fprintf(out, "  %-19s %c\n", bc_inspect_config_options[i],
			bc_kernel_config_get(cfg, bc_inspect_config_options[i]));
}

static void print_verdicts(FILE *out, const struct bc_inspect_report *r)
{
	fprintf(out, "verdicts (Xen %u.%u):\n", r->facts.xen_major, r->facts.xen_minor);
	for (int w = 0; w < BC_WAY_COUNT; w++) {
		const struct bc_verdict *v = &r->verdict[w];
		fprintf(out, "  %-17s %s%s%s\n", bc_boot_way_name(w), bc_answer_name(v->answer),
			v->why[0] ? ": " : "", v->why);
		if (v->host)
			fprintf(out, "  %-17s %s\n", "", v->host);
	}
}

void bc_inspect_print_text(FILE *out, const struct bc_inspect_report *r, bool verbose)
{
	fprintf(out, "file:            %s\n", r->kf->path);
	if (r->version[0])
		fprintf(out, "version:         %s\n", r->version);
	print_verdicts(out, r);
	if (r->kf->kind == BC_KERNEL_BZIMAGE)
		print_bzimage(out, &r->kf->bz);
	else
		fprintf(out, "format:          ELF vmlinux\n");
	print_elf(out, r->kf);
	print_notes(out, r->kf, verbose);
	print_config(out, r->cfg);
}
