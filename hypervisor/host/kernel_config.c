/* Locate and read a kernel's .config (see kernel_config.h). */
#include "hypervisor/host/kernel_config.h"
#include "hypervisor/host/host_util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies the word at P (up to END) into OUT. */
static void first_word(const char *p, const char *end, char *out, size_t cap)
{
	size_t n = 0;
	while (p + n < end && p[n] != ' ' && p[n] != 0 && p[n] != '\n')
		n++;
	snprintf(out, cap, "%.*s", (int)n, p);
}

void bc_kernel_version_of(const struct bc_kernel_file *kf, char *out, size_t cap)
{
	static const char banner[] = "Linux version ";
	out[0] = 0;
	if (kf->kind == BC_KERNEL_BZIMAGE && kf->bz.version && kf->bz.version_len) {
		first_word(kf->bz.version, kf->bz.version + kf->bz.version_len, out, cap);
		return;
	}
	/* an ELF vmlinux (or a bzImage without the string): the linux_banner */
	if (!kf->vmlinux)
		return;
	const char *v = (const char *)kf->vmlinux, *end = v + kf->vmlinux_len;
	const char *hit = memmem(v, kf->vmlinux_len, banner, sizeof(banner) - 1);
	if (hit)
		first_word(hit + sizeof(banner) - 1, end, out, cap);
}

static bool load_embedded(const struct bc_kernel_file *kf, struct bc_kernel_config *cfg)
{
	const u8 *gz;
	size_t gz_len;
	if (!kf->vmlinux || bc_ikconfig_find(kf->vmlinux, kf->vmlinux_len, &gz, &gz_len) != BC_LD_OK)
		return false;
	const struct bc_decompressor *d = bc_dc_by_name("gzip");
	const char *msg;
	u8 *text;
	if (!d || bc_host_decompress(d, gz, gz_len, &text, &cfg->len, NULL, &msg) != BC_DC_OK)
		return false;
	cfg->text = (char *)text;
	snprintf(cfg->source, sizeof(cfg->source), "embedded (IKCONFIG)");
	return true;
}

static bool load_file(const char *path, struct bc_kernel_config *cfg)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(cfg->missing, sizeof(cfg->missing), "%s: %s", path, strerror(errno));
		return false;
	}
	fclose(f);
	u8 *data;
	if (bc_read_whole("inspect", path, &data, &cfg->len))
		return false;
	cfg->text = (char *)data;
	snprintf(cfg->source, sizeof(cfg->source), "%s", path);
	return true;
}

/* DIR/config-V where DIR is the image's folder. */
static void sibling_config_path(const struct bc_kernel_file *kf, const char *version,
				char *out, size_t cap)
{
	const char *slash = strrchr(kf->path, '/');
	int dir_len = slash ? (int)(slash - kf->path) : 1;
	snprintf(out, cap, "%.*s/config-%s", dir_len, slash ? kf->path : ".", version);
}

void bc_kernel_config_load(const struct bc_kernel_file *kf, const char *override,
			   struct bc_kernel_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (override) {
		load_file(override, cfg);
		return;
	}
	if (load_embedded(kf, cfg))
		return;
	char version[256], path[4096];
	bc_kernel_version_of(kf, version, sizeof(version));
	if (!version[0]) {
		snprintf(cfg->missing, sizeof(cfg->missing),
			 "no embedded config and no kernel version to find config-VERSION");
		return;
	}
	sibling_config_path(kf, version, path, sizeof(path));
	load_file(path, cfg);
}

void bc_kernel_config_free(struct bc_kernel_config *cfg)
{
	free(cfg->text);
	cfg->text = NULL;
}

char bc_kernel_config_get(const struct bc_kernel_config *cfg, const char *option)
{
	return cfg->text ? bc_kconfig_value(cfg->text, cfg->len, option) : '?';
}
