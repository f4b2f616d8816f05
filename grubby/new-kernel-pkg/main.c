/* new-kernel-pkg: the four modes. Everything that can fail is checked or
 * done before the first config changes; the configs are then changed by
 * grubby one by one and all put back if any change fails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grubby/new-kernel-pkg/nkp.h"
#include "initramfs/dracut.h"
#include "initramfs/run.h"
#include "sysconfig/shvar.h"

struct job {
	const struct nkp_options *o;
	struct nkp_settings s;
	struct nkp_plan p;
	struct bootcfgs cfgs;
	const char *self;
};

static bool exists_in_root(const char *root, const char *path)
{
	char *host = nkp_in_root(root, path);
	bool ok = host && !access(host, F_OK);
	free(host);
	return ok;
}

/* The initramfs the entry names: --initrdfile, else the one dracut makes,
 * else whichever of the usual names exists. */
static char *choose_initrd(const struct job *j, bool building)
{
	const char *v = j->o->version;
	char *path = NULL;
	if (j->o->initrdfile)
		return strdup(j->o->initrdfile);
	static const char *const names[] = { "/boot/initramfs-%s.img", "/boot/initrd-%s.img", "/boot/initrd.img-%s" };
	for (size_t i = 0; !building && i < sizeof(names) / sizeof(names[0]); i++) {
		if (asprintf(&path, names[i], v) < 0)
			return NULL;
		if (exists_in_root(j->p.root, path))
			return path;
		free(path);
	}
	return asprintf(&path, names[0], v) < 0 ? NULL : path;
}

static int require_kernel(const struct job *j)
{
	if (exists_in_root(j->p.root, j->p.kernel))
		return 0;
	char *host = nkp_in_root(j->p.root, j->p.kernel);
	fprintf(stderr, "new-kernel-pkg: %s: no kernel image for %s; nothing changed\n", host ? host : j->p.kernel,
		j->o->version);
	free(host);
	return -1;
}

/* Split every --add-dracut-args=ARGS and $NEWKERNELPKG_DRACUT_ARGS, without a shell. */
static char **dracut_extra_args(const struct nkp_options *o, size_t *n)
{
	const char *texts[sizeof(o->dracut_args) / sizeof(o->dracut_args[0]) + 1];
	size_t nt = 0;
	const char *env = getenv("NEWKERNELPKG_DRACUT_ARGS");
	if (env && *env)
		texts[nt++] = env;
	for (size_t i = 0; i < o->ndracut_args; i++)
		texts[nt++] = o->dracut_args[i];
	char **all = calloc(1, sizeof(*all));
	*n = 0;
	for (size_t i = 0; all && i < nt; i++) {
		size_t k = 0;
		const char *why = NULL;
		char **words = shvar_split_words(texts[i], &k, &why);
		char **grown = words ? realloc(all, (*n + k + 1) * sizeof(*all)) : NULL;
		if (!grown) {
			fprintf(stderr, "new-kernel-pkg: dracut arguments '%s': %s\n", texts[i], why ? why : "out of memory");
			shvar_free_words(words);
			shvar_free_words(all);
			return NULL;
		}
		all = grown;
		memcpy(all + *n, words, k * sizeof(*words));
		*n += k;
		all[*n] = NULL;
		free(words); /* the strings now belong to ALL */
	}
	return all;
}

/* For a Xen entry the image also carries the dom0 drivers the kernel has as
 * modules, ahead of the caller's own dracut arguments. */
static char **add_xen_drivers(const struct job *j, char **extra, size_t *n)
{
	char *drivers = j->p.mbkernel ? dracut_xen_dom0_drivers(j->p.root, j->o->version) : NULL;
	if (!drivers || !*drivers) {
		free(drivers);
		return extra;
	}
	char **grown = realloc(extra, (*n + 3) * sizeof(*grown));
	char *flag = strdup("--add-drivers");
	if (!grown || !flag) {
		free(drivers);
		free(flag);
		shvar_free_words(grown ? grown : extra);
		return NULL;
	}
	memmove(grown + 2, grown, (*n + 1) * sizeof(*grown));
	grown[0] = flag;
	grown[1] = drivers;
	*n += 2;
	if (j->o->verbose)
		fprintf(stderr, "Xen entry: adding dom0 drivers %s\n", drivers);
	return grown;
}

static int build_initramfs(const struct job *j)
{
	size_t nextra = 0;
	char **extra = dracut_extra_args(j->o, &nextra);
	if (extra)
		extra = add_xen_drivers(j, extra, &nextra);
	char *output = nkp_in_root(j->p.root, j->p.initrd);
	if (!extra || !output) {
		shvar_free_words(extra);
		free(output);
		return -1;
	}
	const char *program = getenv("NEWKERNELPKG_DRACUT");
	struct dracut_request q = {
		.program = program && *program ? program : "dracut",
		.root = j->p.root, .version = j->o->version, .output = output,
		.hostonly = j->o->hostonly, .verbose = j->o->verbose, .extra = extra, .nextra = nextra,
	};
	if (j->o->verbose)
		fprintf(stderr, "creating initrd %s\n", output);
	char err[512];
	int rc = dracut_run(&q, err, sizeof(err));
	if (rc)
		fprintf(stderr, "new-kernel-pkg: %s; nothing changed\n", err);
	shvar_free_words(extra);
	free(output);
	return rc;
}

static int run_depmod(const struct job *j)
{
	const char *root = j->p.root;
	char *map = NULL, *in_root_map = NULL;
	if (asprintf(&map, "/boot/System.map-%s", j->o->version) < 0)
		return -1;
	in_root_map = nkp_in_root(root, map);
	char *argv[10];
	size_t n = 0;
	argv[n++] = "depmod";
	argv[n++] = "-a";
	if (*root) {
		argv[n++] = "-b";
		argv[n++] = (char *)root;
	}
	if (in_root_map && !access(in_root_map, R_OK)) {
		argv[n++] = "-e";
		argv[n++] = "-F";
		argv[n++] = in_root_map;
	}
	argv[n++] = (char *)j->o->version;
	argv[n] = NULL;
	if (j->o->verbose)
		fprintf(stderr, "running depmod for %s\n", j->o->version);
	struct run_result r;
	int rc = run_program(argv, j->o->verbose, &r);
	if (rc) {
		char why[160];
		fprintf(stderr, "new-kernel-pkg: depmod failed for %s (%s); nothing changed\n", j->o->version,
			run_describe(&r, why, sizeof(why)));
		run_print_tail(&r, "depmod said:");
	}
	free(map);
	free(in_root_map);
	return rc;
}

static void remove_module_maps(const struct job *j)
{
	static const char *const maps[] = {
		"modules.alias", "modules.alias.bin", "modules.builtin.alias.bin", "modules.builtin.bin",
		"modules.dep", "modules.dep.bin", "modules.devname", "modules.softdep",
		"modules.symbols", "modules.symbols.bin",
	};
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		char *rel = NULL;
		if (asprintf(&rel, "/lib/modules/%s/%s", j->o->version, maps[i]) < 0)
			return;
		char *host = nkp_in_root(j->p.root, rel);
		if (host && unlink(host) && errno != ENOENT)
			fprintf(stderr, "new-kernel-pkg: warning: %s: %s\n", host, strerror(errno));
		free(host);
		free(rel);
	}
}

/* Find the configs, check they can be rewritten, and find grubby for them.
 * 1: nothing to do (no config); 0: go on; -1: stop. */
static int prepare_configs(struct job *j)
{
	nkp_find_configs(j->p.root, &j->cfgs);
	nkp_xenefi_find(j->p.root, j->o->xen_efi_config ? j->o->xen_efi_config : j->s.xen_efi_config, &j->cfgs);
	/* a removal has no hypervisor chosen: the one configured names the file */
	nkp_xenefi_find_bls(j->p.root, j->p.mbkernel ? j->p.mbkernel : j->o->multiboot ? j->o->multiboot : j->s.hypervisor,
			    &j->cfgs);
	j->p.xen_efi_image = j->o->xen_efi_image ? j->o->xen_efi_image : j->s.xen_efi_image;
	j->p.xen_efi_args = j->o->mbargs ? j->o->mbargs : j->s.hypervisor_args;
	if (!j->cfgs.n) {
		fprintf(stderr, "new-kernel-pkg: no boot loader configuration found under %s; no entry changed\n",
			*j->p.root ? j->p.root : "/");
		return 1;
	}
	if (nkp_check_writable(&j->cfgs))
		return -1;
	j->p.grubby = nkp_find_grubby(j->self);
	if (!j->p.grubby) {
		fprintf(stderr, "new-kernel-pkg: grubby not found (next to new-kernel-pkg, on PATH or in "
			"$NEWKERNELPKG_GRUBBY); nothing changed\n");
		return -1;
	}
	return 0;
}

static int change_configs(struct job *j, enum nkp_grubby_action action)
{
	if (nkp_snapshot_configs(&j->cfgs))
		return -1;
	return nkp_run_grubby_all(&j->p, &j->cfgs, action);
}

/* HYPERVISOR from the settings counts only when its file is there;
 * --multiboot given on the command line must exist. */
static int choose_hypervisor(struct job *j)
{
	const char *mb = j->o->multiboot ? j->o->multiboot : j->s.hypervisor;
	if (!mb || !*mb)
		return 0;
	if (!exists_in_root(j->p.root, mb)) {
		if (j->o->multiboot) {
			fprintf(stderr, "new-kernel-pkg: --multiboot=%s: no such file under %s; nothing changed\n", mb,
				*j->p.root ? j->p.root : "/");
			return -1;
		}
		fprintf(stderr, "new-kernel-pkg: warning: HYPERVISOR=%s is not there; adding a plain entry\n", mb);
		return 0;
	}
	/* GRUB would load anything as a hypervisor and fail only at boot */
	char *host = nkp_in_root(j->p.root, mb), why[200];
	int bad = !host || nkp_check_multiboot(host, why, sizeof(why));
	if (bad)
		fprintf(stderr, "new-kernel-pkg: %s=%s: %s is %s; nothing changed\n",
			j->o->multiboot ? "--multiboot" : "HYPERVISOR", mb, host ? host : mb,
			host ? why : "out of memory");
	free(host);
	if (bad)
		return -1;
	j->p.mbkernel = strdup(mb);
	const char *args = j->o->mbargs ? j->o->mbargs : j->s.hypervisor_args;
	if (args && *args)
		j->p.mbargs = strdup(args);
	return 0;
}

static bool package_is_default(const struct job *j)
{
	const char *pkg = j->o->package, *dk = j->s.defaultkernel;
	if (!j->s.updatedefault || !pkg || !dk)
		return false;
	size_t n = strlen(pkg);
	return !strcmp(pkg, dk) || (!strncmp(dk, pkg, n) && !strcmp(dk + n, "-core"));
}

static char *entry_args(const struct job *j)
{
	char *dev = nkp_root_device(j->p.root);
	const char *k = j->o->kernel_args;
	char *args = NULL;
	if ((dev || (k && *k)) &&
	    asprintf(&args, "%s%s%s%s", dev ? "root=" : "", dev ? dev : "", dev && k && *k ? " " : "", k ? k : "") < 0)
		args = NULL;
	free(dev);
	if ((j->o->dracut || j->o->mkinitrd) && j->o->add_dracut_kargs) {
		char *more = nkp_dracut_kargs(j->p.root, args);
		free(args);
		args = more;
	}
	return args;
}

static int do_install(struct job *j)
{
	if (require_kernel(j) || choose_hypervisor(j))
		return -1;
	j->p.make_default = j->o->make_default || package_is_default(j);
	j->p.make_debug = j->s.makedebug;
	int prep = prepare_configs(j);
	if (prep < 0)
		return -1;
	if ((j->o->depmod && run_depmod(j)) || (j->o->mkinitrd && build_initramfs(j)))
		return -1;
	if (j->o->package && !j->o->mkinitrd && !exists_in_root(j->p.root, j->p.initrd))
		nkp_mark_pending(j->p.root, j->o->version); /* the initramfs comes at --rpmposttrans */
	if (!exists_in_root(j->p.root, j->p.initrd)) {
		free(j->p.initrd);
		j->p.initrd = NULL;
	}
	j->p.title = nkp_title(j->p.root, j->o->banner, j->o->version);
	j->p.args = entry_args(j);
	if (!j->p.title)
		return -1;
	return prep ? 0 : change_configs(j, NKP_ADD);
}

static int do_remove(struct job *j)
{
	int prep = prepare_configs(j);
	if (prep < 0 || nkp_run_hooks(j->p.root, "prerm", j->o->version, j->p.kernel, j->o->verbose))
		return -1;
	if (!prep && change_configs(j, NKP_REMOVE_KERNEL))
		return -1;
	if (j->o->rminitrd) {
		char *host = nkp_in_root(j->p.root, j->p.initrd);
		if (host && unlink(host) && errno != ENOENT)
			fprintf(stderr, "new-kernel-pkg: warning: %s: %s\n", host, strerror(errno));
		free(host);
	}
	if (j->o->rmmoddep)
		remove_module_maps(j);
	nkp_clear_pending(j->p.root, j->o->version);
	return 0;
}

static int do_update(struct job *j, bool build)
{
	if (require_kernel(j) || choose_hypervisor(j))
		return -1;
	int prep = prepare_configs(j);
	if (prep < 0 || (j->o->depmod && run_depmod(j)) || (build && build_initramfs(j)))
		return -1;
	if (!exists_in_root(j->p.root, j->p.initrd)) {
		free(j->p.initrd);
		j->p.initrd = NULL;
	}
	if (j->o->kernel_args && *j->o->kernel_args)
		j->p.args = strdup(j->o->kernel_args);
	j->p.remove_args = j->o->remove_args;
	return prep ? 0 : change_configs(j, NKP_UPDATE_KERNEL);
}

static int do_rpmposttrans(struct job *j)
{
	if (nkp_is_pending(j->p.root, j->o->version)) {
		if (j->o->verbose)
			fprintf(stderr, "doing the work deferred by the install of %s\n", j->o->version);
		bool build = j->o->mkinitrd || !exists_in_root(j->p.root, j->p.initrd);
		if (do_update(j, build))
			return -1;
		nkp_clear_pending(j->p.root, j->o->version);
	}
	return nkp_run_hooks(j->p.root, "postinst", j->o->version, j->p.kernel, j->o->verbose);
}

static int init_plan(struct job *j)
{
	const struct nkp_options *o = j->o;
	j->p.root = o->root && strcmp(o->root, "/") ? o->root : "";
	j->p.version = o->version;
	j->p.verbose = o->verbose;
	j->p.bad_image_okay = *j->p.root != '\0';
	if (*j->p.root) /* paths in entries are below the file system holding /boot */
		j->p.boot_fs = nkp_separate_boot(j->p.root) ? "/boot" : "/";
	j->p.devtree = o->devtree;
	j->p.devtreedir = o->devtreedir;
	if (o->kernel_image)
		j->p.kernel = strdup(o->kernel_image);
	else if (asprintf(&j->p.kernel, "/boot/%s-%s", o->kernel_name ? o->kernel_name : "vmlinuz", o->version) < 0)
		j->p.kernel = NULL;
	bool building = o->mkinitrd || (o->mode == NKP_RPMPOSTTRANS && nkp_is_pending(j->p.root, o->version));
	j->p.initrd = choose_initrd(j, building);
	return j->p.kernel && j->p.initrd ? 0 : -1;
}

static void free_job(struct job *j)
{
	nkp_free_settings(&j->s);
	nkp_free_configs(&j->cfgs);
	free(j->p.grubby);
	free(j->p.kernel);
	free(j->p.initrd);
	free(j->p.mbkernel);
	free(j->p.mbargs);
	free(j->p.title);
	free(j->p.args);
}

int main(int argc, char **argv)
{
	struct nkp_options o;
	if (nkp_info_option(argc, argv) == 0)
		return 0;
	if (nkp_parse_options(argc, argv, &o)) {
		nkp_usage(stderr);
		return 1;
	}
	struct job j = { .o = &o, .self = argv[0] };
	int rc = init_plan(&j);
	/* one run at a time per root: snapshots and restores must not interleave */
	char what[256];
	nkp_describe_run(&o, what, sizeof(what));
	int lock = rc ? NKP_LOCK_NONE : nkp_lock_boot(j.p.root, what);
	if (lock == NKP_LOCK_FAILED)
		rc = -1;
	if (!rc)
		rc = nkp_load_settings(&o, j.p.root, &j.s);
	if (!rc) {
		switch (o.mode) {
		case NKP_INSTALL: rc = do_install(&j); break;
		case NKP_REMOVE: rc = do_remove(&j); break;
		case NKP_UPDATE: rc = do_update(&j, o.mkinitrd); break;
		case NKP_RPMPOSTTRANS: rc = do_rpmposttrans(&j); break;
		case NKP_NONE: rc = -1; break;
		}
	}
	free_job(&j);
	if (lock >= 0)
		close(lock);
	return rc ? 1 : 0;
}
