/* xen.cfg for Xen's EFI direct boot: which one new-kernel-pkg keeps, and the
 * files xen.efi needs beside it. xen.efi reads only from the EFI system
 * partition, so the kernel and initramfs are copied into xen.cfg's
 * directory (and removed with the entry), and xen.efi itself when asked. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grubby/new-kernel-pkg/nkp.h"

bool nkp_is_xenefi(const struct bootcfg *cfg)
{
	return !strcmp(cfg->loader, NKP_XENEFI_LOADER);
}

void nkp_xenefi_find(const char *root, const char *configured, struct bootcfgs *c)
{
	const char *path = configured && *configured ? configured : NKP_XENEFI_CONFIG;
	char *host = nkp_in_root(root, path);
	struct stat st;
	if (!host || c->n >= sizeof(c->cfg) / sizeof(c->cfg[0]))
		goto out;
	bool exists = !stat(host, &st);
	/* a configured xen.cfg is made by the first install; the usual path is
	 * kept only when it is there */
	if (!exists && (!configured || !*configured || errno != ENOENT))
		goto out;
	char *copy = strdup(host);
	bool dir_ok = copy && !stat(dirname(copy), &st) && S_ISDIR(st.st_mode);
	free(copy);
	if (!exists && !dir_ok) {
		fprintf(stderr, "new-kernel-pkg: warning: %s: its directory is not there (is the EFI system "
			"partition mounted?); xen.cfg left alone\n", host);
		goto out;
	}
	c->cfg[c->n++] = (struct bootcfg){ .loader = NKP_XENEFI_LOADER, .path = host, .missing = !exists };
	return;
out:
	free(host);
}

char *nkp_hv_efi_image(const char *mb, const char *suffix)
{
	static const char *const packed[] = { ".efi", ".gz", ".xz", ".bz2", ".lzma", ".zst", ".lz4" };
	size_t n = strlen(mb);
	for (size_t i = 0; i < sizeof(packed) / sizeof(packed[0]); i++) {
		size_t k = strlen(packed[i]);
		if (n > k && !strcmp(mb + n - k, packed[i])) {
			n -= k;
			break;
		}
	}
	char *out = NULL;
	return asprintf(&out, "%.*s%s", (int)n, mb, suffix) < 0 ? NULL : out;
}

static const char bls_xen_header[] =
	"# xen.cfg of the boot loader entries (/boot/loader/entries) that start Xen:\n"
	"# each names its kernel's [section] (the kernel version), which new-kernel-pkg\n"
	"# adds and removes with the entry; sections of your own stay as you write them.\n";

/* Puts HOST, a xen.cfg of BLS Xen entries, before the BLS entries at BLS. */
static void insert_bls_xen(struct bootcfgs *c, size_t bls, char *host, bool left)
{
	struct stat st;
	if (c->n >= sizeof(c->cfg) / sizeof(c->cfg[0])) {
		free(host);
		return;
	}
	memmove(&c->cfg[bls + 1], &c->cfg[bls], (c->n - bls) * sizeof(c->cfg[0]));
	c->n++;
	c->cfg[bls] = (struct bootcfg){ .loader = NKP_XENEFI_LOADER, .path = host, .bls_xen = true,
					 .left = left, .missing = stat(host, &st) != 0 };
}

/* With no hypervisor configured now, the files one configured earlier left:
 * each NAME.cfg in /boot beside a NAME.efi, so a kernel's section goes with
 * it even after HYPERVISOR= was emptied. */
static void find_left_bls_xen(const char *root, struct bootcfgs *c, size_t bls)
{
	char *boot = nkp_in_root(root, "/boot");
	DIR *d = boot ? opendir(boot) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char *cfg = NULL, *efi = NULL;
		if (n <= 4 || strcmp(de->d_name + n - 4, ".cfg") ||
		    asprintf(&cfg, "%s/%s", boot, de->d_name) < 0)
			continue;
		if (asprintf(&efi, "%s/%.*s.efi", boot, (int)(n - 4), de->d_name) >= 0 &&
		    !access(efi, R_OK)) {
			insert_bls_xen(c, bls, cfg, true);
			cfg = NULL;
		}
		free(efi);
		free(cfg);
	}
	if (d)
		closedir(d);
	free(boot);
}

void nkp_xenefi_find_bls(const char *root, const char *hv, struct bootcfgs *c)
{
	size_t bls = 0;
	while (bls < c->n && !c->cfg[bls].is_dir)
		bls++;
	if (bls == c->n)
		return;
	if (!hv || !*hv) {
		find_left_bls_xen(root, c, bls);
		return;
	}
	/* grubby --bls names it -cfg=\NAME.cfg beside NAME.efi */
	char *cfg = nkp_hv_efi_image(hv, ".cfg"), *host = cfg ? nkp_in_root(root, cfg) : NULL;
	free(cfg);
	if (host)
		insert_bls_xen(c, bls, host, false);
}

/* DIR of xen.cfg joined with NAME's last component */
static char *beside(const struct bootcfg *cfg, const char *name, const char *suffix)
{
	char *d = strdup(cfg->path), *b = strdup(name), *out = NULL;
	if (d && b && asprintf(&out, "%s/%s%s", dirname(d), basename(b), suffix) < 0)
		out = NULL;
	free(d);
	free(b);
	return out;
}

char *nkp_xenefi_copy_path(const struct bootcfg *cfg, const char *file)
{
	return beside(cfg, file, "");
}

/* copy FROM to TO through a temporary file beside TO */
static int copy_file(const char *from, const char *to)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.nkp-XXXXXX", to) < 0)
		return -1;
	int in = open(from, O_RDONLY | O_CLOEXEC), out = in < 0 ? -1 : mkstemp(tmp);
	bool ok = out >= 0;
	char buf[65536];
	ssize_t n;
	while (ok && (n = read(in, buf, sizeof(buf))) != 0)
		ok = n > 0 && write(out, buf, (size_t)n) == n;
	ok = ok && !fchmod(out, 0644) && !fsync(out);
	if (out >= 0 && close(out))
		ok = false;
	if (in >= 0)
		close(in);
	ok = ok && !rename(tmp, to);
	if (!ok) {
		fprintf(stderr, "new-kernel-pkg: cannot copy %s to %s: %s\n", from, to, strerror(errno));
		if (out >= 0)
			unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

static int copy_in(const struct nkp_plan *p, const struct bootcfg *cfg, const char *file, const char *suffix,
		   const char *as)
{
	char *from = nkp_in_root(p->root, file);
	char *to = beside(cfg, as ? as : file, suffix);
	char *rf = from ? realpath(from, NULL) : NULL, *rt = to ? realpath(to, NULL) : NULL;
	int rc = !from || !to ? -1 : rf && rt && !strcmp(rf, rt) ? 0 : copy_file(from, to);
	if (!rc && p->verbose)
		fprintf(stderr, "copied %s to %s\n", from, to);
	free(from);
	free(to);
	free(rf);
	free(rt);
	return rc;
}

static const char xenefi_header[] =
	"# xen.cfg: read by xen.efi beside it (Xen's EFI boot). new-kernel-pkg adds a\n"
	"# [section] for each kernel and sets default= in [global]; sections of your own\n"
	"# stay as you write them.\n";

/* what xen.efi's command line carries as a section name, and grubby writes unchanged */
static bool section_name_ok(const char *version)
{
	for (const char *c = version; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      strchr("._+-", *c)))
			return false;
	return *version != '\0';
}

/* The xen.cfg of BLS Xen entries: its section comes and goes with the entry. */
/* Whether PATH has a line "[NAME]". */
static bool has_section(const char *path, const char *name)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = strlen(name);
	bool found = false;
	while (f && !found && getline(&line, &cap, f) >= 0)
		found = line[0] == '[' && !strncmp(line + 1, name, n) && line[n + 1] == ']';
	free(line);
	if (f)
		fclose(f);
	return found;
}

static int prepare_bls_xen(const struct nkp_plan *p, struct bootcfg *cfg, enum nkp_grubby_action action)
{
	if (action == NKP_ADD_DEBUG)
		return 1;
	if (cfg->left) /* no hypervisor now: only the kernel's old section goes */
		return action == NKP_UPDATE_KERNEL || !has_section(cfg->path, p->version) ? 1 : 0;
	if (action != NKP_ADD || !p->mbkernel)
		return cfg->missing ? 1 : 0; /* a plain entry now: an old section goes (see grubby.c) */
	char *efi = nkp_hv_efi_image(p->mbkernel, ".efi"), *host = efi ? nkp_in_root(p->root, efi) : NULL;
	bool no_efi = !host || access(host, R_OK);
	free(efi);
	free(host);
	if (no_efi)
		return 1; /* no Xen entry either; the BLS run says why */
	if (!section_name_ok(p->version)) {
		fprintf(stderr, "new-kernel-pkg: %s: kernel version %s cannot name a section there (letters, "
			"digits and ._+- only); nothing changed\n", cfg->path, p->version);
		return -1;
	}
	if (cfg->missing) {
		if (nkp_create_config(cfg, bls_xen_header))
			return -1;
		cfg->created = true;
	}
	return 0;
}

int nkp_xenefi_prepare(const struct nkp_plan *p, struct bootcfg *cfg, enum nkp_grubby_action action)
{
	if (cfg->bls_xen)
		return prepare_bls_xen(p, cfg, action);
	if (action == NKP_REMOVE_KERNEL || action == NKP_ADD_DEBUG)
		return cfg->missing ? 1 : 0;
	if (cfg->missing) {
		if (action != NKP_ADD)
			return 1;
		if (nkp_create_config(cfg, xenefi_header))
			return -1;
		cfg->created = true;
	}
	if (copy_in(p, cfg, p->kernel, "", NULL) || (p->initrd && copy_in(p, cfg, p->initrd, "", NULL)))
		return -1;
	if (action == NKP_ADD && p->xen_efi_image) {
		/* xen.efi reads the .cfg of its own name: xen.cfg -> xen.efi */
		char *base = strdup(cfg->path), *dot = base ? strrchr(base, '.') : NULL;
		if (dot)
			*dot = '\0';
		int rc = base ? copy_in(p, cfg, p->xen_efi_image, ".efi", base) : -1;
		free(base);
		if (rc)
			return -1;
	}
	return 0;
}

void nkp_xenefi_cleanup(const struct nkp_plan *p, const struct bootcfg *cfg)
{
	if (cfg->bls_xen)
		return; /* nothing was copied */
	const char *files[] = { p->kernel, p->initrd };
	for (size_t i = 0; i < 2; i++) {
		char *copy = files[i] ? beside(cfg, files[i], "") : NULL;
		char *orig = files[i] ? nkp_in_root(p->root, files[i]) : NULL;
		/* only a copy: never the file itself */
		if (copy && orig && strcmp(copy, orig) && unlink(copy) && errno != ENOENT)
			fprintf(stderr, "new-kernel-pkg: warning: %s: %s\n", copy, strerror(errno));
		free(copy);
		free(orig);
	}
}
