/* The live progress line: redrawn in place with \r, cleared at the end. */
#include <stdio.h>
#include <string.h>
#include "bootchain/matrix/progress.h"
#include "bootchain/matrix/util.h"

#define LINE_MAX_COLS 160

void mx_progress_format(char *out, size_t len, int done, int total, double elapsed,
			const char *const *running, int nrunning)
{
	int secs = (int)elapsed;
	int n = mx_fmt(out, len, "matrix: %d/%d cells done, %d:%02d elapsed", done, total,
			 secs / 60, secs % 60);
	for (int i = 0; i < nrunning && n > 0 && (size_t)n < len; i++)
		n += mx_fmt(out + n, len - (size_t)n, "%s%s", i ? ", " : "; running: ", running[i]);
	/* one terminal line: cut rather than wrap */
	if (len > LINE_MAX_COLS + 4 && strlen(out) > LINE_MAX_COLS)
		strcpy(out + LINE_MAX_COLS - 3, "...");
}

void mx_progress_draw(FILE *to, int done, int total, double elapsed,
		      const char *const *running, int nrunning)
{
	static char last[1024];
	char line[1024];
	mx_progress_format(line, sizeof(line), done, total, elapsed, running, nrunning);
	if (!strcmp(line, last))
		return; /* redraw only what changed */
	strcpy(last, line);
	fprintf(to, "\r\033[K%s", line);
	fflush(to);
}

void mx_progress_end(FILE *to)
{
	fprintf(to, "\r\033[K");
	fflush(to);
}
