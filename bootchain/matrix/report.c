/* Report writers. Table rows are kernel x firmware x config, columns hypervisors; every
 * non-PASS cell is listed below the table with its reason. Markdown lists each cell's
 * stages with their times; JUnit has one testcase and results.tsv one line per stage. */
#include <stdio.h>
#include <string.h>
#include "bootchain/matrix/report.h"
#include "bootchain/matrix/util.h"

int mx_count(const struct mx_plan *plan, enum mx_verdict v)
{
	int n = 0;
	for (int i = 0; i < plan->ncells; i++)
		n += plan->cells[i].verdict == v;
	return n;
}

/* A stage as reported. BOOT of a cell that never got as far as judging its stages
 * (or was filled in by hand) is the cell's own verdict. */
struct mx_stage mx_stage_view(const struct mx_cell *c, enum mx_stage_id id)
{
	struct mx_stage s = c->stage[id];
	if (id == MX_ST_BOOT && s.verdict == MX_PENDING) {
		s.planned = true;
		s.verdict = c->verdict;
		mx_fmt(s.reason, sizeof(s.reason), "%s", c->reason);
		s.time_s = c->to_marker_s;
	}
	return s;
}

static int nstages(const struct mx_cell *c)
{
	int n = 0;
	for (int i = 0; i < MX_STAGES; i++)
		n += i == MX_ST_BOOT || c->stage[i].planned;
	return n;
}

static int stage_count(const struct mx_plan *plan, bool (*pred)(enum mx_verdict))
{
	int n = 0;
	for (int i = 0; i < plan->ncells; i++)
		for (int s = 0; s < MX_STAGES; s++)
			if (s == MX_ST_BOOT || plan->cells[i].stage[s].planned)
				n += pred(mx_stage_view(&plan->cells[i], (enum mx_stage_id)s).verdict);
	return n;
}

static bool any(enum mx_verdict v) { (void)v; return true; }
static bool failing(enum mx_verdict v) { return v == MX_FAIL || v == MX_XPASS || v == MX_PENDING; }
static bool skipped(enum mx_verdict v) { return v == MX_XFAIL || v == MX_SKIP; }

void mx_cell_summary(const struct mx_cell *c, char *out, size_t len)
{
	int n = nstages(c);
	if (c->verdict == MX_PASS && c->to_marker_s >= 0)
		mx_fmt(out, len, n > 1 ? "PASS %.1fs +%d stages" : "PASS %.1fs", c->to_marker_s,
		       n - 1);
	else if (c->verdict == MX_SKIP)
		mx_fmt(out, len, "SKIP: %.40s", c->reason);
	else
		mx_fmt(out, len, "%s", mx_verdict_name(c->verdict));
}

static bool same_row(const struct mx_cell *a, const struct mx_cell *b)
{
	return a->kernel == b->kernel && a->firmware == b->firmware && a->config == b->config;
}

static const struct mx_cell *cell_at(const struct mx_plan *plan, const struct mx_cell *row, int h)
{
	for (int i = 0; i < plan->ncells; i++)
		if (same_row(&plan->cells[i], row) && plan->cells[i].hv == h)
			return &plan->cells[i];
	return NULL;
}

/* Each row once: the first cell of a kernel/firmware/config triple starts it. */
static bool row_start(const struct mx_plan *plan, int i)
{
	for (int j = 0; j < i; j++)
		if (same_row(&plan->cells[j], &plan->cells[i]))
			return false;
	return true;
}

static void row_label(const struct mx_plan *plan, const struct mx_cell *c, char *out, size_t len)
{
	mx_fmt(out, len, "%s %s %s", plan->kernels[c->kernel].version,
	       mx_firmware_name(c->firmware), mx_config_name(c->config));
}

static int row_width(const struct mx_plan *plan)
{
	char label[256];
	int w = (int)strlen("kernel firmware config");
	for (int i = 0; i < plan->ncells; i++) {
		row_label(plan, &plan->cells[i], label, sizeof(label));
		if ((int)strlen(label) > w)
			w = (int)strlen(label);
	}
	return w;
}

void mx_report_table(FILE *to, const struct mx_plan *plan)
{
	int w = row_width(plan);
	char text[256];
	fprintf(to, "boot matrix\n%-*s", w, "kernel firmware config");
	for (int h = 0; h < plan->nhvs; h++)
		fprintf(to, "  %-24s", plan->hvs[h].label);
	fprintf(to, "\n");
	for (int i = 0; i < plan->ncells; i++) {
		if (!row_start(plan, i))
			continue;
		row_label(plan, &plan->cells[i], text, sizeof(text));
		fprintf(to, "%-*s", w, text);
		for (int h = 0; h < plan->nhvs; h++) {
			const struct mx_cell *c = cell_at(plan, &plan->cells[i], h);
			if (c)
				mx_cell_summary(c, text, sizeof(text));
			fprintf(to, "  %-24s", c ? text : "-");
		}
		fprintf(to, "\n");
	}
	for (int i = 0; i < plan->ncells; i++) {
		const struct mx_cell *c = &plan->cells[i];
		if (c->verdict == MX_PASS || c->verdict == MX_SKIP)
			continue;
		mx_cell_name(plan, c, text, sizeof(text));
		fprintf(to, "%s %s: %s\n", mx_verdict_name(c->verdict), text, c->reason);
	}
	fprintf(to, "%d passed, %d failed, %d expected failures, %d unexpected passes, %d skipped "
		"(cells); %d stages, %d failed\n",
		mx_count(plan, MX_PASS), mx_count(plan, MX_FAIL), mx_count(plan, MX_XFAIL),
		mx_count(plan, MX_XPASS), mx_count(plan, MX_SKIP), stage_count(plan, any),
		stage_count(plan, failing));
}

/* Markdown table cells must not contain '|' or newlines. */
static void md_text(FILE *to, const char *s)
{
	for (; *s; s++)
		fputs(*s == '|' ? "\\|" : *s == '\n' ? " " : (char[2]){ *s, 0 }, to);
}

static void md_table(FILE *to, const struct mx_plan *plan)
{
	char text[256];
	fprintf(to, "| kernel | firmware | config |");
	for (int h = 0; h < plan->nhvs; h++)
		fprintf(to, " %s |", plan->hvs[h].label);
	fprintf(to, "\n| --- | --- | --- |");
	for (int h = 0; h < plan->nhvs; h++)
		fprintf(to, " --- |");
	fprintf(to, "\n");
	for (int i = 0; i < plan->ncells; i++) {
		const struct mx_cell *r = &plan->cells[i];
		if (!row_start(plan, i))
			continue;
		fprintf(to, "| %s | %s | %s |", plan->kernels[r->kernel].version,
			mx_firmware_name(r->firmware), mx_config_name(r->config));
		for (int h = 0; h < plan->nhvs; h++) {
			const struct mx_cell *c = cell_at(plan, r, h);
			if (c)
				mx_cell_summary(c, text, sizeof(text));
			fputc(' ', to);
			md_text(to, c ? text : "-");
			fprintf(to, " |");
		}
		fprintf(to, "\n");
	}
}

double mx_guest_stages_s(const struct mx_cell *c)
{
	double t = -1;
	for (int i = MX_ST_TOOLSTACK + 1; i < MX_STAGES; i++)
		if (c->stage[i].planned && c->stage[i].time_s >= 0)
			t = (t < 0 ? 0 : t) + c->stage[i].time_s;
	return t;
}

static void md_stages(FILE *to, const struct mx_cell *c)
{
	for (int i = 0; i < MX_STAGES; i++) {
		struct mx_stage s = mx_stage_view(c, (enum mx_stage_id)i);
		if (!s.planned)
			continue;
		fprintf(to, "  - stage %s: %s", mx_stage_name((enum mx_stage_id)i),
			mx_verdict_name(s.verdict));
		if (s.time_s >= 0)
			fprintf(to, " in %.1fs", s.time_s);
		if (s.reason[0]) {
			fprintf(to, " (");
			md_text(to, s.reason);
			fprintf(to, ")");
		}
		fprintf(to, "\n");
	}
	double guests = mx_guest_stages_s(c);
	if (guests >= 0)
		fprintf(to, "  - guest stages together: %.1fs\n", guests);
}

void mx_report_markdown(FILE *to, const struct mx_plan *plan, const char *logs_dir)
{
	char text[256];
	fprintf(to, "# Boot matrix\n\nRows are kernel, firmware and config style; columns "
		"hypervisors. The time is from QEMU start to dom0's marker line; \"+N stages\" "
		"counts the stages judged after the boot (toolstack, guests). Each cell lists its "
		"stages with the time each took (the boot's as above, the others as dom0 "
		"measured them) and its guest stages' time together.\n\n");
	md_table(to, plan);
	fprintf(to, "\n## Cells\n\n");
	for (int i = 0; i < plan->ncells; i++) {
		const struct mx_cell *c = &plan->cells[i];
		mx_cell_name(plan, c, text, sizeof(text));
		fprintf(to, "- **%s** %s", text, mx_verdict_name(c->verdict));
		if (c->reason[0]) {
			fprintf(to, ": ");
			md_text(to, c->reason);
		}
		if (c->expect == MX_XFAIL) {
			fprintf(to, " (expected to fail: ");
			md_text(to, c->expect_reason);
			fprintf(to, ")");
		}
		if (c->verdict != MX_SKIP)
			fprintf(to, "; %.1fs in all, initramfs %s, medium %s; log `%s/%s.serial.log`",
				c->wall_s, c->cached_initramfs ? "cached" : "built",
				c->cached_medium ? "cached" : "built", logs_dir, text);
		if (c->marker[0]) {
			fprintf(to, "\n  - marker: `");
			md_text(to, c->marker);
			fprintf(to, "`");
		}
		fprintf(to, "\n");
		if (c->verdict != MX_SKIP)
			md_stages(to, c);
	}
}

static void xml_text(FILE *to, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", to); break;
		case '>': fputs("&gt;", to); break;
		case '&': fputs("&amp;", to); break;
		case '"': fputs("&quot;", to); break;
		default:
			/* XML 1.0 forbids most control characters */
			fputc((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' ? '?' : *s, to);
		}
	}
}

static void junit_case(FILE *to, const struct mx_plan *plan, const struct mx_cell *c,
		       enum mx_stage_id id, const char *logs_dir)
{
	char name[256];
	struct mx_stage s = mx_stage_view(c, id);
	mx_cell_name(plan, c, name, sizeof(name));
	fprintf(to, "    <testcase classname=\"matrix.");
	xml_text(to, name);
	fprintf(to, "\" name=\"%s\" time=\"%.3f\">\n", mx_stage_name(id),
		id == MX_ST_BOOT ? c->wall_s : s.time_s > 0 ? s.time_s : 0);
	if (s.verdict == MX_FAIL || s.verdict == MX_XPASS || s.verdict == MX_PENDING) {
		fprintf(to, "      <failure type=\"%s\" message=\"", mx_verdict_name(s.verdict));
		xml_text(to, s.reason);
		fprintf(to, "\">serial log: ");
		xml_text(to, logs_dir);
		fprintf(to, "/");
		xml_text(to, name);
		fprintf(to, ".serial.log</failure>\n");
	} else if (s.verdict == MX_XFAIL || s.verdict == MX_SKIP) {
		fprintf(to, "      <skipped message=\"%s: ", mx_verdict_name(s.verdict));
		xml_text(to, id == MX_ST_BOOT && s.verdict == MX_XFAIL ? c->expect_reason : s.reason);
		fprintf(to, "\"/>\n");
	}
	if (id == MX_ST_BOOT && c->marker[0]) {
		fprintf(to, "      <system-out>");
		xml_text(to, c->marker);
		fprintf(to, "</system-out>\n");
	}
	fprintf(to, "    </testcase>\n");
}

void mx_report_junit(FILE *to, const struct mx_plan *plan, const char *logs_dir)
{
	double total = 0;
	for (int i = 0; i < plan->ncells; i++)
		total += plan->cells[i].wall_s;
	int tests = stage_count(plan, any), failures = stage_count(plan, failing);
	int skips = stage_count(plan, skipped);
	fprintf(to, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(to, "<testsuites name=\"bootchain matrix\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
		"skipped=\"%d\" time=\"%.3f\">\n", tests, failures, skips, total);
	fprintf(to, "  <testsuite name=\"bootchain matrix\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
		"skipped=\"%d\" time=\"%.3f\">\n", tests, failures, skips, total);
	for (int i = 0; i < plan->ncells; i++)
		for (int s = 0; s < MX_STAGES; s++)
			if (s == MX_ST_BOOT || plan->cells[i].stage[s].planned)
				junit_case(to, plan, &plan->cells[i], (enum mx_stage_id)s, logs_dir);
	fprintf(to, "  </testsuite>\n</testsuites>\n");
}

/* One line a stage, tab-separated, for scripts (the benchmark reads it). */
void mx_report_tsv(FILE *to, const struct mx_plan *plan, const char *logs_dir)
{
	(void)logs_dir;
	fprintf(to, "cell\tstage\tverdict\tstage_s\tcell_s\tinitramfs\tmedium\treason\n");
	for (int i = 0; i < plan->ncells; i++) {
		const struct mx_cell *c = &plan->cells[i];
		char name[256];
		mx_cell_name(plan, c, name, sizeof(name));
		for (int id = 0; id < MX_STAGES; id++) {
			struct mx_stage s = mx_stage_view(c, (enum mx_stage_id)id);
			if (!s.planned)
				continue;
			fprintf(to, "%s\t%s\t%s\t%.1f\t%.1f\t%s\t%s\t%s\n", name,
				mx_stage_name((enum mx_stage_id)id), mx_verdict_name(s.verdict),
				s.time_s, c->wall_s, c->cached_initramfs ? "cached" : "built",
				c->cached_medium ? "cached" : "built", s.reason);
		}
	}
}

static int write_one(const struct mx_plan *plan, const char *dir, const char *name,
		     void (*writer)(FILE *, const struct mx_plan *, const char *))
{
	char path[PATH_MAX + 32];
	mx_fmt(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bootchain matrix: %s: cannot write report\n", path);
		return -1;
	}
	writer(f, plan, "logs");
	if (fclose(f)) {
		fprintf(stderr, "bootchain matrix: %s: cannot write report\n", path);
		return -1;
	}
	return 0;
}

int mx_report_write(const struct mx_plan *plan, const char *dir)
{
	int rc = write_one(plan, dir, "report.md", mx_report_markdown);
	rc |= write_one(plan, dir, "results.tsv", mx_report_tsv);
	return write_one(plan, dir, "junit.xml", mx_report_junit) || rc ? -1 : 0;
}

/* --list: the cells and the stages a run would do, with what is expected of each. */
void mx_report_list(FILE *to, const struct mx_plan *plan)
{
	char name[256];
	int stages = 0;
	for (int i = 0; i < plan->ncells; i++) {
		const struct mx_cell *c = &plan->cells[i];
		mx_cell_name(plan, c, name, sizeof(name));
		fprintf(to, "%s", name);
		if (c->expect == MX_XFAIL || c->expect == MX_SKIP)
			fprintf(to, "  [%s: %s]", mx_verdict_name(c->expect), c->expect_reason);
		fprintf(to, "\n");
		if (c->expect == MX_SKIP)
			continue;
		for (int s = 0; s < MX_STAGES; s++) {
			struct mx_stage st = mx_stage_view(c, (enum mx_stage_id)s);
			if (!st.planned)
				continue;
			stages++;
			fprintf(to, "  %s", mx_stage_name((enum mx_stage_id)s));
			if (s != MX_ST_BOOT && st.expect == MX_XFAIL)
				fprintf(to, "  [XFAIL: %s]", st.reason);
			fprintf(to, "\n");
		}
	}
	fprintf(to, "%d cells, %d stages\n", plan->ncells, stages);
}
