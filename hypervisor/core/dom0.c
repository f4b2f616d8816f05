/* Dom0 construction through the loader API (hypervisor/loader/loader.h). */
#include "dom0.h"
#include "heap.h"
#include "log.h"
#include "memmap.h"
#include "hypervisor/loader/loader.h"
#include "../arch/x86/arch.h"
#include <bc/string.h>

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define PAGE 4096ull
#define HEAP_SIZE (64 * MiB)
#define PVH_AREA_SIZE (16 * 1024)

/* Start info, module list, memory map and strings: inside the image, so
 * inside the memory dom0's map reserves for the hypervisor, but in the one
 * section of it (.dom0info, at its end) that dom0 can read. */
#define DOM0INFO __attribute__((section(".dom0info")))
static u8 pvh_area[PVH_AREA_SIZE] __attribute__((aligned(4096))) DOM0INFO;
static u8 rsdp_copy[36] __attribute__((aligned(16))) DOM0INFO;
static struct hv_e820 dom0_ram[HV_MAX_MEM + 8];
static struct bc_mem_range machine_map[HV_MAX_MEM + 8];
static char dom0_cmdline[HV_STRPOOL_SIZE + 64];

static u64 page_up(u64 v) { return (v + PAGE - 1) & ~(PAGE - 1); }
static u64 elapsed_ms(u64 since_ns) { return (arch_time_ns() - since_ns) / 1000000; }
static void *phys(u64 addr) { return (void *)(uintptr_t)addr; }

/* Every failure names the module: "module 1 (dom0 kernel, 123 bytes at 0x...)" */
_Noreturn static void module_fail(const struct hv_bootinfo *bi, u32 i, const char *role,
				  const char *problem, const char *detail)
{
	const struct hv_module *m = &bi->modules[i];
	hv_fatal("module %u (%s, %llu bytes at %#llx, \"%s\"): %s%s%s\n", i + 1, role,
		 m->end - m->start, m->start, m->cmdline, problem, detail ? ": " : "",
		 detail ? detail : "");
}

static void busy_add(struct hv_busy *busy, u64 start, u64 end)
{
	if (!hv_busy_add(busy, start, end))
		hv_fatal("dom0: too many memory ranges in use to track\n");
}

/* Memory no allocation may touch: low 1 MiB, the image, modules, boot info. */
static void mark_busy(const struct hv_bootinfo *bi, struct hv_busy *busy)
{
	busy_add(busy, 0, MiB);
	busy_add(busy, (uintptr_t)__image_start, (uintptr_t)__image_end);
	busy_add(busy, bi->info_start, page_up(bi->info_end));
	for (u32 i = 0; i < bi->nr_modules; i++)
		busy_add(busy, bi->modules[i].start, page_up(bi->modules[i].end));
}

static u64 alloc_free(const struct hv_bootinfo *bi, struct hv_busy *busy, u64 size,
		      const char *what)
{
	u64 at = hv_find_free(bi, busy, page_up(size), 2 * MiB, MiB, 4 * GiB);
	if (!at)
		hv_fatal("dom0: no free memory below 4 GiB for %s (%llu MiB)\n", what,
			 page_up(size) / MiB);
	busy_add(busy, at, at + page_up(size));
	return at;
}

/* Gets the vmlinux ELF out of module 1: decompressed from a bzImage, or the
 * module itself when it is already an ELF. */
static void kernel_image(const struct hv_bootinfo *bi, struct hv_busy *busy,
			 const u8 **elf, size_t *elf_len)
{
	const struct hv_module *m = &bi->modules[0];
	const u8 *img = phys(m->start);
	size_t len = (size_t)(m->end - m->start);
	if (len >= 4 && bc_memcmp(img, "\x7f" "ELF", 4) == 0) {
		*elf = img;
		*elf_len = len;
		return;
	}
	struct bc_bzimage bz;
	int st = bc_bzimage_parse(img, len, &bz);
	if (st != BC_LD_OK)
		module_fail(bi, 0, "dom0 kernel", st == BC_LD_NOT_KERNEL ?
			    "not a Linux kernel (neither bzImage nor ELF)" : "bad bzImage",
			    bc_ld_reason());
	if (!bz.codec && !bz.payload_is_elf)
		module_fail(bi, 0, "dom0 kernel", "unknown payload compression", NULL);
	hv_log(LOG_INFO, "dom0: bzImage protocol %u.%02u, %s payload %zu -> %u bytes\n",
	       bz.protocol >> 8, bz.protocol & 0xff, bz.codec ? bz.codec->name : "uncompressed",
	       bz.payload_len, bz.decompressed_size);
	if (bz.version) {
		char version[128];
		size_t n = BC_MIN(bz.version_len, sizeof(version) - 1);
		bc_memcpy(version, bz.version, n);
		version[n] = '\0';
		hv_log(LOG_INFO, "dom0: kernel %s\n", version);
	}
	/* keep the buffer clear of where the kernel asks to run */
	if (bz.pref_address && bz.init_size)
		busy_add(busy, bz.pref_address, bz.pref_address + bz.init_size);
	u64 out = alloc_free(bi, busy, bz.decompressed_size, "the decompressed kernel");
	u64 heap = alloc_free(bi, busy, HEAP_SIZE, "the decompressor's work memory");
	hv_heap_init(phys(heap), HEAP_SIZE);
	u64 t0 = arch_time_ns();
	st = bc_kernel_decompress(&bz, phys(out), bz.decompressed_size, &hv_heap_env, elf_len);
	if (st != BC_LD_OK)
		module_fail(bi, 0, "dom0 kernel", bz.codec && st == BC_LD_DECOMPRESS ?
			    "corrupt kernel payload" : "cannot unpack the kernel payload",
			    bc_ld_reason());
	hv_log(LOG_INFO, "dom0: %s decompressed %zu bytes in %llu ms (work memory %zu KiB)\n",
	       bz.codec ? bz.codec->name : "ELF", *elf_len, elapsed_ms(t0), hv_heap_peak() / 1024);
	*elf = phys(out);
}

/* The initramfs must not sit where the kernel's segments go: move it if so. */
static void place_initrd(const struct hv_bootinfo *bi, struct hv_busy *busy,
			 u64 kstart, u64 kend, struct bc_pvh_module *mod)
{
	const struct hv_module *m = &bi->modules[1];
	mod->paddr = m->start;
	mod->size = m->end - m->start;
	mod->cmdline = NULL;
	if (mod->size == 0)
		module_fail(bi, 1, "dom0 initramfs", "empty module", NULL);
	if (m->start < kend && kstart < m->end) {
		u64 to = alloc_free(bi, busy, mod->size, "moving the initramfs");
		bc_memmove(phys(to), phys(m->start), mod->size);
		hv_log(LOG_INFO, "dom0: moved the initramfs from %#llx to %#llx (under the kernel)\n",
		       m->start, to);
		mod->paddr = to;
	}
}

static void load_segments(const struct hv_bootinfo *bi, const struct bc_elf *elf)
{
	u64 lo = elf->paddr_lo, hi = elf->paddr_hi;
	u64 hv_lo = (uintptr_t)__image_start, hv_hi = (uintptr_t)__image_end;
	if (lo < MiB || hi > 4 * GiB)
		module_fail(bi, 0, "dom0 kernel", "segments outside [1 MiB, 4 GiB)", NULL);
	if (lo < hv_hi && hv_lo < hi)
		module_fail(bi, 0, "dom0 kernel", "segments overlap the hypervisor", NULL);
	if (!hv_range_is_ram(bi, lo, hi))
		module_fail(bi, 0, "dom0 kernel", "segments are not all in usable RAM", NULL);
	int st = bc_elf_load(elf, phys(lo), lo, hi - lo);
	if (st != BC_LD_OK)
		module_fail(bi, 0, "dom0 kernel", "cannot load the ELF segments", bc_ld_reason());
}

/* True when [start, end) lies inside one RAM entry of the first N of machine_map. */
static bool in_dom0_ram(u32 n, u64 start, u64 end)
{
	for (u32 i = 0; i < n; i++)
		if (machine_map[i].type == BC_E820_RAM && machine_map[i].addr <= start &&
		    end <= machine_map[i].addr + machine_map[i].size)
			return true;
	return false;
}

/* The machine's map for dom0, cut to dom0_mem= when given. */
static u32 dom0_machine_map(const struct hv_bootinfo *bi, u64 dom0_mem)
{
	/* bchv's own memory is not counted in dom0_mem */
	struct hv_busy hv = { 0 };
	hv_busy_add(&hv, (uintptr_t)__image_start, (uintptr_t)__image_end);
	u32 n = hv_dom0_memmap(bi, &hv, dom0_mem, dom0_ram, BC_ARRAY_SIZE(dom0_ram));
	if (n == 0)
		hv_fatal("dom0: memory map too large\n");
	for (u32 i = 0; i < n; i++)
		machine_map[i] = (struct bc_mem_range){ dom0_ram[i].addr, dom0_ram[i].size,
							dom0_ram[i].type };
	return n;
}

static void build_start_info(const struct hv_bootinfo *bi, const struct hv_options *opts,
			     const struct bc_pvh_module *initrd, struct dom0_start *out)
{
	struct bc_mem_range hv = {
		(uintptr_t)__image_start, (uintptr_t)__image_end - (uintptr_t)__image_start,
		BC_E820_RESERVED,
	};
	u64 rsdp = 0;
	if (bi->rsdp_len) {
		bc_memcpy(rsdp_copy, bi->rsdp, bi->rsdp_len);
		rsdp = (uintptr_t)rsdp_copy;
	}
	u32 nr_map = dom0_machine_map(bi, opts->dom0_mem);
	if (!in_dom0_ram(nr_map, out->kernel_start, out->kernel_end) ||
	    (initrd && !in_dom0_ram(nr_map, initrd->paddr, initrd->paddr + initrd->size)))
		hv_fatal("dom0_mem=%lluM is too small: dom0's kernel (%#llx-%#llx) or initramfs "
			 "would lie outside its memory\n", opts->dom0_mem >> 20,
			 out->kernel_start, out->kernel_end);
	int rewrites = hv_dom0_cmdline(bi->modules[0].cmdline, dom0_cmdline, sizeof(dom0_cmdline));
	if (rewrites < 0)
		module_fail(bi, 0, "dom0 kernel", "command line too long", NULL);
	if (rewrites)
		hv_log(LOG_INFO, "dom0: console=hvc0 needs Xen; dom0 gets console=ttyS0 (COM1)\n");
	struct bc_pvh_params p = {
		.cmdline = dom0_cmdline,
		.modules = initrd, .nr_modules = initrd ? 1 : 0,
		.memmap = machine_map, .nr_memmap = nr_map,
		.reserved = &hv, .nr_reserved = 1,
		.rsdp_paddr = rsdp,
		.flags = BC_PVH_SIF_PRIVILEGED | BC_PVH_SIF_INITDOMAIN,
	};
	struct bc_pvh_layout lay;
	int st = bc_pvh_build_start_info(&p, pvh_area, sizeof(pvh_area), (uintptr_t)pvh_area, &lay);
	if (st != BC_LD_OK)
		hv_fatal("dom0: cannot build the PVH start info: %s\n", bc_ld_reason());
	out->start_info = (u32)lay.start_info_paddr;
	hv_log(LOG_INFO, "dom0: start info at %#x, %u memory map entries, command line \"%s\"\n",
	       out->start_info, lay.memmap_entries, p.cmdline);
}

void dom0_build(const struct hv_bootinfo *bi, const struct hv_options *opts,
		struct dom0_start *out)
{
	u64 t0 = arch_time_ns();
	struct hv_busy busy = { 0 };
	if (bi->nr_modules == 0)
		hv_fatal("dom0: no modules: the first module (module2 line) must be the dom0 kernel\n");
	if (bi->nr_modules > 2)
		hv_log(LOG_WARN, "dom0: ignoring modules 3 to %u (only kernel and initramfs are used)\n",
		       bi->nr_modules);
	mark_busy(bi, &busy);

	const u8 *img;
	size_t img_len;
	kernel_image(bi, &busy, &img, &img_len);
	struct bc_elf elf;
	if (bc_elf_parse(img, img_len, &elf) != BC_LD_OK)
		module_fail(bi, 0, "dom0 kernel", "bad vmlinux ELF", bc_ld_reason());
	struct bc_xen_notes notes;
	if (bc_xen_notes_parse(&elf, &notes) != BC_LD_OK)
		module_fail(bi, 0, "dom0 kernel", "bad ELF notes", bc_ld_reason());
	if (!(notes.present & (1u << BC_XEN_PHYS32_ENTRY)) || notes.phys32_entry >= 4 * GiB)
		module_fail(bi, 0, "dom0 kernel",
			    "no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY; needs CONFIG_PVH)", NULL);
	for (u32 i = 0; i < elf.nr_load; i++)
		hv_log(LOG_DEBUG, "dom0: segment %u: %#llx bytes from file offset %#llx to %#llx"
		       " (memory size %#llx)\n", i + 1, elf.load[i].filesz, elf.load[i].offset,
		       elf.load[i].paddr, elf.load[i].memsz);
	hv_log(LOG_DEBUG, "dom0: %u Xen notes, PVH entry %#llx, supported features %#llx\n",
	       notes.count, notes.phys32_entry, notes.supported_features);
	if (!(notes.present & (1u << BC_XEN_SUPPORTED_FEATURES)) ||
	    !(notes.supported_features & (1ull << BC_XENFEAT_DOM0)))
		hv_log(LOG_WARN, "dom0: kernel does not declare dom0 support (XENFEAT_dom0)\n");

	if (notes.phys32_entry < elf.paddr_lo || notes.phys32_entry >= elf.paddr_hi)
		module_fail(bi, 0, "dom0 kernel", "PVH entry point outside its segments", NULL);
	busy_add(&busy, elf.paddr_lo, elf.paddr_hi);
	u64 img_at = (uintptr_t)img;
	if (img_at < elf.paddr_hi && elf.paddr_lo < img_at + img_len) {
		/* the ELF lies where its own segments go (a plain vmlinux module) */
		u64 copy = alloc_free(bi, &busy, img_len, "a copy of the kernel");
		bc_memcpy(phys(copy), img, img_len);
		hv_log(LOG_INFO, "dom0: copied the kernel ELF from %#llx to %#llx (under its segments)\n",
		       img_at, copy);
		img = phys(copy);
		if (bc_elf_parse(img, img_len, &elf) != BC_LD_OK)
			module_fail(bi, 0, "dom0 kernel", "bad vmlinux ELF", bc_ld_reason());
	}

	struct bc_pvh_module initrd;
	if (bi->nr_modules > 1)
		place_initrd(bi, &busy, elf.paddr_lo, elf.paddr_hi, &initrd);
	else
		hv_log(LOG_WARN, "dom0: no initramfs module\n");
	u64 t1 = arch_time_ns();
	load_segments(bi, &elf);
	hv_log(LOG_INFO, "dom0: loaded %u segments at %#llx-%#llx in %llu ms\n", elf.nr_load,
	       elf.paddr_lo, elf.paddr_hi, elapsed_ms(t1));
	out->entry = (u32)notes.phys32_entry;
	out->kernel_start = elf.paddr_lo;
	out->kernel_end = elf.paddr_hi;
	build_start_info(bi, opts, bi->nr_modules > 1 ? &initrd : NULL, out);
	hv_log(LOG_INFO, "dom0: built in %llu ms\n", elapsed_ms(t0));
}
