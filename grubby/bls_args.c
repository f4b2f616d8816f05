/* Kernel command lines of BLS "options" lines, edited the way grubby edits
 * a kernel line's arguments: KEY=VALUE replaces KEY, removal goes by key.
 * Double quotes keep blanks inside one argument (foo="a b"). */
#include "grubby/bls.h"
#include "grubby/model.h"

#include <string.h>

/* the next argument of *S (NULL at the end), advancing *S past it */
static const char *next_arg(const char **s, size_t *len)
{
	const char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	const char *start = p;
	bool quoted = false;
	for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++)
		if (*p == '"')
			quoted = !quoted;
	*len = (size_t)(p - start);
	*s = p;
	return start;
}

static size_t key_len(const char *arg, size_t len)
{
	const char *eq = memchr(arg, '=', len);
	return eq ? (size_t)(eq - arg) : len;
}

static bool same_key(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t ka = key_len(a, alen), kb = key_len(b, blen);
	return ka == kb && !memcmp(a, b, ka);
}

static const char *join(const char *out, const char *arg, size_t len)
{
	return *out ? gb_printf("%s %.*s", out, (int)len, arg)
		    : gb_strndup(arg, len);
}

/* ARGS without the arguments whose keys are in LIST; with REPLACE, an
 * argument of LIST takes the place of the first one it replaces. */
static const char *filter(const char *args, const char *list, bool replace,
			  const char **used)
{
	const char *out = "", *a, *p = args;
	size_t alen;
	while ((a = next_arg(&p, &alen))) {
		const char *r, *q = list, *hit = NULL;
		size_t rlen, hitlen = 0;
		while (!hit && (r = next_arg(&q, &rlen)))
			if (same_key(a, alen, r, rlen)) {
				hit = r;
				hitlen = rlen;
			}
		if (!hit) {
			out = join(out, a, alen);
		} else if (replace) {
			const char *mark = gb_printf(" %.*s ", (int)hitlen, hit);
			if (!strstr(*used, mark)) {
				out = join(out, hit, hitlen);
				*used = gb_printf("%s%.*s ", *used, (int)hitlen,
						  hit);
			}
		}
	}
	return out;
}

const char *bls_args_add(const char *args, const char *add)
{
	if (!add || !*add)
		return args ? args : "";
	const char *used = " ";
	const char *out = filter(args ? args : "", add, true, &used);
	const char *r, *q = add;
	size_t rlen;
	while ((r = next_arg(&q, &rlen))) {
		const char *mark = gb_printf(" %.*s ", (int)rlen, r);
		if (!strstr(used, mark)) {
			out = join(out, r, rlen);
			used = gb_printf("%s%.*s ", used, (int)rlen, r);
		}
	}
	return out;
}

const char *bls_args_remove(const char *args, const char *remove)
{
	if (!remove || !*remove)
		return args ? args : "";
	const char *used = "";
	return filter(args ? args : "", remove, false, &used);
}

const char *bls_args_value(const char *args, const char *key)
{
	const char *a, *p = args ? args : "";
	size_t alen, klen = strlen(key);
	while ((a = next_arg(&p, &alen)))
		if (alen > klen && a[klen] == '=' && !memcmp(a, key, klen))
			return gb_strndup(a + klen + 1, alen - klen - 1);
	return NULL;
}
