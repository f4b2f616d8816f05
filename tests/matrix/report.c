/* Report writers. Rows are kernels, columns hypervisors; every non-PASS cell is listed
 * below the table with its reason, so a table line never has to carry it. */
#include <stdio.h>
#include <string.h>
#include "tests/matrix/report.h"
#include "tests/matrix/util.h"

int mx_count(const struct mx_plan *plan, enum mx_verdict v)
{
	int n = 0;
	for (int i = 0; i < plan->ncells; i++)
		n += plan->cells[i].verdict == v;
	return n;
}

void mx_cell_summary(const struct mx_cell *c, char *out, size_t len)
{
	if (c->verdict == MX_PASS && c->to_marker_s >= 0)
		mx_fmt(out, len, "PASS %.1fs", c->to_marker_s);
	else if (c->verdict == MX_SKIP)
		mx_fmt(out, len, "SKIP: %.40s", c->reason);
	else
		mx_fmt(out, len, "%s", mx_verdict_name(c->verdict));
}

static const struct mx_cell *cell_at(const struct mx_plan *plan, int k, int h)
{
	for (int i = 0; i < plan->ncells; i++)
		if (plan->cells[i].kernel == k && plan->cells[i].hv == h)
			return &plan->cells[i];
	return NULL;
}

static int kernel_width(const struct mx_plan *plan)
{
	int w = (int)strlen("kernel");
	for (int k = 0; k < plan->nkernels; k++)
		if ((int)strlen(plan->kernels[k].version) > w)
			w = (int)strlen(plan->kernels[k].version);
	return w;
}

static const char *setting(const struct mx_plan *plan)
{
	static char text[64];
	if (!plan->ncells)
		return "";
	mx_fmt(text, sizeof(text), "firmware %s, config %s",
		 mx_firmware_name(plan->cells[0].firmware), mx_config_name(plan->cells[0].config));
	return text;
}

void mx_report_table(FILE *to, const struct mx_plan *plan)
{
	int kw = kernel_width(plan);
	char text[128];
	fprintf(to, "boot matrix (%s)\n%-*s", setting(plan), kw, "kernel");
	for (int h = 0; h < plan->nhvs; h++)
		fprintf(to, "  %-22s", plan->hvs[h].label);
	fprintf(to, "\n");
	for (int k = 0; k < plan->nkernels; k++) {
		fprintf(to, "%-*s", kw, plan->kernels[k].version);
		for (int h = 0; h < plan->nhvs; h++) {
			const struct mx_cell *c = cell_at(plan, k, h);
			if (c)
				mx_cell_summary(c, text, sizeof(text));
			fprintf(to, "  %-22s", c ? text : "-");
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
	fprintf(to, "%d passed, %d failed, %d expected failures, %d unexpected passes, %d skipped\n",
		mx_count(plan, MX_PASS), mx_count(plan, MX_FAIL), mx_count(plan, MX_XFAIL),
		mx_count(plan, MX_XPASS), mx_count(plan, MX_SKIP));
}

/* Markdown table cells must not contain '|' or newlines. */
static void md_text(FILE *to, const char *s)
{
	for (; *s; s++)
		fputs(*s == '|' ? "\\|" : *s == '\n' ? " " : (char[2]){ *s, 0 }, to);
}

void mx_report_markdown(FILE *to, const struct mx_plan *plan, const char *logs_dir)
{
	char text[256];
	fprintf(to, "# Boot matrix\n\n%s. Rows are kernels, columns hypervisors; the time is from "
		"QEMU start to the marker line.\n\n| kernel |", setting(plan));
	for (int h = 0; h < plan->nhvs; h++)
		fprintf(to, " %s |", plan->hvs[h].label);
	fprintf(to, "\n| --- |");
	for (int h = 0; h < plan->nhvs; h++)
		fprintf(to, " --- |");
	fprintf(to, "\n");
	for (int k = 0; k < plan->nkernels; k++) {
		fprintf(to, "| %s |", plan->kernels[k].version);
		for (int h = 0; h < plan->nhvs; h++) {
			const struct mx_cell *c = cell_at(plan, k, h);
			if (c)
				mx_cell_summary(c, text, sizeof(text));
			fputc(' ', to);
			md_text(to, c ? text : "-");
			fprintf(to, " |");
		}
		fprintf(to, "\n");
	}
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
		       const char *logs_dir)
{
	char name[256];
	mx_cell_name(plan, c, name, sizeof(name));
	fprintf(to, "    <testcase classname=\"matrix.");
	xml_text(to, plan->kernels[c->kernel].version);
	fprintf(to, "\" name=\"");
	xml_text(to, name);
	fprintf(to, "\" time=\"%.3f\">\n", c->wall_s);
	if (c->verdict == MX_FAIL || c->verdict == MX_XPASS) {
		fprintf(to, "      <failure type=\"%s\" message=\"", mx_verdict_name(c->verdict));
		xml_text(to, c->reason);
		fprintf(to, "\">serial log: ");
		xml_text(to, logs_dir);
		fprintf(to, "/");
		xml_text(to, name);
		fprintf(to, ".serial.log</failure>\n");
	} else if (c->verdict == MX_XFAIL || c->verdict == MX_SKIP) {
		fprintf(to, "      <skipped message=\"%s: ", mx_verdict_name(c->verdict));
		xml_text(to, c->verdict == MX_XFAIL ? c->expect_reason : c->reason);
		fprintf(to, "\"/>\n");
	}
	if (c->marker[0]) {
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
	int failures = mx_count(plan, MX_FAIL) + mx_count(plan, MX_XPASS);
	int skipped = mx_count(plan, MX_XFAIL) + mx_count(plan, MX_SKIP);
	fprintf(to, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(to, "<testsuites name=\"bootchain matrix\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
		"skipped=\"%d\" time=\"%.3f\">\n", plan->ncells, failures, skipped, total);
	fprintf(to, "  <testsuite name=\"bootchain matrix (");
	xml_text(to, setting(plan));
	fprintf(to, ")\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n",
		plan->ncells, failures, skipped, total);
	for (int i = 0; i < plan->ncells; i++)
		junit_case(to, plan, &plan->cells[i], logs_dir);
	fprintf(to, "  </testsuite>\n</testsuites>\n");
}

/* One line a cell, tab-separated, for scripts (the benchmark reads it). */
void mx_report_tsv(FILE *to, const struct mx_plan *plan, const char *logs_dir)
{
	(void)logs_dir;
	fprintf(to, "cell\tverdict\tto_marker_s\tcell_s\tinitramfs\tmedium\treason\n");
	for (int i = 0; i < plan->ncells; i++) {
		const struct mx_cell *c = &plan->cells[i];
		char name[256];
		mx_cell_name(plan, c, name, sizeof(name));
		fprintf(to, "%s\t%s\t%.1f\t%.1f\t%s\t%s\t%s\n", name, mx_verdict_name(c->verdict),
			c->to_marker_s, c->wall_s, c->cached_initramfs ? "cached" : "built",
			c->cached_medium ? "cached" : "built", c->reason);
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
