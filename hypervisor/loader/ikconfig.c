/* Embedded kernel configuration (CONFIG_IKCONFIG) and .config lookups. */
#include "ld_internal.h"
#include <bc/string.h>

static const u8 *find_bytes(const u8 *hay, size_t len, const char *needle, size_t nlen)
{
	for (size_t i = 0; nlen <= len && i <= len - nlen; i++)
		if (hay[i] == (u8)needle[0] && bc_memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	return NULL;
}

int bc_ikconfig_find(const u8 *vmlinux, size_t len, const u8 **gz, size_t *gz_len)
{
	/* the start marker is followed directly by the gzip header */
	static const char start[] = "IKCFG_ST\x1f\x8b\x08";
	const u8 *s = find_bytes(vmlinux, len, start, sizeof(start) - 1);
	if (!s)
		return bc_ld_fail(BC_LD_UNSUPPORTED, "no embedded kernel config (IKCFG_ST marker)");
	s += 8;
	const u8 *e = find_bytes(s, len - (size_t)(s - vmlinux), "IKCFG_ED", 8);
	if (!e)
		return bc_ld_fail(BC_LD_INVALID, "embedded kernel config has no IKCFG_ED end marker");
	*gz = s;
	*gz_len = (size_t)(e - s);
	return BC_LD_OK;
}

/* Does the line [p, end) hold NAME followed by C? */
static bool line_has(const char *p, const char *end, const char *name, size_t nlen, char c)
{
	return (size_t)(end - p) > nlen && bc_memcmp(p, name, nlen) == 0 && p[nlen] == c;
}

static char classify_value(const char *v, const char *end)
{
	if (end - v == 1 && (*v == 'y' || *v == 'm' || *v == 'n'))
		return *v;
	return 'v';
}

char bc_kconfig_value(const char *text, size_t len, const char *option)
{
	size_t nlen = bc_strlen(option);
	const char *p = text, *stop = text + len;
	while (p < stop) {
		const char *end = p;
		while (end < stop && *end != '\n')
			end++;
		if (line_has(p, end, option, nlen, '='))
			return classify_value(p + nlen + 1, end);
		/* "# CONFIG_FOO is not set" */
		if (end - p >= 2 && p[0] == '#' && p[1] == ' ' && line_has(p + 2, end, option, nlen, ' '))
			return 'n';
		if (end == stop)
			break;
		p = end + 1;
	}
	return 'n';
}
