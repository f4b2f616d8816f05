/* Body of every decompressor fuzz target: FUZZ_CODEC names the format. The
 * decoder must never crash, read past the input or write past the output
 * (ASan), and must report sizes within the buffers it was given. */
#ifndef FUZZ_DECOMPRESS_H
#define FUZZ_DECOMPRESS_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/fuzz_env.h"

#define FUZZ_OUT_CAP ((size_t)4 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bc_decompressor *d = bc_dc_by_name(FUZZ_CODEC);
	if (!d)
		abort();
	/* an exact-size input copy so reads past the end are caught */
	u8 *in = malloc(size ? size : 1);
	memcpy(in, data, size);
	u8 *out = malloc(FUZZ_OUT_CAP);
	struct fuzz_mem mem;
	struct bc_dc_env env = fuzz_env(&mem);
	struct bc_dc_result res = { 0 };
	int st = d->decompress(in, size, out, FUZZ_OUT_CAP, &env, &res);
	if (res.out_len > FUZZ_OUT_CAP || (st == BC_DC_OK && res.in_used > size))
		abort();
	if (st != BC_DC_OK && !res.msg)
		abort();   /* every failure carries a reason */
	if (mem.used != 0)
		abort();   /* work memory leaked */
	free(out);
	free(in);
	return 0;
}

#endif
