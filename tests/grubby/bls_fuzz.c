/* libFuzzer target for BLS entry files: any text is either refused with a
 * message or read; what is read writes back to the same bytes, and an
 * options line edited and edited back leaves the other lines as they were. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubby/bls.h"
#include "grubby/model.h"

static char *render(const struct bls_entry *e, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	if (!f || bls_write_entry(f, e))
		abort();
	fclose(f);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bls_entry e = { .name = "fuzz.conf", .path = "fuzz.conf" };
	if (bls_parse(&e, (const char *)data, size))
		return 0;
	size_t len = 0;
	char *out = render(&e, &len);
	if (len != size || memcmp(out, data, size))
		abort();
	free(out);
	/* options edited through the argument code: still an entry that reads back */
	const char *opts = bls_args_add(bls_args_remove(bls_options(&e), "quiet"), "quiet a=b");
	bls_set(&e, "options", opts);
	out = render(&e, &len);
	struct bls_entry again = { .name = "fuzz.conf", .path = "fuzz.conf" };
	if (bls_parse(&again, out, len) || strcmp(bls_options(&again), opts))
		abort();
	free(out);
	gb_arena_release();
	return 0;
}
