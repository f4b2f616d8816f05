/* libFuzzer target for the sysconfig reader: any input parses without a
 * crash, and what it reads keeps the reader's promises. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sysconfig/shvar.h"

static void check_name(const char *key)
{
	if (!(key[0] == '_' || (key[0] | 32) >= 'a') || strpbrk(key, " =$`\"'\\\n"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	struct shvar_file f;
	if (shvar_parse(&f, "fuzz", (const char *)data, size, sink))
		abort();
	for (size_t i = 0; i < f.nvars; i++) {
		check_name(f.vars[i].key);
		/* readable and refused never at once, and each key once */
		if (shvar_rejected_line(&f, f.vars[i].key) || shvar_get(&f, f.vars[i].key) != f.vars[i].value)
			abort();
	}
	for (size_t i = 0; i < f.nrejected; i++)
		if (shvar_get(&f, f.rejected[i].key))
			abort();
	shvar_free(&f);

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	size_t n = 0;
	char **words = shvar_split_words(text, &n, NULL);
	for (size_t i = 0; words && i < n; i++)
		if (!words[i])
			abort();
	shvar_free_words(words);
	free(text);
	return 0;
}
