/* What bchv does when dom0 exits: a table from exit code to handler, with a
 * count per entry for the summary printed when dom0 stops. QEMU's software
 * SVM has no next-RIP field, so handlers skip the instructions they emulate
 * by their known lengths (CPUID and RDMSR/WRMSR are 2 bytes); for port I/O
 * the CPU gives the next RIP. */
#include "svm.h"
#include "../arch.h"
#include "../io.h"
#include "../../../core/acpi.h"
#include "../../../core/format.h"
#include "../../../core/log.h"

#define RFLAGS_TF (1ull << 8)
#define VEC_DB 1
#define VEC_UD 6
#define VEC_GP 13

#define MSR_EFER        0xc0000080u
/* EFER bits dom0 may write: SCE, LME, LMA (ignored), NXE, LMSLE, FFXSR, TCE */
#define EFER_GUEST_OK   0xed01ull

struct exit_handler {
	u32 lo, hi;                   /* exit codes handled */
	const char *name;
	void (*fn)(struct vcpu *v);
};

static u64 counts[16], other_count;
static bool npf_seen, stop_reported;
static u64 hidden_touches;
static u16 pm1_ports[2];

static void mark(u8 c);

static void skip(struct vcpu *v, u64 len) { v->vmcb->s.rip += len; }

static void dump_guest(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->s;
	const struct guest_regs *r = &v->regs;
	hv_log(LOG_ERR, "dom0: rip %#llx rsp %#llx rflags %#llx cs %#x (base %#llx) cpl %u\n",
	       s->rip, s->rsp, s->rflags, s->cs.sel, s->cs.base, (s->ss.attrib >> 5) & 3);
	hv_log(LOG_ERR, "dom0: rax %#llx rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx rbp %#llx\n",
	       s->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp);
	hv_log(LOG_ERR, "dom0: r8 %#llx r9 %#llx r10 %#llx r11 %#llx r12 %#llx r13 %#llx r14 %#llx r15 %#llx\n",
	       r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15);
	hv_log(LOG_ERR, "dom0: cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx exitintinfo %#llx\n",
	       s->cr0, s->cr2, s->cr3, s->cr4, s->efer, v->vmcb->c.exit_int_info);
}

/* ---- CPUID: the real CPU's, with a signature, and without SVM --------- */
static void exit_cpuid(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->s;
	u32 leaf = (u32)s->rax, r[4] = { 0, 0, 0, 0 };
	if ((leaf & 0xf0000000u) == 0x40000000u) {
		if (leaf == 0x40000000u) {
			r[0] = 0x40000000u;                       /* highest leaf bchv answers */
			r[1] = r[2] = r[3] = 0x76686362u;         /* "bchv" three times */
		}
	} else {
		cpuid_count(leaf, (u32)v->regs.rcx, r);
	}
	switch (leaf) {
	case 1:
		r[2] |= 1u << 31;                                 /* hypervisor present */
		/* no VMX; no x2APIC (bchv traps the xAPIC page); OSXSAVE is dom0's */
		r[2] &= ~((1u << 5) | (1u << 21) | (1u << 27));
		if (s->cr4 & (1u << 18))
			r[2] |= 1u << 27;
		break;
	case 7:
		r[2] &= ~(1u << 4);                               /* OSPKE follows dom0's CR4 */
		if ((u32)v->regs.rcx == 0 && (s->cr4 & (1u << 22)))
			r[2] |= 1u << 4;
		break;
	case 0x80000001u:
		r[2] &= ~(1u << 2);                               /* SVM */
		break;
	case 0x8000000au:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	}
	s->rax = r[0];
	v->regs.rbx = r[1];
	v->regs.rcx = r[2];
	v->regs.rdx = r[3];
	skip(v, 2);
}

/* ---- MSRs: only the SVM ones are intercepted (see svm.c's bitmap) ---- */

/* MSRs that route memory for the whole machine: dom0 reads them (not
 * intercepted), and a write that would change one is dropped, as Linux
 * expects of firmware-owned state, with one line per MSR. */
static const struct { u32 msr; const char *name; } machine_msrs[] = {
	{ MSR_SYSCFG, "SYSCFG" }, { MSR_TOP_MEM, "TOP_MEM" }, { MSR_TOP_MEM2, "TOP_MEM2" },
};
static u32 machine_msr_logged;

static bool machine_msr_write(u32 msr, u64 val)
{
	for (u32 i = 0; i < BC_ARRAY_SIZE(machine_msrs); i++) {
		if (machine_msrs[i].msr != msr)
			continue;
		u64 now = rdmsr(msr);
		if (val != now && !(__atomic_fetch_or(&machine_msr_logged, 1u << i, __ATOMIC_RELAXED) &
				    (1u << i)))
			hv_log(LOG_WARN, "dom0: write of %#llx to %s ignored (stays %#llx)\n", val,
			       machine_msrs[i].name, now);
		return true;
	}
	return false;
}

static void exit_msr(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->s;
	u32 msr = (u32)v->regs.rcx;
	bool write = v->vmcb->c.exit_info1 & 1;
	u64 val = (v->regs.rdx << 32) | (u32)s->rax, out = 0;
	if (write && machine_msr_write(msr, val)) {
		skip(v, 2);
		return;
	}
	switch (msr) {
	case MSR_EFER:
		if (!write) {
			out = s->efer & ~EFER_SVME;           /* as on a CPU without SVM */
			break;
		}
		if (val & ~EFER_GUEST_OK) {
			guest_inject(v, VEC_GP, true, 0);   /* SVME, or reserved bits */
			return;
		}
		s->efer = (val & ~EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		break;
	case MSR_APIC_BASE:                                   /* write only: enable bits, same base */
		if (((val ^ rdmsr(MSR_APIC_BASE)) & 0xffffff000ull) || (val & ~0xffffff900ull)) {
			guest_inject(v, VEC_GP, true, 0);
			return;
		}
		wrmsr(MSR_APIC_BASE, val);
		break;
	default:   /* VM_CR, VM_HSAVE_PA: absent on a CPU without SVM; outside the bitmap: none */
		guest_inject(v, VEC_GP, true, 0);
		return;
	}
	if (!write) {
		s->rax = (u32)out;
		v->regs.rdx = out >> 32;
	}
	skip(v, 2);
}

/* ---- Port I/O: the ports that end dom0's run ------------------------- */
static const char *stop_reason(u16 port, u32 val)
{
	if (port >= 0xf4 && port <= 0xf7)
		return "isa-debug-exit write";
	if (port == 0xcf9 && (val & 4))
		return "reset through port 0xCF9";
	if (port == 0x64 && (val & 0xff) == 0xfe)
		return "reset through the keyboard controller";
	if (port && (port == pm1_ports[0] || port == pm1_ports[1]) && (val & (1u << 13)))
		return "ACPI sleep (power-off)";
	return NULL;
}

static void exit_ioio(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->s;
	u64 info = v->vmcb->c.exit_info1;
	u16 port = (u16)(info >> 16);
	u32 size = (info >> 4) & 7;                           /* 1, 2 or 4 bytes */
	u64 mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffull;
	s->rip = v->vmcb->c.exit_info2;
	if (info & 4) {                                       /* INS/OUTS: not expected here */
		hv_log(LOG_WARN, "dom0: string I/O on port %#x ignored\n", port);
		return;
	}
	if (info & 1) {
		u32 in = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
		s->rax = (s->rax & ~mask) | in;
		return;
	}
	u32 val = (u32)(s->rax & mask);
	if (port == 0xe9) {
		mark((u8)val);
		return;
	}
	const char *why = stop_reason(port, val);
	if (why && !__atomic_exchange_n(&stop_reported, true, __ATOMIC_RELAXED)) {
		hv_log(LOG_INFO, "dom0 stopped: %s (port %#x, value %#x)\n", why, port, val);
		svm_exit_summary();
	}
	if (size == 1)
		outb(port, (u8)val);
	else if (size == 2)
		outw(port, (u16)val);
	else
		outl(port, val);
}

/* ---- Nested page faults: dom0 touched bchv ---------------------------- */
static void exit_npf(struct vcpu *v)
{
	u64 gpa = v->vmcb->c.exit_info2, err = v->vmcb->c.exit_info1;
	if ((err & 3) == 3 && svm_apic_trapped(gpa)) {
		svm_apic_write(v, gpa);
		return;
	}
	if (!npt_is_hidden(gpa)) {
		dump_guest(v);
		hv_fatal("dom0: nested page fault at %#llx (error %#llx) outside bchv's memory\n",
			 gpa, err);
	}
	if (!__atomic_exchange_n(&npf_seen, true, __ATOMIC_RELAXED)) {
		hv_log(LOG_WARN, "dom0: %s bchv's memory at %#llx (rip %#llx): refused, it reads as "
		       "all ones and writes are dropped (further accesses are not logged)\n",
		       err & 2 ? "write to" : "read of", gpa, v->vmcb->s.rip);
		npt_hidden_readable();
	}
	__atomic_fetch_add(&hidden_touches, 1, __ATOMIC_RELAXED);
	if (err & 2) {
		/* let this one instruction write to a scratch page, then restore */
		npt_hidden_sink(gpa);
		if (!v->stepping) {
			v->stepping = true;
			v->guest_tf = v->vmcb->s.rflags & RFLAGS_TF;
			v->vmcb->s.rflags |= RFLAGS_TF;
			v->vmcb->c.exc_intercepts |= 1u << VEC_DB;
		}
	}
	v->vmcb->c.tlb_control = 1;
}

static void exit_db(struct vcpu *v)
{
	if (!v->stepping) {
		guest_inject(v, VEC_DB, false, 0);
		return;
	}
	v->stepping = false;
	npt_hidden_readable();
	v->vmcb->c.tlb_control = 1;
	v->vmcb->c.exc_intercepts &= ~(1u << VEC_DB);
	if (v->guest_tf) {
		guest_inject(v, VEC_DB, false, 0);
	} else {
		v->vmcb->s.rflags &= ~RFLAGS_TF;
		v->vmcb->s.dr6 &= ~(1ull << 14);                 /* BS: our step, not dom0's */
	}
}

/* ---- NMI: dom0's own, or another CPU making this vCPU exit --------------- */

/* The NMI that caused the exit is still pending: let it in (GIF=1; IF is 0,
 * so nothing else comes in) and dismiss it, so it does not exit again. */
static void dismiss_nmi(void)
{
	u64 before = __atomic_load_n(&arch_nmi_count, __ATOMIC_ACQUIRE);
	__asm__ volatile("stgi" ::: "memory");
	for (u32 i = 0; i < 1000000 && __atomic_load_n(&arch_nmi_count, __ATOMIC_ACQUIRE) == before; i++)
		cpu_relax();
	__asm__ volatile("clgi" ::: "memory");
}

static void exit_nmi(struct vcpu *v)
{
	bool init = svm_init_pending(v);
	/* an event to deliver again goes first; the NMI stays pending and exits again */
	if (!init && (v->vmcb->c.event_inj & SVM_EVT_VALID))
		return;
	dismiss_nmi();
	if (init)
		svm_vcpu_restart(v);
	else
		v->vmcb->c.event_inj = SVM_EVT_VALID | SVM_EVT_NMI | 2;
}

/* ---- SVM instructions: #UD, as on a CPU without SVM -------------------- */
static void exit_svm_insn(struct vcpu *v) { guest_inject(v, VEC_UD, false, 0); }

/* At CPL 3 the CPU raises #GP for SVM instructions before any intercept:
 * look at the instruction and turn those into #UD too. */
static bool is_svm_insn(const struct vcpu *v)
{
	u8 b[15];
	bool long64;
	u32 n = guest_fetch_insn(v, b, &long64), i = 0;
	static const u8 prefixes[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65 };
	for (bool more = true; more && i < n;) {
		more = long64 && (b[i] & 0xf0) == 0x40;
		for (u32 p = 0; p < sizeof(prefixes); p++)
			more |= b[i] == prefixes[p];
		i += more;
	}
	return i + 3 <= n && b[i] == 0x0f && b[i + 1] == 0x01 && b[i + 2] >= 0xd8 && b[i + 2] <= 0xdf;
}

static void exit_shutdown(struct vcpu *v);

/* A #GP raised while delivering another event: what the CPU would have
 * made of the pair had bchv not intercepted #GP (a double fault, or a
 * triple fault when that was already a double fault). */
static void gp_during_delivery(struct vcpu *v, u64 info)
{
	u32 vec = info & 0xff, type = (info >> 8) & 7;
	bool contributory = vec == 0 || (vec >= 10 && vec <= 14);
	if (type == 3 && vec == 8)
		exit_shutdown(v);
	else if (type == 3 && contributory)
		guest_inject(v, 8, true, 0);
	else
		guest_inject(v, VEC_GP, true, (u32)v->vmcb->c.exit_info1);
}

static void exit_gp(struct vcpu *v)
{
	u64 info = v->vmcb->c.exit_int_info;
	if (info & SVM_EVT_VALID)
		gp_during_delivery(v, info);
	else if (is_svm_insn(v))
		guest_inject(v, VEC_UD, false, 0);
	else
		guest_inject(v, VEC_GP, true, (u32)v->vmcb->c.exit_info1);
}

/* ---- The end of dom0 ---------------------------------------------------- */
static void exit_shutdown(struct vcpu *v)
{
	hv_log(LOG_ERR, "dom0 triple fault (shutdown exit)\n");
	dump_guest(v);
	svm_exit_summary();
	hv_fatal_stop();
}

static void exit_invalid(struct vcpu *v)
{
	dump_guest(v);
	hv_fatal("svm: VMRUN refused dom0's VMCB (exit code %#llx)\n", v->vmcb->c.exit_code);
}

static const struct exit_handler handlers[] = {
	{ SVM_EXIT_CPUID, SVM_EXIT_CPUID, "cpuid", exit_cpuid },
	{ SVM_EXIT_MSR, SVM_EXIT_MSR, "msr", exit_msr },
	{ SVM_EXIT_IOIO, SVM_EXIT_IOIO, "io", exit_ioio },
	{ SVM_EXIT_NPF, SVM_EXIT_NPF, "npf", exit_npf },
	{ SVM_EXIT_NMI, SVM_EXIT_NMI, "nmi", exit_nmi },
	{ SVM_EXIT_EXCP(VEC_DB), SVM_EXIT_EXCP(VEC_DB), "#db", exit_db },
	{ SVM_EXIT_EXCP(VEC_GP), SVM_EXIT_EXCP(VEC_GP), "#gp", exit_gp },
	{ SVM_EXIT_VMRUN, SVM_EXIT_SKINIT, "svm-insn", exit_svm_insn },
	{ SVM_EXIT_INVLPGA, SVM_EXIT_INVLPGA, "invlpga", exit_svm_insn },
	{ SVM_EXIT_SHUTDOWN, SVM_EXIT_SHUTDOWN, "shutdown", exit_shutdown },
	{ SVM_EXIT_INVALID, SVM_EXIT_INVALID, "invalid", exit_invalid },
};
_Static_assert(BC_ARRAY_SIZE(handlers) <= BC_ARRAY_SIZE(counts), "a counter per handler");

/* Exits since a snapshot: "N exits in T s (R/s): name count, ..." */
struct exit_snapshot {
	u64 counts[BC_ARRAY_SIZE(counts)], other, ns;
};
static struct exit_snapshot at_start, at_mark;

static void print_since(const char *what, const struct exit_snapshot *base)
{
	u64 total = other_count - base->other, ms = (arch_time_ns() - base->ns) / 1000000;
	char line[256];
	u32 n = 0;
	line[0] = '\0';
	for (u32 i = 0; i < BC_ARRAY_SIZE(handlers); i++) {
		u64 c = counts[i] - base->counts[i];
		total += c;
		if (c && n < sizeof(line) - 40)
			n += (u32)bc_snprintf(line + n, sizeof(line) - n, "%s %s %llu", n ? "," : ":",
					      handlers[i].name, c);
	}
	hv_log(LOG_INFO, "%s: %llu exits in %llu.%03llu s (%llu/s)%s\n", what, total, ms / 1000,
	       ms % 1000, ms ? total * 1000 / ms : 0, line);
}

static void snapshot(struct exit_snapshot *s)
{
	for (u32 i = 0; i < BC_ARRAY_SIZE(handlers); i++)
		s->counts[i] = counts[i];
	s->other = other_count;
	s->ns = arch_time_ns();
}

void svm_exit_summary(void)
{
	print_since("exit summary", &at_start);
	if (hidden_touches)
		hv_log(LOG_INFO, "exit summary: %llu accesses to bchv's memory refused\n",
		       hidden_touches);
}

/* dom0 wrote byte C to port 0xE9 (QEMU's debug console port): the exits
 * since its previous mark, so a benchmark can measure phases of its run. */
static void mark(u8 c)
{
	char what[32];
	bc_snprintf(what, sizeof(what), "dom0 mark '%c'", c >= 0x20 && c < 0x7f ? c : '?');
	print_since(what, &at_mark);
	snapshot(&at_mark);
}

void svm_exits_init(const struct virt_dom0 *d, u16 pm1[2])
{
	if (hv_acpi_pm1_cnt(d->rsdp, &pm1_ports[0], &pm1_ports[1]))
		hv_log(LOG_INFO, "svm: ACPI power-off through PM1 control ports %#x %#x\n",
		       pm1_ports[0], pm1_ports[1]);
	else
		hv_log(LOG_WARN, "svm: no ACPI FADT found: dom0's ACPI power-off is not watched\n");
	pm1[0] = pm1_ports[0];
	pm1[1] = pm1_ports[1];
	snapshot(&at_start);
	at_mark = at_start;
}

void svm_handle_exit(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->c;
	u32 code = (u32)c->exit_code;
	/* an event whose delivery the exit interrupted is delivered again */
	c->event_inj = (c->exit_int_info & SVM_EVT_VALID) ? c->exit_int_info : 0;
	for (u32 i = 0; i < BC_ARRAY_SIZE(handlers); i++) {
		if (code >= handlers[i].lo && code <= handlers[i].hi) {
			__atomic_fetch_add(&counts[i], 1, __ATOMIC_RELAXED);
			handlers[i].fn(v);
			return;
		}
	}
	__atomic_fetch_add(&other_count, 1, __ATOMIC_RELAXED);
	dump_guest(v);
	hv_fatal("svm: unexpected exit %#x (info %#llx %#llx)\n", code, c->exit_info1, c->exit_info2);
}
