/* bootchain inspect [--json] [--verbose] [--xen VERSION] [--config FILE] KERNEL */
#include "bootchain/bootchain.h"
#include "hypervisor/host/inspect.h"
#include <stdio.h>
#include <string.h>

#define DEFAULT_XEN "4.17"    /* the Xen Debian ships here (xen-hypervisor-4.17) */

static const char inspect_usage[] =
	"usage: bootchain inspect [--json] [--verbose] [--xen VERSION] [--config FILE] KERNEL\n"
	"Report whether a kernel image boots on bare metal, as Xen PV dom0, as Xen PVH\n"
	"dom0 and under the bootchain hypervisor (default Xen version " DEFAULT_XEN "), then its\n"
	"boot protocol, payload, ELF entry and config; --verbose lists every Xen ELF note.\n"
	"With --json, a failure is a JSON object {\"file\", \"error\"} on stdout too.\n";

struct inspect_args {
	const char *kernel, *config, *xen;
	bool json, verbose;
};

/* Returns -1 to go on, else the exit status (help or a usage error). */
static int parse_args(int argc, char **argv, struct inspect_args *a)
{
	*a = (struct inspect_args){ .xen = DEFAULT_XEN };
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(inspect_usage, stdout);
			return 0;
		}
		if (!strcmp(arg, "--json"))
			a->json = true;
		else if (!strcmp(arg, "--verbose") || !strcmp(arg, "-v"))
			a->verbose = true;
		else if (!strcmp(arg, "--xen") && i + 1 < argc)
			a->xen = argv[++i];
		else if (!strcmp(arg, "--config") && i + 1 < argc)
			a->config = argv[++i];
		else if (arg[0] != '-' && !a->kernel)
			a->kernel = arg;
		else
			return fputs(inspect_usage, stderr), 2;
	}
	if (!a->kernel)
		return fputs(inspect_usage, stderr), 2;
	return -1;
}

static int parse_xen_version(const char *s, unsigned *major, unsigned *minor)
{
	char tail;
	if (sscanf(s, "%u.%u%c", major, minor, &tail) != 2) {
		fprintf(stderr, "bootchain inspect: --xen %s: expected a version like 4.17\n", s);
		return -1;
	}
	return 0;
}

void bc_boot_facts_gather(const struct bc_kernel_file *kf, const struct bc_kernel_config *cfg,
			  unsigned xen_major, unsigned xen_minor, struct bc_boot_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->is_bzimage = kf->kind == BC_KERNEL_BZIMAGE;
	f->bz = &kf->bz;
	f->notes = kf->have_notes ? &kf->notes : NULL;
	f->notes_unknown_why = !kf->vmlinux ? kf->dc_reason
			     : !kf->have_elf ? kf->elf_reason : kf->notes_reason;
	f->loadable_elf = kf->have_elf;
	f->elf_machine = kf->elf.machine;
	f->segments_below_4g = kf->have_elf &&
		bc_elf_check_range(&kf->elf, 1ull << 20, 1ull << 32) == BC_LD_OK;
	f->elf_unknown_why = !kf->vmlinux ? kf->dc_reason : kf->elf_reason;
	f->payload_error = kf->kind == BC_KERNEL_BZIMAGE && !kf->vmlinux ? kf->dc_reason : NULL;
	f->config_missing_why = cfg->missing;
	f->xen_dom0 = bc_kernel_config_get(cfg, "CONFIG_XEN_DOM0");
	f->xen_pvh = bc_kernel_config_get(cfg, "CONFIG_XEN_PVH");
	f->pvh = bc_kernel_config_get(cfg, "CONFIG_PVH");
	f->xen_major = xen_major;
	f->xen_minor = xen_minor;
}

/* A failure: the one-line error (already printed for an unreadable file),
 * and with --json the same as a JSON object on stdout. Returns 1. */
static int fail(const struct inspect_args *a, const char *why, struct bc_kernel_file *kf)
{
	if (kf) {
		fprintf(stderr, "bootchain inspect: %s: %s\n", a->kernel, why);
		bc_kernel_file_close(kf);
	}
	if (a->json)
		bc_inspect_print_json_error(stdout, a->kernel, why);
	return 1;
}

int bc_cmd_inspect(int argc, char **argv)
{
	struct inspect_args a;
	unsigned xen_major, xen_minor;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (parse_xen_version(a.xen, &xen_major, &xen_minor))
		return 2;
	struct bc_kernel_file kf;
	if (bc_kernel_file_open("inspect", a.kernel, &kf))
		return fail(&a, kf.error, NULL);
	if (kf.kind == BC_KERNEL_ELF && !kf.have_elf) {
		char why[600];
		snprintf(why, sizeof(why), "not a usable ELF kernel (%s)", kf.elf_reason);
		return fail(&a, why, &kf);
	}
	struct bc_kernel_config cfg;
	bc_kernel_config_load(&kf, a.config, &cfg);
	if (a.config && !cfg.text)
		return fail(&a, cfg.missing, &kf);
	struct bc_inspect_report r = { .kf = &kf, .cfg = &cfg };
	bc_kernel_version_of(&kf, r.version, sizeof(r.version));
	bc_boot_facts_gather(&kf, &cfg, xen_major, xen_minor, &r.facts);
	bc_decide(&r.facts, r.verdict);
	if (a.json)
		bc_inspect_print_json(stdout, &r);
	else
		bc_inspect_print_text(stdout, &r, a.verbose);
	bc_kernel_config_free(&cfg);
	bc_kernel_file_close(&kf);
	return 0;
}
