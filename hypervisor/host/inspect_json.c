/* bootchain inspect --json: the same report for machines. */
#include "hypervisor/host/inspect.h"

static void json_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_cstr(FILE *out, const char *s)
{
	if (s)
		json_string(out, s, (size_t)-1);
	else
		fputs("null", out);
}

static void print_bzimage(FILE *out, const struct bc_bzimage *bz)
{
	fprintf(out, "  \"protocol\": \"%u.%02u\",\n", bz->protocol >> 8, bz->protocol & 0xff);
	fputs("  \"kernel_string\": ", out);
	if (bz->version)
		json_string(out, bz->version, bz->version_len);
	else
		fputs("null", out);
	fputs(",\n  \"compression\": ", out);
	json_cstr(out, bz->payload_is_elf ? "none" : bz->codec ? bz->codec->name : NULL);
	fprintf(out, ",\n  \"compressed_size\": %zu,\n  \"decompressed_size\": %u,\n",
		bz->payload_len, bz->decompressed_size);
	fprintf(out, "  \"relocatable\": %s,\n  \"kernel_alignment\": %u,\n",
		bz->relocatable ? "true" : "false", bz->kernel_alignment);
}

static void print_elf(FILE *out, const struct bc_kernel_file *kf)
{
	if (kf->have_elf)
		fprintf(out, "  \"elf_entry\": \"0x%llx\",\n  \"load_segments\": %u,\n",
			(unsigned long long)kf->elf.entry, kf->elf.nr_load);
	else
		fputs("  \"elf_entry\": null,\n  \"load_segments\": null,\n", out);
	if (kf->have_notes && (kf->notes.present & (1u << BC_XEN_PHYS32_ENTRY)))
		fprintf(out, "  \"pvh_entry\": \"0x%llx\",\n", (unsigned long long)kf->notes.phys32_entry);
	else
		fputs("  \"pvh_entry\": null,\n", out);
	fputs("  \"vmlinux_error\": ", out);
	json_cstr(out, !kf->vmlinux ? kf->dc_reason : !kf->have_elf ? kf->elf_reason : NULL);
	fputs(",\n", out);
}

static void print_notes(FILE *out, const struct bc_kernel_file *kf)
{
	if (!kf->have_notes) {
		fputs("  \"xen_notes\": null,\n", out);
		return;
	}
	fputs("  \"xen_notes\": [", out);
	for (u32 i = 0; i < kf->notes.count; i++) {
		const struct bc_xen_note *n = &kf->notes.note[i];
		char value[256];
		bc_note_value_text(n, &kf->notes, value, sizeof(value));
		fprintf(out, "%s\n    {\"type\": %u, \"name\": ", i ? "," : "", n->type);
		json_cstr(out, bc_xen_note_name(n->type));
		fputs(", \"value\": ", out);
		json_cstr(out, value);
		fputc('}', out);
	}
	fputs(kf->notes.count ? "\n  ],\n" : "],\n", out);
}

static void print_config(FILE *out, const struct bc_kernel_config *cfg)
{
	fputs("  \"config_source\": ", out);
	json_cstr(out, cfg->text ? cfg->source : NULL);
	fputs(",\n  \"config\": {", out);
	for (int i = 0; bc_inspect_config_options[i]; i++) {
		char v = bc_kernel_config_get(cfg, bc_inspect_config_options[i]);
		fprintf(out, "%s\"%s\": ", i ? ", " : "", bc_inspect_config_options[i]);
		if (v == '?')
			fputs("null", out);
		else
			fprintf(out, "\"%c\"", v);
	}
	fputs("},\n", out);
}

void bc_inspect_print_json(FILE *out, const struct bc_inspect_report *r)
{
	fputs("{\n  \"file\": ", out);
	json_cstr(out, r->kf->path);
	fprintf(out, ",\n  \"format\": \"%s\",\n", r->kf->kind == BC_KERNEL_BZIMAGE ? "bzImage" : "elf");
	if (r->kf->kind == BC_KERNEL_BZIMAGE)
		print_bzimage(out, &r->kf->bz);
	fputs("  \"version\": ", out);
	json_cstr(out, r->version[0] ? r->version : NULL);
	fputs(",\n", out);
	print_elf(out, r->kf);
	print_notes(out, r->kf);
	print_config(out, r->cfg);
	fprintf(out, "  \"xen_version\": \"%u.%u\",\n  \"verdicts\": {", r->facts.xen_major,
		r->facts.xen_minor);
	for (int w = 0; w < BC_WAY_COUNT; w++) {
		const struct bc_verdict *v = &r->verdict[w];
		fprintf(out, "%s\n    \"%s\": {\"answer\": \"%s\", \"why\": ", w ? "," : "",
			bc_boot_way_key(w), bc_answer_name(v->answer));
		json_cstr(out, v->why[0] ? v->why : NULL);
		fputs(", \"host\": ", out);
		json_cstr(out, v->host);
		fputc('}', out);
	}
	fputs("\n  }\n}\n", out);
}

void bc_inspect_print_json_error(FILE *out, const char *path, const char *why)
{
	fputs("{\n  \"file\": ", out);
	json_cstr(out, path);
	fputs(",\n  \"error\": ", out);
	json_cstr(out, why);
	fputs("\n}\n", out);
}
