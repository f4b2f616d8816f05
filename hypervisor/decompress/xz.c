/* xz: not implemented yet (placeholder so the registry links). */
#include "decompress.h"

static int xz_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			   const struct bc_dc_env *env, struct bc_dc_result *res)
{
	(void)in; (void)in_len; (void)out; (void)out_cap; (void)env;
	res->in_used = 0;
	res->out_len = 0;
	res->msg = "xz: decoder not implemented yet";
	return BC_DC_UNSUPPORTED;
}

const struct bc_decompressor bc_dc_xz = {
	.name = "xz", .magic = (const u8 *)"\xfd" "7zXZ\x00", .magic_len = sizeof("\xfd" "7zXZ\x00") - 1,
	.decompress = xz_decompress,
};
