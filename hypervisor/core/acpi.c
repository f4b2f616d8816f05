/* Finding the FADT's PM1 control ports through the RSDT or XSDT. */
#include "acpi.h"
#include <bc/string.h>

#define FOUR_GIB (1ull << 32)

static const u8 *table_at(u64 addr)
{
	if (!addr || addr >= FOUR_GIB - 36)
		return NULL;
	const u8 *t = (const u8 *)(uintptr_t)addr;
	u32 len = bc_le32(t + 4);
	return len >= 36 && addr + len <= FOUR_GIB ? t : NULL;
}

static const u8 *find_table(const u8 *rsdp, const char *sig)
{
	bool xsdt = rsdp[15] >= 2 && bc_le64(rsdp + 24);
	const u8 *sdt = table_at(xsdt ? bc_le64(rsdp + 24) : bc_le32(rsdp + 16));
	if (!sdt)
		return NULL;
	u32 entry = xsdt ? 8 : 4, len = bc_le32(sdt + 4);
	for (u32 off = 36; off + entry <= len; off += entry) {
		const u8 *t = table_at(xsdt ? bc_le64(sdt + off) : bc_le32(sdt + off));
		if (t && bc_memcmp(t, sig, 4) == 0)
			return t;
	}
	return NULL;
}

/* Where a BIOS leaves the RSDP when the loader passes none (multiboot1):
 * on a 16-byte boundary in the first KiB of the EBDA or in 0xE0000-0xFFFFF. */
static const u8 *bios_rsdp(void)
{
	const u8 *bda;                        /* BIOS data area; hidden from GCC's bounds checks */
	__asm__("" : "=r"(bda) : "0"((uintptr_t)0x400));
	u64 ebda = (u64)bc_le16(bda + 0x0e) << 4;
	u64 areas[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };
	for (int a = ebda >= 0x80000 && ebda < 0xa0000 ? 0 : 1; a < 2; a++)
		for (u64 p = areas[a][0]; p + 20 <= areas[a][1]; p += 16) {
			const u8 *r = (const u8 *)(uintptr_t)p;
			u8 sum = 0;
			for (int i = 0; i < 20; i++)
				sum = (u8)(sum + r[i]);
			if (bc_memcmp(r, "RSD PTR ", 8) == 0 && sum == 0)
				return r;
		}
	return NULL;
}

bool hv_acpi_pm1_cnt(const u8 *rsdp, u16 *pm1a, u16 *pm1b)
{
	*pm1a = *pm1b = 0;
	if (!rsdp)
		rsdp = bios_rsdp();
	const u8 *fadt = rsdp ? find_table(rsdp, "FACP") : NULL;
	if (!fadt || bc_le32(fadt + 4) < 72)
		return false;
	*pm1a = (u16)bc_le32(fadt + 64);     /* PM1a_CNT_BLK */
	*pm1b = (u16)bc_le32(fadt + 68);     /* PM1b_CNT_BLK */
	return true;
}

u32 hv_acpi_cpus(const u8 *rsdp)
{
	if (!rsdp)
		rsdp = bios_rsdp();
	const u8 *madt = rsdp ? find_table(rsdp, "APIC") : NULL;
	if (!madt)
		return 0;
	u32 len = bc_le32(madt + 4), n = 0;
	for (u32 off = 44; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1]) {
		if (madt[off] == 0 && madt[off + 1] >= 8 && (bc_le32(madt + off + 4) & 1))
			n++;                          /* processor local APIC, enabled */
		else if (madt[off] == 9 && madt[off + 1] >= 16 && (bc_le32(madt + off + 8) & 1))
			n++;                          /* processor local x2APIC, enabled */
	}
	return n;
}
