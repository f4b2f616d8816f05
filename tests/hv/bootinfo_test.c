/* Multiboot1 and multiboot2 information parsing, on structures built here
 * at made-up physical addresses (read through the parser's map callback). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/core/bootinfo.h"

#define BASE 0x10000u            /* physical address of mem[0] */
static u8 mem[16384];
static struct hv_bootinfo bi;

static const void *map(u64 phys, size_t len, void *ctx)
{
	(void)ctx;
	if (phys < BASE || phys - BASE > sizeof(mem) || len > sizeof(mem) - (phys - BASE))
		return NULL;
	return mem + (phys - BASE);
}

static void put32(size_t off, u32 v) { memcpy(mem + off, &v, 4); }
static void put64(size_t off, u64 v) { memcpy(mem + off, &v, 8); }

/* Appends a multiboot2 tag at *off; returns the offset of its payload. */
static size_t tag(size_t *off, u32 type, const void *payload, u32 len)
{
	size_t at = *off;
	put32(at, type);
	put32(at + 4, 8 + len);
	if (payload)
		memcpy(mem + at + 8, payload, len);
	*off = (at + 8 + len + 7) & ~(size_t)7;
	return at + 8;
}

static void module_tag(size_t *off, u32 start, u32 end, const char *cmd)
{
	u8 p[64] = { 0 };
	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	strcpy((char *)p + 8, cmd);
	tag(off, 3, p, 8 + (u32)strlen(cmd) + 1);
}

static size_t build_mb2(void)
{
	memset(mem, 0, sizeof(mem));
	size_t off = 8;
	tag(&off, 1, "console=com1 noreboot", 22);
	tag(&off, 2, "GRUB 2.06", 10);
	module_tag(&off, 0x200000, 0x300000, "console=ttyS0");
	module_tag(&off, 0x300000, 0x380000, "");
	u8 mm[8 + 2 * 24] = { 0 };
	u32 esz = 24;
	memcpy(mm, &esz, 4);
	u64 e[6] = { 0, 0x9fc00, 1, 0x100000, 0x3ff00000, 1 };
	memcpy(mm + 8, &e[0], 16);
	memcpy(mm + 24, &e[2], 4);
	memcpy(mm + 32, &e[3], 16);
	u32 weird = 12;              /* unknown types count as reserved */
	memcpy(mm + 48, &weird, 4);
	tag(&off, 6, mm, sizeof(mm));
	tag(&off, 14, "RSD PTR \x01\x02\x03\x04\x05\x06\x00\x00\x00\x00\x00\x00", 20);
	tag(&off, 0, NULL, 0);
	put32(0, (u32)off);
	return off;
}

static void mb2_everything(void **state)
{
	(void)state;
	build_mb2();
	assert_null(hv_bootinfo_parse(MB2_BOOT_MAGIC, BASE, map, NULL, &bi));
	assert_int_equal(bi.protocol, 2);
	assert_string_equal(bi.loader, "GRUB 2.06");
	assert_string_equal(bi.cmdline, "console=com1 noreboot");
	assert_int_equal(bi.nr_modules, 2);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x300000);
	assert_string_equal(bi.modules[0].cmdline, "console=ttyS0");
	assert_string_equal(bi.modules[1].cmdline, "");
	assert_int_equal(bi.nr_mem, 2);
	assert_int_equal(bi.mem[1].base, 0x100000);
	assert_int_equal(bi.mem[1].len, 0x3ff00000);
	assert_int_equal(bi.mem[1].type, E820_RESERVED);
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
}

static void mb2_malformed(void **state)
{
	(void)state;
	assert_string_equal(hv_bootinfo_parse(0x12345678, BASE, map, NULL, &bi),
			    "not started by a multiboot loader (bad magic in EAX)");
	size_t total = build_mb2();
	put32(0, (u32)total - 8);           /* end tag cut off */
	assert_string_equal(hv_bootinfo_parse(MB2_BOOT_MAGIC, BASE, map, NULL, &bi),
			    "multiboot2 information has no end tag");
	build_mb2();
	put32(12, 4096);                    /* first tag's size runs past the end */
	assert_string_equal(hv_bootinfo_parse(MB2_BOOT_MAGIC, BASE, map, NULL, &bi),
			    "multiboot2 information has a tag that overruns it");
	build_mb2();
	put32(0, 1u << 24);
	assert_string_equal(hv_bootinfo_parse(MB2_BOOT_MAGIC, BASE, map, NULL, &bi),
			    "multiboot2 information has an impossible size");
	assert_non_null(hv_bootinfo_parse(MB2_BOOT_MAGIC, 0x100, map, NULL, &bi));
	/* no memory map at all */
	memset(mem, 0, sizeof(mem));
	size_t off = 8;
	tag(&off, 0, NULL, 0);
	put32(0, (u32)off);
	assert_string_equal(hv_bootinfo_parse(MB2_BOOT_MAGIC, BASE, map, NULL, &bi),
			    "the boot loader gave no memory map");
}

/* multiboot1: info at 0, strings at 0x100.., modules at 0x400, mmap at 0x500 */
static void build_mb1(const char *loader)
{
	memset(mem, 0, sizeof(mem));
	put32(0, (1u << 2) | (1u << 3) | (1u << 6) | (loader ? 1u << 9 : 0));
	strcpy((char *)mem + 0x100, "/boot/bchv.gz loglvl=all");
	put32(16, BASE + 0x100);
	strcpy((char *)mem + 0x200, "/boot/vmlinuz root=/dev/sda1");
	strcpy((char *)mem + 0x280, "/boot/initrd.img");
	put32(20, 2);
	put32(24, BASE + 0x400);
	put32(0x400, 0x1000000);
	put32(0x404, 0x1800000);
	put32(0x408, BASE + 0x200);
	put32(0x410, 0x1800000);
	put32(0x414, 0x1900000);
	put32(0x418, BASE + 0x280);
	put32(0x500, 20);                   /* entry size without this field */
	put64(0x504, 0x100000);
	put64(0x50c, 0x7ff00000);
	put32(0x514, 1);
	put32(0x518, 20);
	put64(0x51c, 0xfec00000);
	put64(0x524, 0x1000);
	put32(0x52c, 2);
	put32(44, 48);
	put32(48, BASE + 0x500);
	if (loader) {
		strcpy((char *)mem + 0x300, loader);
		put32(64, BASE + 0x300);
	}
}

static void mb1_grub_legacy_and_qemu_drop_image_name(void **state)
{
	(void)state;
	build_mb1("GNU GRUB 0.97");
	assert_null(hv_bootinfo_parse(MB1_BOOT_MAGIC, BASE, map, NULL, &bi));
	assert_int_equal(bi.protocol, 1);
	assert_string_equal(bi.cmdline, "loglvl=all");
	assert_int_equal(bi.nr_modules, 2);
	assert_string_equal(bi.modules[0].cmdline, "root=/dev/sda1");
	assert_string_equal(bi.modules[1].cmdline, "");
	assert_int_equal(bi.modules[1].start, 0x1800000);
	assert_int_equal(bi.nr_mem, 2);
	assert_int_equal(bi.mem[1].base, 0xfec00000);
	assert_int_equal(bi.mem[1].type, E820_RESERVED);
	build_mb1(NULL);                    /* QEMU -kernel names itself "qemu"; none here */
	assert_null(hv_bootinfo_parse(MB1_BOOT_MAGIC, BASE, map, NULL, &bi));
	assert_string_equal(bi.cmdline, "loglvl=all");
	assert_string_equal(bi.loader, "");
}

static void mb1_grub2_keeps_command_line(void **state)
{
	(void)state;
	build_mb1("GRUB 2.06");
	strcpy((char *)mem + 0x100, "loglvl=all");
	strcpy((char *)mem + 0x200, "root=/dev/sda1");
	assert_null(hv_bootinfo_parse(MB1_BOOT_MAGIC, BASE, map, NULL, &bi));
	assert_string_equal(bi.cmdline, "loglvl=all");
	assert_string_equal(bi.modules[0].cmdline, "root=/dev/sda1");
	/* GRUB 2 running a GRUB-legacy config passes the path first, as legacy did */
	strcpy((char *)mem + 0x100, "(hd0,0)/boot/bchv.gz loglvl=all");
	strcpy((char *)mem + 0x200, "/boot/vmlinuz root=/dev/sda1");
	assert_null(hv_bootinfo_parse(MB1_BOOT_MAGIC, BASE, map, NULL, &bi));
	assert_string_equal(bi.cmdline, "loglvl=all");
	assert_string_equal(bi.modules[0].cmdline, "root=/dev/sda1");
	assert_string_equal(bi.modules[1].cmdline, "");
}

static void mb1_unreadable(void **state)
{
	(void)state;
	build_mb1(NULL);
	put32(24, 0x100);                   /* module list outside memory */
	assert_string_equal(hv_bootinfo_parse(MB1_BOOT_MAGIC, BASE, map, NULL, &bi),
			    "multiboot1 module list is outside readable memory");
	build_mb1(NULL);
	put32(0x500, 8);
	assert_string_equal(hv_bootinfo_parse(MB1_BOOT_MAGIC, BASE, map, NULL, &bi),
			    "multiboot1 memory map entry is too small");
	build_mb1(NULL);
	put32(0x404, 0x0fff000);            /* module ends before it starts */
	assert_string_equal(hv_bootinfo_parse(MB1_BOOT_MAGIC, BASE, map, NULL, &bi),
			    "a module ends before it starts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mb2_everything),
		cmocka_unit_test(mb2_malformed),
		cmocka_unit_test(mb1_grub_legacy_and_qemu_drop_image_name),
		cmocka_unit_test(mb1_grub2_keeps_command_line),
		cmocka_unit_test(mb1_unreadable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
