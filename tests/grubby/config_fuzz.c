/* libFuzzer target for grubby's config parser and writer: any text parses
 * in every dialect without a crash, and what is written once reads back
 * and writes again to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubby/core.h"

static char *render(const char *text, size_t len, const struct dialect *d)
{
	char *copy = gb_strndup(text, len);
	struct config *cfg = config_parse(copy, d, false, "/nonexistent");
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	if (!f || config_write(cfg, f))
		abort();
	fclose(f);
	return out;
}

/* saved_entry goes through our own grubenv code: no processes */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("GRUBBY_EDITENV", "", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* grubby refuses NUL bytes before parsing */
	if (memchr(data, 0, size))
		return 0;
	for (int i = 0; all_dialects[i]; i++) {
		char *once = render((const char *)data, size, all_dialects[i]);
		char *twice = render(once, strlen(once), all_dialects[i]);
		if (strcmp(once, twice))
			abort();
		free(once);
		free(twice);
	}
	gb_arena_release();
	return 0;
}
