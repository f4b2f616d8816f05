/* AMD SVM backend: checks the CPU, enables SVM, builds dom0's VMCB in the
 * PVH entry state with nested paging, and runs it. Interrupts, NMIs and
 * devices go straight to dom0: INTR is not intercepted and V_INTR_MASKING
 * is off, so dom0's own RFLAGS.IF gates the real interrupts. */
#include "svm.h"
#include "../arch.h"
#include "../io.h"
#include "../layout.h"
#include "../../../core/log.h"
#include <bc/string.h>

/* One per CPU: index 0 is the boot CPU, 1.. the APs in arrival order. */
struct svm_cpu {
	struct vmcb guest, host;       /* host: bchv's FS/GS/TR for VMLOAD */
	u8 hsave[4096];                /* the CPU's own host save area */
	struct vcpu vcpu;
	u32 apic_id;
	volatile u32 state;
	volatile u32 sipi;             /* STARTUP vector | SIPI_SET */
	volatile u32 reset;            /* dom0 sent INIT while it ran: reset at its next exit */
	bool ran;                      /* it has run as a vCPU (no longer parked with HLT) */
} __attribute__((aligned(4096)));
enum { CPU_ABSENT, CPU_PARKED, CPU_INIT, CPU_RUNNING };
#define SIPI_SET 0x100u

static struct svm_cpu cpus[1 + AP_MAX];
static u8 iopm[3 * 4096] __attribute__((aligned(4096)));
static u8 msrpm[2 * 4096] __attribute__((aligned(4096)));
static u64 n_cr3;
static volatile bool dom0_ready;       /* shared tables and maps are built */

static u64 pa(const void *p) { return (uintptr_t)p; }

const char *virt_unavailable(void)
{
	u32 r[4];
	cpuid_count(0x80000000u, 0, r);
	if (r[0] < 0x8000000au)
		return "this CPU has no AMD SVM";
	cpuid_count(0x80000001u, 0, r);
	if (!(r[2] & (1u << 2)))
		return "this CPU has no AMD SVM";
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return "SVM is disabled by the firmware (VM_CR.SVMDIS)";
	cpuid_count(0x8000000au, 0, r);
	if (!(r[3] & 1))
		return "this CPU's SVM has no nested paging (NPT)";
	return NULL;
}

/* One port range trapped in the I/O permission map. */
static void iopm_trap(u16 port, u16 len)
{
	for (u32 p = port; p < (u32)port + len; p++)
		iopm[p / 8] |= (u8)(1u << (p % 8));
}

/* Both bits (read, write) of one MSR in the MSR permission map. */
static void msrpm_trap(u32 msr)
{
	u32 base = msr < 0x2000 ? 0 : msr >= 0xc0010000u ? 0x1000 : 0x800;
	u32 bit = (msr & 0x1fff) * 2;
	msrpm[base + bit / 8] |= (u8)(3u << (bit % 8));
}

/* Only the write bit: reads go to the CPU. */
static void msrpm_trap_write(u32 msr)
{
	u32 base = msr < 0x2000 ? 0 : msr >= 0xc0010000u ? 0x1000 : 0x800;
	u32 bit = (msr & 0x1fff) * 2 + 1;
	msrpm[base + bit / 8] |= (u8)(1u << (bit % 8));
}

static void permission_maps(const u16 pm1[2])
{
	iopm_trap(0xf4, 4);            /* QEMU's isa-debug-exit */
	iopm_trap(0xe9, 1);            /* dom0's marks for the exit statistics */
	iopm_trap(0xcf9, 1);           /* reset control */
	iopm_trap(0x64, 1);            /* keyboard controller (reset line) */
	for (int i = 0; i < 2; i++)
		if (pm1[i])
			iopm_trap(pm1[i], 2);  /* ACPI PM1 control: power-off */
	msrpm_trap(MSR_EFER);
	msrpm_trap(MSR_VM_CR);
	msrpm_trap(MSR_VM_HSAVE_PA);
	msrpm_trap_write(MSR_APIC_BASE);   /* the APIC must stay where the tables trap it */
	/* dom0 must not move memory around the nested page tables */
	msrpm_trap_write(MSR_SYSCFG);
	msrpm_trap_write(MSR_TOP_MEM);
	msrpm_trap_write(MSR_TOP_MEM2);
}

static void flat_seg(struct vmcb_seg *s, u16 sel, u16 attrib)
{
	*s = (struct vmcb_seg){ sel, attrib, 0xffffffffu, 0 };
}

/* The PVH entry state: 32-bit flat protected mode, paging off, EBX = start info. */
static void guest_state(struct vmcb_save *s, const struct virt_dom0 *d, struct guest_regs *r)
{
	flat_seg(&s->cs, 0x08, 0xc9b);
	flat_seg(&s->ds, 0x10, 0xc93);
	s->es = s->ss = s->fs = s->gs = s->ds;
	s->tr = (struct vmcb_seg){ 0x18, 0x8b, 0x67, 0 };   /* busy 32-bit TSS */
	s->ldtr = (struct vmcb_seg){ 0, 0x82, 0, 0 };
	s->gdtr = s->idtr = (struct vmcb_seg){ 0, 0, 0xffff, 0 };
	s->cpl = 0;
	s->efer = EFER_SVME;           /* VMRUN requires it; dom0 never sees it */
	s->cr0 = 0x11;                 /* PE | ET */
	s->cr3 = s->cr4 = 0;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 2;
	s->rip = d->entry;
	s->rsp = s->rax = 0;
	s->g_pat = 0x0007040600070406ull;
	r->rbx = d->start_info;
}

static void control(struct vmcb_control *c, u64 n_cr3)
{
	/* NMI: how another CPU makes this vCPU exit (an INIT from dom0) */
	c->intercepts3 = SVM_I3_NMI | SVM_I3_CPUID | SVM_I3_INVLPGA | SVM_I3_IOIO | SVM_I3_MSR |
			 SVM_I3_SHUTDOWN;
	c->intercepts4 = SVM_I4_SVM_INSNS;
	c->exc_intercepts = 1u << 13;  /* #GP: SVM instructions at CPL 3 (see exits.c) */
	c->iopm_pa = pa(iopm);
	c->msrpm_pa = pa(msrpm);
	c->asid = 1;
	c->tlb_control = 1;
	c->nested_ctl = 1;             /* nested paging */
	c->n_cr3 = n_cr3;
}

static void cpu_enable(struct svm_cpu *c)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, pa(c->hsave));
	c->vcpu.vmcb = &c->guest;
	c->vcpu.vmcb_pa = pa(&c->guest);
	c->vcpu.host_pa = pa(&c->host);
	control(&c->guest.c, n_cr3);
}

_Noreturn static void run(struct vcpu *v)
{
	__asm__ volatile("vmsave %0" : : "a"(v->host_pa) : "memory");
	for (;;) {
		svm_vmrun(&v->regs, v->vmcb_pa, v->host_pa);
		v->vmcb->c.tlb_control = 0;
		svm_handle_exit(v);
	}
}

_Noreturn void virt_run_dom0(const struct virt_dom0 *d)
{
	u64 hide_lo = (uintptr_t)__image_start, hide_hi = (uintptr_t)__dom0info_start;
	n_cr3 = npt_build(d->ram_top, hide_lo, hide_hi);
	npt_trap_writes(rdmsr(MSR_APIC_BASE) & 0xfffff000u);
	u16 pm1[2];
	svm_exits_init(d, pm1);
	permission_maps(pm1);
	struct svm_cpu *c = &cpus[0];
	c->apic_id = (u32)(rdmsr(MSR_APIC_BASE) >> 63);   /* unused for the boot CPU */
	cpu_enable(c);
	guest_state(&c->guest.s, d, &c->vcpu.regs);
	c->state = CPU_RUNNING;
	__atomic_store_n(&dom0_ready, true, __ATOMIC_RELEASE);
	hv_log(LOG_INFO, "svm: dom0 runs as a guest with nested paging (0 - %llu GiB); bchv's "
	       "memory %#llx-%#llx is hidden from it\n", npt_top() >> 30, hide_lo, hide_hi);
	run(&c->vcpu);
}

/* The state after INIT and STARTUP: real mode at vector:0000. */
static void ap_state(struct vmcb_save *s, u32 vector)
{
	*s = (struct vmcb_save){ 0 };
	s->cs = (struct vmcb_seg){ (u16)(vector << 8), 0x9b, 0xffff, (u64)vector << 12 };
	s->ds = (struct vmcb_seg){ 0, 0x93, 0xffff, 0 };
	s->es = s->ss = s->fs = s->gs = s->ds;
	s->tr = (struct vmcb_seg){ 0, 0x8b, 0xffff, 0 };
	s->ldtr = (struct vmcb_seg){ 0, 0x82, 0xffff, 0 };
	s->gdtr = s->idtr = (struct vmcb_seg){ 0, 0, 0xffff, 0 };
	s->efer = EFER_SVME;
	s->cr0 = 0x10;                 /* ET; caches on (CD/NW clear) */
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 2;
	s->g_pat = 0x0007040600070406ull;
}

_Noreturn void virt_ap_main(u32 index, u32 apic_id)
{
	struct svm_cpu *c = &cpus[1 + index];
	c->apic_id = apic_id;
	__atomic_store_n(&c->state, CPU_PARKED, __ATOMIC_RELEASE);
	arch_ap_park(&c->sipi, SIPI_SET);
	while (!__atomic_load_n(&dom0_ready, __ATOMIC_ACQUIRE))
		cpu_relax();
	cpu_enable(c);
	ap_state(&c->guest.s, c->sipi & 0xff);
	c->ran = true;
	hv_log(LOG_INFO, "svm: CPU with APIC ID %u starts as dom0's vCPU at %#x\n", apic_id,
	       (c->sipi & 0xff) << 12);
	run(&c->vcpu);
}

static struct svm_cpu *cpu_of(struct vcpu *v)
{
	return (struct svm_cpu *)(void *)((u8 *)v - __builtin_offsetof(struct svm_cpu, vcpu));
}

bool svm_init_pending(struct vcpu *v) { return __atomic_load_n(&cpu_of(v)->reset, __ATOMIC_ACQUIRE); }

/* The INIT dom0 sent while this vCPU ran: as a real CPU, it waits for
 * STARTUP (briefly: dom0 sends it right after INIT), then starts over in
 * real mode at its vector, nothing kept of its previous run. */
void svm_vcpu_restart(struct vcpu *v)
{
	struct svm_cpu *c = cpu_of(v);
	__atomic_store_n(&c->reset, 0, __ATOMIC_RELEASE);
	if (v->stepping)
		npt_hidden_readable();
	while (!(__atomic_load_n(&c->sipi, __ATOMIC_ACQUIRE) & SIPI_SET))
		cpu_relax();
	ap_state(&c->guest.s, c->sipi & 0xff);
	v->regs = (struct guest_regs){ 0 };
	v->stepping = v->guest_tf = false;
	control(&c->guest.c, n_cr3);
	c->guest.c.event_inj = 0;
	c->guest.c.int_state = 0;
	c->guest.c.int_ctl = 0;
	hv_log(LOG_INFO, "svm: CPU with APIC ID %u restarts as dom0's vCPU at %#x\n", c->apic_id,
	       (c->sipi & 0xff) << 12);
}

/* dom0 sent an INIT or STARTUP IPI (svm/apic.c): to a CPU bchv parked,
 * which then runs as a vCPU, or to a running vCPU (CPU hotplug), which then
 * waits for STARTUP; the real INIT or STARTUP is never sent. */
void svm_virtual_ipi(struct vcpu *from, u32 dest, bool startup, u32 vector)
{
	for (u32 i = 1; i < BC_ARRAY_SIZE(cpus); i++) {
		struct svm_cpu *c = &cpus[i];
		u32 st = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
		bool to_it = dest == IPI_ALL || (dest == IPI_ALL_BUT_SELF ? c != cpu_of(from)
									  : c->apic_id == dest);
		if (st == CPU_ABSENT || !to_it)
			continue;
		if (!startup && st == CPU_PARKED) {
			c->state = CPU_INIT;
		} else if (startup && st == CPU_INIT) {
			c->state = CPU_RUNNING;
			__atomic_store_n(&c->sipi, vector | SIPI_SET, __ATOMIC_RELEASE);
			if (!c->ran)
				arch_ap_wake(c->apic_id);  /* a vCPU being reset spins instead */
		} else if (!startup && st == CPU_RUNNING) {
			/* it learns of the INIT through an NMI that makes it exit */
			__atomic_store_n(&c->sipi, 0, __ATOMIC_RELEASE);
			__atomic_store_n(&c->reset, 1, __ATOMIC_RELEASE);
			__atomic_store_n(&c->state, CPU_INIT, __ATOMIC_RELEASE);
			hv_log(LOG_INFO, "svm: INIT to running vCPU %u: it waits for STARTUP\n",
			       c->apic_id);
			arch_cpu_nmi(c->apic_id);
		}
	}
}
