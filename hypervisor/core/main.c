/* bchv: the C entry of the hypervisor, called in long mode by head.S with
 * the multiboot magic and information address. Brings up the console,
 * reports what the boot loader passed, builds dom0 and starts it. */
#include "bootinfo.h"
#include "cmdline.h"
#include "dom0.h"
#include "log.h"
#include "../arch/x86/arch.h"

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

	struct dom0_start start;
	dom0_build(&bootinfo, &opts, &start);
	hv_log(LOG_INFO, "starting dom0 at its PVH entry %#x (start info %#x)\n",
	       start.entry, start.start_info);
	arch_pvh_enter(start.entry, start.start_info);
}
