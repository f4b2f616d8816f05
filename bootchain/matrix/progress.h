/* The live progress line on a terminal: cells done of total, elapsed, running cells. */
#ifndef BC_MATRIX_PROGRESS_H
#define BC_MATRIX_PROGRESS_H
#include <stdio.h>

void mx_progress_format(char *out, size_t len, int done, int total, double elapsed,
			const char *const *running, int nrunning);
void mx_progress_draw(FILE *to, int done, int total, double elapsed,
		      const char *const *running, int nrunning);
void mx_progress_end(FILE *to);

#endif
