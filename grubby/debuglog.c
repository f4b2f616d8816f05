/* --debug: why an entry was or was not usable as a template. */
#include "grubby/core.h"

#include <stdarg.h>
#include <string.h>

int gb_debug;
const char *gb_command_line = "";

static void print_entry(const struct entry *e, FILE *f)
{
	for (const struct line *l = e->lines; l; l = l->next) {
		fprintf(f, "DBG: %s", l->indent);
		for (int i = 0; i < l->nelem; i++) {
			const struct element *el = &l->el[i];
			if (l->type == LT_MENUENTRY && i == 1 &&
			    !is_quote(*el->item))
				fprintf(f, "'%s'%s", el->item, el->indent);
			else
				fprintf(f, "%s%s", el->item, el->indent);
		}
		fputc('\n', f);
	}
}

void not_suitable(struct entry *e, int okay, const char *fmt, ...)
{
	static bool once;
	if (!gb_debug || okay)
		return;
	if (!once)
		fprintf(stderr, "DBG: command line: %s\n", gb_command_line);
	once = true;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "DBG: Image entry failed: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	print_entry(e, stderr);
}
