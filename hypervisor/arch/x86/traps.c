/* IDT for the hypervisor's own exceptions: print what happened and halt
 * cleanly, so a bug never turns into a silent triple fault. */
#include "arch.h"
#include "layout.h"
#include "../../core/log.h"

struct trap_frame {
	u64 rdi, rsi, rbp, rbx, rdx, rcx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

struct idt_gate {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

/* Long mode TSS: only its interrupt stack table is used, so that a double
 * fault (e.g. a blown stack) or machine check runs on a known-good
 * stack and is reported rather than escalating to a triple fault. */
struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3, iomap_base;
} __attribute__((packed));

extern const u64 trap_stubs[32];
extern const char ap_wake_stub[], nmi_stub[];
extern u64 boot_gdt[6];
/* the exceptions (an NMI is dismissed), and vector 0xFF (the AP wake-up, see
 * smp.c); no other */
static struct idt_gate idt[256] __attribute__((aligned(16)));
u64 apic_eoi_reg;
static struct tss64 tss __attribute__((aligned(16)));
static u8 ist_stack[8192] __attribute__((aligned(16)));

static void tss_init(void)
{
	u64 base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
	tss.ist[0] = (uintptr_t)(ist_stack + sizeof(ist_stack));
	tss.iomap_base = sizeof(tss);             /* no I/O bitmap */
	boot_gdt[GDT_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
				(limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
	boot_gdt[GDT_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

static bool uses_ist(int vector)
{
	return vector == 8 || vector == 18;   /* #DF, #MC */
}

static const char *const trap_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection",
};

void arch_trap(const struct trap_frame *f);

static struct idt_gate gate(u64 a, u8 ist)
{
	return (struct idt_gate){
		.off_lo = (u16)a, .sel = GDT_CODE64, .ist = ist, .type = 0x8e,
		.off_mid = (u16)(a >> 16), .off_hi = (u32)(a >> 32), .zero = 0,
	};
}

void arch_traps_init(void)
{
	tss_init();
	for (int v = 0; v < 32; v++)
		idt[v] = gate(trap_stubs[v], uses_ist(v) ? 1 : 0);
	idt[AP_WAKE_VECTOR] = gate((uintptr_t)ap_wake_stub, 0);
	/* NMIs are taken only on purpose (svm/exits.c), on any CPU: no IST, as
	 * the APs have no TSS of their own */
	idt[2] = gate((uintptr_t)nmi_stub, 0);
	struct { u16 limit; u64 base; } __attribute__((packed)) desc = {
		sizeof(idt) - 1, (u64)(uintptr_t)idt,
	};
	__asm__ volatile("lidt %0" : : "m"(desc));
}

void arch_traps_ap_init(void)
{
	/* no TSS of its own: an exception using an IST stack is then fatal */
	struct { u16 limit; u64 base; } __attribute__((packed)) desc = {
		sizeof(idt) - 1, (u64)(uintptr_t)idt,
	};
	__asm__ volatile("lidt %0" : : "m"(desc));
}

void arch_trap(const struct trap_frame *f)
{
	u64 cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	const char *name = trap_names[f->vector & 31] ? trap_names[f->vector & 31] : "exception";
	hv_log(LOG_ERR, "fatal: %s (vector %llu, error %#llx) at rip %#llx, cr2 %#llx\n",
	       name, f->vector, f->error, f->rip, cr2);
	hv_log(LOG_ERR, "rax %#llx rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx rsp %#llx\n",
	       f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rsp);
	hv_fatal_stop();
}
