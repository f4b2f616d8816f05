/* libFuzzer target: the lzma decompressor. */
#define FUZZ_CODEC "lzma"
#include "tests/fuzz/fuzz_decompress.h"
