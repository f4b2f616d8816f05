/* Running dom0 as a guest of bchv: what the core needs from a hardware
 * virtualization backend. AMD SVM implements it (svm/); a VMX backend would
 * provide the same three calls. */
#ifndef BCHV_X86_VIRT_H
#define BCHV_X86_VIRT_H
#include <bc/types.h>

struct virt_dom0 {
	u32 entry, start_info;     /* PVH entry point; EBX at entry */
	u64 ram_top;               /* end of the highest RAM in the memory map */
	const u8 *rsdp;            /* ACPI RSDP copy (finds the power-off port), or NULL */
};

/* NULL when this CPU can run dom0 as a guest, else why not (a short phrase). */
const char *virt_unavailable(void);

/* Enables virtualization, hides bchv's memory and runs dom0 until it stops. */
_Noreturn void virt_run_dom0(const struct virt_dom0 *d);

/* On each application processor bchv started (its own stack, long mode):
 * waits until dom0 starts that CPU (INIT/STARTUP), then runs it as one of
 * dom0's vCPUs. */
_Noreturn void virt_ap_main(u32 index, u32 apic_id);

/* Memory dom0 can never reach: the image up to the PVH start info area. */
extern char __dom0info_start[], __dom0info_end[];

#endif
