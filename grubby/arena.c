/* Bump allocator for the strings and small structs of one grubby run.
 * Nothing is freed one at a time; everything goes at exit. */
#include "grubby/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (256 * 1024)

struct chunk {
	struct chunk *prev;
	size_t used, size;
	_Alignas(16) char data[];
};

static struct chunk *current;

static void out_of_memory(void)
{
	fprintf(stderr, "grubby: out of memory\n");
	exit(1);
}

static void *bump(size_t n, size_t align)
{
	if (current) {
		current->used = (current->used + align - 1) & ~(align - 1);
		if (current->used > current->size)
			current->used = current->size;
	}
	if (!current || current->size - current->used < n) {
		size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
		struct chunk *c = malloc(sizeof(*c) + size);
		if (!c)
			out_of_memory();
		c->size = size;
		c->used = 0;
		/* a big one-off block must not strand the current chunk */
		if (current && size != CHUNK_SIZE) {
			c->prev = current->prev;
			current->prev = c;
			c->used = n;
			return c->data;
		}
		c->prev = current;
		current = c;
	}
	void *p = current->data + current->used;
	current->used += n;
	return p;
}

void *gb_alloc(size_t n)
{
	return bump(n, 16);
}

char *gb_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = bump(len + 1, 1);	/* strings need no alignment */
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *gb_strdup(const char *s)
{
	return gb_strndup(s, strlen(s));
}

char *gb_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	char *p = gb_alloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void gb_arena_release(void)
{
	while (current) {
		struct chunk *prev = current->prev;
		free(current);
		current = prev;
	}
}
