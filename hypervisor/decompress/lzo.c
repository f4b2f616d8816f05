/* lzo: not implemented yet (placeholder so the registry links). */
#include "decompress.h"

static int lzo_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			   const struct bc_dc_env *env, struct bc_dc_result *res)
{
	(void)in; (void)in_len; (void)out; (void)out_cap; (void)env;
	res->in_used = 0;
	res->out_len = 0;
	res->msg = "lzo: decoder not implemented yet";
	return BC_DC_UNSUPPORTED;
}

const struct bc_decompressor bc_dc_lzo = {
	.name = "lzo", .magic = (const u8 *)"\x89LZO\x00\r\n\x1a\n", .magic_len = sizeof("\x89LZO\x00\r\n\x1a\n") - 1,
	.decompress = lzo_decompress,
};
