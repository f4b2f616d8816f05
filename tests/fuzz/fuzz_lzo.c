/* libFuzzer target: the lzo decompressor. */
#define FUZZ_CODEC "lzo"
#include "tests/fuzz/fuzz_decompress.h"
