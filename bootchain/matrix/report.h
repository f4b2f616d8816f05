/* The matrix's outputs: a table on stdout, a Markdown report, JUnit XML and a TSV file. */
#ifndef BC_MATRIX_REPORT_H
#define BC_MATRIX_REPORT_H
#include <stdio.h>
#include "bootchain/matrix/matrix.h"

/* Short text of a cell for a table: "PASS 12.3s", "FAIL", "XFAIL", "SKIP: not built". */
void mx_cell_summary(const struct mx_cell *c, char *out, size_t len);
void mx_report_table(FILE *to, const struct mx_plan *plan);
void mx_report_markdown(FILE *to, const struct mx_plan *plan, const char *logs_dir);
void mx_report_junit(FILE *to, const struct mx_plan *plan, const char *logs_dir);
void mx_report_tsv(FILE *to, const struct mx_plan *plan, const char *logs_dir);
/* Write report.md, results.tsv and junit.xml under dir; -1 with a message on error. */
int mx_report_write(const struct mx_plan *plan, const char *dir);
/* --list: every cell and its stages, with what is expected; nothing is booted. */
void mx_report_list(FILE *to, const struct mx_plan *plan);
/* A stage as reported (BOOT falls back to the cell's own verdict). */
struct mx_stage mx_stage_view(const struct mx_cell *c, enum mx_stage_id id);
/* The time of a cell's guest stages together (every stage after the toolstack that
 * ran), or -1 when none ran. */
double mx_guest_stages_s(const struct mx_cell *c);
/* How many cells have this verdict. */
int mx_count(const struct mx_plan *plan, enum mx_verdict v);

#endif
