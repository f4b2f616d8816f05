/* Work memory for the decompressors: a bump allocator over one free region
 * found at boot. Nothing outlives dom0's construction, so free() only returns
 * the newest block. */
#include "heap.h"

static u8 *heap_base;
static size_t heap_size, heap_used, heap_peak, last_at;

void hv_heap_init(void *base, size_t size)
{
	heap_base = base;
	heap_size = size;
	heap_used = heap_peak = 0;
}

static void *heap_alloc(void *ctx, size_t size)
{
	(void)ctx;
	size_t at = (heap_used + 15) & ~(size_t)15;
	if (at > heap_size || size > heap_size - at)
		return NULL;
	last_at = at;
	heap_used = at + size;
	heap_peak = BC_MAX(heap_peak, heap_used);
	return heap_base + at;
}

static void heap_free(void *ctx, void *ptr)
{
	(void)ctx;
	/* only the newest block can be given back; others stay until dom0 runs */
	if (ptr && (u8 *)ptr == heap_base + last_at)
		heap_used = last_at;
}

const struct bc_dc_env hv_heap_env = { heap_alloc, heap_free, NULL };

size_t hv_heap_peak(void) { return heap_peak; }
