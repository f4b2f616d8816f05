/* What the suite expects of a kernel before booting it, so a failure it predicted is
 * XFAIL rather than FAIL. The answers come from the verdict code `bootchain inspect`
 * prints (linked into the same binary); a kernel it cannot read falls back to the
 * kernel's config file (CONFIG_XEN_DOM0=y) for the dom0 cases. */
#include <stdio.h>
#include <string.h>
#include "bootchain/matrix/matrix.h"
#include "bootchain/matrix/util.h"
#include "hypervisor/host/inspect.h"

#define XEN_MAJOR 4 /* the Xen Debian ships here (xen-hypervisor-4.17) */
#define XEN_MINOR 17

/* The verdict code's boot way for each hypervisor kind. */
static const enum bc_boot_way way_of[MX_HV_KINDS] = {
	[MX_HV_NONE] = BC_WAY_BARE_METAL,
	[MX_HV_XEN_PV] = BC_WAY_XEN_PV,
	[MX_HV_XEN_PVH] = BC_WAY_XEN_PVH,
	[MX_HV_BCHV] = BC_WAY_OURS,
	[MX_HV_FILE] = BC_WAY_XEN_PV, /* another multiboot hypervisor: judged as Xen PV */
};

/* Options dom0 needs to serve guests their disk and network (blkback, netback). */
static const char *const backend_options[] = { "CONFIG_XEN_BLKDEV_BACKEND",
					       "CONFIG_XEN_NETDEV_BACKEND" };

/* Fills can_boot/why_not from the verdicts ("unknown" counts as can: a failure then
 * shows as FAIL, never as a silent XFAIL). */
void mx_expect_from_verdicts(struct mx_kernel *k, const struct bc_verdict *v)
{
	for (int kind = 0; kind < MX_HV_KINDS; kind++) {
		const struct bc_verdict *w = &v[way_of[kind]];
		k->can_boot[kind] = w->answer != BC_NO;
		mx_fmt(k->why_not[kind], sizeof(k->why_not[kind]), "%s",
		       k->can_boot[kind] ? "" : w->why[0] ? w->why : "bootchain inspect says no");
	}
}

/* Without a config there is no telling: expect guests to work. */
static void guest_check(struct mx_kernel *k, const struct bc_kernel_config *cfg)
{
	k->guests_why_not[0] = '\0';
	if (!cfg->text)
		return;
	int n = 0;
	for (size_t i = 0; i < sizeof(backend_options) / sizeof(backend_options[0]); i++) {
		char v = bc_kernel_config_get(cfg, backend_options[i]);
		if (v == 'y' || v == 'm')
			continue;
		n += mx_fmt(k->guests_why_not + n, sizeof(k->guests_why_not) - (size_t)n, "%s%s",
			    n ? ", " : "no ", backend_options[i]);
		if ((size_t)n >= sizeof(k->guests_why_not))
			break;
	}
	if (n && (size_t)n < sizeof(k->guests_why_not))
		mx_fmt(k->guests_why_not + n, sizeof(k->guests_why_not) - (size_t)n,
		       ": dom0 cannot serve a guest's disk or network");
}

/* Without the verdict code's answer: a config without CONFIG_XEN_DOM0=y cannot be dom0. */
static void ask_config(struct mx_kernel *k)
{
	for (int kind = 0; kind < MX_HV_KINDS; kind++) {
		k->can_boot[kind] = true;
		k->why_not[kind][0] = '\0';
	}
	FILE *f = k->config[0] ? fopen(k->config, "r") : NULL;
	if (!f)
		return; /* no way to tell: expect it to work, a failure then shows as FAIL */
	char line[512];
	bool dom0 = false;
	while (fgets(line, sizeof(line), f))
		dom0 |= !strcmp(line, "CONFIG_XEN_DOM0=y\n");
	fclose(f);
	if (dom0)
		return;
	for (int kind = MX_HV_XEN_PV; kind < MX_HV_KINDS; kind++) {
		if (kind == MX_HV_BCHV)
			continue; /* our hypervisor starts Linux through PVH without Xen's dom0 */
		k->can_boot[kind] = false;
		mx_fmt(k->why_not[kind], sizeof(k->why_not[kind]), "%s has no CONFIG_XEN_DOM0=y",
		       k->config);
	}
}

void mx_kernel_dom0_check(struct mx_kernel *k)
{
	struct bc_kernel_file kf;
	struct bc_kernel_config cfg = { 0 };
	/* the plan has read the header already: a file the verdict code cannot open here
	 * is judged by its config alone */
	if (bc_kernel_file_open("matrix", k->path, &kf) == 0) {
		struct bc_boot_facts facts;
		struct bc_verdict v[BC_WAY_COUNT];
		bc_kernel_config_load(&kf, k->config[0] ? k->config : NULL, &cfg);
		bc_boot_facts_gather(&kf, &cfg, XEN_MAJOR, XEN_MINOR, &facts);
		bc_decide(&facts, v);
		mx_expect_from_verdicts(k, v);
		guest_check(k, &cfg);
		bc_kernel_config_free(&cfg);
		bc_kernel_file_close(&kf);
	} else {
		ask_config(k);
	}
	k->dom0_capable = k->can_boot[MX_HV_XEN_PV];
}
