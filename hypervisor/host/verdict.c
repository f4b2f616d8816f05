/* The boot verdicts (see verdict.h). */
#include "hypervisor/host/verdict.h"
#include <stdio.h>
#include <string.h>

/* First Xen release able to decompress each payload format (xen/common/decompress.c). */
static const struct { const char *codec; unsigned major, minor; } xen_codecs[] = {
	{ "gzip", 3, 4 }, { "bzip2", 4, 0 }, { "lzma", 4, 0 }, { "lzo", 4, 1 },
	{ "xz", 4, 2 }, { "lz4", 4, 4 }, { "zstd", 4, 15 },
};

#define XEN_PVH_DOM0_MAJOR 4   /* the PVH dom0 builder appeared in Xen 4.9 */
#define XEN_PVH_DOM0_MINOR 9

static bool version_before(unsigned major, unsigned minor, unsigned ref_major, unsigned ref_minor)
{
	return major < ref_major || (major == ref_major && minor < ref_minor);
}

const char *bc_xen_payload_problem(const struct bc_bzimage *bz, unsigned major, unsigned minor,
				   char *buf, size_t cap)
{
	if (bz->payload_is_elf)
		return NULL;
	if (!bz->codec) {
		snprintf(buf, cap, "payload compression not recognised");
		return buf;
	}
	for (size_t i = 0; i < sizeof(xen_codecs) / sizeof(xen_codecs[0]); i++) {
		if (strcmp(xen_codecs[i].codec, bz->codec->name))
			continue;
		if (!version_before(major, minor, xen_codecs[i].major, xen_codecs[i].minor))
			break;
		snprintf(buf, cap, "Xen %u.%u cannot decompress a %s payload (needs Xen %u.%u or later)",
			 major, minor, bz->codec->name, xen_codecs[i].major, xen_codecs[i].minor);
		return buf;
	}
	/* Xen's xz decoder is built without XZ_DEC_ANY_CHECK: check types None and CRC32 only */
	if (!strcmp(bz->codec->name, "xz") && bz->payload_len > 7 && (bz->payload[7] & 0x0F) > 1) {
		snprintf(buf, cap, "xz payload uses check type %u; Xen accepts only None or CRC32",
			 bz->payload[7] & 0x0F);
		return buf;
	}
	return NULL;
}

static void add_reason(struct bc_verdict *v, const char *reason)
{
	size_t used = strlen(v->why);
	snprintf(v->why + used, sizeof(v->why) - used, "%s%s", used ? "; " : "", reason);
	v->answer = BC_NO;
}

static void add_config_reason(struct bc_verdict *v, char value, const char *option)
{
	char buf[96];
	if (value == 'y' || value == '?')
		return;
	snprintf(buf, sizeof(buf), "%s is not set", option);
	add_reason(v, buf);
}

static void set_unknown(struct bc_verdict *v, const char *prefix, const char *why)
{
	if (v->answer == BC_NO)   /* a definite no stands even when some facts are missing */
		return;
	v->answer = BC_UNKNOWN;
	snprintf(v->why, sizeof(v->why), "%s: %s", prefix, why ? why : "unknown");
}

static void decide_bare_metal(const struct bc_boot_facts *f, struct bc_verdict *v)
{
	if (!f->is_bzimage)
		add_reason(v, "an ELF vmlinux, not a bzImage: boot loaders need a bzImage");
}

#define EM_X86_64 62

static void check_machine(const struct bc_boot_facts *f, struct bc_verdict *v)
{
	char buf[64];
	if (!f->loadable_elf || f->elf_machine == EM_X86_64)
		return;
	snprintf(buf, sizeof(buf), "not an x86-64 kernel (ELF machine %u)", f->elf_machine);
	add_reason(v, buf);
}

/* What Xen demands of every dom0 kernel, PV or PVH. */
static void xen_dom0_common(const struct bc_boot_facts *f, struct bc_verdict *v)
{
	char buf[256];
	if (f->xen_dom0 != 'y' && f->xen_dom0 != '?')
		add_reason(v, "lacks dom0 support: CONFIG_XEN_DOM0 is not set");
	check_machine(f, v);
	if (f->is_bzimage && bc_xen_payload_problem(f->bz, f->xen_major, f->xen_minor, buf, sizeof(buf)))
		add_reason(v, buf);
	if (!f->notes)
		return;
	if (f->notes->count == 0) {
		add_reason(v, "no Xen ELF notes");
		return;
	}
	if ((f->notes->present & (1u << BC_XEN_SUPPORTED_FEATURES)) &&
	    !(f->notes->supported_features & (1ull << BC_XENFEAT_DOM0)))
		add_reason(v, "lacks dom0 support: the SUPPORTED_FEATURES note has no dom0 bit");
}

static bool prefix_is(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static void decide_xen_pv(const struct bc_boot_facts *f, struct bc_verdict *v)
{
	xen_dom0_common(f, v);
	if (f->notes && f->notes->count) {
		const struct bc_xen_notes *n = f->notes;
		if (!(n->present & (1u << BC_XEN_ENTRY)))
			add_reason(v, "no Xen ENTRY note (CONFIG_XEN_PV not set)");
		if (!prefix_is(n->loader, "generic") && !prefix_is(n->guest_os, "linux"))
			add_reason(v, "neither LOADER \"generic\" nor GUEST_OS \"linux\" note");
		if (!prefix_is(n->xen_version, "xen-3.0"))
			add_reason(v, "XEN_VERSION note is not \"xen-3.0\"");
	}
	if (!f->notes)
		set_unknown(v, "cannot read the Xen ELF notes", f->notes_unknown_why);
}

static void decide_xen_pvh(const struct bc_boot_facts *f, struct bc_verdict *v)
{
	char buf[128];
	xen_dom0_common(f, v);
	add_config_reason(v, f->xen_pvh, "CONFIG_XEN_PVH");
	if (version_before(f->xen_major, f->xen_minor, XEN_PVH_DOM0_MAJOR, XEN_PVH_DOM0_MINOR)) {
		snprintf(buf, sizeof(buf), "Xen %u.%u has no PVH dom0 builder (4.9 or later)",
			 f->xen_major, f->xen_minor);
		add_reason(v, buf);
	}
	if (f->notes && f->notes->count && !(f->notes->present & (1u << BC_XEN_PHYS32_ENTRY)))
		add_reason(v, "no PHYS32_ENTRY note (CONFIG_PVH not set)");
	if (!f->notes)
		set_unknown(v, "cannot read the Xen ELF notes", f->notes_unknown_why);
}

/* bchv contains dom0 with AMD SVM and nested paging; without them it stops, or starts
 * dom0 on the bare CPU when told to (dom0=native). */
#define OURS_HOST "dom0 is contained only on AMD SVM hosts with nested paging (NPT); " \
	"elsewhere bchv starts it only with dom0=native, uncontained"

static void decide_ours(const struct bc_boot_facts *f, struct bc_verdict *v)
{
	add_config_reason(v, f->pvh, "CONFIG_PVH");
	check_machine(f, v);
	if (f->loadable_elf && !f->segments_below_4g)
		add_reason(v, "PT_LOAD segments outside [1 MiB, 4 GiB), where the PVH entry runs");
	if (f->notes && !(f->notes->present & (1u << BC_XEN_PHYS32_ENTRY)))
		add_reason(v, f->notes->count ? "no PHYS32_ENTRY note (CONFIG_PVH not set)"
					      : "no Xen ELF notes, so no PHYS32_ENTRY");
	if (!f->loadable_elf)
		set_unknown(v, "our loader cannot load it yet", f->elf_unknown_why);
	else if (!f->notes)
		set_unknown(v, "cannot read the Xen ELF notes", f->notes_unknown_why);
}

/* A yes that rests on config options nobody could read is no yes. */
static void needs_config(const struct bc_boot_facts *f, struct bc_verdict *v, char value,
			 const char *option)
{
	char buf[128];
	if (value != '?' || v->answer != BC_YES)
		return;
	snprintf(buf, sizeof(buf), "kernel config not found, %s unknown", option);
	set_unknown(v, buf, f->config_missing_why);
}

void bc_decide(const struct bc_boot_facts *f, struct bc_verdict out[BC_WAY_COUNT])
{
	for (int i = 0; i < BC_WAY_COUNT; i++)
		out[i] = (struct bc_verdict){ .answer = BC_YES };
	if (f->payload_error) {
		char buf[400];
		snprintf(buf, sizeof(buf), "the payload does not decompress: %s", f->payload_error);
		for (int i = 0; i < BC_WAY_COUNT; i++)
			add_reason(&out[i], buf);
		return;
	}
	decide_bare_metal(f, &out[BC_WAY_BARE_METAL]);
	decide_xen_pv(f, &out[BC_WAY_XEN_PV]);
	needs_config(f, &out[BC_WAY_XEN_PV], f->xen_dom0, "CONFIG_XEN_DOM0");
	decide_xen_pvh(f, &out[BC_WAY_XEN_PVH]);
	needs_config(f, &out[BC_WAY_XEN_PVH], f->xen_dom0, "CONFIG_XEN_DOM0");
	needs_config(f, &out[BC_WAY_XEN_PVH], f->xen_pvh, "CONFIG_XEN_PVH");
	decide_ours(f, &out[BC_WAY_OURS]);
	needs_config(f, &out[BC_WAY_OURS], f->pvh, "CONFIG_PVH");
	if (out[BC_WAY_OURS].answer != BC_NO)
		out[BC_WAY_OURS].host = OURS_HOST;
}

const char *bc_boot_way_name(enum bc_boot_way way)
{
	static const char *const names[] = { "bare metal", "Xen PV dom0", "Xen PVH dom0", "our hypervisor" };
	return way < BC_WAY_COUNT ? names[way] : "?";
}

const char *bc_boot_way_key(enum bc_boot_way way)
{
	static const char *const keys[] = { "bare_metal", "xen_pv_dom0", "xen_pvh_dom0", "bootchain_hv" };
	return way < BC_WAY_COUNT ? keys[way] : "?";
}

const char *bc_answer_name(enum bc_answer a)
{
	return a == BC_YES ? "yes" : a == BC_NO ? "no" : "unknown";
}
