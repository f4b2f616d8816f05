/* bchv: the C entry of the hypervisor, called in long mode by head.S with
 * the multiboot magic and information address. Brings up the console,
 * reports what the boot loader passed, builds dom0 and starts it. */
#include "bootinfo.h"
#include "cmdline.h"
#include "dom0.h"
#include "log.h"
#include "acpi.h"
#include "memmap.h"
#include "../arch/x86/layout.h"
#include "../arch/x86/arch.h"
#include "../arch/x86/virt.h"

#define BCHV_VERSION "0.1"

static struct hv_bootinfo bootinfo;

/* Everything below 4 GiB is identity-mapped by head.S. */
static const void *map_identity(u64 phys, size_t len, void *ctx)
{
	(void)ctx;
	if (phys >= (1ull << 32) || len > (1ull << 32) - phys)
		return NULL;
	return (const void *)(uintptr_t)phys;
}

static void apply_options(const struct hv_options *o)
{
	hv_log_set_console(o->console_serial);
	hv_log_set_level((enum hv_log_level)o->loglvl);
	hv_set_noreboot(o->noreboot);
	for (size_t i = 0; i < BC_MIN(o->nr_unknown, (size_t)HV_MAX_UNKNOWN); i++)
		hv_log(LOG_WARN, "ignoring unknown option '%.*s'\n", (int)o->unknown_len[i],
		       o->unknown[i]);
	if (o->bad)
		hv_log(LOG_WARN, "ignoring option with a bad value: '%.*s'\n", (int)o->bad_len, o->bad);
}

static void report_bootinfo(const struct hv_bootinfo *bi)
{
	hv_log(LOG_INFO, "loader: %s (multiboot%s)\n", bi->loader[0] ? bi->loader : "unnamed",
	       bi->protocol == 2 ? "2" : "1");
	hv_log(LOG_INFO, "command line: %s\n", bi->cmdline);
	hv_log(LOG_INFO, "memory map (%u entries):\n", bi->nr_mem);
	for (u32 i = 0; i < bi->nr_mem; i++) {
		const struct hv_mem_region *m = &bi->mem[i];
		hv_log(LOG_INFO, "  %016llx - %016llx %s\n", m->base, m->base + m->len,
		       hv_mem_type_name(m->type));
	}
	hv_log(LOG_INFO, "modules: %u\n", bi->nr_modules);
	for (u32 i = 0; i < bi->nr_modules; i++) {
		const struct hv_module *m = &bi->modules[i];
		hv_log(LOG_INFO, "  module %u: %#llx - %#llx (%llu bytes) \"%s\"\n", i + 1,
		       m->start, m->end, m->end - m->start, m->cmdline);
	}
	if (bi->rsdp_len)
		hv_log(LOG_INFO, "ACPI RSDP: revision %u, %u bytes\n", bi->rsdp[15], bi->rsdp_len);
	else
		hv_log(LOG_INFO, "ACPI RSDP: not given by the loader (dom0 will search for it)\n");
}

/* Every other CPU comes under bchv before dom0 runs (see arch/x86/smp.c). */
static void start_aps(const struct hv_bootinfo *bi)
{
	u32 cpus = hv_acpi_cpus(bi->rsdp_len ? bi->rsdp : NULL);
	if (cpus == 1)
		return;
	if (!hv_range_is_ram(bi, AP_TRAMP_ADDR, AP_TRAMP_ADDR + 4096)) {
		hv_log(LOG_WARN, "smp: page %#x is not free RAM: only the boot CPU runs dom0\n",
		       AP_TRAMP_ADDR);
		return;
	}
	u32 want = cpus ? BC_MIN(cpus - 1, (u32)AP_MAX) : 0;
	if (cpus > AP_MAX + 1)
		hv_log(LOG_WARN, "smp: %u CPUs, bchv runs %u of them\n", cpus, AP_MAX + 1);
	u32 got = arch_start_aps(want);
	hv_log(LOG_INFO, "smp: %u CPUs (firmware: %u), %u waiting for dom0\n", got + 1, cpus, got);
	if (got < want)
		hv_log(LOG_WARN, "smp: %u CPUs did not answer\n", want - got);
}

void hv_main(u32 magic, u32 info);

void hv_main(u32 magic, u32 info)
{
	arch_serial_init();
	arch_time_init();
	arch_traps_init();
	hv_log(LOG_INFO, "bchv %s: bootchain x86-64 hypervisor\n", BCHV_VERSION);
	hv_log(LOG_INFO, "image %#lx - %#lx, TSC %u.%03u MHz%s\n", (unsigned long)(uintptr_t)__image_start,
	       (unsigned long)(uintptr_t)__image_end, arch_tsc_khz() / 1000, arch_tsc_khz() % 1000,
	       arch_time_calibrated() ? "" : " (not calibrated: PIT did not answer)");

	const char *err = hv_bootinfo_parse(magic, info, map_identity, NULL, &bootinfo);
	if (err)
		hv_fatal("boot information: %s\n", err);
	struct hv_options opts;
	hv_options_parse(bootinfo.cmdline, &opts);
	apply_options(&opts);
	report_bootinfo(&bootinfo);

	/* checked first: without SVM the boot stops before the slow dom0 build */
	const char *no_guest = virt_unavailable();
	if (no_guest && !opts.dom0_native)
		hv_fatal("%s: dom0 cannot run as a guest (dom0=native starts it on the bare CPU, "
			 "unprotected)\n", no_guest);
	if (!no_guest && !opts.dom0_native)
		start_aps(&bootinfo);
	struct dom0_start start;
	dom0_build(&bootinfo, &opts, &start);
	hv_log(LOG_INFO, "starting dom0 at its PVH entry %#x (start info %#x)%s\n",
	       start.entry, start.start_info, opts.dom0_native ? " on the bare CPU (dom0=native)" : "");
	if (opts.dom0_native)
		arch_pvh_enter(start.entry, start.start_info);
	struct virt_dom0 guest = {
		.entry = start.entry, .start_info = start.start_info,
		.rsdp = bootinfo.rsdp_len ? bootinfo.rsdp : NULL,
	};
	for (u32 i = 0; i < bootinfo.nr_mem; i++)
		if (bootinfo.mem[i].type == E820_RAM || bootinfo.mem[i].type == E820_ACPI)
			guest.ram_top = BC_MAX(guest.ram_top, bootinfo.mem[i].base + bootinfo.mem[i].len);
	virt_run_dom0(&guest);
}
