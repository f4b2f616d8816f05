/* The little of ACPI bchv reads: where dom0's power-off register is. */
#ifndef BCHV_ACPI_H
#define BCHV_ACPI_H
#include <bc/types.h>

/* The FADT's PM1a/PM1b control ports (0 when absent), found from RSDP (a
 * copy of the loader's; NULL: the BIOS areas are searched). Tables are read at their physical addresses (the
 * image identity-maps the first 4 GiB). False when no FADT was found. */
bool hv_acpi_pm1_cnt(const u8 *rsdp, u16 *pm1a, u16 *pm1b);

/* Enabled processors in the MADT (0: no MADT). */
u32 hv_acpi_cpus(const u8 *rsdp);

#endif
