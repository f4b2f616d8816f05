/* Freestanding memory and string helpers (see bc/string.h). */
#include <bc/string.h>

void *bc_memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;
	/* word copies when both are aligned: decompressors and the dom0 loader
	 * copy a lot, four words a turn (fewer branches on an emulated CPU) */
	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 32; n -= 32, d += 32, s += 32) {
			u64 a = ((const u64 *)s)[0], b = ((const u64 *)s)[1];
			u64 c = ((const u64 *)s)[2], e = ((const u64 *)s)[3];
			((u64 *)d)[0] = a;
			((u64 *)d)[1] = b;
			((u64 *)d)[2] = c;
			((u64 *)d)[3] = e;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(u64 *)d = *(const u64 *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *bc_memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return bc_memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *bc_memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	while (n--)
		*d++ = (u8)c;
	return dst;
}

int bc_memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t bc_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int bc_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

int bc_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
