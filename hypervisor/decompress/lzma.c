/* lzma: not implemented yet (placeholder so the registry links). */
#include "decompress.h"

static int lzma_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
			   const struct bc_dc_env *env, struct bc_dc_result *res)
{
	(void)in; (void)in_len; (void)out; (void)out_cap; (void)env;
	res->in_used = 0;
	res->out_len = 0;
	res->msg = "lzma: decoder not implemented yet";
	return BC_DC_UNSUPPORTED;
}

const struct bc_decompressor bc_dc_lzma = {
	.name = "lzma", .magic = (const u8 *)"\x5d\x00\x00", .magic_len = sizeof("\x5d\x00\x00") - 1,
	.decompress = lzma_decompress,
};
