/* The stages of a boot and their verdicts. BOOT is judged from the marker line
 * (classify.c); TOOLSTACK from the marker's xl field; the guest stages from the lines
 * dom0 prints as it runs them (scripts/dom0-guests.sh):
 *   BOOTCHAIN-STAGE-START name=NAME
 *   BOOTCHAIN-STAGE name=NAME verdict=PASS|FAIL|SKIP time=SECONDS detail=TEXT
 * dom0 keeps each stage within its time limit and skips the stages that need one
 * that failed; a stage with no line is judged here (dom0 died, or QEMU's limit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bootchain/matrix/matrix.h"
#include "bootchain/matrix/util.h"

struct stage_info {
	const char *name;
	int limit_s;            /* dom0's time limit for the stage: generous, for TCG on a
				 * loaded host (a PVH guest, nested SVM in software, took
				 * 230 s to its init and 550 s to its marker with the host at load 12) */
	bool guest;             /* a guest stage: needs blkback and netback in dom0 */
	enum mx_stage_id needs; /* not run when this one did not pass */
};

static const struct stage_info stages[MX_STAGES] = {
	[MX_ST_BOOT] = { "boot", 0, false, MX_ST_BOOT },
	[MX_ST_TOOLSTACK] = { "toolstack", 120, false, MX_ST_BOOT },
	[MX_ST_PV_GUEST] = { "pv-guest", 400, true, MX_ST_TOOLSTACK },
	[MX_ST_SAVE_RESTORE] = { "save-restore", 300, true, MX_ST_PV_GUEST },
	[MX_ST_BALLOON] = { "balloon", 120, true, MX_ST_PV_GUEST },
	[MX_ST_PVH_GUEST] = { "pvh-guest", 900, true, MX_ST_TOOLSTACK },
	[MX_ST_PVGRUB_GUEST] = { "pvgrub-guest", 450, true, MX_ST_TOOLSTACK },
	[MX_ST_SHUTDOWN] = { "shutdown", 120, true, MX_ST_TOOLSTACK },
};

const char *mx_stage_name(enum mx_stage_id id) { return stages[id].name; }
int mx_stage_limit_s(enum mx_stage_id id) { return stages[id].limit_s; }

void mx_stages_plan(struct mx_cell *cell, const struct mx_kernel *k)
{
	for (int i = 0; i < MX_STAGES; i++) {
		struct mx_stage *s = &cell->stage[i];
		memset(s, 0, sizeof(*s));
		s->time_s = -1;
		s->planned = i == MX_ST_BOOT ||
			     (i == MX_ST_TOOLSTACK && cell->run_xl && cell->expect == MX_PASS) ||
			     (stages[i].guest && cell->guests);
		s->expect = i == MX_ST_BOOT ? cell->expect : MX_PASS;
		if (s->planned && stages[i].guest && k->guests_why_not[0]) {
			s->expect = MX_XFAIL;
			mx_fmt(s->reason, sizeof(s->reason), "%s", k->guests_why_not);
		}
	}
}

/* Worst first: a failure, a stale expectation, an expected failure, a skip, a pass. */
static int badness(enum mx_verdict v)
{
	static const int rank[] = { [MX_PENDING] = 5, [MX_FAIL] = 5, [MX_XPASS] = 4,
				    [MX_XFAIL] = 3, [MX_SKIP] = 2, [MX_PASS] = 1 };
	return rank[v];
}

enum mx_verdict mx_cell_overall(const struct mx_cell *cell)
{
	enum mx_verdict worst = cell->stage[MX_ST_BOOT].verdict;
	if (worst == MX_SKIP || worst == MX_XFAIL || worst == MX_XPASS)
		return worst; /* nothing after the boot ran, or it was never meant to */
	for (int i = 1; i < MX_STAGES; i++)
		if (cell->stage[i].planned && badness(cell->stage[i].verdict) > badness(worst))
			worst = cell->stage[i].verdict;
	/* a guest stage skipped because an earlier one failed adds nothing */
	return worst == MX_SKIP ? MX_PASS : worst;
}

/* The last "BOOTCHAIN-STAGE name=NAME " line in the log; NULL when none. */
static const char *stage_line(const char *log, size_t len, const char *name)
{
	char tag[64];
	size_t n = (size_t)mx_fmt(tag, sizeof(tag), "BOOTCHAIN-STAGE name=%s ", name);
	const char *found = NULL;
	for (const char *p = log; (p = memmem(p, len - (size_t)(p - log), tag, n)) != NULL; p += n)
		found = p;
	return found;
}

/* value of KEY= in a stage line, up to the next space (detail: to the end of line) */
static void line_field(const char *line, const char *key, char *out, size_t len)
{
	char pat[32];
	mx_fmt(pat, sizeof(pat), " %s=", key);
	const char *eol = strchr(line, '\n');
	const char *p = strstr(line, pat);
	out[0] = '\0';
	if (!p || (eol && p > eol))
		return;
	p += strlen(pat);
	size_t n = strcmp(key, "detail") ? strcspn(p, " \r\n") : strcspn(p, "\r\n");
	mx_fmt(out, len, "%.*s", (int)n, p);
}

static void set(struct mx_stage *s, enum mx_verdict v, const char *reason)
{
	if (s->expect == MX_XFAIL) {
		if (v == MX_PASS) {
			v = MX_XPASS;
			reason = "expected to fail but passed: the expectation is stale";
		} else if (v == MX_FAIL) {
			char why[MX_REASON_MAX];
			mx_fmt(why, sizeof(why), "%s", s->reason);
			mx_fmt(s->reason, sizeof(s->reason), "%s (expected: %s)", reason, why);
			s->verdict = MX_XFAIL;
			return;
		}
	}
	s->verdict = v;
	mx_fmt(s->reason, sizeof(s->reason), "%s", v == MX_PASS ? "" : reason);
}

static void judge_toolstack(struct mx_cell *cell, const char *log, size_t len)
{
	struct mx_stage *s = &cell->stage[MX_ST_TOOLSTACK];
	char xl[128] = "", t[32];
	const char *line = stage_line(log, len, stages[MX_ST_TOOLSTACK].name);
	if (line) {
		line_field(line, "time", t, sizeof(t));
		s->time_s = t[0] ? atof(t) : -1;
	}
	mx_marker_field(cell->marker, "xl", xl, sizeof(xl));
	if (strstr(xl, "Domain-0")) {
		set(s, MX_PASS, "");
		return;
	}
	char why[MX_REASON_MAX];
	mx_fmt(why, sizeof(why), "xl list did not show Domain-0 (xl=%s)", xl[0] ? xl : "missing");
	set(s, MX_FAIL, why);
}

static void judge_guest_stage(struct mx_cell *cell, int i, const char *log, size_t len)
{
	struct mx_stage *s = &cell->stage[i];
	const struct mx_stage *need = &cell->stage[stages[i].needs];
	char verdict[16], t[32], detail[MX_REASON_MAX], why[MX_REASON_MAX];
	const char *line = stage_line(log, len, stages[i].name);
	if (!line) {
		if (need->verdict != MX_PASS && need->verdict != MX_XPASS) {
			mx_fmt(why, sizeof(why), "not run: %s did not pass", stages[stages[i].needs].name);
			s->verdict = MX_SKIP;
			mx_fmt(s->reason, sizeof(s->reason), "%s", why);
		} else {
			set(s, MX_FAIL, "no result: dom0 stopped before this stage ended "
				       "(dom0 crash or the boot's time limit)");
		}
		return;
	}
	line_field(line, "verdict", verdict, sizeof(verdict));
	line_field(line, "time", t, sizeof(t));
	line_field(line, "detail", detail, sizeof(detail));
	s->time_s = t[0] ? atof(t) : -1;
	if (!strcmp(verdict, "PASS")) {
		set(s, MX_PASS, "");
	} else if (!strcmp(verdict, "SKIP")) {
		s->verdict = MX_SKIP;
		mx_fmt(s->reason, sizeof(s->reason), "%s", detail[0] ? detail : "not run");
	} else {
		set(s, MX_FAIL, detail[0] ? detail : "failed (no detail)");
	}
}

void mx_stages_decide(struct mx_cell *cell, const char *log, size_t len)
{
	struct mx_stage *boot = &cell->stage[MX_ST_BOOT];
	boot->verdict = cell->verdict;
	mx_fmt(boot->reason, sizeof(boot->reason), "%s", cell->reason);
	boot->time_s = cell->to_marker_s;
	for (int i = MX_ST_TOOLSTACK; i < MX_STAGES; i++) {
		struct mx_stage *s = &cell->stage[i];
		if (!s->planned)
			continue;
		if (boot->verdict != MX_PASS) {
			s->verdict = MX_SKIP;
			mx_fmt(s->reason, sizeof(s->reason), "not run: %s",
			       boot->verdict == MX_XFAIL ? "the boot was expected to fail"
							 : "dom0 did not boot");
		} else if (i == MX_ST_TOOLSTACK) {
			judge_toolstack(cell, log, len);
		} else {
			judge_guest_stage(cell, i, log, len);
		}
	}
	/* with stages, dom0 prints its marker after them: its boot is what they leave */
	for (int i = MX_ST_TOOLSTACK; i < MX_STAGES && boot->time_s > 0; i++)
		if (cell->stage[i].planned && cell->stage[i].time_s > 0)
			boot->time_s -= cell->stage[i].time_s;
	if (boot->time_s < 0 && cell->to_marker_s >= 0)
		boot->time_s = 0; /* two clocks: never a negative time */
	cell->verdict = mx_cell_overall(cell);
	if (cell->verdict != boot->verdict || boot->verdict == MX_PASS) {
		for (int i = MX_ST_TOOLSTACK; i < MX_STAGES; i++) {
			const struct mx_stage *s = &cell->stage[i];
			if (s->planned && s->verdict == cell->verdict && s->reason[0]) {
				mx_fmt(cell->reason, sizeof(cell->reason), "%s: %s", stages[i].name,
				       s->reason);
				break;
			}
		}
	}
}

/* The stage dom0 has started last (for the progress line), or "" before any. */
void mx_stage_current(const char *log, size_t len, char *out, size_t outlen)
{
	static const char tag[] = "BOOTCHAIN-STAGE-START name=";
	const char *found = NULL;
	for (const char *p = log; (p = memmem(p, len - (size_t)(p - log), tag, sizeof(tag) - 1));
	     p += sizeof(tag) - 1)
		found = p;
	out[0] = '\0';
	if (found) {
		const char *v = found + sizeof(tag) - 1;
		size_t n = strcspn(v, " \r\n");
		if (v + n < log + len) /* a whole name only */
			mx_fmt(out, outlen, "%.*s", (int)n, v);
	}
}
