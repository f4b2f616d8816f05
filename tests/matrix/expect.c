/* What the suite expects of a kernel before booting it, so a failure it predicted is
 * XFAIL rather than FAIL. `bootchain inspect --json` answers per hypervisor when it is
 * built; otherwise the kernel's config file (CONFIG_XEN_DOM0=y) does for dom0 cases. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tests/matrix/matrix.h"
#include "tests/matrix/util.h"

/* inspect's "verdicts" object names for each hypervisor kind. */
static const char *const verdict_keys[MX_HV_KINDS] = {
	[MX_HV_NONE] = "\"bare_metal\"",
	[MX_HV_XEN_PV] = "\"xen_pv_dom0\"",
	[MX_HV_XEN_PVH] = "\"xen_pvh_dom0\"",
	[MX_HV_BCHV] = "\"bootchain_hv\"",
	[MX_HV_FILE] = "\"xen_pv_dom0\"", /* another multiboot hypervisor: judged as Xen PV */
};

/* The string value after "key": within [p, end), copied to out; false when absent. */
static bool json_string(const char *p, const char *end, const char *key, char *out, size_t len)
{
	const char *k = memmem(p, (size_t)(end - p), key, strlen(key));
	if (!k)
		return false;
	k += strlen(key);
	k += strspn(k, " \t\n:");
	if (k >= end || *k != '"')
		return false;
	size_t n = strcspn(k + 1, "\"");
	mx_fmt(out, len, "%.*s", (int)n, k + 1);
	return true;
}

/* Fills can_boot/why_not from inspect's JSON; -1 when it has no verdicts. */
int mx_parse_inspect_json(const char *json, struct mx_kernel *k)
{
	const char *verdicts = strstr(json, "\"verdicts\"");
	if (!verdicts)
		return -1;
	for (int kind = 0; kind < MX_HV_KINDS; kind++) {
		const char *obj = strstr(verdicts, verdict_keys[kind]);
		const char *end = obj ? strchr(obj, '}') : NULL;
		char answer[16] = "", why[MX_REASON_MAX] = "";
		if (!obj || !end || !json_string(obj, end, "\"answer\"", answer, sizeof(answer)))
			return -1;
		k->can_boot[kind] = strcmp(answer, "no") != 0;
		json_string(obj, end, "\"why\"", why, sizeof(why));
		mx_fmt(k->why_not[kind], sizeof(k->why_not[kind]), "%s",
		       k->can_boot[kind] ? "" : why[0] ? why : "bootchain inspect says no");
	}
	return 0;
}

static int ask_inspect(const char *bootchain_bin, struct mx_kernel *k)
{
	if (!bootchain_bin || access(bootchain_bin, X_OK))
		return -1;
	char cmd[2 * PATH_MAX + 64];
	if (strchr(k->path, '\''))
		return -1;
	mx_fmt(cmd, sizeof(cmd), "'%s' inspect --json '%s' 2>/dev/null", bootchain_bin, k->path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	static char json[1 << 16];
	size_t n = fread(json, 1, sizeof(json) - 1, p);
	json[n] = '\0';
	pclose(p); /* its status tells "not dom0-capable" too: the JSON is what counts */
	return mx_parse_inspect_json(json, k);
}

/* Without inspect: a config without CONFIG_XEN_DOM0=y cannot be dom0. */
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

void mx_kernel_dom0_check(struct mx_kernel *k, const char *bootchain_bin)
{
	if (ask_inspect(bootchain_bin, k))
		ask_config(k);
	k->dom0_capable = k->can_boot[MX_HV_XEN_PV];
}
