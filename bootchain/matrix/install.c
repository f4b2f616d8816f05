/* Stage 2: the test initramfs and the boot entry, made the way a distribution makes
 * them: `new-kernel-pkg --root R --install` writes the entry through grubby (with a
 * multiboot entry when R/etc/sysconfig/kernel names a hypervisor) and runs dracut.
 * Initramfs images are cached by content; a cached one is put in place first, so
 * new-kernel-pkg then only writes the entry. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bootchain/bootchain.h"
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/guests.h"
#include "bootchain/matrix/stages.h"
#include "bootchain/matrix/util.h"

#define BUSYBOX_PATH "/bin/busybox"
#define MARKER_HOOK_DEST "/lib/dracut/hooks/cmdline/00-bootchain-marker.sh"
#define PROBE_DEST "/usr/bin/bootchain-dom0-probe" /* the marker finds it on PATH */

static int fail(struct mx_cell_ctx *ctx, const char *fmt, const char *what)
{
	char msg[MX_REASON_MAX];
	mx_fmt(msg, sizeof(msg), fmt, what);
	mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "install: %s", msg);
	return -1;
}

void mx_marker_path(const struct mx_options *opt, char *out, size_t len)
{
	mx_fmt(out, len, "%s/marker.sh", opt->data);
}

/* Built (and installed) beside the tools: BIN/../libexec/bootchain. */
void mx_dom0_probe_path(const struct mx_options *opt, char *out, size_t len)
{
	mx_fmt(out, len, "%s/../libexec/bootchain/dom0-probe", opt->tools);
}

/* Arguments new-kernel-pkg passes on to dracut: a small image (base module only) with
 * the marker as a cmdline hook, plus the Xen toolstack and its drivers for `xl list`. */
void mx_dracut_args(const struct mx_options *opt, char *out, size_t len)
{
	char marker[PATH_MAX], probe[PATH_MAX], xen[PATH_MAX];
	mx_marker_path(opt, marker, sizeof(marker));
	mx_dom0_probe_path(opt, probe, sizeof(probe));
	mx_xen_tools_dir(xen, sizeof(xen));
	int n = mx_fmt(out, len,
			 "--no-hostonly --gzip --modules base --include %s " MARKER_HOOK_DEST
			 " --include %s " PROBE_DEST " --install dd", marker, probe);
	if (xen[0] && n > 0 && (size_t)n < len)
		mx_fmt(out + n, len - (size_t)n,
			 " --install %s/xl --install %s/xenstored --install %s/xen-init-dom0"
			 " --add-drivers xenfs --add-drivers xen-privcmd --add-drivers xen-evtchn"
			 " --add-drivers xen-gntdev", xen, xen, xen);
}

static void initramfs_key(struct mx_cell_ctx *ctx, const char *dracut_args, char key[33])
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	char marker[PATH_MAX], path[PATH_MAX + 32];
	struct mx_hash h;
	mx_hash_init(&h);
	mx_marker_path(ctx->opt, marker, sizeof(marker));
	mx_hash_file(&h, marker);
	mx_dom0_probe_path(ctx->opt, path, sizeof(path));
	mx_hash_file(&h, path);
	if (ctx->cell->initramfs == MX_INITRAMFS_BUSYBOX) {
		mx_hash_str(&h, "busybox-1");
		mx_hash_file(&h, BUSYBOX_PATH);
	} else {
		/* the image holds this kernel's modules: key on them and on what dracut adds */
		mx_hash_str(&h, "dracut-1");
		mx_hash_str(&h, k->version);
		mx_hash_str(&h, dracut_args);
		mx_fmt(path, sizeof(path), "%s/modules.dep", k->modules);
		mx_hash_file(&h, path);
		mx_hash_file(&h, k->path);
	}
	mx_hash_hex(&h, key);
}

static int build_busybox_image(struct mx_cell_ctx *ctx, const char *out)
{
	char marker[PATH_MAX], probe[PATH_MAX], add[PATH_MAX + 64];
	mx_marker_path(ctx->opt, marker, sizeof(marker));
	mx_dom0_probe_path(ctx->opt, probe, sizeof(probe));
	mx_fmt(add, sizeof(add), "%s:" PROBE_DEST, probe);
	char *argv[] = { "initramfs", "-o", (char *)out, "--busybox", BUSYBOX_PATH, "--init", marker,
			 "--add", add, NULL };
	int rc = mx_run_fn(bc_cmd_initramfs, argv, ctx->install_log);
	if (rc) {
		char last[MX_REASON_MAX];
		mx_last_line(ctx->install_log, last, sizeof(last));
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason),
		       "install: bootchain initramfs failed (status %d): %s", rc, last);
		return -1;
	}
	return 0;
}

/* Kernel arguments of the cell's entry: with guest stages, dom0 also gets each stage's
 * time limit (dom0-guests.sh reads bootchain.limits=NAME:SECONDS,...). Under bchv, the
 * marker probes bchv's memory (bchv_probe=ADDR:LEN), which Linux lets /dev/mem read
 * only with iomem=relaxed. */
void mx_cell_kernel_args(const struct mx_cell_ctx *ctx, char *out, size_t len)
{
	const struct mx_hypervisor *hv = &ctx->plan->hvs[ctx->cell->hv];
	int n = mx_fmt(out, len, "%s", mx_kernel_args(hv->kind));
	if (hv->kind == MX_HV_BCHV && n > 0 && (size_t)n < len)
		n += mx_fmt(out + n, len - (size_t)n, " iomem=relaxed bchv_probe=%#lx:%#lx",
			    hv->hidden_lo, hv->hidden_len);
	if (!ctx->cell->guests)
		return;
	for (int i = MX_ST_TOOLSTACK; i < MX_STAGES && n > 0 && (size_t)n < len; i++)
		n += mx_fmt(out + n, len - (size_t)n, "%s%s:%d",
			    i == MX_ST_TOOLSTACK ? " bootchain.limits=" : ",",
			    mx_stage_name((enum mx_stage_id)i), mx_stage_limit_s((enum mx_stage_id)i));
}

int mx_new_kernel_pkg(struct mx_cell_ctx *ctx, const char *root, const char *kernel_args,
		      bool mkinitrd, const char *dracut_args)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	char root_arg[PATH_MAX + 16], kargs[512], dargs[4096 + 32];
	mx_fmt(root_arg, sizeof(root_arg), "--root=%s", root);
	mx_fmt(kargs, sizeof(kargs), "--kernel-args=%s", kernel_args);
	mx_fmt(dargs, sizeof(dargs), "--add-dracut-args=%s", dracut_args ? dracut_args : "");
	char *argv[16];
	int n = 0;
	argv[n++] = (char *)mx_tool_path(ctx->opt, "new-kernel-pkg");
	argv[n++] = root_arg;
	argv[n++] = "--install";
	argv[n++] = "--make-default";
	argv[n++] = kargs;
	if (mkinitrd) {
		argv[n++] = "--mkinitrd";
		argv[n++] = "--dracut";
		argv[n++] = dargs;
	}
	argv[n++] = (char *)k->version;
	argv[n] = NULL;
	/* new-kernel-pkg runs grubby: ours first on PATH */
	static bool path_set;
	if (!path_set) {
		char path[PATH_MAX * 2];
		mx_fmt(path, sizeof(path), "%s:%s", ctx->opt->tools,
		       getenv("PATH") ? getenv("PATH") : "");
		setenv("PATH", path, 1);
		path_set = true;
	}
	int rc = mx_run(argv, ctx->install_log);
	if (rc) {
		char last[MX_REASON_MAX];
		mx_last_line(ctx->install_log, last, sizeof(last));
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason),
		       "install: new-kernel-pkg exited with status %d: %s", rc, last);
		return -1;
	}
	return 0;
}

int mx_stage_install(struct mx_cell_ctx *ctx)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	char dracut_args[4096] = "", key[33], cached[PATH_MAX + 64], image[PATH_MAX + 160];
	char kargs[512];
	bool dracut = ctx->cell->initramfs == MX_INITRAMFS_DRACUT;
	bool dom0 = ctx->cell->initramfs == MX_INITRAMFS_DOM0;
	if (dracut)
		mx_dracut_args(ctx->opt, dracut_args, sizeof(dracut_args));
	if (dom0)
		mx_dom0_image_key(ctx, key);
	else
		initramfs_key(ctx, dracut_args, key);
	mx_cache_path(ctx->cache, "initramfs", key, ".img", cached, sizeof(cached));
	mx_fmt(image, sizeof(image), "%s/boot/initramfs-%s.img", ctx->root, k->version);
	bool use_cache = !ctx->opt->no_cache;
	bool hit = use_cache && mx_cache_fetch(cached, image);
	ctx->cell->cached_initramfs = hit;
	if (!hit && dom0 && mx_build_dom0_image(ctx, image))
		return -1;
	if (!hit && !dracut && !dom0 && build_busybox_image(ctx, image))
		return -1;
	mx_cell_kernel_args(ctx, kargs, sizeof(kargs));
	if (mx_new_kernel_pkg(ctx, ctx->root, kargs, dracut && !hit, dracut_args))
		return -1;
	if (access(image, R_OK))
		return fail(ctx, "new-kernel-pkg made no %s", image);
	if (use_cache && !hit && mx_cache_store(image, cached))
		return fail(ctx, "cannot cache %s", image);
	return 0;
}
