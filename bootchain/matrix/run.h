/* Parallel execution of a plan's cells. */
#ifndef BC_MATRIX_RUN_H
#define BC_MATRIX_RUN_H
#include "bootchain/matrix/matrix.h"

/* How many cells run at once. */
int mx_jobs(const struct mx_options *opt);
/* Run every cell; results land in plan->cells. -1 when interrupted or on a setup error. */
int mx_run_cells(const struct mx_options *opt, struct mx_plan *plan);

#endif
