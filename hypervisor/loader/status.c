/* The loader's last-failure reason and status names. */
#include "ld_internal.h"

/* One global: the hypervisor loads one kernel at a time, and the host tools
 * are single-threaded. */
static const char *last_reason = "no error";

int bc_ld_fail(int status, const char *reason)
{
	last_reason = reason;
	return status;
}

const char *bc_ld_reason(void)
{
	return last_reason;
}

const char *bc_ld_status_name(int status)
{
	switch (status) {
	case BC_LD_OK: return "ok";
	case BC_LD_NOT_KERNEL: return "not a kernel image";
	case BC_LD_INVALID: return "invalid image";
	case BC_LD_UNSUPPORTED: return "unsupported";
	case BC_LD_DECOMPRESS: return "decompression failed";
	case BC_LD_NOSPACE: return "buffer too small";
	}
	return "unknown status";
}
