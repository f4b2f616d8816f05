/* libFuzzer target: the gzip decompressor. */
#define FUZZ_CODEC "gzip"
#include "tests/fuzz/fuzz_decompress.h"
