/* How new-kernel-pkg asks grubby for each change, one grubby run per config,
 * as the shell version did (its arguments, minus the shell's eval). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grubby/new-kernel-pkg/nkp.h"
#include "initramfs/run.h"

#define DEBUG_TITLE " with debugging"
#define DEBUG_ARGS "systemd.log_level=debug systemd.log_target=kmsg"

static char *executable_or_null(char *path)
{
	if (path && !access(path, X_OK))
		return path;
	free(path);
	return NULL;
}

/* "grubby" on PATH, as a full path so the message can name it. */
static char *grubby_on_path(void)
{
	const char *env = getenv("PATH");
	char *paths = strdup(env && *env ? env : "/usr/sbin:/usr/bin:/sbin:/bin");
	char *found = NULL, *save = NULL;
	for (char *dir = paths ? strtok_r(paths, ":", &save) : NULL; dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *candidate = NULL;
		if (asprintf(&candidate, "%s/grubby", dir) >= 0)
			found = executable_or_null(candidate);
	}
	free(paths);
	return found;
}

char *nkp_find_grubby(const char *self)
{
	const char *env = getenv("NEWKERNELPKG_GRUBBY");
	if (env && *env)
		return executable_or_null(strdup(env));
	/* the grubby built or installed with this new-kernel-pkg comes first */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 && self && strchr(self, '/')) {
		snprintf(exe, sizeof(exe), "%s", self);
		n = (ssize_t)strlen(exe);
	}
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		char *candidate = NULL;
		if (slash && asprintf(&candidate, "%.*s/grubby", (int)(slash - exe), exe) >= 0) {
			char *found = executable_or_null(candidate);
			if (found)
				return found;
		}
	}
	return grubby_on_path();
}

/* Append OPT, or "OPT=VALUE" when VALUE is given. */
static void add(struct run_argv *a, const char *opt, const char *value)
{
	if (value)
		run_argv_addf(a, "%s=%s", opt, value);
	else
		run_argv_add(a, opt);
}

static void add_install(struct run_argv *a, const struct nkp_plan *p, const struct bootcfg *cfg, bool debug)
{
	add(a, "--add-kernel", p->kernel);
	if (p->initrd)
		add(a, "--initrd", p->initrd);
	if (p->devtree)
		add(a, "--devtree", p->devtree);
	if (p->devtreedir)
		add(a, "--devtreedir", p->devtreedir);
	if (p->mbkernel) {
		add(a, "--add-multiboot", p->mbkernel);
		if (p->mbargs)
			add(a, "--mbargs", p->mbargs);
	}
	add(a, "--copy-default", NULL);
	/* a fresh system's config has no entry to copy */
	add(a, "--new-entry-if-no-template", NULL);
	add(a, "--unique-id", NULL);
	if (!debug) {
		add(a, "--title", p->title);
		/* by path rather than upstream's TITLE=: a reinstall under another
		 * title (banner, os-release, hypervisor added) still leaves one entry */
		add(a, "--remove-kernel", p->kernel);
		/* an index in custom.cfg is not one of the whole menu */
		if (p->make_default && !cfg->companion)
			add(a, "--make-default", NULL);
	} else {
		run_argv_addf(a, "--title=%s" DEBUG_TITLE, p->title);
		run_argv_addf(a, "--remove-kernel=TITLE=%s" DEBUG_TITLE, p->title);
		add(a, "--set-index=1", NULL);
	}
	if (p->args || debug)
		run_argv_addf(a, "--args=%s%s%s", p->args ? p->args : "", p->args && debug ? " " : "",
			      debug ? DEBUG_ARGS : "");
}

/* xen.cfg: a section booting the copies beside it, Xen's arguments as its
 * options=; the same default policy as every other config */
static void add_xenefi(struct run_argv *a, const struct nkp_plan *p, enum nkp_grubby_action action)
{
	const char *opt = action == NKP_ADD ? "--add-kernel" :
			  action == NKP_UPDATE_KERNEL ? "--update-kernel" : "--remove-kernel";
	add(a, opt, p->xen_kernel);
	if (action == NKP_REMOVE_KERNEL) {
		add(a, "--allow-empty", NULL); /* a package removal never fails for it */
		return;
	}
	if (p->xen_initrd)
		add(a, "--initrd", p->xen_initrd);
	if (action == NKP_ADD) {
		add(a, "--copy-default", NULL);
		add(a, "--new-entry-if-no-template", NULL);
		add(a, "--title", p->title);
		add(a, "--remove-kernel", p->xen_kernel);
		if (p->make_default)
			add(a, "--make-default", NULL);
		if (p->xen_efi_args)
			add(a, "--mbargs", p->xen_efi_args);
	}
	if (p->args)
		add(a, "--args", p->args);
	if (action == NKP_UPDATE_KERNEL && p->remove_args)
		add(a, "--remove-args", p->remove_args);
}

/* the xen.cfg of BLS Xen entries: the section named after the kernel
 * version, which the entry passes to xen.efi, booting the kernel where it
 * is. Xen's arguments are on the entry (after "--"), not in options=. */
static void add_bls_xen(struct run_argv *a, const struct nkp_plan *p, enum nkp_grubby_action action)
{
	char *title = NULL;
	if (asprintf(&title, "TITLE=%s", p->version) < 0)
		title = NULL;
	if (action == NKP_REMOVE_KERNEL || (action == NKP_ADD && !p->mbkernel)) { /* a plain entry now: no section */
		add(a, "--remove-kernel", title);
		add(a, "--allow-empty", NULL);
	} else if (action == NKP_UPDATE_KERNEL) {
		add(a, "--update-kernel", title);
		if (p->xen_initrd)
			add(a, "--initrd", p->xen_initrd);
		if (p->args)
			add(a, "--args", p->args);
		if (p->remove_args)
			add(a, "--remove-args", p->remove_args);
	} else {
		add(a, "--add-kernel", p->xen_kernel);
		if (p->xen_initrd)
			add(a, "--initrd", p->xen_initrd);
		/* no template: the entry, not another section, says what boots */
		add(a, "--title", p->version);
		/* by name: a section of the user's booting the same kernel stays */
		add(a, "--remove-kernel", title);
		if (p->make_default)
			add(a, "--make-default", NULL);
		if (p->args)
			add(a, "--args", p->args);
	}
	free(title);
}

char **nkp_grubby_argv(const struct nkp_plan *p, const struct bootcfg *cfg, enum nkp_grubby_action action)
{
	struct run_argv a = { 0 };
	add(&a, p->grubby, NULL);
	add(&a, cfg->loader, NULL);
	add(&a, "-c", NULL);
	add(&a, cfg->path, NULL);
	if (nkp_is_xenefi(cfg)) {
		if (cfg->bls_xen)
			add_bls_xen(&a, p, action);
		else
			add_xenefi(&a, p, action);
		return run_argv_finish(&a);
	}
	if (cfg->is_dir && *p->root)	/* the root's machine-id and os-release */
		add(&a, "--root", p->root);
	if (p->bad_image_okay)
		add(&a, "--bad-image-okay", NULL);
	switch (action) {
	case NKP_ADD:
	case NKP_ADD_DEBUG:
		add_install(&a, p, cfg, action == NKP_ADD_DEBUG);
		break;
	case NKP_REMOVE_KERNEL:
		add(&a, "--remove-kernel", p->kernel);
		/* custom.cfg holds only our entries: the menu has grub.cfg's too */
		if (cfg->companion)
			add(&a, "--allow-empty", NULL);
		break;
	case NKP_UPDATE_KERNEL:
		add(&a, "--update-kernel", p->kernel);
		if (p->initrd)
			add(&a, "--initrd", p->initrd);
		/* grubby puts an initrd into a multiboot entry as a module only when
		 * told the hypervisor, as grubby 8.40 did */
		if (p->initrd && p->mbkernel)
			add(&a, "--add-multiboot", p->mbkernel);
		if (p->args)
			add(&a, "--args", p->args);
		if (p->remove_args)
			add(&a, "--remove-args", p->remove_args);
		break;
	}
	if (p->boot_fs)
		add(&a, "--boot-filesystem", p->boot_fs);
	return run_argv_finish(&a);
}

void nkp_free_argv(char **argv)
{
	run_free_argv(argv);
}

static void show_command(char **argv)
{
	fprintf(stderr, "running:");
	for (char **a = argv; *a; a++)
		fprintf(stderr, strpbrk(*a, " \t\"'") ? " '%s'" : " %s", *a);
	fprintf(stderr, "\n");
}

static int run_one(const struct nkp_plan *p, const struct bootcfg *cfg, enum nkp_grubby_action action)
{
	struct nkp_plan xp = *p;
	if (cfg->bls_xen) { /* the kernel where it is, on the partition the entries are on */
		xp.xen_kernel = nkp_in_root(p->root, p->kernel);
		xp.xen_initrd = p->initrd ? nkp_in_root(p->root, p->initrd) : NULL;
	} else if (nkp_is_xenefi(cfg)) { /* xen.efi boots the copies beside xen.cfg */
		xp.xen_kernel = nkp_xenefi_copy_path(cfg, p->kernel);
		xp.xen_initrd = p->initrd ? nkp_xenefi_copy_path(cfg, p->initrd) : NULL;
	}
	char **argv = nkp_grubby_argv(&xp, cfg, action);
	free(xp.xen_kernel);
	free(xp.xen_initrd);
	if (!argv) {
		fprintf(stderr, "new-kernel-pkg: out of memory\n");
		return -1;
	}
	if (p->verbose)
		show_command(argv);
	struct run_result r;
	int rc = run_program(argv, p->verbose, &r);
	if (rc) {
		char why[160];
		fprintf(stderr, "new-kernel-pkg: grubby failed on %s (%s)\n", cfg->path, run_describe(&r, why, sizeof(why)));
		if (!p->verbose)
			run_print_tail(&r, "grubby said:");
	}
	nkp_free_argv(argv);
	return rc;
}

/* extlinux has no multiboot entry of its own (it needs mboot.c32): as the
 * shell version left lilo.conf alone, a Xen entry leaves it alone. */
/* systemd-boot starts a hypervisor as an EFI program: grubby --bls names the
 * .efi beside the multiboot image (xen-4.17-amd64.gz -> xen-4.17-amd64.efi) */
static bool efi_image_missing(const struct nkp_plan *p, const struct bootcfg *cfg)
{
	char *efi = nkp_hv_efi_image(p->mbkernel, ".efi"), *host = NULL;
	bool missing = true;
	if (efi && (host = nkp_in_root(p->root, efi)))
		missing = access(host, R_OK) != 0;
	if (missing)
		fprintf(stderr, "new-kernel-pkg: %s: systemd-boot needs %s to start the hypervisor; "
			"no entry added there\n", cfg->path, host ? host : "its EFI image");
	free(efi);
	free(host);
	return missing;
}

static bool skip_for_multiboot(const struct nkp_plan *p, const struct bootcfg *cfg, enum nkp_grubby_action action)
{
	if (action != NKP_ADD || !p->mbkernel)
		return false;
	if (cfg->is_dir)
		return efi_image_missing(p, cfg);
	if (strcmp(cfg->loader, "--extlinux"))
		return false;
	fprintf(stderr, "new-kernel-pkg: %s: extlinux cannot start a multiboot hypervisor; no entry added there\n",
		cfg->path);
	return true;
}

/* A custom.cfg not there yet: nothing to remove or update; an install makes it. */
static int prepare_companion(const struct nkp_plan *p, struct bootcfg *cfg, enum nkp_grubby_action action)
{
	if (!cfg->missing)
		return 0;
	if (action != NKP_ADD)
		return 1;
	if (cfg->is_dir)
		return 0; /* grubby --bls makes the entries directory */
	if (p->make_default)
		fprintf(stderr, "new-kernel-pkg: %s: the default entry is GRUB_DEFAULT in /etc/default/grub here; "
			"not changed\n", cfg->path);
	if (p->verbose)
		fprintf(stderr, "grub.cfg is written by grub-mkconfig: entries go to %s\n", cfg->path);
	return nkp_create_companion(cfg);
}

int nkp_run_grubby_all(const struct nkp_plan *p, struct bootcfgs *c, enum nkp_grubby_action action)
{
	for (size_t i = 0; i < c->n; i++) {
		if (skip_for_multiboot(p, &c->cfg[i], action))
			continue;
		int made = nkp_is_xenefi(&c->cfg[i]) ? nkp_xenefi_prepare(p, &c->cfg[i], action)
						      : prepare_companion(p, &c->cfg[i], action);
		if (made > 0)
			continue;
		if (made < 0) {
			nkp_restore_configs(c);
			return -1;
		}
		if (p->verbose)
			fprintf(stderr, "%s %s in %s\n",
				action == NKP_REMOVE_KERNEL ? "removing" : action == NKP_UPDATE_KERNEL ? "updating" : "adding",
				p->version, c->cfg[i].path);
		/* a BLS entry is one file per kernel version, a xen.cfg section
		 * one per kernel: no second, debug one */
		bool debug = action == NKP_ADD && p->make_debug && !c->cfg[i].is_dir &&
			     !nkp_is_xenefi(&c->cfg[i]);
		if (run_one(p, &c->cfg[i], action) || (debug && run_one(p, &c->cfg[i], NKP_ADD_DEBUG))) {
			nkp_restore_configs(c);
			fprintf(stderr, "new-kernel-pkg: boot loader configs left as they were\n");
			return -1;
		}
	}
	for (size_t i = 0; action == NKP_REMOVE_KERNEL && i < c->n; i++)
		if (nkp_is_xenefi(&c->cfg[i]) && !c->cfg[i].missing)
			nkp_xenefi_cleanup(p, &c->cfg[i]);
	return 0;
}
