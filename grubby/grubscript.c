/* The structure GRUB's script parser demands of a grub.cfg: quotes that
 * end, braces that pair, and no empty "{ }" block (grub-script-check
 * rejects all three). grubby refuses to edit a config that breaks these
 * and checks every config it writes against the same rules. One pass,
 * linear in the size of the text. */
#include "grubby/core.h"

#include <string.h>

struct scan {
	const char *p, *end;
	int line;
	int depth;
	bool empty_block;	/* no command since the last '{' */
	int open_line[64];	/* where each open block started */
};

/* the character at p + off, NUL past the end */
static char peek(const struct scan *s, size_t off)
{
	return (size_t)(s->end - s->p) > off ? s->p[off] : '\0';
}

/* characters a word does not simply go on through */
static bool special(char c)
{
	static bool table[256];
	static bool ready;
	if (!ready) {
		for (const char *p = " \t\r\n;\\'\"$"; *p; p++)
			table[(unsigned char)*p] = true;
		table[0] = true;
		ready = true;
	}
	return table[(unsigned char)c];
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* one word from s->p; false with *problem set on an unterminated quote.
 * *brace is '{' when the word opens a block, '}' when it closes one. */
static bool scan_word(struct scan *s, char *brace, const char **problem,
		      int *problem_line)
{
	const char *start = s->p;
	bool quoted = false;
	*brace = 0;
	while (peek(s, 0) && !is_blank(*s->p) && *s->p != '\n' &&
	       *s->p != ';') {
		char c = *s->p;
		if (!special(c)) {
			s->p++;
			continue;
		}
		if (c == '\\' && peek(s, 1)) {
			if (s->p[1] == '\n')
				s->line++;
			s->p += 2;
			continue;
		}
		if (c == '\'' || c == '"') {
			int from = s->line;
			quoted = true;
			for (s->p++; peek(s, 0) && *s->p != c; s->p++) {
				if (c == '"' && *s->p == '\\' && peek(s, 1))
					s->p++;
				if (*s->p == '\n')
					s->line++;
			}
			if (!peek(s, 0)) {
				*problem = c == '\'' ? "unterminated ' quote" :
					"unterminated \" quote";
				*problem_line = from;
				return false;
			}
		} else if (c == '$' && peek(s, 1) == '{') {
			/* ${name}: braces that are no block */
			const char *e = s->p + 2;
			while (e < s->end && *e != '}' && *e != '\n')
				e++;
			if (e < s->end && *e == '}')
				s->p = e;
		}
		s->p++;
	}
	size_t n = (size_t)(s->p - start);
	if (n && !quoted && start[n - 1] == '{')
		*brace = '{';
	else if (n == 1 && *start == '}')
		*brace = '}';
	return true;
}

/* 0 when the len bytes at text are well formed (a NUL ends them too); else -1 with the line and the problem */
int grub_script_check(const char *text, size_t len, int *line,
		      const char **problem)
{
	struct scan s = { .p = text, .end = text + len, .line = 1 };
	bool command_start = true;
	while (peek(&s, 0)) {
		char c = *s.p;
		if (c == '\n') {
			s.line++;
			s.p++;
			command_start = true;
			continue;
		}
		if (is_blank(c)) {
			s.p++;
			continue;
		}
		if (c == ';') {
			s.p++;
			command_start = true;
			continue;
		}
		if (c == '#' && command_start) {
			while (peek(&s, 0) && *s.p != '\n')
				s.p++;
			continue;
		}
		char brace;
		int at = s.line;
		if (!scan_word(&s, &brace, problem, line))
			return -1;
		if (brace == '}' && command_start) {
			if (!s.depth) {
				*problem = "'}' without a '{' before it";
				*line = at;
				return -1;
			}
			if (s.empty_block) {
				*problem = "empty block: '{' and '}' with no "
					   "command between";
				*line = s.open_line[(s.depth - 1) % 64];
				return -1;
			}
			s.depth--;
			continue;
		}
		s.empty_block = false;
		command_start = false;
		if (brace == '{') {
			s.open_line[s.depth % 64] = at;
			s.depth++;
			s.empty_block = true;
			command_start = true;
		}
	}
	if (s.depth) {
		*problem = "'{' never closed";
		*line = s.open_line[(s.depth - 1) % 64];
		return -1;
	}
	return 0;
}

/* One GRUB word from s: its value with the quoting undone ('...' taken
 * as is, backslash escapes in "..." and bare words); *end is where the
 * word ends in s. */
char *grub_word(const char *s, const char **end)
{
	char *out = gb_alloc(strlen(s) + 1), *o = out;
	while (*s && !is_blank(*s) && *s != '\n' && *s != ';') {
		if (*s == '\'') {
			for (s++; *s && *s != '\''; s++)
				*o++ = *s;
			if (*s)
				s++;
		} else if (*s == '"') {
			/* inside "...", \ escapes only $ " \ (as in sh) */
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1] && strchr("$\"\\", s[1]))
					s++;
				*o++ = *s;
			}
			if (*s)
				s++;
		} else {
			if (*s == '\\' && s[1])
				s++;
			*o++ = *s++;
		}
	}
	*o = '\0';
	*end = s;
	return out;
}

/* value quoted so that GRUB reads it back as it is: 'value', with each
 * ' written as '\'' (as GRUB's own scripts do) */
char *grub_quote(const char *value)
{
	size_t n = 3;
	for (const char *p = value; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *out = gb_alloc(n), *o = out;
	*o++ = '\'';
	for (const char *p = value; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}
