/* AMD SVM virtual machine control block (APM vol. 2, appendix B): the
 * control area bchv programs and the state save area at offset 0x400. */
#ifndef BCHV_SVM_VMCB_H
#define BCHV_SVM_VMCB_H
#include <bc/types.h>

struct vmcb_seg {
	u16 sel, attrib;          /* attrib: descriptor bits 47:40 and 55:52 */
	u32 limit;
	u64 base;
};

struct vmcb_control {
	u32 cr_intercepts;        /* 0x000 */
	u32 dr_intercepts;        /* 0x004 */
	u32 exc_intercepts;       /* 0x008: bit = vector */
	u32 intercepts3;          /* 0x00c */
	u32 intercepts4;          /* 0x010 */
	u8 reserved1[0x3c - 0x14];
	u16 pause_threshold, pause_count;
	u64 iopm_pa;              /* 0x040 */
	u64 msrpm_pa;             /* 0x048 */
	u64 tsc_offset;           /* 0x050 */
	u32 asid;                 /* 0x058 */
	u32 tlb_control;          /* 0x05c */
	u64 int_ctl;              /* 0x060 */
	u64 int_state;            /* 0x068 */
	u64 exit_code;            /* 0x070 */
	u64 exit_info1, exit_info2;
	u64 exit_int_info;        /* 0x088 */
	u64 nested_ctl;           /* 0x090 */
	u64 avic_bar, ghcb;
	u64 event_inj;            /* 0x0a8 */
	u64 n_cr3;                /* 0x0b0 */
	u64 virt_ext;
	u64 clean_bits;           /* 0x0c0 */
	u64 next_rip;
	u8 insn_len, insn_bytes[15];
	u8 reserved2[0x400 - 0xe0];
};

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;  /* 0x400 */
	u8 reserved1[0x4cb - 0x4a0];
	u8 cpl;                   /* 0x4cb */
	u32 reserved2;
	u64 efer;                 /* 0x4d0 */
	u8 reserved3[0x548 - 0x4d8];
	u64 cr4, cr3, cr0, dr7, dr6, rflags, rip;   /* 0x548 */
	u8 reserved4[0x5d8 - 0x580];
	u64 rsp;                  /* 0x5d8 */
	u8 reserved5[0x5f8 - 0x5e0];
	u64 rax;                  /* 0x5f8 */
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 cr2;                  /* 0x640 */
	u8 reserved6[0x668 - 0x648];
	u64 g_pat;                /* 0x668 */
	u64 dbgctl;
};

struct vmcb {
	struct vmcb_control c;
	struct vmcb_save s;
	u8 pad[4096 - 0x400 - sizeof(struct vmcb_save)];
} __attribute__((aligned(4096)));

_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(__builtin_offsetof(struct vmcb, c.exit_code) == 0x70, "exit code");
_Static_assert(__builtin_offsetof(struct vmcb, c.n_cr3) == 0xb0, "N_CR3");
_Static_assert(__builtin_offsetof(struct vmcb, s.efer) == 0x4d0, "EFER");
_Static_assert(__builtin_offsetof(struct vmcb, s.rip) == 0x578, "RIP");
_Static_assert(__builtin_offsetof(struct vmcb, s.rax) == 0x5f8, "RAX");
_Static_assert(__builtin_offsetof(struct vmcb, s.g_pat) == 0x668, "G_PAT");

/* intercepts3 */
#define SVM_I3_INTR      (1u << 0)
#define SVM_I3_NMI       (1u << 1)
#define SVM_I3_INIT      (1u << 3)
#define SVM_I3_CPUID     (1u << 18)
#define SVM_I3_INVLPGA   (1u << 26)
#define SVM_I3_IOIO      (1u << 27)
#define SVM_I3_MSR       (1u << 28)
#define SVM_I3_SHUTDOWN  (1u << 31)
/* intercepts4: VMRUN (mandatory), VMMCALL, VMLOAD, VMSAVE, STGI, CLGI, SKINIT */
#define SVM_I4_SVM_INSNS 0x7fu

/* exit codes */
#define SVM_EXIT_EXCP(v)  (0x40u + (v))
#define SVM_EXIT_INTR     0x60u
#define SVM_EXIT_NMI      0x61u
#define SVM_EXIT_INIT     0x63u
#define SVM_EXIT_CPUID    0x72u
#define SVM_EXIT_INVLPGA  0x7au
#define SVM_EXIT_IOIO     0x7bu
#define SVM_EXIT_MSR      0x7cu
#define SVM_EXIT_SHUTDOWN 0x7fu
#define SVM_EXIT_VMRUN    0x80u
#define SVM_EXIT_SKINIT   0x86u
#define SVM_EXIT_NPF      0x400u
#define SVM_EXIT_INVALID  0xffffffffu   /* compared on the low 32 bits (QEMU 7.2) */

/* event injection: vector, type (3 = exception), error code valid, valid */
#define SVM_EVT_NMI       (2u << 8)
#define SVM_EVT_EXCEPTION (3u << 8)
#define SVM_EVT_ERR       (1u << 11)
#define SVM_EVT_VALID     (1u << 31)

#define EFER_SVME (1ull << 12)
#define EFER_LMA  (1ull << 10)

#endif
