/* Command line of new-kernel-pkg: the options of grubby 8.40's shell version
 * (valued options as --opt=VALUE or --opt VALUE), plus --root=DIR and
 * --add-dracut-args=ARGS. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bootchain/bootchain.h"
#include "grubby/new-kernel-pkg/nkp.h"

void nkp_usage(FILE *to)
{
	fprintf(to,
		"Usage: new-kernel-pkg [-v] [--mkinitrd] [--rminitrd] [--dracut]\n"
		"       [--initrdfile=<initrd-image>] [--depmod] [--rmmoddep]\n"
		"       [--kernel-args=<args>] [--remove-args=<args>]\n"
		"       [--banner=<banner>] [--multiboot=multiboot]\n"
		"       [--mbargs=mbargs] [--make-default] [--add-dracut-args]\n"
		"       [--add-dracut-args=<dracut arguments>] [--package=<name>]\n"
		"       [--host-only] [--devtree=<devicetree.dtb>] [--devtreedir=</devicetree/path/>]\n"
		"       [--kernel-image=<path>] [--kernel-name=<name>] [--root=<dir>]\n"
		"       [--xen-efi=<xen.cfg>] [--xen-efi-image=<xen.efi>]\n"
		"       <--install | --remove | --update | --rpmposttrans> <kernel-version>\n"
		"       (ex: new-kernel-pkg --mkinitrd --depmod --install 2.4.7-2)\n"
		"       new-kernel-pkg --help | --usage | --version\n");
}

int nkp_info_option(int argc, char **argv)
{
	if (argc != 2)
		return -1;
	const char *a = argv[1];
	if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "--usage")) {
		nkp_usage(stdout);
		return 0;
	}
	if (!strcmp(a, "--version")) {
		printf("new-kernel-pkg (bootchain) %s\n", BOOTCHAIN_VERSION);
		return 0;
	}
	return -1;
}

struct flag_option {
	const char *name;
	size_t offset;
};

#define FLAG(n, f) { n, offsetof(struct nkp_options, f) }
static const struct flag_option flags[] = {
	FLAG("--mkinitrd", mkinitrd),   FLAG("--rminitrd", rminitrd),       FLAG("--dracut", dracut),
	FLAG("--host-only", hostonly),  FLAG("--depmod", depmod),           FLAG("--rmmoddep", rmmoddep),
	FLAG("--make-default", make_default), FLAG("-v", verbose),
};

#define VALUED(n, f) { n, offsetof(struct nkp_options, f) }
static const struct flag_option valued[] = {
	VALUED("--initrdfile", initrdfile), VALUED("--kernel-args", kernel_args),
	VALUED("--remove-args", remove_args), VALUED("--banner", banner),
	VALUED("--mbargs", mbargs),         VALUED("--package", package),
	VALUED("--devtree", devtree),       VALUED("--devtreedir", devtreedir),
	VALUED("--kernel-image", kernel_image), VALUED("--kernel-name", kernel_name),
	VALUED("--root", root),           VALUED("--xen-efi", xen_efi_config),
	VALUED("--xen-efi-image", xen_efi_image),
};

static const struct {
	const char *name;
	enum nkp_mode mode;
} modes[] = {
	{ "--install", NKP_INSTALL }, { "--remove", NKP_REMOVE },
	{ "--update", NKP_UPDATE },   { "--rpmposttrans", NKP_RPMPOSTTRANS },
};

static bool set_flag(struct nkp_options *o, const char *arg)
{
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(arg, flags[i].name)) {
			*(bool *)((char *)o + flags[i].offset) = true;
			return true;
		}
	return false;
}

/* "--name=value" or "--name value"; returns 1 when ARG was this option, 0 when
 * not, -1 when its value is missing. Advances *I past a separate value. */
static int take_value(const char *name, int argc, char **argv, int *i, const char **value)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);
	if (strncmp(arg, name, n))
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	if (arg[n])
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "new-kernel-pkg: %s needs a value\n", name);
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

static int set_valued(struct nkp_options *o, int argc, char **argv, int *i)
{
	for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
		const char *v;
		int r = take_value(valued[k].name, argc, argv, i, &v);
		if (r)
			return r < 0 ? -1 : (*(const char **)((char *)o + valued[k].offset) = v, 1);
	}
	return 0;
}

/* Options whose spelling differs from the plain pattern. */
static int set_special(struct nkp_options *o, const char *arg)
{
	if (!strcmp(arg, "--multiboot")) {
		o->multiboot = "/boot/xen.gz"; /* upstream's default: it could not take a separate value */
		return 1;
	}
	if (!strncmp(arg, "--multiboot=", 12)) {
		o->multiboot = arg + 12;
		return 1;
	}
	if (!strcmp(arg, "--add-dracut-args")) {
		o->add_dracut_kargs = true;
		return 1;
	}
	const char *v = NULL;
	if (!strncmp(arg, "--add-dracut-args=", 18))
		v = arg + 18;
	else if (!strncmp(arg, "--dracut-args=", 14))
		v = arg + 14;
	if (!v)
		return 0;
	if (o->ndracut_args == sizeof(o->dracut_args) / sizeof(o->dracut_args[0])) {
		fprintf(stderr, "new-kernel-pkg: too many --add-dracut-args options\n");
		return -1;
	}
	o->dracut_args[o->ndracut_args++] = v;
	return 1;
}

static int set_positional(struct nkp_options *o, const char *arg)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(arg, modes[i].name)) {
			if (o->mode != NKP_NONE) {
				fprintf(stderr, "new-kernel-pkg: %s: only one of --install, --remove, --update, --rpmposttrans\n", arg);
				return -1;
			}
			o->mode = modes[i].mode;
			return 0;
		}
	if (arg[0] == '-') {
		fprintf(stderr, "new-kernel-pkg: unknown option '%s'\n", arg);
		return -1;
	}
	if (o->version) {
		fprintf(stderr, "new-kernel-pkg: unexpected argument '%s' (the version is already %s)\n", arg, o->version);
		return -1;
	}
	o->version = arg;
	return 0;
}

static int check_combination(const struct nkp_options *o)
{
	if (o->mode == NKP_NONE) {
		fprintf(stderr, "new-kernel-pkg: no mode given: use --install, --remove, --update or --rpmposttrans\n");
		return -1;
	}
	if (!o->version || !*o->version) {
		fprintf(stderr, "new-kernel-pkg: no kernel version given\n");
		return -1;
	}
	if (strchr(o->version, '/')) {
		fprintf(stderr, "new-kernel-pkg: kernel version '%s' contains '/'\n", o->version);
		return -1;
	}
	if (o->make_default && o->mode != NKP_INSTALL) {
		fprintf(stderr, "new-kernel-pkg: --make-default only goes with --install\n");
		return -1;
	}
	if (o->root && o->root[0] != '/') {
		fprintf(stderr, "new-kernel-pkg: --root=%s: must be an absolute path\n", o->root);
		return -1;
	}
	return 0;
}

void nkp_describe_run(const struct nkp_options *o, char *buf, size_t size)
{
	const char *mode = "";
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == o->mode)
			mode = modes[i].name;
	snprintf(buf, size, "new-kernel-pkg %s %s", mode, o->version ? o->version : "");
}

int nkp_parse_options(int argc, char **argv, struct nkp_options *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (set_flag(o, arg))
			continue;
		int r = set_special(o, arg);
		if (!r)
			r = set_valued(o, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (set_positional(o, arg))
			return -1;
	}
	return check_combination(o);
}
