/* A synthetic plan shaped like the default matrix, and results as a run leaves them,
 * for the shard tests and the merge benchmark: kernels x hypervisor columns (none,
 * xen-pv, xen-pvh, bchv, a file) x bios, uefi x grub2, grub-legacy; guest stages in
 * the first kernel's Xen cells, XFAIL for the second kernel as dom0 and for GRUB legacy
 * under UEFI, SKIP for the last kernel's bchv column. Header-only, like scratch_dir.h. */
#ifndef TESTS_BOOT_SYNTH_PLAN_H
#define TESTS_BOOT_SYNTH_PLAN_H
#include <stdio.h>
#include <string.h>
#include "bootchain/matrix/matrix.h"

static inline void synth_plan(struct mx_plan *p, int nkernels, int nhvs)
{
	static const char *const labels[] = { "none", "xen-pv", "xen-pvh", "bchv", "xen-4.19.gz" };
	memset(p, 0, sizeof(*p));
	p->nkernels = nkernels;
	for (int k = 0; k < nkernels; k++)
		snprintf(p->kernels[k].version, sizeof(p->kernels[k].version), "6.1.0-%d-amd64", 9 + k);
	p->nhvs = nhvs;
	for (int h = 0; h < nhvs; h++) {
		p->hvs[h].kind = (enum mx_hv_kind)h;
		strcpy(p->hvs[h].label, labels[h]);
	}
	for (int k = 0; k < nkernels; k++)
		for (int h = 0; h < nhvs; h++)
			for (int i = 0; i < 4; i++) {
				struct mx_cell *c = &p->cells[p->ncells++];
				bool xen = h == MX_HV_XEN_PV || h == MX_HV_XEN_PVH;
				c->kernel = k, c->hv = h;
				c->firmware = (enum mx_firmware)(i / 2);
				c->config = (enum mx_config)(i % 2);
				c->expect = k == nkernels - 1 && h == MX_HV_BCHV ? MX_SKIP
					    : (k == 1 && xen) || (h && i == 3) ? MX_XFAIL : MX_PASS;
				c->initramfs = xen ? MX_INITRAMFS_DRACUT : MX_INITRAMFS_BUSYBOX;
				c->guests = k == 0 && xen && c->expect == MX_PASS;
				if (c->guests)
					c->initramfs = MX_INITRAMFS_DOM0;
				c->run_xl = xen;
				for (int s = 0; s < MX_STAGES; s++) {
					c->stage[s].planned = s == MX_ST_BOOT ||
						(s == MX_ST_TOOLSTACK && xen && c->expect == MX_PASS) ||
						(s > MX_ST_TOOLSTACK && c->guests);
					c->stage[s].time_s = -1;
				}
			}
}

/* Verdicts, times, markers, and reasons with tabs, newlines, backslashes and markup. */
static inline void synth_results(struct mx_plan *p)
{
	for (int i = 0; i < p->ncells; i++) {
		struct mx_cell *c = &p->cells[i];
		c->verdict = c->expect == MX_SKIP ? MX_SKIP : c->expect == MX_XFAIL ? MX_XFAIL
			     : i % 7 == 3 ? MX_FAIL : MX_PASS;
		c->wall_s = 10 + i * 1.25;
		c->to_marker_s = c->verdict == MX_PASS ? 5 + i * 0.5 : -1;
		c->cached_initramfs = i % 2;
		if (c->verdict == MX_FAIL)
			snprintf(c->reason, sizeof(c->reason), "kernel panic:\tcell %d \\ <x> | \"y\"\nend", i);
		if (c->expect == MX_XFAIL)
			strcpy(c->expect_reason, "lacks dom0 support");
		if (c->expect == MX_SKIP)
			strcpy(c->reason, "not built");
		if (c->verdict == MX_PASS)
			snprintf(c->marker, sizeof(c->marker), "BOOTCHAIN-MARKER hv=xen release=%d", i);
		for (int s = 0; s < MX_STAGES; s++) {
			struct mx_stage *st = &c->stage[s];
			if (!st->planned)
				continue;
			st->verdict = s == 0 ? c->verdict : c->verdict == MX_PASS ? MX_PASS : MX_SKIP;
			st->expect = s == 0 ? c->expect : MX_PASS;
			st->time_s = s * 3.5 + i;
			if (st->verdict == MX_SKIP)
				strcpy(st->reason, "not run: dom0 did not boot");
		}
	}
}

#endif
