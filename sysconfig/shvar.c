/* Shell-variable file reader: a lexer for the subset of sh that assignments
 * use, which refuses (never performs) every expansion. See shvar.h. */
#include "sysconfig/shvar.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define SHVAR_MAX_FILE (1u << 20) /* sysconfig files are tiny; refuse anything huge */

struct lexer {
	const char *p, *end;
	unsigned line;
};

struct word {
	char *text;
	size_t len, cap;
	unsigned line;
	bool assignment; /* starts with an unquoted NAME= */
	size_t name_len;
	bool oom;
	char error[160]; /* first reason this word cannot be read safely; "" when fine */
};

struct statement {
	struct word *words;
	size_t n, cap;
	unsigned line;
	bool ends_line; /* ended by a newline, a comment or the end of the file, not ';' */
};

/* The statements of one line (joined by ';'): read whole or refused whole. */
struct line_group {
	struct statement *st;
	size_t n, cap;
};

static bool is_name_start(int c) { return c == '_' || isalpha(c); }
static bool is_name_char(int c) { return c == '_' || isalnum(c); }
static bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\r'; }

static void word_append(struct word *w, char c)
{
	if (w->oom)
		return;
	if (w->len + 2 > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		char *t = realloc(w->text, cap);
		if (!t) {
			w->oom = true;
			return;
		}
		w->text = t;
		w->cap = cap;
	}
	w->text[w->len++] = c;
	w->text[w->len] = '\0';
}

static void word_error(struct word *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void word_error(struct word *w, const char *fmt, ...)
{
	if (w->error[0])
		return; /* the first problem is the one worth reporting */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->error, sizeof(w->error), fmt, ap);
	va_end(ap);
}

static void advance(struct lexer *lx)
{
	if (*lx->p == '\n')
		lx->line++;
	lx->p++;
}

/* Skip a quoted region starting at the opening quote, without decoding it. */
static void skip_quoted(struct lexer *lx)
{
	char q = *lx->p;
	advance(lx);
	while (lx->p < lx->end && *lx->p != q) {
		if (q != '\'' && *lx->p == '\\' && lx->p + 1 < lx->end)
			advance(lx);
		advance(lx);
	}
	if (lx->p < lx->end)
		advance(lx);
}

/* Skip from an opening bracket to its match, so an unsafe $(...) or ${...}
 * is passed over as one piece (it may contain blanks and quotes). */
static void skip_balanced(struct lexer *lx, char open, char close)
{
	int depth = 0;
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (c == '\'' || c == '"') {
			skip_quoted(lx);
			continue;
		}
		if (c == '\\' && lx->p + 1 < lx->end)
			advance(lx);
		else if (c == open)
			depth++;
		else if (c == close && --depth == 0) {
			advance(lx);
			return;
		}
		advance(lx);
	}
}

/* At '$': refuse any expansion; a '$' that starts none is literal, as in sh. */
static void lex_dollar(struct lexer *lx, struct word *w, bool in_dquote)
{
	char next = lx->p + 1 < lx->end ? lx->p[1] : '\0';
	if (next == '(') {
		word_error(w, "command substitution $(...) is not run");
		advance(lx);
		skip_balanced(lx, '(', ')');
	} else if (next == '{') {
		word_error(w, "parameter expansion ${...} is not expanded");
		advance(lx);
		skip_balanced(lx, '{', '}');
	} else if (is_name_start(next)) {
		advance(lx);
		const char *name = lx->p;
		while (lx->p < lx->end && is_name_char(*lx->p))
			advance(lx);
		word_error(w, "variable expansion $%.*s is not expanded", (int)(lx->p - name), name);
	} else if (next && strchr("0123456789@*#?$!-", next)) {
		word_error(w, "special parameter $%c is not expanded", next);
		advance(lx);
		advance(lx);
	} else if (!in_dquote && (next == '\'' || next == '"')) {
		word_error(w, "$%c...%c quoting is not supported", next, next);
		advance(lx);
		skip_quoted(lx);
	} else {
		word_append(w, '$');
		advance(lx);
	}
}

static void lex_backtick(struct lexer *lx, struct word *w)
{
	word_error(w, "command substitution `...` is not run");
	skip_quoted(lx);
}

static void lex_single_quoted(struct lexer *lx, struct word *w)
{
	advance(lx);
	while (lx->p < lx->end && *lx->p != '\'') {
		word_append(w, *lx->p);
		advance(lx);
	}
	if (lx->p >= lx->end)
		word_error(w, "unterminated single quote");
	else
		advance(lx);
}

static void lex_double_quoted(struct lexer *lx, struct word *w)
{
	advance(lx);
	while (lx->p < lx->end && *lx->p != '"') {
		char c = *lx->p;
		char next = lx->p + 1 < lx->end ? lx->p[1] : '\0';
		if (c == '\\' && next && strchr("$`\"\\\n", next)) {
			advance(lx);
			if (next != '\n') /* backslash-newline joins lines */
				word_append(w, next);
			advance(lx);
		} else if (c == '$') {
			lex_dollar(lx, w, true);
		} else if (c == '`') {
			lex_backtick(lx, w);
		} else {
			word_append(w, c);
			advance(lx);
		}
	}
	if (lx->p >= lx->end)
		word_error(w, "unterminated double quote");
	else
		advance(lx);
}

static bool ends_word(char c)
{
	return is_blank(c) || c == '\n' || c == ';';
}

/* Read one word at lx->p (which is not blank). */
static void lex_word(struct lexer *lx, struct word *w)
{
	memset(w, 0, sizeof(*w));
	w->line = lx->line;
	bool in_name = true; /* still reading unquoted name characters */
	while (lx->p < lx->end && !ends_word(*lx->p)) {
		char c = *lx->p;
		if (in_name && c == '=' && w->len > 0) {
			w->assignment = true;
			w->name_len = w->len;
			in_name = false;
			word_append(w, c);
			advance(lx);
			if (lx->p < lx->end && *lx->p == '~')
				word_error(w, "tilde expansion is not expanded");
			continue;
		}
		if (in_name && !(w->len ? is_name_char(c) : is_name_start(c)))
			in_name = false;
		if (c == '\\') {
			advance(lx);
			if (lx->p < lx->end) {
				if (*lx->p != '\n')
					word_append(w, *lx->p);
				advance(lx);
			}
		} else if (c == '\'') {
			lex_single_quoted(lx, w);
		} else if (c == '"') {
			lex_double_quoted(lx, w);
		} else if (c == '$') {
			lex_dollar(lx, w, false);
		} else if (c == '`') {
			lex_backtick(lx, w);
		} else {
			if (strchr("|&<>()", c))
				word_error(w, "shell operator '%c' is not allowed", c);
			word_append(w, c);
			advance(lx);
		}
	}
	/* a word of only refused parts has no text: callers may rely on one */
	if (!w->text && !w->oom && !(w->text = calloc(1, 1)))
		w->oom = true;
}

static void skip_blanks(struct lexer *lx)
{
	for (;;) {
		while (lx->p < lx->end && is_blank(*lx->p))
			advance(lx);
		/* backslash-newline between words is a line continuation */
		if (lx->p + 1 < lx->end && lx->p[0] == '\\' && lx->p[1] == '\n') {
			advance(lx);
			advance(lx);
			continue;
		}
		return;
	}
}

static void skip_comment(struct lexer *lx)
{
	while (lx->p < lx->end && *lx->p != '\n')
		advance(lx);
}

static void statement_free(struct statement *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->words[i].text);
	free(st->words);
	memset(st, 0, sizeof(*st));
}

static int statement_push(struct statement *st, struct word *w)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 4;
		struct word *t = realloc(st->words, cap * sizeof(*t));
		if (!t)
			return -1;
		st->words = t;
		st->cap = cap;
	}
	st->words[st->n++] = *w;
	return 0;
}

/* Read the words up to an unquoted newline, ';' or comment. */
static int lex_statement(struct lexer *lx, struct statement *st)
{
	memset(st, 0, sizeof(*st));
	st->line = lx->line;
	for (;;) {
		skip_blanks(lx);
		if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == ';')
			break;
		if (*lx->p == '#') {
			skip_comment(lx);
			break;
		}
		struct word w;
		lex_word(lx, &w);
		if (w.oom || statement_push(st, &w)) {
			free(w.text);
			return -1;
		}
	}
	st->ends_line = lx->p >= lx->end || *lx->p != ';';
	if (lx->p < lx->end)
		advance(lx); /* the newline or ';' */
	return 0;
}

static ssize_t find_var(const struct shvar *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return (ssize_t)i;
	return -1;
}

static void remove_var(struct shvar *v, size_t *n, const char *key)
{
	ssize_t i = find_var(v, *n, key);
	if (i < 0)
		return;
	free(v[i].key);
	free(v[i].value);
	v[i] = v[--*n];
}

/* Put KEY=VALUE into LIST (replacing an older one), and drop KEY from OTHER. */
static int store(struct shvar **list, size_t *n, struct shvar *other, size_t *nother,
		 const char *key, size_t key_len, const char *value, unsigned line)
{
	char *k = strndup(key, key_len);
	char *v = strdup(value);
	if (!k || !v)
		goto oom;
	remove_var(other, nother, k);
	remove_var(*list, n, k);
	struct shvar *t = realloc(*list, (*n + 1) * sizeof(*t));
	if (!t)
		goto oom;
	*list = t;
	t[(*n)++] = (struct shvar){ .key = k, .value = v, .line = line };
	return 0;
oom:
	free(k);
	free(v);
	return -1;
}

static int set_var(struct shvar_file *f, const struct word *w, unsigned line)
{
	return store(&f->vars, &f->nvars, f->rejected, &f->nrejected, w->text, w->name_len,
		     w->text + w->name_len + 1, line);
}

/* "KEY = value" or "KEY =value": the assignment the writer meant, which sh
 * would run as the command KEY. The index of KEY's word, or -1. */
static ssize_t spaced_assignment(const struct statement *st, size_t first)
{
	if (st->n < first + 2)
		return -1;
	const struct word *w = &st->words[first];
	if (w->assignment || w->error[0] || !is_name_start((unsigned char)w->text[0]) || st->words[first + 1].text[0] != '=')
		return -1;
	for (const char *c = w->text; *c; c++)
		if (!is_name_char((unsigned char)*c))
			return -1;
	return (ssize_t)first;
}

/* Why the statement cannot be taken as plain assignments, or NULL when it can. */
static const char *statement_problem(const struct statement *st, size_t first, char *buf, size_t size)
{
	ssize_t spaced = spaced_assignment(st, first);
	if (spaced >= 0) {
		snprintf(buf, size, "blanks around '=' (sh would run '%s' as a command)", st->words[spaced].text);
		return buf;
	}
	for (size_t i = first; i < st->n; i++) {
		const struct word *w = &st->words[i];
		if (w->error[0])
			return w->error;
		const struct word *prev = i > first ? &st->words[i - 1] : NULL;
		if (!w->assignment && first == 0 && prev && prev->assignment && !prev->text[prev->name_len + 1]) {
			snprintf(buf, size, "blank after '%.*s=' (sh would run '%s' with %.*s empty)",
				 (int)prev->name_len, prev->text, w->text, (int)prev->name_len, prev->text);
			return buf;
		}
		if (!w->assignment && first == 0) {
			snprintf(buf, size, "'%s' is a command, not an assignment (only assignments are read)",
				 w->text);
			return buf;
		}
		if (!w->assignment) {
			for (const char *c = w->text; *c; c++)
				if (!(c == w->text ? is_name_start(*c) : is_name_char(*c))) {
					snprintf(buf, size, "'%s' is not a variable name", w->text);
					return buf;
				}
		}
	}
	return NULL;
}

/* "export" may be quoted in sh too; only its unquoted spelling matters here */
static size_t first_assignment_word(const struct statement *st)
{
	return st->n && !st->words[0].assignment && !strcmp(st->words[0].text, "export");
}

/* The key a word of a refused statement meant to set, or 0 when none. */
static size_t meant_key(const struct statement *st, size_t i)
{
	if (st->words[i].assignment)
		return st->words[i].name_len;
	return spaced_assignment(st, first_assignment_word(st)) == (ssize_t)i ? strlen(st->words[i].text) : 0;
}

/* Refuse every key the line meant to set; print one error for the line. */
static int refuse_group(struct shvar_file *f, const struct line_group *g, const char *why, unsigned line,
			FILE *errs)
{
	f->nerrors++;
	size_t nkeys = 0;
	for (size_t s = 0; s < g->n; s++)
		for (size_t i = 0; i < g->st[s].n; i++) {
			size_t len = meant_key(&g->st[s], i);
			if (!len)
				continue;
			nkeys++;
			if (store(&f->rejected, &f->nrejected, f->vars, &f->nvars, g->st[s].words[i].text, len, why,
				  line))
				return -1;
		}
	if (!nkeys && !f->keyless_line)
		f->keyless_line = line;
	if (!errs)
		return 0;
	fprintf(errs, "%s:%u: %s; ", f->path, line, why);
	if (!nkeys)
		fprintf(errs, "line ignored\n");
	for (size_t s = 0, k = 0; s < g->n; s++)
		for (size_t i = 0; i < g->st[s].n; i++) {
			size_t len = meant_key(&g->st[s], i);
			if (len)
				fprintf(errs, "%.*s%s", (int)len, g->st[s].words[i].text,
					++k == nkeys ? " not read\n" : ", ");
		}
	return 0;
}

/* A line is read only when every statement on it is plain assignments. */
static int apply_group(struct shvar_file *f, const struct line_group *g, FILE *errs)
{
	char buf[200];
	for (size_t s = 0; s < g->n; s++) {
		const char *why = statement_problem(&g->st[s], first_assignment_word(&g->st[s]), buf, sizeof(buf));
		if (why)
			return refuse_group(f, g, why, g->st[s].line, errs);
	}
	for (size_t s = 0; s < g->n; s++)
		for (size_t i = first_assignment_word(&g->st[s]); i < g->st[s].n; i++)
			if (g->st[s].words[i].assignment && set_var(f, &g->st[s].words[i], g->st[s].words[i].line))
				return -1;
	return 0;
}

static void group_free(struct line_group *g)
{
	for (size_t s = 0; s < g->n; s++)
		statement_free(&g->st[s]);
	free(g->st);
	memset(g, 0, sizeof(*g));
}

/* Lex the statements of the next line into G. */
static int lex_group(struct lexer *lx, struct line_group *g)
{
	memset(g, 0, sizeof(*g));
	for (;;) {
		if (g->n == g->cap) {
			size_t cap = g->cap ? g->cap * 2 : 2;
			struct statement *t = realloc(g->st, cap * sizeof(*t));
			if (!t)
				return -1;
			g->st = t;
			g->cap = cap;
		}
		struct statement *st = &g->st[g->n];
		int rc = lex_statement(lx, st);
		g->n++; /* freed by group_free even when lexing failed */
		if (rc)
			return -1;
		if (st->ends_line || lx->p >= lx->end)
			return 0;
	}
}

int shvar_parse(struct shvar_file *f, const char *path, const char *text, size_t len, FILE *errs)
{
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return -1;
	if (memchr(text, '\0', len)) {
		if (errs)
			fprintf(errs, "%s: contains NUL bytes: not a text file; nothing read\n", path);
		f->nerrors++;
		return 0;
	}
	struct lexer lx = { .p = text, .end = text + len, .line = 1 };
	while (lx.p < lx.end) {
		struct line_group g;
		int rc = lex_group(&lx, &g);
		if (!rc)
			rc = apply_group(f, &g, errs);
		group_free(&g);
		if (rc)
			return -1;
	}
	return 0;
}

int shvar_load(struct shvar_file *f, const char *path, FILE *errs)
{
	memset(f, 0, sizeof(*f));
	FILE *in = fopen(path, "rb");
	if (!in) {
		int e = errno;
		if (e != ENOENT && errs)
			fprintf(errs, "%s: cannot read: %s\n", path, strerror(e));
		errno = e;
		return -1;
	}
	char *buf = malloc(SHVAR_MAX_FILE + 1);
	size_t len = buf ? fread(buf, 1, SHVAR_MAX_FILE + 1, in) : 0;
	int e = buf ? (ferror(in) ? EIO : 0) : ENOMEM;
	fclose(in);
	if (!e && len > SHVAR_MAX_FILE)
		e = EFBIG;
	if (e) {
		if (errs)
			fprintf(errs, "%s: cannot read: %s\n", path, strerror(e));
		free(buf);
		errno = e;
		return -1;
	}
	int rc = shvar_parse(f, path, buf, len, errs);
	free(buf);
	if (rc)
		errno = ENOMEM;
	return rc;
}

const char *shvar_get(const struct shvar_file *f, const char *key)
{
	ssize_t i = find_var(f->vars, f->nvars, key);
	return i < 0 ? NULL : f->vars[i].value;
}

unsigned shvar_rejected_line(const struct shvar_file *f, const char *key)
{
	ssize_t i = find_var(f->rejected, f->nrejected, key);
	return i < 0 ? 0 : f->rejected[i].line;
}

bool shvar_is_true(const char *value)
{
	return value && (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1"));
}

char **shvar_split_words(const char *text, size_t *n, const char **why)
{
	static char reason[160];
	struct lexer lx = { .p = text, .end = text + strlen(text), .line = 1 };
	char **out = calloc(1, sizeof(*out));
	size_t count = 0;
	while (out) {
		while (lx.p < lx.end && (is_blank(*lx.p) || *lx.p == '\n'))
			advance(&lx);
		if (lx.p >= lx.end)
			break;
		if (*lx.p == ';' || *lx.p == '#') {
			snprintf(reason, sizeof(reason), "'%c' is shell syntax, not an argument", *lx.p);
			goto fail;
		}
		struct word w;
		lex_word(&lx, &w);
		if (w.oom || w.error[0]) {
			snprintf(reason, sizeof(reason), "%s", w.oom ? "out of memory" : w.error);
			free(w.text);
			goto fail;
		}
		char **t = realloc(out, (count + 2) * sizeof(*t));
		if (!t) {
			free(w.text);
			snprintf(reason, sizeof(reason), "out of memory");
			goto fail;
		}
		out = t;
		out[count++] = w.text ? w.text : strdup("");
		out[count] = NULL;
		if (!out[count - 1]) {
			snprintf(reason, sizeof(reason), "out of memory");
			goto fail;
		}
	}
	if (!out)
		return NULL;
	*n = count;
	return out;
fail:
	if (why)
		*why = reason;
	shvar_free_words(out);
	return NULL;
}

void shvar_free_words(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}

void shvar_free(struct shvar_file *f)
{
	for (size_t i = 0; i < f->nvars; i++) {
		free(f->vars[i].key);
		free(f->vars[i].value);
	}
	for (size_t i = 0; i < f->nrejected; i++) {
		free(f->rejected[i].key);
		free(f->rejected[i].value);
	}
	free(f->vars);
	free(f->rejected);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
