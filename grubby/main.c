/* grubby: command-line tool to inspect and change boot loader configs,
 * compatible with the options and output of grubby 8.40. */
#include "grubby/bls.h"
#include "grubby/core.h"
#include "grubby/safefile.h"
#include "grubby/scratch.h"
#include "grubby/xenefi.h"

#include <errno.h>
#include <popt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GRUBBY_VERSION "8.40"
#define MAX_EXTRA_INITRDS 16

struct opts {
	char *config, *output, *env, *boot_prefix, *mounts;
	char *add_kernel, *update_kernel, *remove_kernel;
	char *args, *remove_args, *initrd, *title, *devtree;
	char *mb_kernel, *mb_args, *remove_mbargs, *remove_mb_kernel;
	char *set_default, *info;
	char *root, *machine_id;	/* --bls */
	int bls;
	const char *extra_initrds[MAX_EXTRA_INITRDS];
	int extra_initrd_count;
	int bad_image_okay, probe, copy_default, make_default, efi, new_entry,
	    unique_id, allow_empty;
	int show_default, show_default_index, show_default_title;
	int set_default_index, set_index;
	int dialect_flags[8];
};

enum { DIALECT_COUNT = 8 };

static void join_command_line(int argc, const char **argv)
{
	size_t len = 1;
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = gb_alloc(len);
	s[0] = '\0';
	for (int i = 1; i < argc; i++) {
		strcat(s, argv[i]);
		if (i != argc - 1)
			strcat(s, " ");
	}
	gb_command_line = s;
}

/* 0 to go on, or the exit status */
static int parse_options(int argc, const char **argv, struct opts *o)
{
	static const char *const dialect_names[DIALECT_COUNT] = {
		"elilo", "extlinux", "grub", "grub2", "lilo", "yaboot", "zipl",
		"xen-efi",
	};
	struct poptOption dialect_opts[DIALECT_COUNT + 1];
	for (int i = 0; i < DIALECT_COUNT; i++)
		dialect_opts[i] = (struct poptOption){
			dialect_names[i], 0, POPT_ARG_NONE, &o->dialect_flags[i],
			0, gb_printf("configure %s bootloader", dialect_names[i]),
			NULL };
	dialect_opts[DIALECT_COUNT] = (struct poptOption)POPT_TABLEEND;

	struct poptOption options[] = {
		{ "add-kernel", 0, POPT_ARG_STRING, &o->add_kernel, 0,
		  "add an entry for this kernel", "kernel-path" },
		{ "add-multiboot", 0, POPT_ARG_STRING, &o->mb_kernel, 0,
		  "add a multiboot (Xen) entry with this hypervisor",
		  "multiboot-path" },
		{ "args", 0, POPT_ARG_STRING, &o->args, 0,
		  "arguments for the new kernel, or arguments to add to the "
		  "kernel being updated", "args" },
		{ "mbargs", 0, POPT_ARG_STRING, &o->mb_args, 0,
		  "arguments for the new hypervisor, or to add to the one being "
		  "updated", "args" },
		{ "mounts", 0, POPT_ARG_STRING, &o->mounts, 0,
		  "mount table to read instead of /proc/mounts (for testing)",
		  "mounts" },
		{ "bad-image-okay", 0, POPT_ARG_NONE, &o->bad_image_okay, 0,
		  "do not check that entries' kernels exist (for testing)",
		  NULL },
		{ "boot-filesystem", 0, POPT_ARG_STRING, &o->boot_prefix, 0,
		  "file system holding /boot (for testing)", "bootfs" },
		{ "bootloader-probe", 0, POPT_ARG_NONE, &o->probe, 0,
		  "tell which boot loader is installed", NULL },
		{ "config-file", 'c', POPT_ARG_STRING, &o->config, 0,
		  "config file to use (\"-\" for stdin)", "path" },
		{ "copy-default", 0, POPT_ARG_NONE, &o->copy_default, 0,
		  "copy the new entry from the default entry (or, if its "
		  "kernel is missing, from the first entry whose kernel exists)",
		  NULL },
		{ "new-entry-if-no-template", 0, POPT_ARG_NONE, &o->new_entry,
		  0, "when no entry can be copied (a fresh system), build the "
		  "new entry from scratch", NULL },
		{ "allow-empty", 0, POPT_ARG_NONE, &o->allow_empty, 0,
		  "a config that may be left with no entry (GRUB's "
		  "custom.cfg, which grub.cfg sources)", NULL },
		{ "unique-id", 0, POPT_ARG_NONE, &o->unique_id, 0,
		  "give a copied GRUB 2 entry an id of its own instead of "
		  "the template's", NULL },
		{ "debug", 0, POPT_ARG_NONE, &gb_debug, 0,
		  "explain why entries cannot serve as templates", NULL },
		{ "default-kernel", 0, POPT_ARG_NONE, &o->show_default, 0,
		  "print the default entry's kernel", NULL },
		{ "default-index", 0, POPT_ARG_NONE, &o->show_default_index, 0,
		  "print the default entry's index", NULL },
		{ "default-title", 0, POPT_ARG_NONE, &o->show_default_title, 0,
		  "print the default entry's title", NULL },
		{ "devtree", 0, POPT_ARG_STRING, &o->devtree, 0,
		  "device tree file for the new entry", "dtb-path" },
		{ "devtreedir", 0, POPT_ARG_STRING, &o->devtree, 0,
		  "device tree directory for the new entry", "dtb-path" },
		{ "efi", 0, POPT_ARG_NONE, &o->efi, 0,
		  "write grub2 entries with linuxefi and initrdefi", NULL },
		{ "env", 0, POPT_ARG_STRING, &o->env, 0,
		  "grub2 environment file (default /boot/grub2/grubenv)",
		  "path" },
		{ "info", 0, POPT_ARG_STRING, &o->info, 0,
		  "print the entries for this kernel (an index, DEFAULT, ALL "
		  "or TITLE=title work too)", "kernel-path" },
		{ "initrd", 0, POPT_ARG_STRING, &o->initrd, 0,
		  "initrd for the new or updated kernel", "initrd-path" },
		{ "extra-initrd", 'i', POPT_ARG_STRING, NULL, 'i',
		  "a further initrd for the new entry", "initrd-path" },
		{ "make-default", 0, POPT_ARG_NONE, &o->make_default, 0,
		  "make the new entry the default", NULL },
		{ "output-file", 'o', POPT_ARG_STRING, &o->output, 0,
		  "write the config here (\"-\" for stdout)", "path" },
		{ "remove-args", 0, POPT_ARG_STRING, &o->remove_args, 0,
		  "kernel arguments to remove", "args" },
		{ "remove-mbargs", 0, POPT_ARG_STRING, &o->remove_mbargs, 0,
		  "hypervisor arguments to remove", "args" },
		{ "remove-kernel", 0, POPT_ARG_STRING, &o->remove_kernel, 0,
		  "remove the entries for this kernel", "kernel-path" },
		{ "remove-multiboot", 0, POPT_ARG_STRING, &o->remove_mb_kernel,
		  0, "remove the entries for this hypervisor",
		  "multiboot-path" },
		{ "set-default", 0, POPT_ARG_STRING, &o->set_default, 0,
		  "make the first entry for this kernel the default",
		  "kernel-path" },
		{ "set-default-index", 0, POPT_ARG_INT, &o->set_default_index,
		  0, "make the entry with this index the default",
		  "entry-index" },
		{ "set-index", 0, POPT_ARG_INT, &o->set_index, 0,
		  "put the new entry at this index", "entry-index" },
		{ "title", 0, POPT_ARG_STRING, &o->title, 0,
		  "title of the new entry", "entry-title" },
		{ "update-kernel", 0, POPT_ARG_STRING, &o->update_kernel, 0,
		  "change the entries for this kernel", "kernel-path" },
		{ "version", 'v', POPT_ARG_NONE, NULL, 'v',
		  "print the version and exit", NULL },
		{ "bls", 0, POPT_ARG_NONE, &o->bls, 0,
		  "configure Boot Loader Specification entries (-c names "
		  "their directory, default /boot/loader/entries)", NULL },
		{ "root", 0, POPT_ARG_STRING, &o->root, 0,
		  "with --bls: the system image whose /boot/loader/entries, "
		  "machine-id and os-release to use; with --xen-efi: whose "
		  "xen.cfg, kernels and partition to use", "dir" },
		{ "machine-id", 0, POPT_ARG_STRING, &o->machine_id, 0,
		  "with --bls: the machine id naming new entries (default: "
		  "the root's /etc/machine-id)", "id" },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, dialect_opts, 0,
		  "Boot loaders:", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};

	o->set_default_index = -1;
	poptContext ctx = poptGetContext("grubby", argc, argv, options, 0);
	poptReadDefaultConfig(ctx, 1);
	int rc;
	while ((rc = poptGetNextOpt(ctx)) >= 0) {
		if (rc == 'v') {
			printf("grubby version %s\n", GRUBBY_VERSION);
			exit(0);
		}
		if (rc == 'i') {
			if (o->extra_initrd_count >= MAX_EXTRA_INITRDS) {
				fprintf(stderr, "grubby: extra initrd maximum "
					"is %d\n", o->extra_initrd_count);
				exit(1);
			}
			char *arg = poptGetOptArg(ctx);	/* ours to free */
			o->extra_initrds[o->extra_initrd_count++] =
				gb_strdup(arg ? arg : "");
			free(arg);
		}
	}
	int status = 0;
	const char *extra = rc < -1 ? NULL : poptGetArg(ctx);
	if (rc < -1) {
		fprintf(stderr, "grubby: bad argument %s: %s\n",
			poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
			poptStrerror(rc));
		status = 1;
	} else if (extra) {
		fprintf(stderr, "grubby: unexpected argument %s\n", extra);
		status = 1;
	}
	/* popt allocated the option strings: keep arena copies */
	char **strs[] = { &o->config, &o->output, &o->env, &o->boot_prefix,
		&o->mounts, &o->add_kernel, &o->update_kernel,
		&o->remove_kernel, &o->args, &o->remove_args, &o->initrd,
		&o->title, &o->devtree, &o->mb_kernel, &o->mb_args,
		&o->remove_mbargs, &o->remove_mb_kernel, &o->set_default,
		&o->info, &o->root, &o->machine_id };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (*strs[i]) {
			char *copy = gb_strdup(*strs[i]);
			free(*strs[i]);
			*strs[i] = copy;
		}
	poptFreeContext(ctx);
	return status;
}

static const struct dialect *choose_dialect(struct opts *o, int *status)
{
	static const struct dialect *const by_flag[DIALECT_COUNT] = {
		&dialect_elilo, &dialect_extlinux, &dialect_grub,
		&dialect_grub2, &dialect_lilo, &dialect_yaboot, &dialect_zipl,
		&dialect_xenefi,
	};
	const struct dialect *d = NULL;
	int n = 0;
	for (int i = 0; i < DIALECT_COUNT; i++)
		if (o->dialect_flags[i]) {
			d = by_flag[i];
			n++;
		}
	if (n > 1) {
		fprintf(stderr, "grubby: cannot specify multiple bootloaders\n");
		*status = 1;
		return NULL;
	}
	if (o->probe && o->config) {
		fprintf(stderr, "grubby: cannot specify config file with "
			"--bootloader-probe\n");
		*status = 1;
		return NULL;
	}
	if (d)
		return d;
	/* none given: grub2 when its config exists, else GRUB legacy */
#if defined(__ia64__)
	d = &dialect_elilo;
#elif defined(__powerpc__)
	d = &dialect_yaboot;
#elif defined(__s390__) || defined(__s390x__)
	d = &dialect_zipl;
#else
	d = &dialect_grub;
#endif
	if (dialect_find_config(&dialect_grub2))
		d = &dialect_grub2;
	return d;
}

/* the conflicts grubby 8.40 refused, in its order and words */
static int check_conflicts(struct opts *o)
{
	bool shows = o->show_default || o->info;
	if (o->probe && (shows || o->add_kernel || o->remove_kernel ||
			 o->make_default || o->set_default ||
			 o->show_default_index || o->show_default_title ||
			 o->set_default_index >= 0)) {
		fprintf(stderr, "grubby: --bootloader-probe may not be used "
			"with specified option\n");
		return 1;
	}
	if (shows && (o->add_kernel || o->remove_kernel)) {
		fprintf(stderr, "grubby: --default-kernel and --info may not "
			"be used when adding or removing kernels\n");
		return 1;
	}
	if (o->add_kernel && !o->title) {
		fprintf(stderr, "grubby: kernel title must be specified\n");
		return 1;
	}
	if (!o->add_kernel && (o->copy_default || o->make_default ||
			       (o->initrd && !o->update_kernel) ||
			       o->extra_initrd_count > 0)) {
		fprintf(stderr, "grubby: kernel path expected\n");
		return 1;
	}
	if (o->add_kernel && o->update_kernel) {
		fprintf(stderr, "grubby: --add-kernel and --update-kernel may "
			"not be used together\n");
		return 1;
	}
	if (o->make_default && o->set_default) {
		fprintf(stderr, "grubby: --make-default and --default-kernel "
			"may not be used together\n");
		return 1;
	}
	if (o->set_default && o->remove_kernel &&
	    !strcmp(o->set_default, o->remove_kernel)) {
		fprintf(stderr, "grubby: cannot make removed kernel the "
			"default\n");
		return 1;
	}
	if (o->set_default && o->add_kernel &&
	    !strcmp(o->set_default, o->add_kernel)) {
		o->make_default = 1;
		o->set_default = NULL;
	} else if (o->set_default && o->set_default_index >= 0) {
		fprintf(stderr, "grubby: --set-default and --set-default-index "
			"may not be used together\n");
		return 1;
	}
	if (o->config && !strcmp(o->config, "-") && !o->output) {
		fprintf(stderr, "grubby: output file must be specified if "
			"stdin is used\n");
		return 1;
	}
	if (!o->remove_kernel && !o->add_kernel && !o->show_default &&
	    !o->set_default && !o->info && !o->probe && !o->update_kernel &&
	    !o->remove_mb_kernel && !o->show_default_index &&
	    !o->show_default_title && o->set_default_index == -1) {
		fprintf(stderr, "grubby: no action specified\n");
		return 1;
	}
	return 0;
}

/* where /boot's files are, seen from the boot loader: "" when /boot is on
 * the root file system, else "/boot" */
static char *boot_prefix(struct opts *o, const struct dialect *d)
{
	if (!d->needs_boot_prefix)
		return "";
	if (o->boot_prefix) {
		size_t n = strlen(o->boot_prefix);
		if (n && o->boot_prefix[n - 1] == '/')
			o->boot_prefix[n - 1] = '\0';
		return o->boot_prefix;
	}
	struct stat root, boot;
	if (stat("/", &root) || stat("/boot", &boot) ||
	    root.st_dev == boot.st_dev)
		return "";
	return "/boot";
}

static int show_default(struct config *cfg, const char *prefix, int flags,
			int what)
{
	if (cfg->default_image == NO_DEFAULT_ENTRY)
		return 0;
	if (cfg->default_image == DEFAULT_SAVED_GRUB2 && cfg->default_is_saved)
		cfg->default_image = 0;
	if (what == 'i') {
		printf("%i\n", cfg->default_image);
		return 0;
	}
	struct entry *e = entry_by_index(cfg, cfg->default_image);
	if (!e)
		return 0;
	if (what == 'k') {
		suitable_image(e, prefix, 0, flags);	/* for --debug */
		struct line *l = line_by_type(LT_BOOTABLE, e->lines);
		if (l && l->nelem >= 2)
			printf("%s%s\n", prefix, l->el[1].item +
			       root_specifier_len(l->el[1].item));
		return 0;
	}
	char *title = NULL;
	struct line *l;
	if (cfg->d != &dialect_grub2) {
		if ((l = line_by_type(LT_TITLE, e->lines)))
			title = extract_title(cfg, l);
	} else if ((l = line_by_type(LT_MENUENTRY, e->lines))) {
		title = menuentry_title(l);
	}
	if (title)
		printf("%s\n", title);
	return 0;
}

/* What no boot loader config can hold, refused before anything is read:
 * a title of more than one line, a path GRUB would split or unquote. */
static int check_values(const struct opts *o)
{
	if (o->title && strpbrk(o->title, "\n\r")) {
		fprintf(stderr, "grubby: the title must be one line\n");
		return 1;
	}
	const char *paths[] = { o->add_kernel, o->initrd, o->mb_kernel,
				o->devtree };
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
		if (paths[i] && strpbrk(paths[i], " \t\n\r'\"\\;{}$")) {
			fprintf(stderr, "grubby: %s: a path with blanks, quotes "
				"or shell characters cannot go into a boot "
				"loader config\n", paths[i]);
			return 1;
		}
	return 0;
}

/* Unless told the images need not exist, a kernel or hypervisor given by
 * its absolute path must be there. A relative path names the file as the
 * boot loader sees it, which grubby cannot look at (8.40 took it as is). */
static int check_images(const struct opts *o)
{
	const char *images[] = { o->add_kernel, o->mb_kernel };
	for (size_t i = 0; !o->bad_image_okay && i < 2; i++)
		if (images[i] && images[i][0] == '/' &&
		    access(images[i], R_OK)) {
			fprintf(stderr, "grubby: %s: %s\n", images[i],
				strerror(errno));
			return 1;
		}
	return 0;
}

static int apply_changes(struct config *cfg, struct opts *o,
			 const char *prefix, int flags)
{
	struct entry *tmpl = NULL;
	if (o->copy_default && !(o->new_entry && !scratch_has_template(cfg, prefix, flags))) {
		tmpl = find_template(cfg, prefix, NULL, 0, flags);
		if (!tmpl)
			return 1;
	}
	if (check_images(o))
		return 1;
	mark_removed(cfg, o->remove_kernel, prefix);
	mark_removed(cfg, o->remove_mb_kernel, prefix);
	set_default_image(cfg, o->add_kernel != NULL, o->set_default,
			  o->make_default, prefix, flags, o->set_default_index,
			  o->set_index);
	set_fallback_image(cfg, o->add_kernel != NULL);
	if (update_image(cfg, o->update_kernel, prefix, o->args,
			 o->remove_args, o->mb_args, o->remove_mbargs))
		return 1;
	if (o->update_kernel && o->initrd) {
		int rc = o->mb_kernel ?
			add_mb_initrd(cfg, o->mb_kernel, o->update_kernel,
				      prefix, o->initrd, o->title) :
			update_initrd(cfg, o->update_kernel, prefix, o->initrd,
				      o->title);
		if (rc)
			return 1;
	}
	struct new_kernel nk = {
		.path = o->add_kernel, .title = o->title, .args = o->args,
		.initrd = o->initrd, .extra_initrds = o->extra_initrds,
		.extra_initrd_count = o->extra_initrd_count,
		.mb_kernel = o->mb_kernel, .mb_args = o->mb_args,
		.devtree = o->devtree, .index = o->set_index,
		.unique_id = o->unique_id,
	};
	if (add_new_kernel(cfg, tmpl, prefix, &nk))
		return 1;
	if (nk.path && !tmpl && o->new_entry)
		scratch_complete(cfg, prefix, &nk);
	if (count_entries(cfg) == 0 && !o->allow_empty) {
		fprintf(stderr, "grubby: doing this would leave no kernel "
			"entries. Not writing out new config.\n");
		return 1;
	}
	return 0;
}

static int write_config(FILE *out, void *cfg)
{
	return config_write(cfg, out);
}

/* a grub.cfg is checked as GRUB will parse it before it goes anywhere */
static int check_written(const char *text, size_t len, void *arg)
{
	const struct config *cfg = arg;
	int line;
	const char *problem;
	if (cfg->d != &dialect_grub2 ||
	    !grub_script_check(text, len, &line, &problem))
		return 0;
	fprintf(stderr, "grubby: %s: the result would not be valid GRUB "
		"script (line %d: %s); nothing written\n", cfg->path, line,
		problem);
	return -1;
}

static int write_stdout(struct config *cfg)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	if (!mem)
		return -1;
	int rc = config_write(cfg, mem);
	if (fclose(mem) || rc || check_written(text, size, cfg) ||
	    fwrite(text, 1, size, stdout) != size || fflush(stdout))
		rc = -1;
	free(text);
	return rc;
}

static int run_bls(const struct opts *o)
{
	struct bls_request r = {
		.entries_dir = o->config, .root = o->root,
		.machine_id = o->machine_id, .boot_fs = o->boot_prefix,
		.output = o->output, .add_kernel = o->add_kernel,
		.title = o->title, .args = o->args,
		.remove_args = o->remove_args, .initrd = o->initrd,
		.extra_initrds = o->extra_initrds,
		.extra_initrd_count = o->extra_initrd_count,
		.devtree = o->devtree, .mb_kernel = o->mb_kernel,
		.mb_args = o->mb_args, .remove_kernel = o->remove_kernel,
		.update_kernel = o->update_kernel,
		.set_default = o->set_default, .info = o->info,
		.set_default_index = o->set_default_index,
		.copy_default = o->copy_default,
		.make_default = o->make_default,
		.bad_image_okay = o->bad_image_okay,
		.show = o->show_default ? 'k' : o->show_default_index ? 'i' :
			o->show_default_title ? 't' : 0,
	};
	if (check_values(o))
		return 1;
	return bls_main(&r);
}

static int run(struct opts *o, const struct dialect *d, const char *path)
{
	const char *prefix = boot_prefix(o, d);
	int flags = o->bad_image_okay ? GRUBBY_BADIMAGE_OKAY : 0;
	bool displays = o->show_default || o->show_default_title ||
			o->show_default_index || o->info;
	const char *out = o->output ? o->output : path;
	struct safe_file sf = { .lock_fd = -1 };
	bool to_file = !displays && strcmp(out, "-");

	/* lock before reading: a concurrent run's change must be seen */
	if (to_file && safe_file_lock(&sf, out))
		return 1;
	int rc = 1;
	if (check_values(o))
		goto done;
	struct config *cfg = config_read(path, d, o->efi, o->env, !displays);
	if (!cfg)
		goto done;
	if (o->show_default || o->show_default_title || o->show_default_index) {
		rc = show_default(cfg, prefix, flags,
				  o->show_default ? 'k' :
				  o->show_default_title ? 't' : 'i');
		goto done;
	}
	if (o->info) {
		rc = display_info(cfg, o->info, prefix);
		goto done;
	}
	if (apply_changes(cfg, o, prefix, flags))
		goto done;
	if (to_file) {
		sf.check = check_written;
		rc = safe_file_replace(&sf, write_config, cfg) ? 1 : 0;
	} else {
		rc = write_stdout(cfg) ? 1 : 0;
		if (rc && ferror(stdout))
			fprintf(stderr, "grubby: error writing to standard "
				"output: %m\n");
	}
done:
	if (to_file)
		safe_file_unlock(&sf);
	return rc;
}

/* xen.cfg has an editor of its own (xenefi_edit.c) */
static int run_xenefi(const struct opts *o, const char *path)
{
	const struct xenefi_request r = {
		.config = path, .output = o->output, .esp = o->boot_prefix,
		.root = o->root,
		.info = o->info, .add_kernel = o->add_kernel,
		.remove_kernel = o->remove_kernel,
		.update_kernel = o->update_kernel,
		.set_default = o->set_default, .args = o->args,
		.remove_args = o->remove_args, .mb_args = o->mb_args,
		.remove_mbargs = o->remove_mbargs, .initrd = o->initrd,
		.title = o->title, .set_default_index = o->set_default_index,
		.set_index = o->set_index, .show_default = o->show_default,
		.show_default_index = o->show_default_index,
		.show_default_title = o->show_default_title,
		.copy_default = o->copy_default,
		.make_default = o->make_default,
		.bad_image_okay = o->bad_image_okay,
		.allow_empty = o->allow_empty, .new_entry = o->new_entry,
	};
	if (check_values(o))
		return 1;
	return xenefi_run(&r);
}

int main(int argc, const char **argv)
{
	struct opts o = { 0 };
	join_command_line(argc, argv);
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	if (o.mounts)
		gb_mounts_path = o.mounts;
	if (o.bls) {
		rc = check_conflicts(&o) ? 1 : run_bls(&o);
		gb_arena_release();
		return rc;
	}
	const struct dialect *d = choose_dialect(&o, &rc);
	if (!d)
		return rc;
	const char *path = o.config;
	if (!path)
		path = dialect_find_config(d);
	if (check_conflicts(&o))
		return 1;
	if (!d->mb_allow_extra_initrds && o.extra_initrd_count > 0) {
		fprintf(stderr, "grubby: %s doesn't allow multiple initrds\n",
			d->default_config);
		return 1;
	}
	if (o.probe)
		return bootloader_probe();
	if (!path) {
		printf("Could not find bootloader configuration file.\n");
		return 1;
	}
	/* --root: the system image's xen.cfg unless -c names one */
	if (d == &dialect_xenefi && !o.config && o.root && strcmp(o.root, "/"))
		path = gb_printf("%s%s", o.root, XENEFI_DEFAULT_CONFIG);
	rc = d == &dialect_xenefi ? run_xenefi(&o, path) : run(&o, d, path);
	gb_arena_release();
	return rc;
}
