/* dracut wrapper; see dracut.h.
 *
 * Inside a root, dracut 059's --sysroot takes every file, dracut's own
 * scripts included, from the root: that suits a complete system image
 * (/mnt/sysimage) but not a sandbox holding only /boot, /etc and
 * /lib/modules. So: a root with its own dracut (usr/lib/dracut/dracut-init.sh)
 * gets --sysroot; any other root gets the host's tools with --kmoddir
 * ROOT/lib/modules/VERSION. Either way dracut reads its configuration from the
 * root (ROOT/etc/dracut.conf and ROOT/etc/dracut.conf.d/), never the host's. */
#include "initramfs/dracut.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initramfs/run.h"

static bool in_root(const char *root)
{
	return root && *root && strcmp(root, "/");
}

static bool is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Where dracut reads its configuration inside ROOT. */
static void push_root_config(struct run_argv *b, const char *root)
{
	char *conf = NULL;
	if (asprintf(&conf, "%s/etc/dracut.conf", root) < 0) {
		b->oom = true;
		return;
	}
	/* /dev/null: with no dracut.conf in the root, the host's must not apply */
	run_argv_add(b, "--conf");
	run_argv_add(b, access(conf, F_OK) ? "/dev/null" : conf);
	free(conf);
	run_argv_add(b, "--confdir");
	run_argv_addf(b, "%s/etc/dracut.conf.d", root);
}

char **dracut_argv(const struct dracut_request *q, char *err, size_t errsize)
{
	struct run_argv b = { 0 };
	run_argv_add(&b, q->program ? q->program : "dracut");
	if (q->hostonly)
		run_argv_add(&b, "--hostonly");
	run_argv_add(&b, "--force");
	if (in_root(q->root)) {
		char *moddir = NULL, *own = NULL;
		if (asprintf(&moddir, "%s/lib/modules/%s", q->root, q->version) < 0 ||
		    asprintf(&own, "%s/usr/lib/dracut/dracut-init.sh", q->root) < 0) {
			b.oom = true;
		} else if (!is_dir(moddir)) {
			snprintf(err, errsize, "%s: no kernel modules for %s there", moddir, q->version);
			free(moddir);
			free(own);
			run_free_argv(b.v);
			return NULL;
		} else if (!access(own, F_OK)) {
			run_argv_add(&b, "--sysroot");
			run_argv_add(&b, q->root);
		} else {
			run_argv_add(&b, "--kmoddir");
			run_argv_add(&b, moddir);
		}
		free(moddir);
		free(own);
		push_root_config(&b, q->root);
	}
	for (size_t i = 0; i < q->nextra; i++)
		run_argv_add(&b, q->extra[i]);
	run_argv_add(&b, q->output);
	run_argv_add(&b, q->version);
	char **argv = run_argv_finish(&b);
	if (!argv)
		snprintf(err, errsize, "out of memory");
	return argv;
}

void dracut_free_argv(char **argv)
{
	run_free_argv(argv);
}

int dracut_run(const struct dracut_request *q, char *err, size_t errsize)
{
	char **argv = dracut_argv(q, err, errsize);
	if (!argv)
		return -1;
	if (q->verbose) {
		fprintf(stderr, "running:");
		for (char **a = argv; *a; a++)
			fprintf(stderr, " %s", *a);
		fprintf(stderr, "\n");
	}
	struct run_result r;
	int rc = run_program(argv, q->verbose, &r);
	if (rc) {
		char why[160];
		snprintf(err, errsize, "dracut failed for %s (%s); %s was not made", q->version,
			 run_describe(&r, why, sizeof(why)), q->output);
		if (!q->verbose)
			run_print_tail(&r, "dracut's last output:");
	}
	dracut_free_argv(argv);
	return rc;
}

/* What a dom0 loads to run guests; frontends are a guest's business. */
static const char *const xen_dom0_drivers[] = {
	"xen-evtchn", "xenfs", "xen-privcmd", "xen-gntdev", "xen-gntalloc", "xen-blkback",
	"xen-netback", "xen-pciback", "xen-scsiback", "xen-acpi-processor",
};

/* Does a modules.dep line "kernel/.../NAME.ko[.xz]: deps" name module NAME? */
static bool dep_line_is(const char *line, const char *name)
{
	const char *colon = strchr(line, ':');
	if (!colon)
		return false;
	const char *base = line;
	for (const char *p = line; p < colon; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = strlen(name);
	return !strncmp(base, name, n) && !strncmp(base + n, ".ko", 3);
}

char *dracut_xen_dom0_drivers(const char *root, const char *version)
{
	enum { N = sizeof(xen_dom0_drivers) / sizeof(xen_dom0_drivers[0]) };
	bool present[N] = { false };
	char *dep = NULL;
	if (asprintf(&dep, "%s/lib/modules/%s/modules.dep", in_root(root) ? root : "", version) < 0)
		return NULL;
	FILE *in = fopen(dep, "r");
	free(dep);
	char line[4096];
	while (in && fgets(line, sizeof(line), in))
		for (size_t i = 0; i < N; i++)
			present[i] |= dep_line_is(line, xen_dom0_drivers[i]);
	if (in)
		fclose(in);
	size_t len = 1;
	for (size_t i = 0; i < N; i++)
		len += strlen(xen_dom0_drivers[i]) + 1;
	char *out = calloc(1, len);
	for (size_t i = 0; out && i < N; i++)
		if (present[i]) {
			if (*out)
				strcat(out, " ");
			strcat(out, xen_dom0_drivers[i]);
		}
	return out;
}
