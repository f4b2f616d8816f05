/* --info: what each matching entry boots, as grubby always printed it. */
#include "grubby/core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_path(const char *key, const char *prefix,
		       const struct line *l)
{
	int first = path_element(l);
	if (!strncmp(prefix, l->el[first].item, strlen(prefix)))
		printf("%s", key);
	else
		printf("%s%s", key, prefix);
	for (int i = first; i < l->nelem; i++)
		printf("%s%s", l->el[i].item, l->el[i].indent);
	printf("\n");
}

/* args="..." from element first on; root= is reported on its own */
static void print_args(const struct line *l, int first, const char **root)
{
	printf("args=\"");
	for (int i = first; i < l->nelem; i++) {
		if (!strncmp(l->el[i].item, "root=", 5))
			*root = l->el[i].item + 5;
		else
			printf("%s%s", l->el[i].item, l->el[i].indent);
	}
	printf("\"\n");
}

static void display_entry(struct config *cfg, struct entry *e,
			  const char *prefix, int index)
{
	const char *root = NULL;
	printf("index=%d\n", index);
	struct line *l = line_by_type(LT_BOOTABLE, e->lines);
	if (!l || l->nelem < 2) {
		printf("non linux entry\n");
		return;
	}
	int path = path_element(l);
	if (!strncmp(prefix, l->el[path].item, strlen(prefix)))
		printf("kernel=%s\n", l->el[path].item);
	else
		printf("kernel=%s%s\n", prefix, l->el[path].item);

	if (l->nelem >= path + 2) {
		print_args(l, path + 1, &root);
	} else {
		struct line *a = line_by_type(LT_KERNELARGS, e->lines);
		if (a)
			print_args(a, 1, &root);
	}
	if (!root) {
		struct line *r = line_by_type(LT_ROOT, e->lines);
		if (r && r->nelem >= 2)
			root = r->el[1].item;
	}
	if (root) {
		size_t n = strlen(root);
		if (n && root[n - 1] == '"')
			n--;
		printf("root=%.*s\n", (int)n, root);
	}

	l = line_by_type(LT_ANY_INITRD, e->lines);
	if (l && l->nelem >= 2)
		print_path("initrd=", prefix, l);

	l = line_by_type(LT_TITLE, e->lines);
	if (l) {
		char *t = extract_title(cfg, l);
		if (!t && l->nelem > 1)
			t = l->el[1].item;
		if (t)
			printf("title=%s\n", t);
	} else if ((l = line_by_type(LT_MENUENTRY, e->lines))) {
		char *t = menuentry_title(l);
		if (t)
			printf("title=%s\n", t);
	}

	int n = 0;
	for (l = e->lines; l; l = l->next)
		if ((l->type & LT_MBMODULE) && l->nelem >= 2) {
			char key[32];
			snprintf(key, sizeof(key), "mbmodule%d=", n++);
			print_path(key, prefix, l);
		}
}

/* /etc/sysconfig/grub: "boot=DEV" and "forcelba=1" */
static int parse_sysconfig_grub(int *lba, char **boot)
{
	FILE *f = fopen("/etc/sysconfig/grub", "r");
	if (!f)
		return 1;
	*lba = 0;
	*boot = NULL;
	char buf[1024];
	while (fgets(buf, sizeof(buf), f)) {
		char *key = buf;
		while (isspace((unsigned char)*key))
			key++;
		char *eq = strchr(key, '=');
		if (*key == '#' || !eq)
			continue;
		char *kend = eq;
		while (kend > key && isspace((unsigned char)kend[-1]))
			kend--;
		*kend = '\0';
		char *val = eq + 1;
		while (*val && isspace((unsigned char)*val))
			val++;
		val[strcspn(val, " \t\r\n\f\v")] = '\0';
		if (!strcmp(key, "forcelba") && !strcmp(val, "1"))
			*lba = 1;
		else if (!strcmp(key, "boot")) {
			free(*boot);
			*boot = strdup(val);
		}
	}
	fclose(f);
	return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v ? v : fallback;
}

static bool is_suse(void)
{
	return !access(env_or("GRUBBY_SUSE_RELEASE", "/etc/SuSE-release"),
		       R_OK);
}

/* SuSE's /etc/grub.conf holds the grub shell's "setup" command */
static char *suse_setup_line(void)
{
	FILE *f = fopen(env_or("GRUBBY_SUSE_GRUB_CONF", "/etc/grub.conf"), "r");
	if (!f)
		return NULL;
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0)
		if (!strncmp(line, "setup", 5)) {
			line[strcspn(line, "\n")] = '\0';
			found = strdup(line);
			break;
		}
	free(line);
	fclose(f);
	return found;
}

/* "(hdN)": the install device, the last or next-to-last word of setup */
static bool suse_install_device(const char *setup, char dev[8])
{
	const char *words[64];
	size_t lens[64];
	int n = 0;
	for (const char *p = setup; *p && n < 64;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		words[n] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		lens[n] = (size_t)(p - words[n]);
		n++;
	}
	if (n < 2 || lens[n - 1] < 2)
		return false;
	const char *last = words[n - 1], *second = words[n - 2];
	char num;
	if (!strncmp(second, "(hd", 3) && lens[n - 2] > 3)
		num = second[3];
	else
		num = !strncmp(last, "(hd", 3) ? last[3] : last[0];
	snprintf(dev, 8, "(hd%c)", num);
	return true;
}

static char *device_map_lookup(const char *device)
{
	FILE *f = fopen(env_or("GRUBBY_GRUB_DEVICE_MAP",
			       "/boot/grub/device.map"), "r");
	if (!f)
		return NULL;
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, device, strlen(device)))
			continue;
		p += strlen(device);
		while (isspace((unsigned char)*p))
			p++;
		found = strdup(p);
		break;
	}
	free(line);
	fclose(f);
	return found;
}

static int parse_suse_grub_conf(int *lba, char **boot)
{
	char *setup = suse_setup_line();
	if (!setup)
		return 1;
	*lba = strstr(setup, "--force-lba") != NULL;
	char dev[8];
	*boot = suse_install_device(setup, dev) ? device_map_lookup(dev) : NULL;
	free(setup);
	return 0;
}

static void dump_sysconfig_grub(void)
{
	int lba = 0;
	char *boot = NULL;
	if (is_suse() ? parse_suse_grub_conf(&lba, &boot) :
			parse_sysconfig_grub(&lba, &boot))
		return;
	if (lba)
		printf("lba\n");
	if (boot)
		printf("boot=%s\n", boot);
	free(boot);
}

int display_info(struct config *cfg, const char *kernel, const char *prefix)
{
	int i = 0;
	struct entry *e = entry_by_path(cfg, kernel, prefix, &i);
	if (!e) {
		fprintf(stderr, "grubby: kernel not found\n");
		return 1;
	}
	if (cfg->d == &dialect_grub) {
		dump_sysconfig_grub();
	} else {
		struct line *l = line_by_type(LT_BOOT, cfg->lines);
		if (l && l->nelem >= 2)
			printf("boot=%s\n", l->el[1].item);
		if (line_by_type(LT_LBA, cfg->lines))
			printf("lba\n");
	}
	display_entry(cfg, e, prefix, i);
	for (i++; (e = entry_by_path(cfg, kernel, prefix, &i)); i++)
		display_entry(cfg, e, prefix, i);
	return 0;
}
