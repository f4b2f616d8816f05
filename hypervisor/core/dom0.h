/* Building dom0: the first module is its kernel (bzImage or ELF vmlinux with
 * a PVH entry note), the second its initramfs. The result is the CPU state
 * the PVH ABI wants at entry, which today is entered directly on the machine
 * and later becomes the initial state of dom0's virtual CPU. */
#ifndef BCHV_DOM0_H
#define BCHV_DOM0_H
#include "bootinfo.h"
#include "cmdline.h"

struct dom0_start {
	u32 entry;                 /* PHYS32_ENTRY: 32-bit, paging off */
	u32 start_info;            /* physical address, goes in EBX */
	u64 kernel_start, kernel_end;   /* physical range of its segments */
};

/* Loads dom0 into memory. Any problem with a module is fatal: it is reported
 * on the console, naming the module, and the machine halts or reboots. */
void dom0_build(const struct hv_bootinfo *bi, const struct hv_options *opts,
		struct dom0_start *out);

#endif
