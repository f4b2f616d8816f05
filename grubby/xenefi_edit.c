/* grubby's options on a xen.cfg: --info, the default, --add-kernel,
 * --remove-kernel and --update-kernel. A section is an entry ("[global]"
 * is not); only the lines an option is about are rewritten. */
#include "grubby/dialect.h"
#include "grubby/safefile.h"
#include "grubby/xenefi.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define GLOBAL "global"

static const char *key_of(enum line_type t)
{
	return key_by_type(&dialect_xenefi, t);
}

static bool is_entry(const struct xenefi_cfg *c, int sec)
{
	return strcmp(c->s[sec].name, GLOBAL) != 0;
}

static int entry_count(const struct xenefi_cfg *c)
{
	int n = 0;
	for (int i = 0; i < c->nsec; i++)
		n += is_entry(c, i);
	return n;
}

/* the section of entry number index, or -1 */
static int entry_sec(const struct xenefi_cfg *c, int index)
{
	for (int i = 0; i < c->nsec; i++)
		if (is_entry(c, i) && index-- == 0)
			return i;
	return -1;
}

static int entry_index(const struct xenefi_cfg *c, int sec)
{
	int n = 0;
	for (int i = 0; i < sec; i++)
		n += is_entry(c, i);
	return n;
}

/* words of an argument list: blanks separate them, except inside "..." */
static char **split_words(const char *s, int *count)
{
	size_t len = strlen(s);
	char **w = gb_alloc(sizeof(*w) * (len / 2 + 2));
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *start = s;
		bool quoted = false;
		for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++)
			if (*s == '"')
				quoted = !quoted;
		w[n++] = gb_strndup(start, (size_t)(s - start));
	}
	w[n] = NULL;
	*count = n;
	return w;
}

static char *join_words(char **w, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	char *out = gb_alloc(len), *end = out;
	*out = '\0';
	for (int i = 0; i < n; i++)
		end = stpcpy(stpcpy(end, i ? " " : ""), w[i]);
	return out;
}

/* the file of a section's kernel= line and the words after it */
static const char *kernel_of(const struct xenefi_cfg *c, int sec,
			     char ***args, int *nargs)
{
	const char *val;
	if (xenefi_key(c, sec, key_of(LT_KERNEL), &val) < 0)
		return NULL;
	int n;
	char **w = split_words(val, &n);
	if (!n)
		return NULL;
	if (args) {
		*args = w + 1;
		*nargs = n - 1;
	}
	return w[0];
}

static int default_sec(const struct xenefi_cfg *c)
{
	const char *name;
	if (xenefi_key(c, xenefi_section(c, GLOBAL), key_of(LT_DEFAULT),
		       &name) < 0)
		return -1;
	int sec = xenefi_section(c, name);
	return sec >= 0 && is_entry(c, sec) ? sec : -1;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* does a section boot what a grubby kernel argument names: ALL, DEFAULT,
 * an index, TITLE=section, or a kernel path (on this system or as xen.efi
 * names it; a kernel outside the partition names its copy there) */
static bool matches(const struct xenefi_cfg *c, int sec, const char *spec)
{
	if (!is_entry(c, sec))
		return false;
	if (!strcmp(spec, "ALL"))
		return true;
	if (!strcmp(spec, "DEFAULT"))
		return sec == default_sec(c);
	if (*spec && strspn(spec, "0123456789") == strlen(spec))
		return entry_index(c, sec) == atoi(spec);
	if (!strncmp(spec, "TITLE=", 6))
		return !strcmp(c->s[sec].name, spec + 6);
	const char *file = kernel_of(c, sec, NULL, NULL);
	if (!file)
		return false;
	char *host = xenefi_host_path(c, file);
	if (!strcmp(file, spec) || !strcmp(host, spec))
		return true;
	return *spec == '/' && !xenefi_efi_path(c, spec) &&
	       !strcmp(base_name(spec), base_name(host));
}

/* a path on this machine as the system (--root) names it */
static const char *shown(const struct xenefi_cfg *c, const char *host)
{
	size_t n = c->root ? strlen(c->root) : 0;
	return n && !strncmp(host, c->root, n) && host[n] == '/' ? host + n : host;
}

static void print_entry(const struct xenefi_cfg *c, int sec)
{
	printf("index=%d\n", entry_index(c, sec));
	char **args;
	int n;
	const char *file = kernel_of(c, sec, &args, &n);
	if (!file) {
		printf("non linux entry\n");
		return;
	}
	printf("kernel=%s\n", shown(c, xenefi_host_path(c, file)));
	const char *root = NULL;
	printf("args=\"");
	for (int i = 0, shown = 0; i < n; i++) {
		if (!strncmp(args[i], "root=", 5))
			root = args[i] + 5;
		else
			printf("%s%s", shown++ ? " " : "", args[i]);
	}
	printf("\"\n");
	if (root)
		printf("root=%s\n", root);
	const char *val;
	if (xenefi_key(c, sec, key_of(LT_INITRD), &val) >= 0)
		printf("initrd=%s\n", shown(c, xenefi_host_path(c, val)));
	printf("title=%s\n", c->s[sec].name);
	if (xenefi_key(c, sec, key_of(LT_HYPER), &val) >= 0)
		printf("options=\"%s\"\n", val);
}

static int show_info(const struct xenefi_cfg *c, const char *spec)
{
	int found = 0;
	for (int i = 0; i < c->nsec; i++)
		if (matches(c, i, spec)) {
			print_entry(c, i);
			found++;
		}
	if (!found) {
		fprintf(stderr, "grubby: kernel not found\n");
		return 1;
	}
	return 0;
}

static int show_default(const struct xenefi_cfg *c, char what)
{
	int sec = default_sec(c);
	if (sec < 0)
		return 0;
	const char *file;
	if (what == 'i')
		printf("%d\n", entry_index(c, sec));
	else if (what == 't')
		printf("%s\n", c->s[sec].name);
	else if ((file = kernel_of(c, sec, NULL, NULL)))
		printf("%s\n", shown(c, xenefi_host_path(c, file)));
	return 0;
}

/* a setting line with a new value: its indent, key and any comment after
 * the value stay */
static void set_value(struct xenefi_cfg *c, int line, const char *value)
{
	const char *t = c->l[line].text;
	const char *eq = strchr(t, '=');
	size_t tail = strcspn(eq + 1, "#\r");
	const char *suffix = eq + 1 + tail;
	if (*suffix == '#')
		while (suffix > eq + 1 && (suffix[-1] == ' ' || suffix[-1] == '\t'))
			suffix--;
	c->l[line].text = gb_printf("%.*s%s%s", (int)(eq + 1 - t), t, value,
				    suffix);
}

static bool is_empty_line(const struct xenefi_cfg *c, int line)
{
	const char *t = c->l[line].text;
	return !t[strspn(t, " \t\r")];
}

/* comments and blank lines (not settings) */
static bool is_filler(const struct xenefi_cfg *c, int line)
{
	const char *t = c->l[line].text;
	t += strspn(t, " \t");
	return !*t || *t == '\r' || *t == '#' || *t == ';';
}

/* where a new section goes before section sec: above the comments that
 * lead into it */
static int above_comments(const struct xenefi_cfg *c, int sec)
{
	int at = c->s[sec].head;
	while (at > 0 && is_filler(c, at - 1) && !is_empty_line(c, at - 1))
		at--;
	return at;
}

static void set_default(struct xenefi_cfg *c, const char *name)
{
	int g = xenefi_section(c, GLOBAL);
	const char *key = key_of(LT_DEFAULT);
	int line = xenefi_key(c, g, key, NULL);
	char *text = gb_printf("%s=%s", key, name);
	if (line >= 0) {
		set_value(c, line, name);
	} else if (g >= 0) {
		xenefi_insert(c, c->s[g].head + 1, text);
	} else {
		int at = c->nsec ? above_comments(c, 0) : c->n;
		xenefi_insert(c, at, "[" GLOBAL "]");
		xenefi_insert(c, at + 1, text);
		if (c->nsec > 1)
			xenefi_insert(c, at + 2, "");
	}
}

static void drop_default(struct xenefi_cfg *c)
{
	int line = xenefi_key(c, xenefi_section(c, GLOBAL),
			      key_of(LT_DEFAULT), NULL);
	if (line >= 0)
		xenefi_delete(c, line, 1);
}

/* grubby's argument rules: an argument replaces the one of the same name,
 * else it is added at the end; removing "name" removes it whatever its
 * value, removing "name=value" only with that value */
static bool arg_same_name(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");
	return la == lb && !strncmp(a, b, la);
}

static int edit_args(char ***words, int n, const char *add, const char *del)
{
	int na = 0, nd = 0;
	char **a = add ? split_words(add, &na) : NULL;
	char **d = del ? split_words(del, &nd) : NULL;
	char **w = gb_alloc(sizeof(*w) * (size_t)(n + na + 1));
	if (n)
		memcpy(w, *words, sizeof(*w) * (size_t)n);
	for (int i = 0; i < nd; i++)
		for (int j = 0; j < n; j++) {
			if (!arg_same_name(w[j], d[i]))
				continue;
			if (strchr(d[i], '=') && strcmp(w[j], d[i]))
				continue;
			memmove(&w[j], &w[j + 1], sizeof(*w) * (size_t)(n - j - 1));
			n--;
			break;
		}
	for (int i = 0; i < na; i++) {
		int j;
		for (j = 0; j < n && !arg_same_name(w[j], a[i]); j++)
			;
		if (j == n)
			n++;
		w[j] = a[i];
	}
	*words = w;
	return n;
}

/* a file named on the command line, as xen.efi will name it */
static const char *efi_name(const struct xenefi_cfg *c, const char *host,
			    bool must_exist)
{
	char *name = xenefi_efi_path(c, host);
	if (!name) {
		fprintf(stderr, "grubby: %s: not on the EFI system partition "
			"%s, where xen.efi reads its files; copy it there\n",
			host, c->esp);
		return NULL;
	}
	if (must_exist && *host == '/' && access(host, R_OK)) {
		fprintf(stderr, "grubby: %s: %s\n", host, strerror(errno));
		return NULL;
	}
	return name;
}

static int update_entry(struct xenefi_cfg *c, int sec,
			const struct xenefi_request *r)
{
	char **args;
	int n;
	int kline = xenefi_key(c, sec, key_of(LT_KERNEL), NULL);
	const char *file = kernel_of(c, sec, &args, &n);
	if (file && (r->args || r->remove_args)) {
		char *before = join_words(args, n);
		int m = edit_args(&args, n, r->args, r->remove_args);
		char *after = join_words(args, m);
		if (strcmp(before, after))	/* else the line stays as it is */
			set_value(c, kline, gb_printf("%s%s%s", file,
						      m ? " " : "", after));
	}
	if (r->mb_args || r->remove_mbargs) {
		const char *old = "";
		int oline = xenefi_key(c, sec, key_of(LT_HYPER), &old);
		int nw;
		char **w = split_words(old, &nw);
		char *before = join_words(w, nw);
		nw = edit_args(&w, nw, r->mb_args, r->remove_mbargs);
		char *v = join_words(w, nw);
		if (oline >= 0 && strcmp(v, before))
			set_value(c, oline, v);
		else if (oline < 0 && nw)
			xenefi_insert(c, c->s[sec].head + 1,
				      gb_printf("%s=%s", key_of(LT_HYPER), v));
	}
	if (r->initrd) {
		const char *name = efi_name(c, r->initrd, false);
		if (!name)
			return 1;
		int iline = xenefi_key(c, sec, key_of(LT_INITRD), NULL);
		if (iline >= 0)
			set_value(c, iline, name);
		else
			xenefi_insert(c, kline >= 0 ? kline + 1 : c->s[sec].end,
				      gb_printf("%s=%s", key_of(LT_INITRD), name));
	}
	return 0;
}

static int update(struct xenefi_cfg *c, const struct xenefi_request *r)
{
	for (int i = 0; i < c->nsec; i++)
		if (matches(c, i, r->update_kernel) && update_entry(c, i, r))
			return 1;
	return 0;
}

/* the section's lines with the comments right above it, and the one
 * blank line that parted it from the next (or, at the end, from the one
 * before): what add inserts */
static void delete_section(struct xenefi_cfg *c, int sec)
{
	int head = above_comments(c, sec), last = c->s[sec].end - 1;
	while (last > head && is_filler(c, last))
		last--;
	int count = last - head + 1;
	if (last + 1 < c->n && is_empty_line(c, last + 1))
		count++;
	else if (head > 0 && is_empty_line(c, head - 1) && last + 1 == c->n)
		head--, count++;
	xenefi_delete(c, head, count);
}

/* true when the default went: a section added in the same run (a
 * reinstall) takes its place */
static bool remove_entries(struct xenefi_cfg *c, const char *spec)
{
	int def = default_sec(c);
	const char *def_name = def >= 0 ? c->s[def].name : NULL;
	bool removed_default = false;
	for (int i = 0; i < c->nsec;) {
		if (!matches(c, i, spec)) {
			i++;
			continue;
		}
		removed_default |= i == def;
		delete_section(c, i);
		def = def_name ? xenefi_section(c, def_name) : -1;
	}
	if (removed_default) {
		int first = entry_sec(c, 0);
		if (first >= 0)
			set_default(c, c->s[first].name);
		else
			drop_default(c);
	}
	return removed_default;
}

/* a section name from a title: what xen.efi's command line can carry */
static char *section_name(const struct xenefi_cfg *c, const char *title)
{
	char *name = gb_alloc(strlen(title) + 16), *e = name;
	for (const char *p = title; *p; p++) {
		bool ok = isalnum((unsigned char)*p) || strchr("._+-", *p);
		if (ok)
			*e++ = *p;
		else if (e > name && e[-1] != '_')
			*e++ = '_';
	}
	while (e > name && e[-1] == '_')
		e--;
	*e = '\0';
	if (!*name)
		strcpy(name, "xen");
	char *unique = name;
	for (int n = 2; xenefi_section(c, unique) >= 0 ||
			!strcmp(unique, GLOBAL); n++)
		unique = gb_printf("%s-%d", name, n);
	return unique;
}

/* --copy-default: the default entry, or else the first whose kernel is
 * there */
static int find_template(const struct xenefi_cfg *c, bool any, bool quiet)
{
	int def = default_sec(c);
	for (int i = -1; i < c->nsec; i++) {
		int sec = i < 0 ? def : i;
		if (sec < 0 || !is_entry(c, sec))
			continue;
		const char *file = kernel_of(c, sec, NULL, NULL);
		if (file && (any || !access(xenefi_host_path(c, file), R_OK)))
			return sec;
	}
	if (!quiet)
		fprintf(stderr, "grubby: %s: no entry to copy (--copy-default)\n",
			c->path);
	return -1;
}

struct new_section {
	const char *options, *kernel, *ramdisk;
	bool put_options, put_kernel, put_ramdisk;
	const char **tmpl;	/* the template's settings, as written */
	int ntmpl;
};

static int put(struct xenefi_cfg *c, int at, enum line_type t,
	       const char *val, bool *done)
{
	if (*done || !val)
		return at;
	*done = true;
	xenefi_insert(c, at, gb_printf("%s=%s", key_of(t), val));
	return at + 1;
}

static bool is_key(const char *setting, enum line_type t)
{
	const char *k = key_of(t);
	size_t n = strlen(k);
	return !strncmp(setting, k, n) && setting[n] == '=';
}

/* the template's settings in their order, ours in place of its own */
static int put_settings(struct xenefi_cfg *c, int at, struct new_section *ns)
{
	for (int i = 0; i < ns->ntmpl; i++) {
		const char *t = ns->tmpl[i];
		if (is_key(t, LT_HYPER))
			at = put(c, at, LT_HYPER, ns->options, &ns->put_options);
		else if (is_key(t, LT_KERNEL))
			at = put(c, at, LT_KERNEL, ns->kernel, &ns->put_kernel);
		else if (is_key(t, LT_INITRD))
			at = put(c, at, LT_INITRD, ns->ramdisk, &ns->put_ramdisk);
		else
			xenefi_insert(c, at++, t);
	}
	at = put(c, at, LT_HYPER, ns->options, &ns->put_options);
	at = put(c, at, LT_KERNEL, ns->kernel, &ns->put_kernel);
	return put(c, at, LT_INITRD, ns->ramdisk, &ns->put_ramdisk);
}

/* a template's settings without indent, comments or line ends */
static const char **settings_of(const struct xenefi_cfg *c, int sec, int *n)
{
	*n = 0;
	if (sec < 0)
		return NULL;
	const char **out = gb_alloc(sizeof(*out) *
				    (size_t)(c->s[sec].end - c->s[sec].head));
	for (int i = c->s[sec].head + 1; i < c->s[sec].end; i++) {
		if (is_filler(c, i))
			continue;
		const char *t = c->l[i].text + strspn(c->l[i].text, " \t");
		size_t len = strcspn(t, "#\r");
		while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
			len--;
		out[(*n)++] = gb_strndup(t, len);
	}
	return out;
}

static int add(struct xenefi_cfg *c, const struct xenefi_request *r,
	       bool replaces_default)
{
	const char *kernel = efi_name(c, r->add_kernel, !r->bad_image_okay);
	const char *ramdisk = !kernel ? NULL :
			      r->initrd ? efi_name(c, r->initrd, false) : "";
	if (!ramdisk)
		return 1;
	int tmpl = -1;
	if (r->copy_default &&
	    (tmpl = find_template(c, r->bad_image_okay, r->new_entry)) < 0 &&
	    !r->new_entry)
		return 1;
	char **args = NULL;
	int n = 0;
	const char *options = "";
	if (tmpl >= 0) {
		kernel_of(c, tmpl, &args, &n);
		xenefi_key(c, tmpl, key_of(LT_HYPER), &options);
	}
	n = edit_args(&args, n, r->args, NULL);
	int nw;
	char **w = split_words(options, &nw);
	nw = edit_args(&w, nw, r->mb_args, NULL);
	struct new_section ns = {
		.options = nw ? join_words(w, nw) : NULL,
		.kernel = gb_printf("%s%s%s", kernel, n ? " " : "",
				    join_words(args, n)),
		.ramdisk = r->initrd ? ramdisk : NULL,
	};
	ns.tmpl = settings_of(c, tmpl, &ns.ntmpl);

	char *name = section_name(c, r->title);
	int index = r->set_index >= 0 ? r->set_index : 0;
	int before = entry_sec(c, index);
	int at = before >= 0 ? above_comments(c, before) : c->n;
	if (before < 0 && at > 0 && !is_empty_line(c, at - 1))
		xenefi_insert(c, at++, "");
	xenefi_insert(c, at++, gb_printf("[%s]", name));
	at = put_settings(c, at, &ns);
	if (before >= 0)
		xenefi_insert(c, at, "");
	if (r->make_default || replaces_default)
		set_default(c, name);
	return 0;
}

static int set_default_option(struct xenefi_cfg *c,
			      const struct xenefi_request *r)
{
	int sec = -1;
	if (r->set_default) {
		for (int i = 0; i < c->nsec && sec < 0; i++)
			if (matches(c, i, r->set_default))
				sec = i;
	} else if (r->set_default_index >= 0) {
		sec = entry_sec(c, r->set_default_index);
	} else {
		return 0;
	}
	if (sec >= 0)	/* like grubby: no such kernel leaves it as it was */
		set_default(c, c->s[sec].name);
	return 0;
}

/* arguments that xen.cfg cannot carry: '#' starts a comment there */
static int check_request(const struct xenefi_request *r)
{
	const char *vals[] = { r->args, r->mb_args, r->title };
	for (size_t i = 0; i < sizeof(vals) / sizeof(*vals); i++)
		if (vals[i] && strpbrk(vals[i], "#\n\r")) {
			fprintf(stderr, "grubby: %s: xen.cfg cannot hold '#' or "
				"a line break (xen.efi reads '#' as a comment)\n",
				vals[i]);
			return 1;
		}
	return 0;
}

static int apply(struct xenefi_cfg *c, const struct xenefi_request *r)
{
	if (check_request(r))
		return 1;
	bool replaces_default = r->remove_kernel &&
				remove_entries(c, r->remove_kernel);
	if (set_default_option(c, r))
		return 1;
	if (r->update_kernel && update(c, r))
		return 1;
	if (r->add_kernel && add(c, r, replaces_default))
		return 1;
	if (!entry_count(c) && !r->allow_empty) {
		fprintf(stderr, "grubby: doing this would leave no kernel "
			"entries. Not writing out new config.\n");
		return 1;
	}
	return 0;
}

static char *read_text(const char *path)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		fprintf(stderr, "grubby: error opening %s for read: %s\n", path,
			strerror(errno));
		return NULL;
	}
	size_t cap = 65536, size = 0;
	char *buf = gb_alloc(cap + 1);
	ssize_t got;
	while ((got = read(fd, buf + size, cap - size)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "grubby: error reading %s: %s\n", path,
				strerror(errno));
			buf = NULL;
			break;
		}
		size += (size_t)got;
		if (size == cap) {
			char *nb = gb_alloc(cap * 2 + 1);
			memcpy(nb, buf, size);
			buf = nb;
			cap *= 2;
		}
	}
	if (fd)
		close(fd);
	if (buf && memchr(buf, '\0', size)) {
		fprintf(stderr, "grubby: %s: not a text file (contains NUL "
			"bytes)\n", path);
		return NULL;
	}
	if (buf)
		buf[size] = '\0';
	return buf;
}

/* where the partition is mounted: --boot-filesystem, else what comes
 * before the last "/EFI/" of the config's directory */
static const char *esp_of(const char *dir, const char *given)
{
	if (given) {
		size_t n = strlen(given);
		while (n > 1 && given[n - 1] == '/')
			n--;
		return n == 1 && *given == '/' ? "" : gb_strndup(given, n);
	}
	char *probe = gb_printf("%s/", dir);
	for (size_t i = strlen(dir); i-- > 0;)
		if (!strncasecmp(probe + i, "/EFI/", 5))
			return gb_strndup(dir, i);
	return dir;
}

/* the config's directory, absolute: paths on the command line are */
static const char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dir = !slash ? "." : slash == path ? "" :
			  gb_strndup(path, (size_t)(slash - path));
	char cwd[4096];
	if (*path == '/' || !getcwd(cwd, sizeof(cwd)))
		return dir;
	if (!strcmp(dir, "."))
		return gb_strdup(cwd);
	return gb_printf("%s/%s", strcmp(cwd, "/") ? cwd : "", dir);
}

static int write_cfg(FILE *out, void *arg)
{
	return xenefi_write(arg, out);
}

/* --root: a path of the system image as a path on this machine (kernel
 * specs such as ALL, DEFAULT, an index or TITLE= stay as they are) */
static const char *under(const char *root, const char *path)
{
	return path && *root && *path == '/' ? gb_printf("%s%s", root, path) : path;
}

static const char *root_of(const char *root)
{
	size_t n = root ? strlen(root) : 0;
	while (n && root[n - 1] == '/')
		n--;
	return gb_strndup(root ? root : "", n);
}

/* the request with the paths of --root's system resolved under it */
static struct xenefi_request in_root(const struct xenefi_request *r, const char *root)
{
	struct xenefi_request o = *r;
	o.esp = under(root, r->esp);
	o.add_kernel = under(root, r->add_kernel);
	o.initrd = under(root, r->initrd);
	o.info = under(root, r->info);
	o.remove_kernel = under(root, r->remove_kernel);
	o.update_kernel = under(root, r->update_kernel);
	o.set_default = under(root, r->set_default);
	return o;
}

int xenefi_run(const struct xenefi_request *req)
{
	const char *root = root_of(req->root);
	const struct xenefi_request rooted = in_root(req, root), *r = &rooted;
	bool displays = r->show_default || r->show_default_index ||
			r->show_default_title || r->info;
	const char *out = r->output ? r->output : r->config;
	bool to_file = !displays && strcmp(out, "-");
	struct safe_file sf = { .lock_fd = -1 };
	if (to_file && safe_file_lock(&sf, out))
		return 1;
	int rc = 1;
	bool stdin_cfg = !strcmp(r->config, "-");
	const char *dir = stdin_cfg ? (r->esp ? r->esp : ".") : dir_of(r->config);
	char *text = read_text(r->config);
	struct xenefi_cfg *c = text ? xenefi_parse(text,
		stdin_cfg ? "stdin" : r->config, dir, esp_of(dir, r->esp)) : NULL;
	if (!c)
		goto done;
	c->root = root;
	if (displays) {
		rc = r->info ? show_info(c, r->info) :
		     show_default(c, r->show_default ? 'k' :
				  r->show_default_title ? 't' : 'i');
		goto done;
	}
	if (apply(c, r))
		goto done;
	if (to_file)
		rc = safe_file_replace(&sf, write_cfg, c) ? 1 : 0;
	else
		rc = xenefi_write(c, stdout) || fflush(stdout) ? 1 : 0;
done:
	if (to_file)
		safe_file_unlock(&sf);
	return rc;
}
