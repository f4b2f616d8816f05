/* Shards: K/N parsing, the slices (deterministic, balanced, every cell once) and the
 * merge of synthetic shard outputs: equal to a single run's reports, and refused or
 * reported when shards are of another plan, twice or missing. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <cmocka.h>
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/report.h"
#include "bootchain/matrix/shard.h"
#include "bootchain/matrix/util.h"
#include "tests/boot/scratch_dir.h"
#include "tests/boot/synth_plan.h"

static struct mx_plan full, part;
static struct mx_options opt;

static void make_plan(struct mx_plan *p) { synth_plan(p, 3, 4); }
static void fill_results(struct mx_plan *p) { synth_results(p); }

static int setup(void **state)
{
	(void)state;
	if (scratch_make())
		return -1;
	memset(&opt, 0, sizeof(opt));
	snprintf(opt.data, sizeof(opt.data), "%s", scratch_dir);
	return 0;
}

static void parse_k_of_n(void **state)
{
	(void)state;
	int k = 0, n = 0;
	assert_int_equal(mx_shard_parse("1/1", &k, &n), 0);
	assert_int_equal(mx_shard_parse("3/8", &k, &n), 0);
	assert_int_equal(k, 3);
	assert_int_equal(n, 8);
	static const char *const bad[] = { "0/2", "3/2", "1/0", "a/b", "1/", "/2", "1", "1/2x",
					   "-1/2", "1/257", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mx_shard_parse(bad[i], &k, &n), -1);
}

static void slices_are_deterministic_and_cover_every_cell_once(void **state)
{
	(void)state;
	int a[MX_MAX_CELLS], b[MX_MAX_CELLS];
	make_plan(&full);
	for (int n = 1; n <= 9; n++) {
		mx_shard_assign(&full, n, a, NULL);
		mx_shard_assign(&full, 5, b, NULL); /* nothing is kept between calls */
		mx_shard_assign(&full, n, b, NULL);
		assert_memory_equal(a, b, sizeof(int) * (size_t)full.ncells);
		int seen[MX_MAX_CELLS] = { 0 }, total = 0;
		for (int k = 1; k <= n; k++) {
			part = full;
			struct mx_slice s = mx_shard_select(&part, k, n);
			assert_int_equal(s.cells, part.ncells);
			assert_int_equal(s.total_cells, full.ncells);
			char name[256], other[256];
			for (int i = 0; i < part.ncells; i++) {
				mx_cell_name(&part, &part.cells[i], name, sizeof(name));
				for (int j = 0; j < full.ncells; j++) {
					mx_cell_name(&full, &full.cells[j], other, sizeof(other));
					if (!strcmp(name, other)) {
						seen[j]++;
						assert_int_equal(a[j], k - 1);
					}
				}
			}
			total += part.ncells;
		}
		assert_int_equal(total, full.ncells);
		for (int j = 0; j < full.ncells; j++)
			assert_int_equal(seen[j], 1);
	}
}

static void slices_are_balanced_by_expected_time(void **state)
{
	(void)state;
	make_plan(&full);
	int biggest = 0, skipped = 0;
	for (int i = 0; i < full.ncells; i++) {
		int c = mx_cell_cost_s(&full, &full.cells[i]);
		biggest = c > biggest ? c : biggest;
		skipped += full.cells[i].expect == MX_SKIP && c == 0;
	}
	assert_int_equal(skipped, 4);
	/* a cell with guest stages weighs more than any without; UEFI more than BIOS */
	assert_true(mx_cell_cost_s(&full, &full.cells[4]) > 3 * mx_cell_cost_s(&full, &full.cells[0]));
	assert_true(mx_cell_cost_s(&full, &full.cells[2]) > mx_cell_cost_s(&full, &full.cells[0]));
	for (int n = 2; n <= 8; n *= 2) {
		int shard_of[MX_MAX_CELLS];
		long load[MX_MAX_SHARDS], total = 0, longest = 0;
		mx_shard_assign(&full, n, shard_of, load);
		for (int k = 0; k < n; k++) {
			total += load[k];
			longest = load[k] > longest ? load[k] : longest;
		}
		double bound = (double)total / n > biggest ? (double)total / n : biggest;
		assert_true(longest <= 1.2 * bound);
	}
}

/* Run the merge with stderr to a file; returns its status, the message in err. */
static int merge(const char *const *args, char *err, size_t len)
{
	char *argv[16];
	int argc = 0;
	argv[argc++] = "merge";
	while (*args)
		argv[argc++] = strdup(*args++); /* the callers' path buffers are reused below */
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	int out = dup(1), errfd = dup(2);
	int fd = open(in_dir("merge.err"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int null = open("/dev/null", O_WRONLY);
	dup2(fd, 2);
	dup2(null, 1);
	int rc = mx_cmd_merge(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(errfd, 2);
	close(fd), close(null), close(out), close(errfd);
	mx_last_line(in_dir("merge.err"), err, len);
	for (int i = 1; i < argc; i++)
		free(argv[i]);
	if (getenv("SHARD_TEST_DEBUG"))
		fprintf(stderr, "merge: %d: %s\n", rc, err);
	return rc;
}

/* The outputs of an N-shard run of the plan in DIR/1..N, each with a log of each cell. */
static void write_shards(const char *base, const char *id, int n)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], name[256];
	for (int k = 1; k <= n; k++) {
		part = full;
		mx_shard_select(&part, k, n);
		snprintf(dir, sizeof(dir), "%s/%d", base, k);
		snprintf(path, sizeof(path), "%s/logs", dir);
		assert_int_equal(mx_mkdir_p(path), 0);
		for (int i = 0; i < part.ncells; i++) {
			mx_cell_name(&part, &part.cells[i], name, sizeof(name));
			snprintf(path, sizeof(path), "%s/logs/%s.serial.log", dir, name);
			assert_int_equal(mx_write_file(path, name), 0);
		}
		assert_int_equal(mx_shard_write_id(dir, id, k, n), 0);
		assert_int_equal(mx_report_write(&part, dir), 0);
		assert_int_equal(mx_shard_write_results(dir, &part), 0);
	}
}

static void assert_same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = mx_read_file(a, &la), *y = mx_read_file(b, &lb);
	assert_non_null(x);
	assert_non_null(y);
	if (la != lb || memcmp(x, y, la))
		fail_msg("%s and %s differ", a, b);
	free(x);
	free(y);
}

/* SCRATCH/NAME in one of eight rotating buffers: a merge takes more paths than in_dir's four. */
static const char *at(const char *name)
{
	static char paths[8][PATH_MAX];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", scratch_dir, name);
	return p;
}

static void merge_equals_a_single_run(void **state)
{
	(void)state;
	char err[512], a[PATH_MAX], b[PATH_MAX];
	make_plan(&full);
	fill_results(&full);
	char *id = mx_plan_id_text(&full, &opt);
	assert_non_null(id);
	mx_mkdir_p(at("single"));
	assert_int_equal(mx_report_write(&full, at("single")), 0);
	write_shards(at("s3"), id, 3);
	/* the plan has failures, so 1, like the single run */
	assert_int_equal(merge((const char *const[]){ "-o", at("merged"), at("s3/2"),
						      at("s3/1"), at("s3/3"), NULL },
			       err, sizeof(err)), 1);
	static const char *const files[] = { "results.tsv", "junit.xml", "report.md" };
	for (int i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "%s/%s", at("single"), files[i]);
		snprintf(b, sizeof(b), "%s/%s", at("merged"), files[i]);
		assert_same_file(a, b);
	}
	snprintf(a, sizeof(a), "%s/logs/6.1.0-9-amd64-xen-pvh-uefi-grub2.serial.log", at("merged"));
	assert_int_equal(access(a, R_OK), 0);
	/* the merged output is itself a 1/1 output of the plan: merging it again changes nothing */
	assert_int_equal(merge((const char *const[]){ "-o", at("again"), at("merged"), NULL },
			       err, sizeof(err)), 1);
	snprintf(a, sizeof(a), "%s/results.tsv", at("again"));
	snprintf(b, sizeof(b), "%s/results.tsv", at("single"));
	assert_same_file(a, b);
	free(id);
}

static void merge_refuses_other_plans_and_duplicates(void **state)
{
	(void)state;
	char err[512], path[PATH_MAX];
	make_plan(&full);
	fill_results(&full);
	char *id = mx_plan_id_text(&full, &opt);
	assert_non_null(id);
	write_shards(at("p2"), id, 2);
	/* shard 2 of a plan whose kernel file is another */
	char *other = malloc(strlen(id) + 64), *line = strstr(id, "kernel\t6.1.0-10-amd64\t");
	assert_non_null(line);
	sprintf(other, "%.*skernel\t6.1.0-10-amd64\t0123abcd%s", (int)(line - id), id,
		strchr(line, '\n'));
	write_shards(at("q2"), other, 2);
	int rc = merge((const char *const[]){ "-o", at("out1"), at("p2/1"), at("q2/2"),
					      NULL }, err, sizeof(err));
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, at("q2/2")));
	assert_non_null(strstr(err, "another plan"));
	assert_non_null(strstr(err, "kernel 6.1.0-10-amd64 differs"));
	snprintf(path, sizeof(path), "%s/report.md", at("out1"));
	assert_int_equal(access(path, F_OK), -1); /* nothing written */
	/* one plan cut in 2 and in 3 */
	write_shards(at("p3"), id, 3);
	assert_int_equal(merge((const char *const[]){ "-o", at("out1"), at("p2/1"),
						      at("p3/2"), NULL }, err, sizeof(err)), 2);
	assert_non_null(strstr(err, "different numbers of shards"));
	/* the same shard twice */
	assert_int_equal(merge((const char *const[]){ "-o", at("out1"), at("p2/1"),
						      at("p2/2"), at("p2/1"), NULL },
			       err, sizeof(err)), 2);
	assert_non_null(strstr(err, "shard 1/2 twice"));
	/* a hand-edited record */
	snprintf(path, sizeof(path), "%s/%s", at("p3/3"), MX_SHARD_ID_FILE);
	char *text = mx_read_file(path, NULL);
	assert_non_null(text);
	text[strlen("bootchain-matrix-shard\t1\nbootchain\t")] = 'X';
	mx_write_file(path, text);
	free(text);
	assert_int_equal(merge((const char *const[]){ "-o", at("out1"), at("p3/3"), NULL },
			       err, sizeof(err)), 2);
	assert_non_null(strstr(err, "corrupt"));
	assert_int_equal(merge((const char *const[]){ "-o", at("out1"), scratch_dir, NULL },
			       err, sizeof(err)), 2);
	assert_non_null(strstr(err, "not a matrix output"));
	snprintf(path, sizeof(path), "%s/report.md", at("out1"));
	assert_int_equal(access(path, F_OK), -1);
	free(other);
	free(id);
}

static void merge_reports_missing_shards(void **state)
{
	(void)state;
	char err[512], path[PATH_MAX];
	make_plan(&full);
	for (int i = 0; i < full.ncells; i++) /* a plan that passes: only the gap fails */
		full.cells[i].expect = MX_PASS;
	fill_results(&full);
	for (int i = 0; i < full.ncells; i++)
		if (full.cells[i].verdict == MX_FAIL)
			full.cells[i].verdict = full.cells[i].stage[0].verdict = MX_PASS;
	char *id = mx_plan_id_text(&full, &opt);
	write_shards(at("m4"), id, 4);
	assert_int_equal(merge((const char *const[]){ "-o", at("all4"), at("m4/1"),
						      at("m4/2"), at("m4/3"), at("m4/4"),
						      NULL }, err, sizeof(err)), 0);
	int rc = merge((const char *const[]){ "-o", at("gap"), at("m4/1"), at("m4/3"),
					      NULL }, err, sizeof(err));
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "missing shards: 2/4, 4/4 (2 of 4 given"));
	snprintf(path, sizeof(path), "%s/results.tsv", at("gap"));
	char *tsv = mx_read_file(path, NULL);
	assert_non_null(tsv);
	assert_non_null(strstr(tsv, "\tboot\tFAIL\t"));
	assert_non_null(strstr(tsv, "no result: shard 2/4 is missing"));
	assert_non_null(strstr(tsv, "no result: shard 4/4 is missing"));
	assert_null(strstr(tsv, "shard 1/4 is missing"));
	free(tsv);
	/* a shard that stopped before its end: its record, no results */
	snprintf(path, sizeof(path), "%s/%s", at("m4/4"), MX_SHARD_RESULTS_FILE);
	assert_int_equal(unlink(path), 0);
	rc = merge((const char *const[]){ "-o", at("gap2"), at("m4/1"), at("m4/2"),
					  at("m4/3"), at("m4/4"), NULL }, err, sizeof(err));
	assert_int_equal(rc, 1);
	snprintf(path, sizeof(path), "%s/results.tsv", at("gap2"));
	tsv = mx_read_file(path, NULL);
	assert_non_null(tsv);
	assert_non_null(strstr(tsv, "no result: shard 4/4 ("));
	assert_non_null(strstr(tsv, ") did not finish"));
	assert_null(strstr(tsv, "is missing"));
	free(tsv);
	free(id);
}

/* Shards on one machine store the same entries at once: each store is whole, no
 * temporary stays, and the sweep takes only old temporaries. */
static void cache_is_safe_to_share(void **state)
{
	(void)state;
	char src[PATH_MAX], entry[PATH_MAX], stale[PATH_MAX + 16], fresh[PATH_MAX + 16];
	static char big[1 << 20];
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	snprintf(src, sizeof(src), "%s", at("image"));
	assert_int_equal(mx_write_file(src, big), 0);
	mx_cache_path(at("cache"), "initramfs", "0123", ".img", entry, sizeof(entry));
	pid_t kids[4];
	for (int i = 0; i < 4; i++)
		if ((kids[i] = fork()) == 0)
			_exit(mx_cache_store(src, entry) ? 1 : 0);
	for (int i = 0; i < 4; i++) {
		int status;
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	struct stat st;
	assert_int_equal(stat(entry, &st), 0);
	assert_int_equal(st.st_size, sizeof(big) - 1);
	snprintf(stale, sizeof(stale), "%s.tmp.AbCdEf", entry);
	snprintf(fresh, sizeof(fresh), "%s.tmp.GhIjKl", entry);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/initramfs", at("cache"));
	int temps = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		temps += strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	assert_int_equal(temps, 0);
	mx_write_file(stale, "half");
	mx_write_file(fresh, "half");
	struct utimbuf two_days_ago = { time(NULL) - 2 * 86400, time(NULL) - 2 * 86400 };
	assert_int_equal(utime(stale, &two_days_ago), 0);
	mx_cache_sweep(at("cache"));
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(fresh, F_OK), 0);
	assert_int_equal(access(entry, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_k_of_n),
		cmocka_unit_test(slices_are_deterministic_and_cover_every_cell_once),
		cmocka_unit_test(slices_are_balanced_by_expected_time),
		cmocka_unit_test(merge_equals_a_single_run),
		cmocka_unit_test(merge_refuses_other_plans_and_duplicates),
		cmocka_unit_test(merge_reports_missing_shards),
		cmocka_unit_test(cache_is_safe_to_share),
	};
	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
