/* Multiboot1 and multiboot2 information parsing (see bootinfo.h). */
#include "bootinfo.h"
#include "cmdline.h"
#include <bc/string.h>

#define MB2_TAG_END      0
#define MB2_TAG_CMDLINE  1
#define MB2_TAG_LOADER   2
#define MB2_TAG_MODULE   3
#define MB2_TAG_MMAP     6
#define MB2_TAG_RSDP_OLD 14
#define MB2_TAG_RSDP_NEW 15

#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)
#define MB1_INFO_LOADER  (1u << 9)
#define MB1_INFO_SIZE    72u      /* up to and including boot_loader_name and apm */

#define MAX_STRING 4096

/* Copies a NUL-terminated string of at most MAX bytes into the pool. */
static const char *pool_add(struct hv_bootinfo *bi, const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	if (bi->pool_used + n + 1 > sizeof(bi->pool))
		return NULL;
	char *dst = bi->pool + bi->pool_used;
	bc_memcpy(dst, s, n);
	dst[n] = '\0';
	bi->pool_used += n + 1;
	return dst;
}

/* A string at a physical address: read byte-wise until NUL or a limit. */
static const char *pool_add_phys(struct hv_bootinfo *bi, u64 phys, hv_map_fn map, void *ctx)
{
	char tmp[MAX_STRING];
	size_t n = 0;
	for (; n < sizeof(tmp) - 1; n++) {
		const char *c = map(phys + n, 1, ctx);
		if (!c)
			return NULL;
		tmp[n] = *c;
		if (!*c)
			break;
	}
	tmp[n] = '\0';
	return pool_add(bi, tmp, n);
}

static const char *add_region(struct hv_bootinfo *bi, u64 base, u64 len, u32 type)
{
	if (bi->nr_mem == HV_MAX_MEM)
		return "memory map has too many entries";
	if (type < E820_RAM || type > E820_UNUSABLE)
		type = E820_RESERVED;
	bi->mem[bi->nr_mem++] = (struct hv_mem_region){ base, len, type };
	return NULL;
}

static const char *add_module(struct hv_bootinfo *bi, u64 start, u64 end, const char *cmdline)
{
	if (bi->nr_modules == HV_MAX_MODULES)
		return "too many modules";
	if (end < start)
		return "a module ends before it starts";
	if (!cmdline)
		return "module command line unreadable or string pool full";
	bi->modules[bi->nr_modules++] = (struct hv_module){ start, end, cmdline };
	return NULL;
}

static const char *parse_mb2_mmap(struct hv_bootinfo *bi, const u8 *tag, u32 size)
{
	if (size < 16)
		return "multiboot2 memory map tag is too short";
	u32 entry_size = bc_le32(tag + 8);
	if (entry_size < 24)
		return "multiboot2 memory map entries are too small";
	for (u32 off = 16; off + entry_size <= size; off += entry_size) {
		const char *err = add_region(bi, bc_le64(tag + off), bc_le64(tag + off + 8),
					     bc_le32(tag + off + 16));
		if (err)
			return err;
	}
	return NULL;
}

static const char *parse_mb2_tag(struct hv_bootinfo *bi, const u8 *tag, u32 type, u32 size)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		bi->cmdline = pool_add(bi, (const char *)tag + 8, size - 8);
		return bi->cmdline ? NULL : "string pool full";
	case MB2_TAG_LOADER:
		bi->loader = pool_add(bi, (const char *)tag + 8, size - 8);
		return bi->loader ? NULL : "string pool full";
	case MB2_TAG_MODULE:
		if (size < 16)
			return "multiboot2 module tag is too short";
		return add_module(bi, bc_le32(tag + 8), bc_le32(tag + 12),
				  pool_add(bi, (const char *)tag + 16, size - 16));
	case MB2_TAG_MMAP:
		return parse_mb2_mmap(bi, tag, size);
	case MB2_TAG_RSDP_OLD:
	case MB2_TAG_RSDP_NEW:
		/* prefer the v2 copy when both are present */
		if (type == MB2_TAG_RSDP_NEW || bi->rsdp_len == 0) {
			bi->rsdp_len = BC_MIN(size - 8, (u32)sizeof(bi->rsdp));
			bc_memcpy(bi->rsdp, tag + 8, bi->rsdp_len);
		}
		return NULL;
	}
	return NULL;                  /* tags we do not use */
}

static const char *parse_mb2(struct hv_bootinfo *bi, u64 info, hv_map_fn map, void *ctx)
{
	const u8 *hdr = map(info, 8, ctx);
	if (!hdr)
		return "multiboot2 information is outside readable memory";
	u32 total = bc_le32(hdr);
	if (total < 16 || total > (1u << 20))
		return "multiboot2 information has an impossible size";
	const u8 *mbi = map(info, total, ctx);
	if (!mbi)
		return "multiboot2 information is outside readable memory";
	bi->info_end = info + total;
	for (u32 off = 8; off + 8 <= total; off = (off + bc_le32(mbi + off + 4) + 7) & ~7u) {
		u32 type = bc_le32(mbi + off), size = bc_le32(mbi + off + 4);
		if (type == MB2_TAG_END)
			return NULL;
		if (size < 8 || size > total - off)
			return "multiboot2 information has a tag that overruns it";
		const char *err = parse_mb2_tag(bi, mbi + off, type, size);
		if (err)
			return err;
	}
	return "multiboot2 information has no end tag";
}

/* GRUB 2 ("GRUB 2.06") leaves the image name off multiboot1 command lines;
 * GRUB legacy ("GNU GRUB 0.97") and QEMU's -kernel put it first. GRUB 2
 * reading a GRUB-legacy config (legacy_configfile) puts it first too, so a
 * first word that is a path ("/boot/x", "(hd0,0)/x") is dropped whatever the
 * loader: no kernel or hypervisor option starts with '/' or '('. */
static bool loader_is_grub2(const char *loader)
{
	for (const char *p = loader; p && *p; p++)
		if (bc_strncmp(p, "GRUB ", 5) == 0)
			return p[5] != '0';
	return false;
}

static const char *mb1_cook(const char *loader, const char *cmdline)
{
	const char *p = cmdline;
	while (*p == ' ')
		p++;
	if (!loader_is_grub2(loader) || *p == '/' || *p == '(')
		return hv_cmdline_skip_image_name(cmdline);
	return cmdline;
}

static const char *parse_mb1_mmap(struct hv_bootinfo *bi, u32 addr, u32 length,
				  hv_map_fn map, void *ctx)
{
	/* each entry: u32 size (not counting itself), u64 base, u64 len, u32 type */
	for (u32 off = 0; off + 24 <= length;) {
		const u8 *e = map((u64)addr + off, 24, ctx);
		if (!e)
			return "multiboot1 memory map is outside readable memory";
		u32 size = bc_le32(e);
		if (size < 20)
			return "multiboot1 memory map entry is too small";
		const char *err = add_region(bi, bc_le64(e + 4), bc_le64(e + 12), bc_le32(e + 20));
		if (err)
			return err;
		off += size + 4;
	}
	return NULL;
}

static const char *parse_mb1_modules(struct hv_bootinfo *bi, u32 count, u32 addr,
				     hv_map_fn map, void *ctx)
{
	for (u32 i = 0; i < count; i++) {
		const u8 *m = map((u64)addr + 16ull * i, 16, ctx);
		if (!m)
			return "multiboot1 module list is outside readable memory";
		u32 str = bc_le32(m + 8);
		const char *cmd = str ? pool_add_phys(bi, str, map, ctx) : pool_add(bi, "", 0);
		/* GRUB legacy and QEMU put the file name first, as on the kernel line */
		if (cmd)
			cmd = mb1_cook(bi->loader, cmd);
		const char *err = add_module(bi, bc_le32(m), bc_le32(m + 4), cmd);
		if (err)
			return err;
	}
	return NULL;
}

static const char *parse_mb1(struct hv_bootinfo *bi, u64 info, hv_map_fn map, void *ctx)
{
	const u8 *mbi = map(info, MB1_INFO_SIZE, ctx);
	if (!mbi)
		return "multiboot1 information is outside readable memory";
	bi->info_end = info + MB1_INFO_SIZE;
	u32 flags = bc_le32(mbi);
	if (flags & MB1_INFO_LOADER) {
		bi->loader = pool_add_phys(bi, bc_le32(mbi + 64), map, ctx);
		if (!bi->loader)
			return "boot loader name is unreadable";
	}
	if (flags & MB1_INFO_CMDLINE) {
		const char *c = pool_add_phys(bi, bc_le32(mbi + 16), map, ctx);
		if (!c)
			return "command line is unreadable";
		bi->cmdline = mb1_cook(bi->loader, c);
	}
	if (flags & MB1_INFO_MODS) {
		const char *err = parse_mb1_modules(bi, bc_le32(mbi + 20), bc_le32(mbi + 24), map, ctx);
		if (err)
			return err;
	}
	if (flags & MB1_INFO_MMAP)
		return parse_mb1_mmap(bi, bc_le32(mbi + 48), bc_le32(mbi + 44), map, ctx);
	return NULL;
}

const char *hv_bootinfo_parse(u32 magic, u64 info, hv_map_fn map, void *ctx,
			      struct hv_bootinfo *bi)
{
	bc_memset(bi, 0, sizeof(*bi));
	bi->loader = bi->cmdline = "";
	bi->info_start = info;
	const char *err;
	if (magic == MB2_BOOT_MAGIC) {
		bi->protocol = 2;
		err = parse_mb2(bi, info, map, ctx);
	} else if (magic == MB1_BOOT_MAGIC) {
		bi->protocol = 1;
		bi->loader = NULL;        /* set only if the loader names itself */
		err = parse_mb1(bi, info, map, ctx);
		if (!bi->loader)
			bi->loader = "";
	} else {
		return "not started by a multiboot loader (bad magic in EAX)";
	}
	if (err)
		return err;
	if (bi->nr_mem == 0)
		return "the boot loader gave no memory map";
	return NULL;
}

const char *hv_mem_type_name(u32 type)
{
	switch (type) {
	case E820_RAM: return "usable";
	case E820_RESERVED: return "reserved";
	case E820_ACPI: return "ACPI data";
	case E820_NVS: return "ACPI NVS";
	case E820_UNUSABLE: return "unusable";
	}
	return "unknown";
}
