/* The serial-log classifier: a table of patterns, most specific first, each naming the
 * reason a boot failed. The detail after a pattern (to the end of its line) is kept,
 * so a verdict reads e.g. "kernel panic: VFS: Unable to mount root fs". */
#include <stdio.h>
#include <string.h>
#include "bootchain/matrix/matrix.h"
#include "bootchain/matrix/util.h"

/* Where a pattern's detail is: none, the rest of its line, or the next line (Xen prints
 * its panic banner first and the message below it). */
enum detail_at { NO_DETAIL, REST_OF_LINE, NEXT_LINE };

struct log_pattern {
	const char *needle;     /* substring searched in the log */
	const char *reason;     /* verdict reason */
	enum detail_at detail;
	bool terminal;          /* the machine will not get further: stop waiting */
};

/* Order matters: the first pattern found anywhere in the log wins, so a hypervisor
 * panic outranks the dom0 trouble that caused it, and real errors outrank a timeout. */
static const struct log_pattern patterns[] = {
	{ "qemu-system-x86_64: ", "QEMU error", REST_OF_LINE, true },
	{ "Panic on CPU", "hypervisor panic", NEXT_LINE, true },
	{ "Hardware Dom0 crashed", "dom0 crash", NO_DETAIL, true },
	{ "Domain 0 crashed", "dom0 crash", NO_DETAIL, true },
	{ "Dom0 crashed", "dom0 crash", NO_DETAIL, true },
	{ "Hardware Dom0 halted", "dom0 halted before the marker", NO_DETAIL, true },
	{ "Kernel panic - not syncing: ", "kernel panic", REST_OF_LINE, true },
	{ "BUG: unable to handle", "kernel oops", REST_OF_LINE, false },
	{ "general protection fault", "kernel oops", REST_OF_LINE, false },
	{ "error: file `", "GRUB error: file", REST_OF_LINE, true },
	{ "error: you need to load the kernel first", "GRUB error: no kernel loaded", NO_DETAIL, true },
	/* other GRUB errors may be followed by a boot anyway: keep waiting */
	{ "\nerror: ", "GRUB error", REST_OF_LINE, false },
	{ "\rerror: ", "GRUB error", REST_OF_LINE, false },
	{ "No bootable device", "firmware found no bootable medium", NO_DETAIL, true },
	{ "Boot Failed", "firmware boot failure", REST_OF_LINE, false },
};

/* Copy the rest of the line that starts at p, trimmed, into out. */
static void copy_line_rest(const char *p, const char *end, char *out, size_t len)
{
	size_t n = 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && *p != '\n' && *p != '\r' && n + 1 < len) {
		unsigned char c = (unsigned char)*p++;
		out[n++] = (c < 0x20 || c > 0x7e) ? '?' : (char)c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* The first line below p with text, without Xen's "(XEN) " prefix. */
static void next_line_detail(const char *p, const char *end, char *out, size_t len)
{
	for (int line = 0; line < 4 && p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		p = nl + 1;
		const char *x = p;
		if (end - x > 6 && !memcmp(x, "(XEN) ", 6))
			x += 6;
		if (x < end && *x != '*' && *x != '\n' && *x != '\r') {
			copy_line_rest(x, end, out, len);
			return;
		}
	}
	out[0] = '\0';
}

static const char *find_bytes(const char *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle);
	if (n > hay_len)
		return NULL;
	return memmem(hay, hay_len, needle, n);
}

/* Messages that match a pattern but do not stop a boot: GRUB2 under UEFI says this of
 * every multiboot image, and the hypervisor boots anyway; QEMU's warnings (Xen cells get
 * one for the invariant TSC TCG does not list) leave it running. */
static const char *const benign[] = {
	"no suitable video mode found",
	"warning: ",
};

static bool is_benign(const char *after, const char *end)
{
	for (size_t i = 0; i < sizeof(benign) / sizeof(benign[0]); i++) {
		size_t n = strlen(benign[i]);
		if ((size_t)(end - after) >= n && !memcmp(after, benign[i], n))
			return true;
	}
	return false;
}

/* The first occurrence of a pattern that is not benign. */
static const char *find_pattern(const char *log, size_t len, const char *needle)
{
	const char *end = log + len, *p = log;
	while ((p = find_bytes(p, (size_t)(end - p), needle)) != NULL) {
		if (!is_benign(p + strlen(needle), end))
			return p;
		p += strlen(needle);
	}
	return NULL;
}

/* Returns the reason of the first matching pattern (NULL when none matches); detail
 * gets the text after it. */
const char *mx_classify_log(const char *log, size_t len, char *detail, size_t detail_len)
{
	detail[0] = '\0';
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		const char *hit = find_pattern(log, len, patterns[i].needle);
		if (!hit)
			continue;
		const char *after = hit + strlen(patterns[i].needle);
		if (patterns[i].detail == NEXT_LINE)
			next_line_detail(after, log + len, detail, detail_len);
		else if (patterns[i].detail == REST_OF_LINE)
			copy_line_rest(after, log + len, detail, detail_len);
		return patterns[i].reason;
	}
	return NULL;
}

bool mx_classify_terminal(const char *log, size_t len)
{
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		if (patterns[i].terminal && find_pattern(log, len, patterns[i].needle))
			return true;
	return false;
}

/* What only a running hypervisor prints on the serial line. */
const char *mx_hv_log_proof(enum mx_hv_kind kind)
{
	switch (kind) {
	case MX_HV_XEN_PV:
	case MX_HV_XEN_PVH: return "(XEN)";
	case MX_HV_BCHV: return "(bchv)";
	default: return NULL;
	}
}

/* Marker fields are "key=value" words; cmdline= takes the rest of the line, so a
 * word in it is never taken for a field (a kernel argument hidden=yes proves nothing). */
bool mx_marker_field(const char *marker, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	const char *cmdline = strstr(marker, " cmdline=");
	for (const char *p = marker; (p = strstr(p, key)) != NULL; p += klen) {
		if (cmdline && p > cmdline && strcmp(key, "cmdline"))
			break;
		if ((p != marker && p[-1] != ' ') || p[klen] != '=')
			continue;
		const char *v = p + klen + 1;
		size_t n = strcmp(key, "cmdline") ? strcspn(v, " ") : strlen(v);
		if (n >= len)
			n = len - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

static void set_reason(struct mx_cell *cell, const char *reason, const char *detail)
{
	if (detail && *detail)
		mx_fmt(cell->reason, sizeof(cell->reason), "%s: %s", reason, detail);
	else
		mx_fmt(cell->reason, sizeof(cell->reason), "%s", reason);
}

/* Under bchv, dom0 proves it is contained: CPUID shows bchv's signature and bchv's own
 * memory reads as all ones through /dev/mem. Empty reason when the marker says so. */
static void containment_reason(struct mx_cell *cell, const char *marker)
{
	char sig[32] = "", hidden[32] = "";
	bool has_sig = mx_marker_field(marker, "sig", sig, sizeof(sig));
	mx_marker_field(marker, "hidden", hidden, sizeof(hidden));
	if (!has_sig)
		mx_fmt(cell->reason, sizeof(cell->reason),
		       "dom0 not shown contained: the marker has no sig=/hidden= (no bchv_probe= "
		       "argument, or no bootchain-dom0-probe in the initramfs)");
	else if (strcmp(sig, "bchvbchvbchv"))
		mx_fmt(cell->reason, sizeof(cell->reason),
		       "dom0 not contained: CPUID 0x40000000 signature is '%s', not bchvbchvbchv", sig);
	else if (strcmp(hidden, "yes"))
		mx_fmt(cell->reason, sizeof(cell->reason),
		       "dom0 not contained: /dev/mem read of bchv's memory gave hidden=%s, not all ones",
		       hidden[0] ? hidden : "(none)");
}

/* Why did this boot not prove what it should? Empty when it did. */
static void failure_reason(struct mx_cell *cell, const struct mx_hypervisor *hv,
			   const struct mx_boot_result *boot, const char *log, size_t len)
{
	char detail[MX_REASON_MAX];
	cell->reason[0] = '\0';
	if (boot->qemu_error[0]) {
		set_reason(cell, "QEMU error", boot->qemu_error);
		return;
	}
	if (boot->marker_seen) {
		const char *proof = mx_hv_log_proof(hv->kind);
		char type[64] = "";
		const char *want = mx_hv_expected_type(hv->kind);
		mx_marker_field(boot->marker, "hv", type, sizeof(type));
		if (hv->kind == MX_HV_BCHV) {
			/* the marker's hv= comes from the signature: say what is missing */
			if (!find_bytes(log, len, proof))
				mx_fmt(cell->reason, sizeof(cell->reason),
				       "the hypervisor never ran: no '%s' lines in the serial log", proof);
			else
				containment_reason(cell, boot->marker);
			if (cell->reason[0])
				return;
		}
		if (want && strcmp(type, want)) {
			mx_fmt(cell->reason, sizeof(cell->reason),
				 "wrong hypervisor: marker says '%s', expected '%s'", type, want);
			return;
		}
		if (proof && !find_bytes(log, len, proof)) {
			mx_fmt(cell->reason, sizeof(cell->reason),
			       "the hypervisor never ran: no '%s' lines in the serial log", proof);
			return;
		}
		return; /* `xl list` is the toolstack stage's (stage.c) */
	}
	const char *why = mx_classify_log(log, len, detail, sizeof(detail));
	if (why)
		set_reason(cell, why, detail);
	else if (boot->silent_s > 0)
		mx_fmt(cell->reason, sizeof(cell->reason),
		       "no marker: the console was silent for %d s", boot->silent_s);
	else if (boot->timed_out)
		set_reason(cell, "no marker before the time limit", NULL);
	else if (boot->qemu_status == 0)
		/* under -no-reboot, QEMU exits 0 when the guest resets */
		set_reason(cell, "the machine reset before the marker", NULL);
	else
		mx_fmt(cell->reason, sizeof(cell->reason),
			 "QEMU ended (status %d) without a marker", boot->qemu_status);
}

/* The verdict: PASS when the marker proves the boot; an expected failure is XFAIL and
 * an unexpected success of an expected failure is XPASS (the expectation is stale). */
void mx_verdict_decide(struct mx_cell *cell, const struct mx_hypervisor *hv,
		       const struct mx_boot_result *boot, const char *log, size_t len)
{
	mx_fmt(cell->marker, sizeof(cell->marker), "%s", boot->marker);
	cell->to_marker_s = boot->marker_seen ? boot->to_marker_s : -1;
	failure_reason(cell, hv, boot, log, len);
	bool ok = cell->reason[0] == '\0';
	if (cell->expect == MX_XFAIL) {
		cell->verdict = ok ? MX_XPASS : MX_XFAIL;
		if (ok)
			mx_fmt(cell->reason, sizeof(cell->reason), "expected to fail (%s) but booted",
				 cell->expect_reason);
		return;
	}
	cell->verdict = ok ? MX_PASS : MX_FAIL;
}
