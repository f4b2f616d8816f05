/* One cell, start to verdict: sandbox -> install -> medium -> boot -> verdict. A cell
 * runs in its own process (see run.c), so stages may change the process environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bootloader/media.h"
#include "bootchain/matrix/bls.h"
#include "bootchain/matrix/qemu.h"
#include "bootchain/matrix/stages.h"
#include "bootchain/matrix/util.h"

int mx_stage_medium(struct mx_cell_ctx *ctx)
{
	if (ctx->cell->config == MX_CFG_BLS)
		return mx_bls_medium(ctx);
	char boot[PATH_MAX + 8], stage[PATH_MAX + 16], err[MX_REASON_MAX + PATH_MAX];
	if (ctx->cell->config == MX_CFG_XENEFI)
		return mx_stage_esp(ctx);
	mx_fmt(boot, sizeof(boot), "%s/boot", ctx->root);
	mx_fmt(stage, sizeof(stage), "%s/medium", ctx->work);
	struct bl_media m = {
		.boot_dir = boot,
		.legacy = ctx->cell->config == MX_CFG_LEGACY,
		.uefi = ctx->cell->firmware == MX_FW_UEFI,
		.stage_dir = stage,
		.cache_dir = ctx->opt->no_cache ? NULL : ctx->cache,
		.log = ctx->medium_log,
	};
	if (bl_media_build(&m, err, sizeof(err))) {
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "medium: %s", err);
		return -1;
	}
	ctx->cell->cached_medium = m.cached;
	mx_fmt(ctx->iso, sizeof(ctx->iso), "%s", m.iso);
	mx_rm_rf(stage);
	return 0;
}

#define XFAIL_SILENCE_S 20

/* The boot's time limit: --timeout for dom0 to boot, plus each stage's own limit. An
 * expected failure only has to fail: it is not waited for as long. */
static int boot_limit_s(const struct mx_cell_ctx *ctx)
{
	if (ctx->cell->expect == MX_XFAIL && ctx->opt->timeout_s > 60)
		return 60;
	int limit = ctx->opt->timeout_s;
	for (int i = MX_ST_TOOLSTACK; i < MX_STAGES; i++)
		if (ctx->cell->stage[i].planned)
			limit += mx_stage_limit_s((enum mx_stage_id)i);
	return limit;
}

int mx_stage_boot(struct mx_cell_ctx *ctx)
{
	const struct mx_hypervisor *hv = &ctx->plan->hvs[ctx->cell->hv];
	struct mx_qemu_spec q = {
		.iso = ctx->iso,
		.firmware = ctx->cell->firmware,
		.hv = hv->kind,
		.ovmf = bl_ovmf_path(),
		.mem_mb = mx_cell_memory_mb(ctx->opt, ctx->cell),
		/* an expected failure only has to fail: do not wait as long for it, nor
		 * past a silence no real boot has once it has begun (a hung loader or
		 * hypervisor prints nothing more; a boot getting somewhere prints every
		 * few seconds) */
		.timeout_s = boot_limit_s(ctx),
		.silence_s = ctx->cell->expect == MX_XFAIL ? XFAIL_SILENCE_S : 0,
		.log = ctx->serial_log,
		.doing = ctx->cell->doing,
		.doing_len = sizeof(ctx->cell->doing),
		/* the PVH guest runs inside dom0's QEMU: it needs nested paging there */
		.svm = ctx->cell->guests,
		/* xen-efi and bls boot an ESP image, not a CD */
		.disk = ctx->cell->config == MX_CFG_XENEFI || ctx->cell->config == MX_CFG_BLS,
	};
	struct mx_boot_result r;
	if (mx_qemu_boot(&q, &r)) {
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "QEMU error: cannot start it");
		ctx->cell->verdict = MX_FAIL;
		return -1;
	}
	size_t len = 0;
	char *log = mx_read_file(ctx->serial_log, &len);
	mx_verdict_decide(ctx->cell, hv, &r, log ? log : "", len);
	mx_stages_decide(ctx->cell, log ? log : "", len);
	free(log);
	return 0;
}

void mx_cell_paths(struct mx_cell_ctx *ctx, const struct mx_options *opt,
		   const struct mx_plan *plan, struct mx_cell *cell)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->opt = opt;
	ctx->plan = plan;
	ctx->cell = cell;
	mx_cell_name(plan, cell, ctx->name, sizeof(ctx->name));
	mx_fmt(ctx->work, sizeof(ctx->work), "%s/work/%s", opt->output, ctx->name);
	if (opt->root[0])
		mx_fmt(ctx->root, sizeof(ctx->root), "%s", opt->root);
	else
		mx_fmt(ctx->root, sizeof(ctx->root), "%s/root", ctx->work);
	mx_fmt(ctx->cache, sizeof(ctx->cache), "%s", opt->cache);
	mx_fmt(ctx->install_log, sizeof(ctx->install_log), "%s/logs/%s.install.log", opt->output,
		 ctx->name);
	mx_fmt(ctx->medium_log, sizeof(ctx->medium_log), "%s/logs/%s.medium.log", opt->output,
		 ctx->name);
	mx_fmt(ctx->serial_log, sizeof(ctx->serial_log), "%s/logs/%s.serial.log", opt->output,
		 ctx->name);
}

/* Names what the cell does now for the progress line; 0, so it chains with the stages. */
static int doing(struct mx_cell *cell, const char *what)
{
	mx_fmt(cell->doing, sizeof(cell->doing), "%s", what);
	return 0;
}

/* Runs every stage; the verdict and its reason end up in the cell. */
void mx_cell_run(const struct mx_options *opt, const struct mx_plan *plan, struct mx_cell *cell)
{
	struct mx_cell_ctx ctx;
	double start = mx_now();
	mx_cell_paths(&ctx, opt, plan, cell);
	unlink(ctx.install_log);
	unlink(ctx.medium_log);
	if (mx_mkdir_p(ctx.work)) {
		mx_fmt(cell->reason, sizeof(cell->reason), "cannot create %s", ctx.work);
		cell->verdict = MX_FAIL;
		return;
	}
	bool own_root = !opt->root[0];
	if ((own_root && (doing(cell, "sandbox") || mx_stage_sandbox(&ctx) ||
			  doing(cell, "install") || mx_stage_install(&ctx))) ||
	    doing(cell, "medium") || mx_stage_medium(&ctx) || doing(cell, "boot") ||
	    mx_stage_boot(&ctx)) {
		cell->verdict = MX_FAIL; /* reason set by the stage */
		cell->stage[MX_ST_BOOT].verdict = MX_FAIL;
		mx_fmt(cell->stage[MX_ST_BOOT].reason, sizeof(cell->stage[MX_ST_BOOT].reason), "%s",
		       cell->reason);
	}
	cell->wall_s = mx_now() - start;
	/* keep a failed cell's root for a look; a passing one is rebuilt from the cache */
	if (cell->verdict != MX_FAIL)
		mx_rm_rf(ctx.work);
}
