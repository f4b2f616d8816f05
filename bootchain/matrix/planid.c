/* What a matrix output records so shards can be merged: shard.txt, the identity of the
 * whole plan (tool versions, a hash of every kernel and hypervisor image, every cell
 * with what decides its slice) with its fingerprint and K/N; shard-results.tsv, each
 * cell's result with every field the reports show (tabs, newlines and backslashes
 * escaped). Every run writes both, so any output directory can be merged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bootchain/bootchain.h"
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/guests.h"
#include "bootchain/matrix/shard.h"
#include "bootchain/matrix/util.h"

static const char *const hv_kinds[MX_HV_KINDS] = { "none", "xen-pv", "xen-pvh", "bchv", "file" };
static const char *const initramfs_kinds[] = { "auto", "busybox", "dracut", "dom0" };

static void file_hash(const char *path, char out[33])
{
	struct mx_hash h;
	mx_hash_init(&h);
	if (!path[0] || mx_hash_file(&h, path))
		mx_fmt(out, 33, "-");
	else
		mx_hash_hex(&h, out);
}

/* First line a tool prints for --version; "missing" when it does not run. */
static void tool_version(const char *cmd, char *out, size_t len)
{
	char line[256] = "";
	FILE *p = popen(cmd, "r");
	if (p && !fgets(line, sizeof(line), p))
		line[0] = '\0';
	if (p)
		pclose(p);
	line[strcspn(line, "\r\n")] = '\0';
	mx_fmt(out, len, "%s", line[0] ? line : "missing");
}

static void scripts_hash(const struct mx_options *opt, char out[33])
{
	static const char *const scripts[] = { "marker.sh", "dom0-guests.sh", "guest-marker.sh" };
	char path[PATH_MAX + 32];
	struct mx_hash h;
	mx_hash_init(&h);
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		mx_fmt(path, sizeof(path), "%s/%s", opt->data, scripts[i]);
		mx_hash_str(&h, scripts[i]);
		mx_hash_file(&h, path);
	}
	mx_hash_hex(&h, out);
}

static void cell_line(FILE *f, const struct mx_plan *plan, const struct mx_cell *c)
{
	char name[256];
	mx_cell_name(plan, c, name, sizeof(name));
	fprintf(f, "cell\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t", name, c->kernel, c->hv,
		mx_firmware_name(c->firmware), mx_config_name(c->config),
		initramfs_kinds[c->initramfs], mx_verdict_name(c->expect), c->guests, c->run_xl);
	const char *sep = "";
	for (int s = 0; s < MX_STAGES; s++)
		if (c->stage[s].planned) {
			fprintf(f, "%s%s", sep, mx_stage_name((enum mx_stage_id)s));
			sep = ",";
		}
	fputc('\n', f);
}

char *mx_plan_id_text(const struct mx_plan *full, const struct mx_options *opt)
{
	char *text = NULL, line[256], hash[33], xen[PATH_MAX];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "bootchain-matrix-shard\t1\nbootchain\t%s\n", BOOTCHAIN_VERSION);
	tool_version("qemu-system-x86_64 --version 2>/dev/null", line, sizeof(line));
	fprintf(f, "qemu\t%s\n", line);
	tool_version("grub-mkrescue --version 2>/dev/null", line, sizeof(line));
	fprintf(f, "grub-mkrescue\t%s\n", line);
	mx_xen_tools_dir(xen, sizeof(xen));
	fprintf(f, "xen-tools\t%s\n", xen[0] ? xen : "missing");
	scripts_hash(opt, hash);
	fprintf(f, "scripts\t%s\n", hash);
	for (int i = 0; i < full->nkernels; i++) {
		file_hash(full->kernels[i].path, hash);
		fprintf(f, "kernel\t%s\t%s\n", full->kernels[i].version, hash);
	}
	for (int i = 0; i < full->nhvs; i++) {
		file_hash(full->hvs[i].missing[0] ? "" : full->hvs[i].path, hash);
		fprintf(f, "hypervisor\t%s\t%s\t%s\n", full->hvs[i].label, hv_kinds[full->hvs[i].kind],
			hash);
	}
	for (int i = 0; i < full->ncells; i++)
		cell_line(f, full, &full->cells[i]);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

void mx_plan_id_fingerprint(const char *id_text, char out[33])
{
	struct mx_hash h;
	mx_hash_init(&h);
	mx_hash_str(&h, id_text);
	mx_hash_hex(&h, out);
}

/* Write through a temporary beside path, then rename: readers never see half a file. */
static FILE *open_atomic(const char *path, char *tmp, size_t len)
{
	mx_fmt(tmp, len, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		if (fd >= 0)
			close(fd), unlink(tmp);
		fprintf(stderr, "bootchain matrix: %s: cannot write\n", path);
	}
	return f;
}

static int close_atomic(FILE *f, const char *tmp, const char *path)
{
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		fprintf(stderr, "bootchain matrix: %s: cannot write\n", path);
		return -1;
	}
	return 0;
}

int mx_shard_write_id(const char *dir, const char *id_text, int k, int n)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48], fp[33];
	mx_fmt(path, sizeof(path), "%s/%s", dir, MX_SHARD_ID_FILE);
	FILE *f = open_atomic(path, tmp, sizeof(tmp));
	if (!f)
		return -1;
	mx_plan_id_fingerprint(id_text, fp);
	fprintf(f, "%sfingerprint\t%s\nshard\t%d/%d\n", id_text, fp, k, n);
	return close_atomic(f, tmp, path);
}

/* A text field of a TSV line: tab, newline, CR and backslash escaped. */
static void put_field(FILE *f, const char *s)
{
	fputc('\t', f);
	for (; *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\\': fputs("\\\\", f); break;
		default: fputc(*s, f);
		}
	}
}

void mx_tsv_unescape(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*out++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static void results_cell(FILE *f, const struct mx_plan *plan, const struct mx_cell *c)
{
	char name[256];
	mx_cell_name(plan, c, name, sizeof(name));
	fprintf(f, "cell");
	put_field(f, name);
	fprintf(f, "\t%s\t%.6f\t%.6f\t%d\t%d", mx_verdict_name(c->verdict), c->to_marker_s, c->wall_s,
		c->cached_initramfs, c->cached_medium);
	put_field(f, c->reason);
	put_field(f, c->expect_reason);
	put_field(f, c->marker);
	fputc('\n', f);
	for (int i = 0; i < MX_STAGES; i++) {
		const struct mx_stage *s = &c->stage[i];
		if (!s->planned)
			continue;
		fprintf(f, "stage");
		put_field(f, name);
		fprintf(f, "\t%s\t%s\t%s\t%.6f", mx_stage_name((enum mx_stage_id)i),
			mx_verdict_name(s->expect), mx_verdict_name(s->verdict), s->time_s);
		put_field(f, s->reason);
		fputc('\n', f);
	}
}

int mx_shard_write_results(const char *dir, const struct mx_plan *plan)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	mx_fmt(path, sizeof(path), "%s/%s", dir, MX_SHARD_RESULTS_FILE);
	FILE *f = open_atomic(path, tmp, sizeof(tmp));
	if (!f)
		return -1;
	fprintf(f, "# bootchain matrix results, one cell and its stages: read by `bootchain matrix merge`\n");
	for (int i = 0; i < plan->ncells; i++)
		results_cell(f, plan, &plan->cells[i]);
	return close_atomic(f, tmp, path);
}
