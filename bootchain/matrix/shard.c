/* Slices of a plan for N machines. Each cell gets an expected time from a small cost
 * model (seconds seen on a loaded 2-core TCG host); cells go longest first, ties in
 * plan order, each to the least loaded shard. Nothing but the plan decides: no hash
 * seed, clock or host name, so every machine cuts the same plan the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bootchain/matrix/shard.h"

int mx_shard_parse(const char *s, int *k, int *n)
{
	char *end;
	long kk = strtol(s, &end, 10), nn = -1;
	if (end != s && *end == '/' && end[1] >= '0' && end[1] <= '9')
		nn = strtol(end + 1, &end, 10);
	if (nn < 1 || *end || kk < 1 || kk > nn || nn > MX_MAX_SHARDS) {
		fprintf(stderr, "bootchain matrix: --shard wants K/N with 1 <= K <= N <= %d, not '%s'\n",
			MX_MAX_SHARDS, s);
		return -1;
	}
	*k = (int)kk;
	*n = (int)nn;
	return 0;
}

/* the boot to the marker, by hypervisor column */
static const int boot_s[MX_HV_KINDS] = {
	[MX_HV_NONE] = 10, [MX_HV_XEN_PV] = 21, [MX_HV_XEN_PVH] = 19, [MX_HV_BCHV] = 8,
	[MX_HV_FILE] = 21,
};
/* building the image when the cache is cold (a warm cache makes all of them small) */
static const int initramfs_s[] = {
	[MX_INITRAMFS_AUTO] = 2, [MX_INITRAMFS_BUSYBOX] = 2, [MX_INITRAMFS_DRACUT] = 40,
	[MX_INITRAMFS_DOM0] = 25,
};
/* stages after the boot, as dom0 measured them */
static const int stage_s[MX_STAGES] = {
	[MX_ST_TOOLSTACK] = 1, [MX_ST_PV_GUEST] = 14, [MX_ST_BALLOON] = 2,
	[MX_ST_SAVE_RESTORE] = 15, [MX_ST_PVH_GUEST] = 18, [MX_ST_SHUTDOWN] = 7,
	[MX_ST_PVGRUB_GUEST] = 24,
};
#define SANDBOX_MEDIUM_S 5  /* sandbox, new-kernel-pkg, grub-mkrescue */
#define UEFI_S 3            /* OVMF's own start under TCG */
#define XFAIL_S 20          /* an expected failure ends on 20 s of silence, 60 s at most */

int mx_cell_cost_s(const struct mx_plan *plan, const struct mx_cell *c)
{
	if (c->expect == MX_SKIP)
		return 0;
	int s = SANDBOX_MEDIUM_S + initramfs_s[c->initramfs];
	if (c->expect == MX_XFAIL)
		return s + XFAIL_S;
	s += boot_s[plan->hvs[c->hv].kind] + (c->firmware == MX_FW_UEFI ? UEFI_S : 0);
	for (int i = MX_ST_TOOLSTACK; i < MX_STAGES; i++)
		if (c->stage[i].planned)
			s += stage_s[i];
	return s;
}

static int sort_cost[MX_MAX_CELLS];

/* longest first; equal costs keep plan order, so the order is total */
static int by_cost(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	if (sort_cost[i] != sort_cost[j])
		return sort_cost[i] > sort_cost[j] ? -1 : 1;
	return (i > j) - (i < j);
}

void mx_shard_assign(const struct mx_plan *plan, int n, int *shard_of, long *load)
{
	static int order[MX_MAX_CELLS];
	long own[MX_MAX_SHARDS] = { 0 };
	if (!load)
		load = own;
	memset(load, 0, sizeof(*load) * (size_t)n);
	for (int i = 0; i < plan->ncells; i++) {
		order[i] = i;
		sort_cost[i] = mx_cell_cost_s(plan, &plan->cells[i]);
	}
	qsort(order, (size_t)plan->ncells, sizeof(order[0]), by_cost);
	for (int o = 0; o < plan->ncells; o++) {
		int best = 0;
		for (int s = 1; s < n; s++)
			if (load[s] < load[best])
				best = s;
		shard_of[order[o]] = best;
		load[best] += sort_cost[order[o]];
	}
}

struct mx_slice mx_shard_select(struct mx_plan *plan, int k, int n)
{
	static int shard_of[MX_MAX_CELLS];
	long load[MX_MAX_SHARDS];
	struct mx_slice s = { .total_cells = plan->ncells };
	mx_shard_assign(plan, n, shard_of, load);
	for (int i = 0; i < n; i++) {
		s.total_s += load[i];
		if (load[i] > s.longest_s)
			s.longest_s = load[i];
	}
	s.cost_s = load[k - 1];
	int kept = 0;
	for (int i = 0; i < plan->ncells; i++)
		if (shard_of[i] == k - 1)
			plan->cells[kept++] = plan->cells[i];
	plan->ncells = s.cells = kept;
	return s;
}

void mx_shard_list_summary(FILE *to, const struct mx_slice *s, int k, int n)
{
	fprintf(to, "shard %d/%d: %d of %d cells, expected %ld s of %ld s (slowest shard %ld s, "
		"ideal %.0f s)\n", k, n, s->cells, s->total_cells, s->cost_s, s->total_s,
		s->longest_s, (double)s->total_s / n);
}
