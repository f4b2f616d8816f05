/* `bootchain matrix merge [-o DIR] SHARD-DIR...`: the outputs of the shards of one plan
 * joined into the reports a single run writes. The plan is rebuilt from the shards'
 * shard.txt, each cell's result read from its shard's shard-results.tsv, and the same
 * writers as a run's produce report.md, junit.xml and results.tsv; logs are copied.
 * Shards of another plan or with another shard count, and two outputs of one shard,
 * are refused before anything is written. Missing shards, and shards that stopped
 * before their results, are reported; their cells FAIL in the reports, status 1. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bootchain/matrix/report.h"
#include "bootchain/matrix/shard.h"
#include "bootchain/matrix/util.h"

struct shard_in {
	const char *dir;
	char *id;               /* shard.txt up to its fingerprint line */
	char fp[33];
	int k, n;
};

static int error(const char *dir, const char *fmt, const char *what)
{
	fprintf(stderr, "bootchain matrix merge: %s: ", dir);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	return -1;
}

static int read_id(struct shard_in *s)
{
	char path[PATH_MAX + 32];
	mx_fmt(path, sizeof(path), "%s/%s", s->dir, MX_SHARD_ID_FILE);
	char *text = mx_read_file(path, NULL);
	if (!text)
		return error(s->dir, "not a matrix output (no %s)", MX_SHARD_ID_FILE);
	char *fp = strstr(text, "\nfingerprint\t");
	char check[33];
	if (strncmp(text, "bootchain-matrix-shard\t1\n", 25) || !fp ||
	    sscanf(fp, "\nfingerprint\t%32s\nshard\t%d/%d\n", s->fp, &s->k, &s->n) != 3 ||
	    s->k < 1 || s->k > s->n || s->n > MX_MAX_SHARDS) {
		free(text);
		return error(s->dir, "%s: not a shard record this bootchain reads", MX_SHARD_ID_FILE);
	}
	fp[1] = '\0';
	mx_plan_id_fingerprint(text, check);
	if (strcmp(check, s->fp)) {
		free(text);
		return error(s->dir, "%s: corrupt (its fingerprint does not match its plan)",
			     MX_SHARD_ID_FILE);
	}
	s->id = text;
	return 0;
}

/* A line's key: its first field; kernels, hypervisors and cells are named by the second too. */
static size_t key_len(const char *line)
{
	size_t n = strcspn(line, "\t\n");
	if (line[n] == '\t' && (!strncmp(line, "kernel\t", 7) || !strncmp(line, "hypervisor\t", 11) ||
				!strncmp(line, "cell\t", 5)))
		n += 1 + strcspn(line + n + 1, "\t\n");
	return n;
}

static const char *find_key(const char *text, const char *line, size_t klen)
{
	for (const char *p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0'))
		if (key_len(p) == klen && !strncmp(p, line, klen))
			return p;
	return NULL;
}

/* The first item that differs between two identities, as "WHAT differs (A vs B)". */
static void describe_difference(const char *a, const char *b, char *out, size_t len)
{
	for (int pass = 0; pass < 2; pass++) {
		const char *x = pass ? b : a, *y = pass ? a : b;
		for (const char *p = x; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0')) {
			size_t klen = key_len(p), llen = strcspn(p, "\n");
			const char *q = find_key(y, p, klen);
			char key[160];
			mx_fmt(key, sizeof(key), "%.*s", (int)klen, p);
			for (char *t = strchr(key, '\t'); t; t = strchr(t, '\t'))
				*t = ' ';
			if (!q) {
				mx_fmt(out, len, "%s is %s", key, pass ? "only in this one" : "not in this one");
				return;
			}
			size_t qlen = strcspn(q, "\n");
			if (qlen != llen || strncmp(p, q, llen)) {
				int qv = (int)(qlen - klen - 1), pv = (int)(llen - klen - 1);
				mx_fmt(out, len, "%s differs (%.*s here, %.*s there)", key,
				       qv < 48 ? qv : 48, q + klen + 1, pv < 48 ? pv : 48, p + klen + 1);
				for (char *t = strchr(out, '\t'); t; t = strchr(t, '\t'))
					*t = ' ';
				return;
			}
		}
	}
	mx_fmt(out, len, "the order of its cells differs");
}

static int check_same_plan(struct shard_in *in, int n)
{
	char what[512];
	for (int i = 1; i < n; i++) {
		if (strcmp(in[i].fp, in[0].fp)) {
			describe_difference(in[0].id, in[i].id, what, sizeof(what));
			fprintf(stderr, "bootchain matrix merge: %s: made from another plan than %s: %s\n",
				in[i].dir, in[0].dir, what);
			return -1;
		}
		if (in[i].n != in[0].n) {
			fprintf(stderr, "bootchain matrix merge: %s: shard %d/%d, but %s is shard %d/%d: "
				"one plan cut in different numbers of shards\n", in[i].dir, in[i].k,
				in[i].n, in[0].dir, in[0].k, in[0].n);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (in[j].k == in[i].k) {
				fprintf(stderr, "bootchain matrix merge: %s: shard %d/%d twice (also %s)\n",
					in[i].dir, in[i].k, in[i].n, in[j].dir);
				return -1;
			}
	}
	return 0;
}

static int parse_enum(const char *s, const char *(*name)(int), int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, name(i)))
			return i;
	return -1;
}
static const char *fw_name(int i) { return mx_firmware_name((enum mx_firmware)i); }
static const char *cfg_name(int i) { return mx_config_name((enum mx_config)i); }
static const char *verdict_name(int i) { return mx_verdict_name((enum mx_verdict)i); }
static const char *stage_name(int i) { return mx_stage_name((enum mx_stage_id)i); }
static const char *initramfs_name(int i)
{
	static const char *const names[] = { "auto", "busybox", "dracut", "dom0" };
	return names[i];
}
static const char *hv_kind_name(int i)
{
	static const char *const names[] = { "none", "xen-pv", "xen-pvh", "bchv", "file" };
	return names[i];
}

/* Split a line into at most max tab-separated fields, in place. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static int cell_from_fields(struct mx_plan *plan, char **f, int nf)
{
	if (plan->ncells == MX_MAX_CELLS || nf != 11)
		return -1;
	struct mx_cell *c = &plan->cells[plan->ncells];
	memset(c, 0, sizeof(*c));
	c->kernel = atoi(f[2]);
	c->hv = atoi(f[3]);
	/* every style the plan knows: config styles may be added */
	int fw = parse_enum(f[4], fw_name, MX_MAX_FIRMWARES);
	int cfg = parse_enum(f[5], cfg_name, MX_MAX_CONFIGS);
	int ir = parse_enum(f[6], initramfs_name, 4), ex = parse_enum(f[7], verdict_name, MX_SKIP + 1);
	if (c->kernel < 0 || c->kernel >= plan->nkernels || c->hv < 0 || c->hv >= plan->nhvs ||
	    fw < 0 || cfg < 0 || ir < 0 || ex < 0)
		return -1;
	c->firmware = (enum mx_firmware)fw;
	c->config = (enum mx_config)cfg;
	c->initramfs = (enum mx_initramfs)ir;
	c->expect = (enum mx_verdict)ex;
	c->guests = atoi(f[8]);
	c->run_xl = atoi(f[9]);
	c->to_marker_s = -1;
	for (char *s = strtok(f[10], ","); s; s = strtok(NULL, ",")) {
		int id = parse_enum(s, stage_name, MX_STAGES);
		if (id < 0)
			return -1;
		c->stage[id].planned = true;
		c->stage[id].time_s = -1;
	}
	plan->ncells++;
	return 0;
}

/* The plan's kernels, hypervisors and cells as shard.txt names them. */
static int plan_from_id(const char *id, struct mx_plan *plan)
{
	char *copy = strdup(id), *save = NULL, *f[12];
	int rc = copy ? 0 : -1;
	memset(plan, 0, sizeof(*plan));
	for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		int nf = split(line, f, 12);
		if (!strcmp(f[0], "kernel") && nf == 3 && plan->nkernels < MX_MAX_KERNELS) {
			mx_fmt(plan->kernels[plan->nkernels++].version, sizeof(plan->kernels[0].version),
			       "%s", f[1]);
		} else if (!strcmp(f[0], "hypervisor") && nf == 4 && plan->nhvs < MX_MAX_HVS) {
			struct mx_hypervisor *h = &plan->hvs[plan->nhvs++];
			int kind = parse_enum(f[2], hv_kind_name, MX_HV_KINDS);
			mx_fmt(h->label, sizeof(h->label), "%s", f[1]);
			h->kind = (enum mx_hv_kind)(kind < 0 ? 0 : kind);
			rc = kind < 0 ? -1 : 0;
		} else if (!strcmp(f[0], "cell")) {
			rc = cell_from_fields(plan, f, nf);
		} else if (!strcmp(f[0], "kernel") || !strcmp(f[0], "hypervisor")) {
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

static int find_cell(const struct mx_plan *plan, const char *name, int hint)
{
	char buf[256];
	for (int n = 0; n < plan->ncells; n++) {
		int i = (hint + n) % plan->ncells;
		mx_cell_name(plan, &plan->cells[i], buf, sizeof(buf));
		if (!strcmp(buf, name))
			return i;
	}
	return -1;
}

static double num(const char *s) { return strtod(s, NULL); }

static int result_line(struct mx_plan *plan, char **f, int nf, int *cell)
{
	if (!strcmp(f[0], "cell") && nf == 10) {
		if ((*cell = find_cell(plan, f[1], *cell + 1)) < 0)
			return -1;
		struct mx_cell *c = &plan->cells[*cell];
		int v = parse_enum(f[2], verdict_name, MX_SKIP + 1);
		if (v < 0)
			return -1;
		c->verdict = (enum mx_verdict)v;
		c->to_marker_s = num(f[3]);
		c->wall_s = num(f[4]);
		c->cached_initramfs = atoi(f[5]);
		c->cached_medium = atoi(f[6]);
		for (int i = 7; i < 10; i++)
			mx_tsv_unescape(f[i]);
		mx_fmt(c->reason, sizeof(c->reason), "%s", f[7]);
		mx_fmt(c->expect_reason, sizeof(c->expect_reason), "%s", f[8]);
		mx_fmt(c->marker, sizeof(c->marker), "%s", f[9]);
		return 0;
	}
	if (!strcmp(f[0], "stage") && nf == 7 && *cell >= 0 &&
	    find_cell(plan, f[1], *cell) == *cell) {
		int id = parse_enum(f[2], stage_name, MX_STAGES);
		int ex = parse_enum(f[3], verdict_name, MX_SKIP + 1);
		int v = parse_enum(f[4], verdict_name, MX_SKIP + 1);
		if (id < 0 || ex < 0 || v < 0 || !plan->cells[*cell].stage[id].planned)
			return -1;
		struct mx_stage *s = &plan->cells[*cell].stage[id];
		s->expect = (enum mx_verdict)ex;
		s->verdict = (enum mx_verdict)v;
		s->time_s = num(f[5]);
		mx_tsv_unescape(f[6]);
		mx_fmt(s->reason, sizeof(s->reason), "%s", f[6]);
		return 0;
	}
	return -1;
}

/* Read one shard's results into the plan; each cell must be in that shard's slice.
 * 1 when there are none (a shard stopped before its end: its cells have no result). */
static int read_results(const struct shard_in *s, struct mx_plan *plan, const int *shard_of,
			bool *filled)
{
	char path[PATH_MAX + 32], *f[12];
	mx_fmt(path, sizeof(path), "%s/%s", s->dir, MX_SHARD_RESULTS_FILE);
	char *text = mx_read_file(path, NULL);
	if (!text) {
		fprintf(stderr, "bootchain matrix merge: %s: no %s: the run did not finish (its cells "
			"are FAIL in the reports)\n", s->dir, MX_SHARD_RESULTS_FILE);
		return 1;
	}
	int cell = -1, lineno = 0, rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (line[0] == '#')
			continue;
		bool is_cell = !strncmp(line, "cell\t", 5);
		int nf = split(line, f, 12);
		if (result_line(plan, f, nf, &cell)) {
			fprintf(stderr, "bootchain matrix merge: %s:%d: not a result of this plan\n", path,
				lineno);
			rc = -1;
		} else if (is_cell && shard_of[cell] != s->k - 1) {
			fprintf(stderr, "bootchain matrix merge: %s:%d: cell %s is not in shard %d/%d\n",
				path, lineno, f[1], s->k, s->n);
			rc = -1;
		} else if (is_cell) {
			filled[cell] = true;
		}
	}
	free(text);
	return rc;
}

/* Cells no shard gave a result for: FAIL, and their later stages not run. */
static void mark_missing(struct mx_plan *plan, const int *shard_of, const bool *filled,
			 const struct shard_in *in, int nin)
{
	for (int i = 0; i < plan->ncells; i++) {
		if (filled[i])
			continue;
		struct mx_cell *c = &plan->cells[i];
		const char *dir = NULL;
		for (int j = 0; j < nin; j++)
			if (in[j].k == shard_of[i] + 1)
				dir = in[j].dir;
		c->verdict = MX_FAIL;
		if (dir)
			mx_fmt(c->reason, sizeof(c->reason), "no result: shard %d/%d (%s) did not finish",
			       shard_of[i] + 1, in[0].n, dir);
		else
			mx_fmt(c->reason, sizeof(c->reason), "no result: shard %d/%d is missing",
			       shard_of[i] + 1, in[0].n);
		for (int s = MX_ST_TOOLSTACK; s < MX_STAGES; s++)
			if (c->stage[s].planned) {
				c->stage[s].verdict = MX_SKIP;
				mx_fmt(c->stage[s].reason, sizeof(c->stage[s].reason), "not run: %s",
				       c->reason);
			}
	}
}

/* Every file of DIR/logs into OUT/logs (hard links where the file system allows). */
static int copy_logs(const char *dir, const char *out)
{
	char from[PATH_MAX], to[PATH_MAX + 16], src[PATH_MAX * 2], dst[PATH_MAX * 2];
	struct stat a, b;
	mx_fmt(from, sizeof(from), "%s/logs", dir);
	mx_fmt(to, sizeof(to), "%s/logs", out);
	DIR *d = opendir(from);
	if (!d)
		return 0; /* a shard of skipped cells only has no logs */
	int rc = 0;
	for (struct dirent *e; (e = readdir(d)) && !rc;) {
		if (e->d_name[0] == '.')
			continue;
		mx_fmt(src, sizeof(src), "%s/%s", from, e->d_name);
		mx_fmt(dst, sizeof(dst), "%s/%s", to, e->d_name);
		if (stat(src, &a) || !S_ISREG(a.st_mode) ||
		    (stat(dst, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino))
			continue; /* merging into one of the shards' own directories */
		unlink(dst);
		if (link(src, dst) && mx_copy_file(src, dst))
			rc = error(src, "cannot copy to %s", to);
	}
	closedir(d);
	return rc;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: bootchain matrix merge [-o DIR] SHARD-DIR...\n"
		"Join the outputs of `bootchain matrix --shard K/N` runs of one plan into the\n"
		"report.md, junit.xml, results.tsv and logs/ of a single run.\n\n"
		"  -o, --output DIR   where the merged reports go (default build/matrix)\n");
}

static int parse_args(int argc, char **argv, const char **out)
{
	static const struct option opts[] = { { "output", required_argument, 0, 'o' },
					       { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	int c;
	optind = 0; /* 0, not 1: glibc then forgets what an earlier parse permuted */
	opterr = 0;
	*out = "build/matrix";
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'o') {
			*out = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return 1;
		} else {
			fprintf(stderr, "bootchain matrix merge: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "bootchain matrix merge: no shard directories given\n");
		return -1;
	}
	return 0;
}

static int write_outputs(const struct mx_plan *plan, const struct shard_in *in, int n,
			 const char *out)
{
	char logs[PATH_MAX + 16];
	mx_fmt(logs, sizeof(logs), "%s/logs", out);
	if (mx_mkdir_p(logs))
		return error(out, "cannot create %s", logs);
	for (int i = 0; i < n; i++)
		if (copy_logs(in[i].dir, out))
			return -1;
	if (mx_report_write(plan, out) || mx_shard_write_id(out, in[0].id, 1, 1) ||
	    mx_shard_write_results(out, plan))
		return -1;
	return 0;
}

/* Name the shards of 1..N no directory holds; how many. */
static int report_gaps(const struct shard_in *in, int n)
{
	int gaps = 0;
	for (int k = 1; k <= in[0].n; k++) {
		bool have = false;
		for (int i = 0; i < n; i++)
			have |= in[i].k == k;
		if (!have)
			fprintf(stderr, "%s%d/%d", gaps++ ? ", " : "bootchain matrix merge: missing shards: ",
				k, in[0].n);
	}
	if (gaps)
		fprintf(stderr, " (%d of %d given; their cells are FAIL in the reports)\n", n, in[0].n);
	return gaps;
}

int mx_cmd_merge(int argc, char **argv)
{
	static struct mx_plan plan;
	static int shard_of[MX_MAX_CELLS];
	static bool filled[MX_MAX_CELLS];
	const char *out;
	int rc = parse_args(argc, argv, &out);
	if (rc)
		return rc > 0 ? 0 : 2;
	int n = argc - optind;
	struct shard_in *in = calloc((size_t)n, sizeof(*in));
	rc = in ? 0 : 2;
	for (int i = 0; i < n && !rc; i++) {
		in[i].dir = argv[optind + i];
		rc = read_id(&in[i]) ? 2 : 0;
	}
	if (!rc && (check_same_plan(in, n) || plan_from_id(in[0].id, &plan)))
		rc = 2;
	if (!rc) {
		memset(filled, 0, sizeof(filled));
		mx_shard_assign(&plan, in[0].n, shard_of, NULL);
	}
	int missing = 0;
	for (int i = 0; i < n && !rc; i++) {
		int r = read_results(&in[i], &plan, shard_of, filled);
		rc = r < 0 ? 2 : 0;
		missing += r > 0;
	}
	if (!rc)
		missing += report_gaps(in, n);
	if (!rc) {
		mark_missing(&plan, shard_of, filled, in, n);
		mx_report_table(stdout, &plan);
		fflush(stdout);
		rc = write_outputs(&plan, in, n, out) ? 2
		     : missing || mx_count(&plan, MX_FAIL) || mx_count(&plan, MX_XPASS) ? 1 : 0;
	}
	for (int i = 0; in && i < n; i++)
		free(in[i].id);
	free(in);
	return rc;
}
