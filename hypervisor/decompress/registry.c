/* The table of decompressors, chosen by the magic bytes a stream starts with. */
#include "decompress.h"
#include <bc/string.h>

const struct bc_decompressor *const bc_decompressors[] = {
	&bc_dc_gzip, &bc_dc_xz, &bc_dc_bzip2, &bc_dc_lzo, &bc_dc_lz4, &bc_dc_zstd,
	&bc_dc_lzma,    /* last: it has no magic, only a plausible header */
	NULL,
};

const struct bc_decompressor *bc_dc_detect(const u8 *in, size_t in_len)
{
	for (size_t i = 0; bc_decompressors[i]; i++) {
		const struct bc_decompressor *d = bc_decompressors[i];
		if (d->probe ? d->probe(in, in_len)
			     : in_len >= d->magic_len && bc_memcmp(in, d->magic, d->magic_len) == 0)
			return d;
	}
	return NULL;
}

const struct bc_decompressor *bc_dc_by_name(const char *name)
{
	for (size_t i = 0; bc_decompressors[i]; i++)
		if (bc_strcmp(bc_decompressors[i]->name, name) == 0)
			return bc_decompressors[i];
	return NULL;
}

const char *bc_dc_status_name(int status)
{
	switch (status) {
	case BC_DC_OK: return "ok";
	case BC_DC_TRUNCATED: return "truncated input";
	case BC_DC_CORRUPT: return "corrupt data";
	case BC_DC_CHECKSUM: return "checksum mismatch";
	case BC_DC_OUTPUT_FULL: return "output larger than the buffer";
	case BC_DC_UNSUPPORTED: return "unsupported option";
	case BC_DC_NOMEM: return "out of memory";
	}
	return "unknown status";
}
