/* grubby --bls: Boot Loader Specification Type #1 entries. Not a one-file
 * dialect like the others: the "config" is a directory of entry files
 * (-c DIR, default ROOT/boot/loader/entries), one per kernel, named
 * MACHINEID-VERSION.conf, and the default is loader.conf's "default" line
 * beside that directory (what systemd-boot reads from the ESP or
 * XBOOTLDR; grubby-bls on Fedora kept it in GRUB's grubenv instead). */
#include "grubby/bls.h"
#include "grubby/model.h"
#include "grubby/safefile.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bls_run {
	const struct bls_request *r;
	struct bls_dir b;
	const char *root;	/* "" for / */
	const char *prefix;	/* "/boot" when /boot is its own file system */
};

static const char *in_root(const struct bls_run *s, const char *path)
{
	return gb_printf("%s%s", s->root, path);
}

/* "" when /boot is on the root file system, else "/boot": paths in entries
 * are relative to the file system that holds them */
static const char *boot_prefix(const struct bls_run *s)
{
	const char *fs = s->r->boot_fs;
	if (fs) {
		size_t n = strlen(fs);
		while (n && fs[n - 1] == '/')
			n--;
		return gb_strndup(fs, n);
	}
	struct stat root, boot;
	if (stat(*s->root ? s->root : "/", &root) ||
	    stat(in_root(s, "/boot"), &boot) || root.st_dev == boot.st_dev)
		return "";
	return "/boot";
}

static const char *on_boot_fs(const struct bls_run *s, const char *path)
{
	size_t n = strlen(s->prefix);
	if (n && !strncmp(path, s->prefix, n) && path[n] == '/')
		return path + n;
	return path;
}

/* the version in a kernel's file name: vmlinuz-6.1.0-10-amd64 -> 6.1.0-10-amd64 */
static const char *version_of(const char *kernel)
{
	const char *base = strrchr(kernel, '/');
	base = base ? base + 1 : kernel;
	const char *dash = strchr(base, '-');
	return dash && dash[1] ? dash + 1 : NULL;
}

static bool valid_machine_id(const char *id)
{
	size_t n = strlen(id);
	if (n != 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)id[i]) || isupper((unsigned char)id[i]))
			return false;
	return true;
}

static const char *machine_id(const struct bls_run *s)
{
	if (s->r->machine_id) {
		if (valid_machine_id(s->r->machine_id))
			return s->r->machine_id;
		fprintf(stderr, "grubby: --machine-id=%s: not 32 lower-case hex "
			"digits\n", s->r->machine_id);
		return NULL;
	}
	/* what kernel-install chose, when it runs us through its plugin */
	const char *env = getenv("KERNEL_INSTALL_MACHINE_ID");
	if (env && valid_machine_id(env))
		return env;
	const char *path = in_root(s, "/etc/machine-id");
	FILE *f = fopen(path, "re");
	char buf[64] = "";
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (valid_machine_id(buf))
		return gb_strdup(buf);
	fprintf(stderr, "grubby: %s: %s; give --machine-id\n", path,
		f ? "not a machine id" : strerror(errno));
	return NULL;
}

/* IMAGE_ID, else ID, of the root's os-release: kernel-install's sort-key */
static const char *sort_key(const struct bls_run *s)
{
	const char *paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	const char *found = NULL;
	for (int i = 0; i < 2 && !found; i++) {
		FILE *f = fopen(in_root(s, paths[i]), "re");
		char line[512];
		const char *id = NULL, *image = NULL;
		while (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			char *v = strchr(line, '=');
			if (!v)
				continue;
			*v++ = '\0';
			size_t n = strlen(v);
			if (n >= 2 && (v[0] == '"' || v[0] == '\'') &&
			    v[n - 1] == v[0])
				v = gb_strndup(v + 1, n - 2);
			if (!strcmp(line, "ID"))
				id = gb_strdup(v);
			else if (!strcmp(line, "IMAGE_ID"))
				image = gb_strdup(v);
		}
		if (f)
			fclose(f);
		found = image && *image ? image : id && *id ? id : NULL;
	}
	return found;
}

/* ---- which entries a command names ---- */

static bool live(const struct bls_entry *e)
{
	return !e->removed;
}

static int index_of(const struct bls_run *s, const struct bls_entry *e)
{
	int n = 0;
	for (int i = 0; i < s->b.n; i++) {
		if (s->b.entries[i] == e)
			return n;
		n += live(s->b.entries[i]);
	}
	return -1;
}

static struct bls_entry *by_index(const struct bls_run *s, int index)
{
	for (int i = 0, n = 0; i < s->b.n; i++)
		if (live(s->b.entries[i]) && n++ == index)
			return s->b.entries[i];
	return NULL;
}

static const char *entry_id(const struct bls_entry *e)
{
	return gb_strndup(e->name, strlen(e->name) - 5);
}

/* loader.conf's default, matched as systemd-boot does: a glob against the
 * entry's file name, with or without .conf; none (or "@saved", which only
 * the firmware's variables resolve): the first entry */
static struct bls_entry *default_entry(const struct bls_run *s)
{
	const char *pattern = bls_get(s->b.loader, "default");
	for (int i = 0; pattern && pattern[0] != '@' && i < s->b.n; i++) {
		struct bls_entry *e = s->b.entries[i];
		if (live(e) && (!fnmatch(pattern, e->name, FNM_CASEFOLD) ||
				!fnmatch(pattern, entry_id(e), FNM_CASEFOLD)))
			return e;
	}
	return by_index(s, 0);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* SPEC: ALL, DEFAULT, an index, TITLE=title or a kernel's path (for an
 * entry that starts a hypervisor, the path's version names it) */
static bool matches(const struct bls_run *s, struct bls_entry *e,
		    const char *spec)
{
	if (!live(e))
		return false;
	if (!strcmp(spec, "ALL"))
		return true;
	if (!strcmp(spec, "DEFAULT"))
		return e == default_entry(s);
	if (all_digits(spec))
		return index_of(s, e) == atoi(spec);
	if (!strncmp(spec, "TITLE=", 6)) {
		const char *t = bls_get(e, "title");
		return t && !strcmp(t, spec + 6);
	}
	const char *linux = bls_get(e, "linux");
	if (linux)
		return !strcmp(linux, on_boot_fs(s, spec));
	const char *v = bls_get(e, "version"), *sv = version_of(spec);
	return bls_get(e, "efi") && v && sv && !strcmp(v, sv);
}

/* ---- showing ---- */

static void show_entry(const struct bls_run *s, const struct bls_entry *e)
{
	printf("index=%d\n", index_of(s, e));
	const char *linux = bls_get(e, "linux"), *efi = bls_get(e, "efi");
	const char *opts = bls_options(e);
	if (linux)
		printf("kernel=\"%s%s\"\n", s->prefix, linux);
	else if (efi)
		printf("efi=\"%s%s\"\n", s->prefix, efi);
	const char *root = bls_args_value(opts, "root");
	printf("args=\"%s\"\n", linux ? bls_args_remove(opts, "root") : opts);
	if (linux && root)
		printf("root=\"%s\"\n", root);
	const char *initrds = "";
	for (int i = 0; i < e->nlines; i++)
		if (e->lines[i].key && !strcmp(e->lines[i].key, "initrd"))
			initrds = gb_printf("%s%s%s%s", initrds,
					    *initrds ? " " : "", s->prefix,
					    e->lines[i].value);
	if (*initrds)
		printf("initrd=\"%s\"\n", initrds);
	const char *title = bls_get(e, "title");
	if (title)
		printf("title=\"%s\"\n", title);
	printf("id=\"%s\"\n", entry_id(e));
}

static int show(struct bls_run *s)
{
	const struct bls_request *r = s->r;
	if (r->info) {
		int found = 0;
		for (int i = 0; i < s->b.n; i++)
			if (matches(s, s->b.entries[i], r->info)) {
				show_entry(s, s->b.entries[i]);
				found++;
			}
		if (!found)
			fprintf(stderr, "grubby: kernel not found\n");
		return found ? 0 : 1;
	}
	struct bls_entry *e = default_entry(s);
	if (!e)
		return 0;
	if (r->show == 'i') {
		printf("%d\n", index_of(s, e));
	} else if (r->show == 't') {
		const char *t = bls_get(e, "title");
		if (t)
			printf("%s\n", t);
	} else {
		const char *k = bls_get(e, "linux");
		if (!k)
			k = bls_get(e, "efi");
		if (k)
			printf("%s%s\n", s->prefix, k);
	}
	return 0;
}

/* ---- changing ---- */

static void make_default(struct bls_run *s, const struct bls_entry *e)
{
	bls_set(s->b.loader, "default", e->name);
}

static void remove_entries(struct bls_run *s, const char *spec)
{
	for (int i = 0; spec && i < s->b.n; i++)
		if (matches(s, s->b.entries[i], spec))
			s->b.entries[i]->removed = true;
}

/* a default naming exactly a removed entry would name nothing: it goes,
 * and systemd-boot starts the first entry */
static void drop_dangling_default(struct bls_run *s)
{
	const char *dflt = bls_get(s->b.loader, "default");
	bool dangling = false;
	for (int i = 0; dflt && i < s->b.n; i++) {
		struct bls_entry *e = s->b.entries[i];
		if (strcmp(dflt, e->name) && strcmp(dflt, entry_id(e)))
			continue;
		if (live(e))
			return;
		dangling = true;
	}
	if (dangling)
		bls_unset(s->b.loader, "default");
}

static int update_entries(struct bls_run *s)
{
	const struct bls_request *r = s->r;
	int found = 0;
	for (int i = 0; r->update_kernel && i < s->b.n; i++) {
		struct bls_entry *e = s->b.entries[i];
		if (!matches(s, e, r->update_kernel) || !bls_get(e, "linux"))
			continue;
		found++;
		const char *old = bls_options(e);
		const char *opts = bls_args_add(bls_args_remove(old, r->remove_args),
						r->args);
		if (strcmp(opts, old)) {
			if (*opts)
				bls_set(e, "options", opts);
			else
				bls_unset(e, "options");
		}
		if (r->initrd)
			bls_set(e, "initrd", on_boot_fs(s, r->initrd));
	}
	return 0;
}

/* the EFI image of a hypervisor named by its multiboot image:
 * /boot/xen-4.17-amd64.gz -> /boot/xen-4.17-amd64.efi, as Debian ships them */
static const char *efi_image_of(const char *mb)
{
	size_t n = strlen(mb);
	if (n > 4 && !strcmp(mb + n - 4, ".efi"))
		return mb;
	static const char *const packed[] = { ".gz", ".xz", ".bz2", ".lzma",
					       ".zst", ".lz4", NULL };
	for (int i = 0; packed[i]; i++) {
		size_t k = strlen(packed[i]);
		if (n > k && !strcmp(mb + n - k, packed[i])) {
			n -= k;
			break;
		}
	}
	return gb_printf("%.*s.efi", (int)n, mb);
}

static struct bls_entry *template_entry(struct bls_run *s)
{
	struct bls_entry *e = default_entry(s);
	if (e && bls_get(e, "linux"))
		return e;
	for (int i = 0; i < s->b.n; i++)
		if (live(s->b.entries[i]) && bls_get(s->b.entries[i], "linux"))
			return s->b.entries[i];
	return NULL;
}

static int check_image(const struct bls_run *s, const char *path)
{
	if (s->r->bad_image_okay || path[0] != '/' || !access(path, R_OK))
		return 0;
	fprintf(stderr, "grubby: %s: %s\n", path, strerror(errno));
	return -1;
}

static int add_entry(struct bls_run *s, const char *template_opts)
{
	const struct bls_request *r = s->r;
	const char *version = version_of(r->add_kernel);
	if (!version) {
		fprintf(stderr, "grubby: %s: no version in the file name "
			"(NAME-VERSION)\n", r->add_kernel);
		return -1;
	}
	const char *mid = machine_id(s);
	const char *xen = r->mb_kernel ? efi_image_of(r->mb_kernel) : NULL;
	if (!mid || check_image(s, r->add_kernel) || (xen && check_image(s, xen)))
		return -1;
	const char *name = gb_printf("%s-%s.conf", mid, version);
	struct bls_entry *e = NULL;
	for (int i = 0; i < s->b.n && !e; i++)
		if (!strcmp(s->b.entries[i]->name, name))
			e = s->b.entries[i];
	if (e) {		/* the same kernel again: a fresh file */
		e->nlines = 0;
		e->removed = false;
		e->dirty = true;
		e->no_final_newline = false;
	} else {
		e = bls_new_entry(&s->b, name);
	}
	bls_append(e, "title", r->title);
	bls_append(e, "version", version);
	bls_append(e, "machine-id", mid);
	const char *key = sort_key(s);
	if (key)
		bls_append(e, "sort-key", key);
	if (xen) {
		bls_xen_entry(e, on_boot_fs(s, xen), r->mb_args, version);
	} else {
		const char *opts = bls_args_add(template_opts, r->args);
		if (*opts)
			bls_append(e, "options", opts);
		bls_append(e, "linux", on_boot_fs(s, r->add_kernel));
		if (r->initrd)
			bls_append(e, "initrd", on_boot_fs(s, r->initrd));
		for (int i = 0; i < r->extra_initrd_count; i++)
			bls_append(e, "initrd", on_boot_fs(s, r->extra_initrds[i]));
		if (r->devtree)
			bls_append(e, "devicetree", on_boot_fs(s, r->devtree));
	}
	bls_sort(&s->b);
	if (r->make_default)
		make_default(s, e);
	return 0;
}

static int set_default(struct bls_run *s)
{
	const struct bls_request *r = s->r;
	struct bls_entry *e = NULL;
	if (r->set_default) {
		for (int i = 0; i < s->b.n && !e; i++)
			if (matches(s, s->b.entries[i], r->set_default))
				e = s->b.entries[i];
		if (!e) {
			fprintf(stderr, "grubby: %s: no entry boots it; "
				"nothing changed\n", r->set_default);
			return -1;
		}
	} else if (r->set_default_index >= 0) {
		e = by_index(s, r->set_default_index);
		if (!e) {
			fprintf(stderr, "grubby: no entry %d; nothing changed\n",
				r->set_default_index);
			return -1;
		}
	}
	if (e)
		make_default(s, e);
	return 0;
}

static int apply(struct bls_run *s)
{
	const struct bls_request *r = s->r;
	struct bls_entry *tmpl = r->copy_default ? template_entry(s) : NULL;
	const char *tmpl_opts = tmpl ? bls_options(tmpl) : "";
	remove_entries(s, r->remove_kernel);
	if (update_entries(s) || (r->add_kernel && add_entry(s, tmpl_opts)) ||
	    set_default(s))
		return -1;
	drop_dangling_default(s);
	return 0;
}

/* ---- writing ---- */

static int write_entry(FILE *out, void *arg)
{
	return bls_write_entry(out, arg);
}

static int write_file(struct bls_entry *e)
{
	struct safe_file sf = { .path = strdup(e->path),
				.target = strdup(e->path), .lock_fd = -1 };
	int rc = sf.path && sf.target ? safe_file_replace(&sf, write_entry, e) : -1;
	free(sf.path);
	free(sf.target);
	return rc;
}

/* dry run: each file that would change, as `tail` heads them */
static void print_changes(const struct bls_run *s)
{
	for (int i = 0; i <= s->b.n; i++) {
		const struct bls_entry *e = i < s->b.n ? s->b.entries[i] : s->b.loader;
		if (e->removed && !e->created)
			printf("==> %s <== (removed)\n", e->path);
		else if (e->dirty && !e->removed)
			printf("==> %s <==\n", e->path), bls_write_entry(stdout, e);
	}
}

/* loader.conf goes through its lock's safe_file: a symlink in front of it stays */
static int commit(struct bls_run *s, struct safe_file *loader)
{
	for (int i = 0; i < s->b.n; i++) {
		struct bls_entry *e = s->b.entries[i];
		if (e->dirty && !e->removed && write_file(e))
			return -1;
	}
	for (int i = 0; i < s->b.n; i++) {
		struct bls_entry *e = s->b.entries[i];
		if (e->removed && !e->created && unlink(e->path) && errno != ENOENT) {
			fprintf(stderr, "grubby: %s: %s\n", e->path, strerror(errno));
			return -1;
		}
	}
	if (!s->b.loader->dirty)
		return 0;
	return loader->target ? safe_file_replace(loader, write_entry, s->b.loader)
			      : write_file(s->b.loader);
}

static int make_dirs(const char *dir)
{
	char *copy = gb_strdup(dir);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) && errno != EEXIST)
			break;
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "grubby: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int bls_main(const struct bls_request *r)
{
	struct bls_run s = { .r = r };
	s.root = r->root && strcmp(r->root, "/") ? r->root : "";
	size_t rl = strlen(s.root);
	while (rl && s.root[rl - 1] == '/')
		rl--;
	s.root = gb_strndup(s.root, rl);
	s.prefix = boot_prefix(&s);
	const char *dir = r->entries_dir ? r->entries_dir
					 : in_root(&s, "/boot/loader/entries");
	char *parent = gb_strdup(dir);
	const char *loader = gb_printf("%s/loader.conf", dirname(parent));
	bool shows = r->info || r->show;
	bool dry = r->output && !strcmp(r->output, "-");
	if (r->output && !dry) {
		fprintf(stderr, "grubby: with --bls, -o takes only \"-\" (print "
			"the changes, write nothing)\n");
		return 1;
	}
	if (!shows && !dry && r->add_kernel && make_dirs(dir))
		return 1;
	struct safe_file lock = { .lock_fd = -1 };
	if (!shows && !dry && safe_file_lock(&lock, loader))
		return 1;
	int rc = 1;
	if (bls_read(&s.b, dir, loader))
		goto done;
	if (shows) {
		rc = show(&s);
		goto done;
	}
	if (apply(&s))
		goto done;
	if (dry) {
		print_changes(&s);
		rc = fflush(stdout) ? 1 : 0;
	} else {
		rc = commit(&s, &lock) ? 1 : 0;
	}
done:
	if (!shows && !dry)
		safe_file_unlock(&lock);
	return rc;
}
