/* The dom0 image of cells with guest stages: busybox with dom0-guests.sh as /init, the
 * Xen toolstack (at the paths xl has built in) with every library it links, the
 * backend drivers, and what the guests boot: the kernel under test with a small
 * initramfs (guest-marker.sh and the front-end drivers), and a disk image with its own
 * /boot whose grub.cfg new-kernel-pkg wrote, for PV-GRUB2. */
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bootchain/bootchain.h"
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/guests.h"
#include "bootchain/matrix/util.h"
#include "hypervisor/host/kernel_file.h"

#define MAX_ARGS 512
#define BUSYBOX "/bin/busybox"
#define PVGRUB_DISK_MB "64M"
/* as GUEST_ARGS in scripts/dom0-guests.sh (why there), and the mark of this entry */
#define PVGRUB_KERNEL_ARGS \
	"console=hvc0 panic=-1 no_timer_check quiet cryptomgr.notests init_on_alloc=0 rodata=off " \
	"ipv6.disable=1 mitigations=off xen_scrub_pages=0 " \
	"initcall_blacklist=init_kprobe_trace,crypto_kdf108_init,blake2s_mod_init bootchain.pvgrub=1"

/* insmod order of dom0's drivers (dependencies are put first on their own) */
static const char *const dom0_modules[] = {
	"xen-evtchn", "xen-gntdev", "xen-gntalloc", "xen-privcmd", "xenfs", "xen-blkback",
	"xen-netback", "loop", "llc", "stp", "bridge", "tun",
};
static const char *const guest_modules[] = { "xen-blkfront", "xen-netfront" };
/* from the Xen tools directory; xl finds its helpers there */
static const char *const xen_tools[] = { "xl", "xenstored", "xenconsoled", "xen-init-dom0",
					 "libxl-save-helper", "xenconsole" };
/* the hotplug scripts are bash and use iproute2 and flock */
static const char *const host_tools[] = {
	"/bin/bash", "/bin/ip", "/usr/bin/flock", "/usr/bin/xenstore", "/usr/bin/xenstore-read",
	"/usr/bin/xenstore-write", "/usr/bin/xenstore-rm", "/usr/bin/xenstore-exists",
	"/usr/bin/xenstore-list", "/usr/bin/xenstore-ls", "/usr/bin/xenstore-chmod",
	"/usr/bin/xenstore-watch",
};

struct args {
	char *v[MAX_ARGS + 1];
	int n;
};

static void add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct args *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (a->n < MAX_ARGS && vasprintf(&s, fmt, ap) >= 0)
		a->v[a->n++] = s;
	va_end(ap);
	a->v[a->n] = NULL;
}

static void add_file(struct args *a, const char *src, const char *dest)
{
	char item[2 * PATH_MAX + 2];
	mx_fmt(item, sizeof(item), "%s:%s", src, dest ? dest : src);
	for (int i = 0; i < a->n; i++) /* once each: libraries are shared */
		if (!strcmp(a->v[i], item))
			return;
	add(a, "--add");
	add(a, "%s", item);
}

static void free_args(struct args *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

/* The directory of the Xen toolstack, e.g. /usr/lib/xen-4.17/bin; "" when absent. */
void mx_xen_tools_dir(char *out, size_t len)
{
	glob_t g;
	out[0] = '\0';
	if (glob("/usr/lib/xen-*/bin/xl", 0, NULL, &g) == 0 && g.gl_pathc) {
		mx_fmt(out, len, "%s", g.gl_pathv[g.gl_pathc - 1]);
		out[strlen(out) - 3] = '\0';
	}
	globfree(&g);
}

/* Every library ldd names for a program, the dynamic loader included. */
static int add_libraries(struct args *a, const char *program)
{
	char cmd[PATH_MAX + 16], line[PATH_MAX + 64], lib[PATH_MAX];
	mx_fmt(cmd, sizeof(cmd), "ldd '%s' 2>/dev/null", program);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		const char *arrow = strstr(line, "=> /");
		const char *path = arrow ? arrow + 3 : line + strspn(line, " \t");
		if (*path != '/' || sscanf(path, "%4095s", lib) != 1)
			continue;
		/* the file itself at the path ldd names: links there (the loader's /lib64 one)
		 * would point at paths the image does not have */
		char *target = realpath(lib, NULL);
		add_file(a, target ? target : lib, lib);
		free(target);
	}
	return pclose(p) == 0 ? 0 : -1;
}

/* modules.dep's line for NAME (file name without .ko, '-' and '_' alike): its path
 * relative to the modules directory, and its dependencies. */
static bool find_module(const char *dep_file, const char *name, char *path, size_t plen,
			char *deps, size_t dlen)
{
	FILE *f = fopen(dep_file, "r");
	char line[8192];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		const char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
		size_t n = strlen(name);
		found = strncmp(base, name, n) == 0 ? !strncmp(base + n, ".ko", 3) : false;
		if (!found) {
			size_t i = 0;
			for (; i < n && base[i] && (base[i] == name[i] ||
				   (strchr("-_", base[i]) && strchr("-_", name[i]))); i++)
				;
			found = i == n && !strncmp(base + n, ".ko", 3);
		}
		if (found) {
			mx_fmt(path, plen, "%s", line);
			mx_fmt(deps, dlen, "%s", colon + 1 + strspn(colon + 1, " "));
			deps[strcspn(deps, "\n")] = '\0';
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* Add NAME (dependencies first) as DEST_DIR/NAME.ko and to the load order. */
static void add_module(struct args *a, FILE *order, const char *moddir, const char *name,
		       const char *dest_dir, int depth)
{
	char dep_file[PATH_MAX + 16], path[PATH_MAX], deps[4096], src[2 * PATH_MAX], dest[PATH_MAX];
	mx_fmt(dep_file, sizeof(dep_file), "%s/modules.dep", moddir);
	if (depth > 8 || !find_module(dep_file, name, path, sizeof(path), deps, sizeof(deps)))
		return; /* built in (or no such driver: the stage that needs it will say) */
	/* modules.dep lists what a module needs nearest first: load from the far end */
	for (char *d = deps + strlen(deps); d > deps;) {
		while (d > deps && d[-1] == ' ')
			*--d = '\0';
		char *start = d;
		while (start > deps && start[-1] != ' ')
			start--;
		if (start < d) {
			char dep_name[256];
			const char *b = strrchr(start, '/') ? strrchr(start, '/') + 1 : start;
			mx_fmt(dep_name, sizeof(dep_name), "%.*s", (int)strcspn(b, "."), b);
			add_module(a, order, moddir, dep_name, dest_dir, depth + 1);
		}
		*start = '\0';
		d = start;
	}
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char base[256];
	mx_fmt(base, sizeof(base), "%.*s", (int)strcspn(b, "."), b);
	mx_fmt(src, sizeof(src), "%s/%s", moddir, path);
	mx_fmt(dest, sizeof(dest), "%s/%s.ko", dest_dir, base);
	for (int i = 0; i < a->n; i++)
		if (strstr(a->v[i], dest) && a->v[i][strlen(a->v[i]) - strlen(dest) - 1] == ':')
			return; /* already there */
	add_file(a, src, dest);
	fprintf(order, "%s\n", base);
}

/* The modules and their load-order file (written at order_path). */
static int add_modules(struct args *a, const struct mx_kernel *k, const char *const *names,
		       size_t n, const char *dest_dir, const char *order_path)
{
	FILE *order = fopen(order_path, "w");
	if (!order)
		return -1;
	for (size_t i = 0; i < n; i++)
		add_module(a, order, k->modules, names[i], dest_dir, 0);
	if (fclose(order))
		return -1;
	char dest[PATH_MAX];
	mx_fmt(dest, sizeof(dest), "%s/order", dest_dir);
	add_file(a, order_path, dest);
	return 0;
}

static int build(struct mx_cell_ctx *ctx, struct args *a, const char *what)
{
	int rc = mx_run_fn(bc_cmd_initramfs, a->v, ctx->install_log);
	free_args(a);
	if (rc) {
		char last[MX_REASON_MAX];
		mx_last_line(ctx->install_log, last, sizeof(last));
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "install: %s: %s", what, last);
		return -1;
	}
	return 0;
}

/* `bootchain initramfs -o OUT --busybox BUSYBOX --init INIT`, to add files to */
static void busybox_image(struct args *a, const char *out, const char *init)
{
	add(a, "initramfs");
	add(a, "-o");
	add(a, "%s", out);
	add(a, "--busybox");
	add(a, BUSYBOX);
	add(a, "--init");
	add(a, "%s", init);
}

static int guest_initramfs(struct mx_cell_ctx *ctx, const char *out)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	struct args a = { .n = 0 };
	char init[PATH_MAX + 32], order[PATH_MAX + 32];
	mx_fmt(init, sizeof(init), "%s/guest-marker.sh", ctx->opt->data);
	mx_fmt(order, sizeof(order), "%s/guest-modules.order", ctx->work);
	busybox_image(&a, out, init);
	if (add_modules(&a, k, guest_modules, sizeof(guest_modules) / sizeof(guest_modules[0]),
			"/lib/modules", order)) {
		free_args(&a);
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "install: cannot write %s", order);
		return -1;
	}
	return build(ctx, &a, "guest initramfs");
}

/* A grub2 config with the template entry grubby copies (as the sandbox's). */
static const char pvgrub_seed[] = "set default=0\nset timeout=0\n"
				  "menuentry 'Seed entry (grubby template)' {\n"
				  "\tlinux /boot/vmlinuz-0-seed ro panic=-1\n"
				  "\tinitrd /boot/initramfs-0-seed.img\n}\n";

/* The PV-GRUB2 guest's disk: its own /boot, the entry written by new-kernel-pkg --root
 * on that tree, then the tree made into an ext4 image without mounting anything. */
static int pvgrub_disk(struct mx_cell_ctx *ctx, const char *guest_initrd, const char *out)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	char tree[PATH_MAX + 16], p[2 * PATH_MAX];
	mx_fmt(tree, sizeof(tree), "%s/pvgrub-root", ctx->work);
	mx_rm_rf(tree);
	mx_fmt(p, sizeof(p), "%s/boot/grub", tree);
	int rc = mx_mkdir_p(p);
	mx_fmt(p, sizeof(p), "%s/boot/grub/grub.cfg", tree);
	rc = rc || mx_write_file(p, pvgrub_seed);
	mx_fmt(p, sizeof(p), "%s/boot/vmlinuz-%s", tree, k->version);
	rc = rc || mx_copy_file(k->path, p);
	mx_fmt(p, sizeof(p), "%s/boot/initramfs-%s.img", tree, k->version);
	rc = rc || mx_copy_file(guest_initrd, p);
	rc = rc || mx_write_sysconfig(tree, "", "");
	if (rc) {
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason),
		       "install: cannot make the PV-GRUB2 guest's tree %s", tree);
		return -1;
	}
	if (mx_new_kernel_pkg(ctx, tree, PVGRUB_KERNEL_ARGS, false, NULL))
		return -1;
	char *argv[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-d", tree, (char *)out,
			 PVGRUB_DISK_MB, NULL };
	if (mx_run(argv, ctx->install_log)) {
		char last[MX_REASON_MAX];
		mx_last_line(ctx->install_log, last, sizeof(last));
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason), "install: mke2fs: %s", last);
		return -1;
	}
	mx_rm_rf(tree);
	return 0;
}

/* The kernel the PV and PVH guests boot: its vmlinux ELF, as our decompressor takes it out
 * of the bzImage. xl boots either; given the bzImage, libxenguest decompresses its payload
 * in dom0 at each xl create (7 to 15 s under TCG, twice a cell). PV-GRUB2 still boots the
 * bzImage itself, from its own disk. A kernel we cannot take apart goes in as it is. */
static int guest_kernel(struct mx_cell_ctx *ctx, const char *out)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	struct bc_kernel_file kf;
	if (bc_kernel_file_open("matrix", k->path, &kf) != 0)
		return mx_copy_file(k->path, out);
	int rc;
	if (kf.kind == BC_KERNEL_BZIMAGE && kf.have_elf && kf.vmlinux)
		rc = mx_write_bytes(out, kf.vmlinux, kf.vmlinux_len);
	else
		rc = mx_copy_file(k->path, out);
	bc_kernel_file_close(&kf);
	return rc;
}

void mx_dom0_image_key(const struct mx_cell_ctx *ctx, char key[33])
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	static const char *const scripts[] = { "dom0-guests.sh", "guest-marker.sh" };
	char path[PATH_MAX + 64], xen[PATH_MAX];
	struct mx_hash h;
	mx_hash_init(&h);
	mx_hash_str(&h, "dom0-guests-1");
	/* what goes into the image is decided here: a new build of this code, a new image */
	mx_hash_file(&h, "/proc/self/exe");
	for (size_t i = 0; i < 2; i++) {
		mx_fmt(path, sizeof(path), "%s/%s", ctx->opt->data, scripts[i]);
		mx_hash_file(&h, path);
	}
	mx_hash_str(&h, k->version);
	mx_hash_file(&h, k->path);
	mx_fmt(path, sizeof(path), "%s/modules.dep", k->modules);
	mx_hash_file(&h, path);
	mx_xen_tools_dir(xen, sizeof(xen));
	mx_fmt(path, sizeof(path), "%s/xl", xen);
	mx_hash_file(&h, path);
	mx_hash_file(&h, BUSYBOX);
	mx_hash_file(&h, MX_PVGRUB_BIN);
	/* the guest disk's grub.cfg is our tools' work: a new build makes a new image */
	mx_hash_file(&h, mx_tool_path(ctx->opt, "new-kernel-pkg"));
	mx_hash_file(&h, mx_tool_path(ctx->opt, "grubby"));
	mx_hash_hex(&h, key);
}

int mx_build_dom0_image(struct mx_cell_ctx *ctx, const char *out)
{
	const struct mx_kernel *k = &ctx->plan->kernels[ctx->cell->kernel];
	char initrd[PATH_MAX + 32], disk[PATH_MAX + 32], init[PATH_MAX + 32], order[PATH_MAX + 32];
	char xen[PATH_MAX], tool[2 * PATH_MAX], kernel[PATH_MAX + 32];
	mx_fmt(initrd, sizeof(initrd), "%s/guest-initrd.gz", ctx->work);
	mx_fmt(kernel, sizeof(kernel), "%s/guest-kernel", ctx->work);
	mx_fmt(disk, sizeof(disk), "%s/pvgrub.img", ctx->work);
	mx_fmt(init, sizeof(init), "%s/dom0-guests.sh", ctx->opt->data);
	mx_fmt(order, sizeof(order), "%s/dom0-modules.order", ctx->work);
	mx_xen_tools_dir(xen, sizeof(xen));
	if (!xen[0]) {
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason),
		       "install: no Xen toolstack (/usr/lib/xen-*/bin/xl; package xen-utils-4.17)");
		return -1;
	}
	if (guest_initramfs(ctx, initrd) || pvgrub_disk(ctx, initrd, disk))
		return -1;
	if (guest_kernel(ctx, kernel)) {
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason),
		       "install: cannot write the guests' kernel %s", kernel);
		return -1;
	}
	struct args a = { .n = 0 };
	busybox_image(&a, out, init);
	int rc = 0;
	for (size_t i = 0; i < sizeof(xen_tools) / sizeof(xen_tools[0]); i++) {
		mx_fmt(tool, sizeof(tool), "%s/%s", xen, xen_tools[i]);
		add_file(&a, tool, NULL);
		rc |= add_libraries(&a, tool);
	}
	for (size_t i = 0; i < sizeof(host_tools) / sizeof(host_tools[0]); i++) {
		add_file(&a, host_tools[i], NULL);
		rc |= add_libraries(&a, host_tools[i]);
	}
	/* after busybox, so these replace its applets of the same name */
	add_file(&a, "/bin/ip", "/usr/sbin/ip");
	add_file(&a, "/usr/bin/flock", "/bin/flock");
	/* glibc loads libgcc_s when a thread is cancelled (xl does): ldd cannot see it */
	add_file(&a, "/lib/x86_64-linux-gnu/libgcc_s.so.1", NULL);
	glob_t g;
	if (glob("/usr/lib/x86_64-linux-gnu/libxen*.so*", 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			add_file(&a, g.gl_pathv[i], NULL);
	globfree(&g);
	add_file(&a, "/etc/xen", NULL);
	rc |= add_modules(&a, k, dom0_modules, sizeof(dom0_modules) / sizeof(dom0_modules[0]),
			  "/lib/modules/dom0", order);
	add_file(&a, kernel, "/guest/kernel");
	add_file(&a, initrd, "/guest/initrd.gz");
	add_file(&a, disk, "/guest/pvgrub.img");
	add_file(&a, MX_PVGRUB_BIN, NULL);
	for (const char *const *d = (const char *const[]){ "/var/lib/xen", "/var/log/xen/console",
							   "/var/run/xen", NULL }; *d; d++) {
		add(&a, "--mkdir");
		add(&a, "%s", *d);
	}
	if (rc || a.n >= MAX_ARGS) {
		free_args(&a);
		mx_fmt(ctx->cell->reason, sizeof(ctx->cell->reason),
		       "install: cannot list the dom0 image's files (ldd, modules.dep or too many)");
		return -1;
	}
	rc = build(ctx, &a, "dom0 image");
	unlink(initrd);
	unlink(disk);
	unlink(kernel);
	return rc;
}
