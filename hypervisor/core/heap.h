/* The decompressors' allocator while dom0 is built (see heap.c). */
#ifndef BCHV_HEAP_H
#define BCHV_HEAP_H
#include "hypervisor/decompress/decompress.h"

void hv_heap_init(void *base, size_t size);
size_t hv_heap_peak(void);
extern const struct bc_dc_env hv_heap_env;

#endif
