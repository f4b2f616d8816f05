/* Xen ELF notes: "Xen"-named notes in PT_NOTE segments (or SHT_NOTE sections),
 * decoded the way Xen's libelf reads them. */
#include "ld_internal.h"
#include <bc/string.h>

#define PT_NOTE  4
#define SHT_NOTE 7
#define NOTE_HDR 12

static u64 align4(u64 n)
{
	return (n + 3) & ~3ull;
}

/* The desc as a NUL-terminated string, or NULL when it has no NUL. */
static const char *desc_string(const struct bc_xen_note *n)
{
	for (u32 i = 0; i < n->descsz; i++)
		if (n->desc[i] == 0)
			return (const char *)n->desc;
	return NULL;
}

u64 bc_xen_note_value(const struct bc_xen_note *n)
{
	switch (n->descsz) {
	case 1: return n->desc[0];
	case 2: return bc_le16(n->desc);
	case 4: return bc_le32(n->desc);
	case 8: return bc_le64(n->desc);
	}
	return 0;
}

static void decode_reloc(const struct bc_xen_note *n, struct bc_xen_notes *out)
{
	/* defaults per elfnote.h; each field is optional from the end */
	out->reloc_align = n->descsz >= 4 ? bc_le32(n->desc) : 0x200000;
	out->reloc_min = n->descsz >= 8 ? bc_le32(n->desc + 4) : 0;
	out->reloc_max = n->descsz >= 12 ? bc_le32(n->desc + 8) : 0xFFFFFFFFu;
}

static void decode(const struct bc_xen_note *n, struct bc_xen_notes *out)
{
	u64 v = bc_xen_note_value(n);
	if (n->type < 32)
		out->present |= 1u << n->type;
	switch (n->type) {
	case BC_XEN_ENTRY: out->entry = v; break;
	case BC_XEN_HYPERCALL_PAGE: out->hypercall_page = v; break;
	case BC_XEN_VIRT_BASE: out->virt_base = v; break;
	case BC_XEN_PADDR_OFFSET: out->paddr_offset = v; break;
	case BC_XEN_INIT_P2M: out->init_p2m = v; break;
	case BC_XEN_SUPPORTED_FEATURES: out->supported_features = v; break;
	case BC_XEN_PHYS32_ENTRY: out->phys32_entry = v; break;
	case BC_XEN_PHYS32_RELOC: decode_reloc(n, out); break;
	case BC_XEN_GUEST_OS: out->guest_os = desc_string(n); break;
	case BC_XEN_XEN_VERSION: out->xen_version = desc_string(n); break;
	case BC_XEN_LOADER: out->loader = desc_string(n); break;
	case BC_XEN_FEATURES: out->features = desc_string(n); break;
	case BC_XEN_PAE_MODE: out->pae_mode = desc_string(n); break;
	}
}

/* Walk the notes in [p, p + size) and keep the ones named "Xen". */
static int scan_notes(const u8 *p, u64 size, struct bc_xen_notes *out)
{
	u64 pos = 0;
	while (size - pos >= NOTE_HDR) {
		u32 namesz = bc_le32(p + pos), descsz = bc_le32(p + pos + 4), type = bc_le32(p + pos + 8);
		u64 name_off = pos + NOTE_HDR, desc_off = name_off + align4(namesz);
		if (!bc_ld_in_bounds(name_off, align4(namesz), size) ||
		    !bc_ld_in_bounds(desc_off, descsz, size))
			return bc_ld_fail(BC_LD_INVALID, "ELF note runs past the end of its segment");
		if (namesz == 4 && bc_memcmp(p + name_off, "Xen", 4) == 0) {
			if (out->count == BC_XEN_MAX_NOTES)
				return bc_ld_fail(BC_LD_UNSUPPORTED, "too many Xen ELF notes");
			struct bc_xen_note *n = &out->note[out->count++];
			*n = (struct bc_xen_note){ .type = type, .desc = p + desc_off, .descsz = descsz };
			decode(n, out);
		}
		pos = desc_off + align4(descsz);
		if (pos > size)
			break;
	}
	return BC_LD_OK;
}

static int scan_segments(const struct bc_elf *e, struct bc_xen_notes *out)
{
	for (u32 i = 0; i < e->phnum; i++) {
		const u8 *ph = e->img + e->phoff + (u64)i * e->phentsize;
		u64 off = bc_le64(ph + 8), size = bc_le64(ph + 32);
		if (bc_le32(ph) != PT_NOTE || off == 0)   /* Xen skips offset 0 too */
			continue;
		if (!bc_ld_in_bounds(off, size, e->len))
			return bc_ld_fail(BC_LD_INVALID, "PT_NOTE segment lies outside the file");
		int st = scan_notes(e->img + off, size, out);
		if (st != BC_LD_OK)
			return st;
	}
	return BC_LD_OK;
}

static int scan_sections(const struct bc_elf *e, struct bc_xen_notes *out)
{
	for (u32 i = 0; i < e->shnum; i++) {
		const u8 *sh = e->img + e->shoff + (u64)i * e->shentsize;
		u64 off = bc_le64(sh + 24), size = bc_le64(sh + 32);
		if (bc_le32(sh + 4) != SHT_NOTE)
			continue;
		if (!bc_ld_in_bounds(off, size, e->len))
			return bc_ld_fail(BC_LD_INVALID, "SHT_NOTE section lies outside the file");
		int st = scan_notes(e->img + off, size, out);
		if (st != BC_LD_OK)
			return st;
	}
	return BC_LD_OK;
}

int bc_xen_notes_parse(const struct bc_elf *elf, struct bc_xen_notes *out)
{
	bc_memset(out, 0, sizeof(*out));
	int st = scan_segments(elf, out);
	if (st == BC_LD_OK && out->count == 0)
		st = scan_sections(elf, out);
	return st;
}

static const char *const note_names[BC_XEN_NOTE_TYPES] = {
	"INFO", "ENTRY", "HYPERCALL_PAGE", "VIRT_BASE", "PADDR_OFFSET", "XEN_VERSION",
	"GUEST_OS", "GUEST_VERSION", "LOADER", "PAE_MODE", "FEATURES", "BSD_SYMTAB",
	"HV_START_LOW", "L1_MFN_VALID", "SUSPEND_CANCEL", "INIT_P2M", "MOD_START_PFN",
	"SUPPORTED_FEATURES", "PHYS32_ENTRY", "PHYS32_RELOC",
};

const char *bc_xen_note_name(u32 type)
{
	return type < BC_XEN_NOTE_TYPES ? note_names[type] : "UNKNOWN";
}

bool bc_xen_note_is_string(u32 type)
{
	switch (type) {
	case BC_XEN_INFO: case BC_XEN_XEN_VERSION: case BC_XEN_GUEST_OS:
	case BC_XEN_GUEST_VERSION: case BC_XEN_LOADER: case BC_XEN_PAE_MODE:
	case BC_XEN_FEATURES: case BC_XEN_BSD_SYMTAB:
		return true;
	}
	return false;
}
