/* What new-kernel-pkg reads from the system it works on: /etc/sysconfig/kernel
 * (through the sysconfig reader, never run), the distribution's name for the
 * entry title, the root device, and dracut's console/locale arguments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubby/new-kernel-pkg/nkp.h"
#include "sysconfig/shvar.h"

static char *dup_nonempty(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* A refused key new-kernel-pkg needs: fatal when guessing it would write a
 * different kind of entry, otherwise taken as unset. */
static int judge_refused(const struct shvar_file *f, const char *key, bool fatal, const char *fallback)
{
	unsigned line = shvar_rejected_line(f, key);
	if (!line)
		return 0;
	if (fatal) {
		fprintf(stderr, "new-kernel-pkg: %s:%u: %s cannot be read safely; nothing changed "
			"(fix the file, or give it on the command line)\n", f->path, line, key);
		return -1;
	}
	fprintf(stderr, "new-kernel-pkg: warning: %s:%u: %s cannot be read safely; %s\n", f->path, line, key,
		fallback);
	return 0;
}

int nkp_load_settings(const struct nkp_options *o, const char *root, struct nkp_settings *s)
{
	memset(s, 0, sizeof(*s));
	char *path = nkp_in_root(root, "/etc/sysconfig/kernel");
	if (!path)
		return -1;
	struct shvar_file f;
	if (shvar_load(&f, path, stderr)) {
		int e = errno;
		shvar_free(&f);
		free(path);
		return e == ENOENT ? 0 : -1; /* no file: every key unset, as upstream */
	}
	free(path);
	int rc = 0;
	/* The hypervisor decides plain vs multiboot (and how an update puts an
	 * initramfs in the entry), its arguments go into the entry: never guess
	 * them. Only --remove does without. */
	bool install = o->mode != NKP_REMOVE;
	const char *hv = shvar_get(&f, "HYPERVISOR");
	bool multiboot = o->multiboot || (hv && *hv) || shvar_rejected_line(&f, "HYPERVISOR");
	if (judge_refused(&f, "HYPERVISOR", install && !o->multiboot,
			  o->multiboot ? "--multiboot replaces it" : "not needed here") ||
	    judge_refused(&f, "HYPERVISOR_ARGS", install && multiboot && !o->mbargs,
			  o->mbargs ? "--mbargs replaces it" : "not needed here"))
		rc = -1;
	/* a command in the file (sh would run it) could set HYPERVISOR or its
	 * arguments: the entry would be a guess unless both are given */
	if (!rc && install && f.keyless_line && !(o->multiboot && o->mbargs)) {
		fprintf(stderr, "new-kernel-pkg: %s:%u: a line that is not an assignment could set HYPERVISOR or "
			"HYPERVISOR_ARGS; nothing changed (fix the file, or give --multiboot and --mbargs)\n",
			f.path, f.keyless_line);
		rc = -1;
	}
	if (!rc && o->mode == NKP_INSTALL &&
	    (judge_refused(&f, "UPDATEDEFAULT", false, "the default entry is left as it is") ||
	     judge_refused(&f, "DEFAULTKERNEL", false, "the default entry is left as it is") ||
	     judge_refused(&f, "MAKEDEBUG", false, "no debug entry is made")))
		rc = -1;
	if (!rc) {
		s->hypervisor = dup_nonempty(shvar_get(&f, "HYPERVISOR"));
		s->hypervisor_args = dup_nonempty(shvar_get(&f, "HYPERVISOR_ARGS"));
		s->defaultkernel = dup_nonempty(shvar_get(&f, "DEFAULTKERNEL"));
		s->updatedefault = shvar_is_true(shvar_get(&f, "UPDATEDEFAULT"));
		s->makedebug = shvar_is_true(shvar_get(&f, "MAKEDEBUG"));
		s->xen_efi_config = dup_nonempty(shvar_get(&f, "XEN_EFI_CONFIG"));
		s->xen_efi_image = dup_nonempty(shvar_get(&f, "XEN_EFI_IMAGE"));
	}
	shvar_free(&f);
	return rc;
}

void nkp_free_settings(struct nkp_settings *s)
{
	free(s->hypervisor);
	free(s->hypervisor_args);
	free(s->defaultkernel);
	free(s->xen_efi_config);
	free(s->xen_efi_image);
	memset(s, 0, sizeof(*s));
}

/* Load an optional shell-variable file under ROOT quietly except for its
 * refused lines; false when it is absent. */
static bool load_optional(const char *root, const char *file, struct shvar_file *f)
{
	char *path = nkp_in_root(root, file);
	bool ok = path && !shvar_load(f, path, stderr);
	if (!ok)
		shvar_free(f);
	free(path);
	return ok;
}

static char *title_from_release_file(const char *root, const char *version)
{
	char *path = nkp_in_root(root, "/etc/redhat-release");
	FILE *in = path ? fopen(path, "r") : NULL;
	free(path);
	if (!in)
		return NULL;
	char line[256] = "";
	if (!fgets(line, sizeof(line), in))
		line[0] = '\0';
	fclose(in);
	char *cut = strstr(line, " release");
	if (cut)
		*cut = '\0';
	line[strcspn(line, "\n")] = '\0';
	char *title = NULL;
	if (line[0] && asprintf(&title, "%s (%s)", line, version) < 0)
		title = NULL;
	return title;
}

char *nkp_title(const char *root, const char *banner, const char *version)
{
	char *title = NULL;
	if (banner && *banner)
		return asprintf(&title, "%s (%s)", banner, version) < 0 ? NULL : title;
	struct shvar_file f;
	if (load_optional(root, "/etc/os-release", &f) || load_optional(root, "/usr/lib/os-release", &f)) {
		const char *name = shvar_get(&f, "NAME"), *ver = shvar_get(&f, "VERSION");
		if (name && *name &&
		    asprintf(&title, "%s (%s)%s%s", name, version, ver && *ver ? " " : "", ver ? ver : "") < 0)
			title = NULL;
		shvar_free(&f);
		if (title)
			return title;
	}
	title = title_from_release_file(root, version);
	if (title)
		return title;
	return asprintf(&title, "Red Hat Linux (%s)", version) < 0 ? NULL : title;
}

/* The device ROOT/etc/fstab mounts on MOUNTPOINT, or NULL. */
static char *fstab_device(const char *root, const char *mountpoint)
{
	char *path = nkp_in_root(root, "/etc/fstab");
	FILE *in = path ? fopen(path, "r") : NULL;
	free(path);
	if (!in)
		return NULL;
	char line[1024], dev[512], mnt[512];
	char *found = NULL;
	while (!found && fgets(line, sizeof(line), in)) {
		const char *p = line + strspn(line, " \t");
		if (*p == '#')
			continue;
		if (sscanf(p, "%511s %511s", dev, mnt) == 2 && !strcmp(mnt, mountpoint))
			found = strdup(dev);
	}
	fclose(in);
	return found;
}

static char *root_from_fstab(const char *root)
{
	return fstab_device(root, "/");
}

bool nkp_separate_boot(const char *root)
{
	char *dev = fstab_device(root, "/boot");
	bool separate = dev != NULL;
	free(dev);
	return separate;
}

static char *root_from_cmdline(void)
{
	FILE *in = fopen("/proc/cmdline", "r");
	if (!in)
		return NULL;
	char line[4096] = "";
	if (!fgets(line, sizeof(line), in))
		line[0] = '\0';
	fclose(in);
	for (char *w = strtok(line, " \t\n"); w; w = strtok(NULL, " \t\n"))
		if (!strncmp(w, "root=", 5) && w[5])
			return strdup(w + 5);
	return NULL;
}

char *nkp_root_device(const char *root)
{
	char *dev = root_from_fstab(root);
	/* the running kernel's root says nothing about an image under --root */
	if (!dev && (!root || !*root))
		dev = root_from_cmdline();
	return dev;
}

/* The settings dracut turns into rd.* arguments, as upstream listed them. */
static const struct {
	const char *key, *karg;
} dracut_keys[] = {
	{ "KEYMAP", "rd.vconsole.keymap" },     { "FONT", "rd.vconsole.font" },
	{ "FONT_MAP", "rd.vconsole.font.map" },  { "FONT_UNIMAP", "rd.vconsole.font.unimap" },
	{ "UNICODE", "rd.vconsole.font.unicode" }, { "EXT_KEYMAP", "rd.vconsole.keymap.ext" },
	{ "LANG", "rd.locale.LANG" },            { "LC_ALL", "rd.locale.LC_ALL" },
};

static char *append_karg(char *args, const char *karg, const char *value)
{
	char *out = NULL;
	if (asprintf(&out, "%s%s%s=\"%s\"", args ? args : "", args && *args ? " " : "", karg, value) < 0)
		out = NULL;
	free(args);
	return out;
}

char *nkp_dracut_kargs(const char *root, const char *args)
{
	char *out = args ? strdup(args) : NULL;
	struct shvar_file vc, lc;
	bool have_vc = load_optional(root, "/etc/vconsole.conf", &vc);
	bool have_lc = load_optional(root, "/etc/locale.conf", &lc);
	for (size_t i = 0; i < sizeof(dracut_keys) / sizeof(dracut_keys[0]); i++) {
		/* locale.conf is read after vconsole.conf, so it wins, as in the shell */
		const char *v = have_lc ? shvar_get(&lc, dracut_keys[i].key) : NULL;
		if (!v && have_vc)
			v = shvar_get(&vc, dracut_keys[i].key);
		if (v && *v)
			out = append_karg(out, dracut_keys[i].karg, v);
	}
	if (have_vc)
		shvar_free(&vc);
	if (have_lc)
		shvar_free(&lc);
	return out;
}
