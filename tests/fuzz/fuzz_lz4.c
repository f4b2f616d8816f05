/* libFuzzer target: the lz4 decompressor. */
#define FUZZ_CODEC "lz4"
#include "tests/fuzz/fuzz_decompress.h"
