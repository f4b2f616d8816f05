/* libFuzzer target: the bzip2 decompressor. */
#define FUZZ_CODEC "bzip2"
#include "tests/fuzz/fuzz_decompress.h"
