/* libFuzzer target: the xz decompressor. */
#define FUZZ_CODEC "xz"
#include "tests/fuzz/fuzz_decompress.h"
