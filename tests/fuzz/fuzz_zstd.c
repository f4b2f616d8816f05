/* libFuzzer target: the zstd decompressor. */
#define FUZZ_CODEC "zstd"
#include "tests/fuzz/fuzz_decompress.h"
