/* Shards: the cells of one plan cut into N deterministic slices balanced by expected
 * time (shard.c), each output's record of the plan it was made from (planid.c), and
 * the merge of shard outputs into one set of reports (merge.c). */
#ifndef BC_MATRIX_SHARD_H
#define BC_MATRIX_SHARD_H
#include <stdio.h>
#include "bootchain/matrix/matrix.h"

#define MX_MAX_SHARDS 256
#define MX_SHARD_ID_FILE "shard.txt"          /* the plan's identity and K/N */
#define MX_SHARD_RESULTS_FILE "shard-results.tsv" /* every field of each cell's result */

/* "K/N" with 1 <= K <= N <= MX_MAX_SHARDS; -1 with a one-line message otherwise. */
int mx_shard_parse(const char *s, int *k, int *n);
/* Expected seconds of a cell (a model for balancing, not a limit). Reads only what the
 * plan identity records: the hypervisor kind, firmware, initramfs, expectation, stages. */
int mx_cell_cost_s(const struct mx_plan *plan, const struct mx_cell *c);
/* Which shard (0..n-1) each cell of the plan is in: longest first over a stable order,
 * each to the least loaded shard (lowest number on a tie). load[n] gets each shard's
 * expected seconds when not NULL. */
void mx_shard_assign(const struct mx_plan *plan, int n, int *shard_of, long *load);

struct mx_slice {
	int cells, total_cells;
	long cost_s, total_s, longest_s; /* this slice, the whole plan, the slowest slice */
};
/* Keep only slice k of n (1-based) of the plan's cells, in plan order. */
struct mx_slice mx_shard_select(struct mx_plan *plan, int k, int n);
void mx_shard_list_summary(FILE *to, const struct mx_slice *s, int k, int n);

/* planid.c: the identity of a plan, as text (malloc'd): the bootchain version, tool
 * versions, a hash of each kernel and hypervisor image and every cell of the whole
 * plan. NULL on allocation failure. */
char *mx_plan_id_text(const struct mx_plan *full, const struct mx_options *opt);
/* DIR/shard.txt: the identity, its fingerprint and K/N; written atomically. */
int mx_shard_write_id(const char *dir, const char *id_text, int k, int n);
/* DIR/shard-results.tsv: each cell of the plan with everything the reports show. */
int mx_shard_write_results(const char *dir, const struct mx_plan *plan);
void mx_plan_id_fingerprint(const char *id_text, char out[33]);
/* Undo the escapes of a shard-results.tsv text field, in place. */
void mx_tsv_unescape(char *s);

/* merge.c: `bootchain matrix merge [-o DIR] SHARD-DIR...` */
int mx_cmd_merge(int argc, char **argv);

#endif
