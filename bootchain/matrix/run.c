/* Runs the cells of a plan in parallel: each cell is a child process writing its
 * result into shared memory; as many at once as the cores allow, capped by memory. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bootchain/matrix/progress.h"
#include "bootchain/matrix/run.h"
#include "bootchain/matrix/stages.h"
#include "bootchain/matrix/util.h"

/* Memory each running cell costs the host: the guest plus QEMU's own overhead. */
#define CELL_OVERHEAD_MB 384

static long mem_available_mb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

/* cell_mb: the most any cell's QEMU gets (cells with guests get more than --memory) */
static int jobs_for(const struct mx_options *opt, int cell_mb)
{
	if (opt->jobs > 0)
		return opt->jobs;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long mem = mem_available_mb();
	long jobs = cores > 0 ? cores : 1;
	if (mem > 0 && mem / (cell_mb + CELL_OVERHEAD_MB) < jobs)
		jobs = mem / (cell_mb + CELL_OVERHEAD_MB);
	return jobs < 1 ? 1 : (int)jobs;
}

int mx_jobs(const struct mx_options *opt) { return jobs_for(opt, opt->mem_mb); }

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { (void)sig; interrupted = 1; }

struct running {
	pid_t pid;
	int cell;
};

static pid_t start_cell(const struct mx_options *opt, const struct mx_plan *plan,
			struct mx_cell *shared, int i)
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		mx_cell_run(opt, plan, &shared[i]);
		_exit(0);
	}
	if (pid > 0)
		setpgid(pid, pid); /* both sides, so a kill right after fork finds the group */
	return pid;
}

/* A worker that died without a verdict is a FAIL, never a silent PASS. */
static void reap(struct mx_cell *cell, int status)
{
	if (cell->verdict != MX_PENDING)
		return;
	cell->verdict = MX_FAIL;
	if (interrupted)
		mx_fmt(cell->reason, sizeof(cell->reason), "interrupted");
	else
		mx_fmt(cell->reason, sizeof(cell->reason), "cell process ended (status %d) without a verdict",
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void draw(const struct mx_options *opt, const struct mx_plan *plan,
		 const struct mx_cell *shared, int done, int total, double start,
		 const struct running *run, int jobs)
{
	const char *names[MX_MAX_HVS * 2];
	char bufs[MX_MAX_HVS * 2][256];
	int n = 0;
	for (int j = 0; j < jobs && n < MX_MAX_HVS * 2; j++) {
		if (!run[j].pid)
			continue;
		char name[200], doing[sizeof(shared->doing)];
		mx_cell_name(plan, &plan->cells[run[j].cell], name, sizeof(name));
		/* written by the cell's process as it goes: copy, then make sure it ends */
		memcpy(doing, shared[run[j].cell].doing, sizeof(doing));
		doing[sizeof(doing) - 1] = '\0';
		mx_fmt(bufs[n], sizeof(bufs[n]), doing[0] ? "%s (%s)" : "%s", name, doing);
		names[n] = bufs[n];
		n++;
	}
	if (opt->progress)
		mx_progress_draw(stderr, done, total, mx_now() - start, names, n);
}

int mx_run_cells(const struct mx_options *opt, struct mx_plan *plan)
{
	size_t bytes = sizeof(struct mx_cell) * (size_t)plan->ncells;
	struct mx_cell *shared = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		fprintf(stderr, "bootchain matrix: cannot map shared memory: %s\n", strerror(errno));
		return -1;
	}
	memcpy(shared, plan->cells, bytes);
	int most = opt->mem_mb;
	for (int i = 0; i < plan->ncells; i++)
		if (mx_cell_memory_mb(opt, &plan->cells[i]) > most)
			most = mx_cell_memory_mb(opt, &plan->cells[i]);
	int jobs = jobs_for(opt, most);
	if (jobs > MX_MAX_HVS * 2)
		jobs = MX_MAX_HVS * 2;
	struct running run[MX_MAX_HVS * 2] = { { 0, 0 } };
	int next = 0, done = 0, active = 0;
	bool killed = false;
	double start = mx_now();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (done < plan->ncells) {
		while (!interrupted && active < jobs && next < plan->ncells) {
			struct mx_cell *c = &shared[next];
			if (c->expect == MX_SKIP) {
				c->verdict = MX_SKIP;
				mx_fmt(c->reason, sizeof(c->reason), "%s", c->expect_reason);
				next++, done++;
				continue;
			}
			int slot = 0;
			while (run[slot].pid)
				slot++;
			run[slot].pid = start_cell(opt, plan, shared, next);
			run[slot].cell = next++;
			if (run[slot].pid < 0) {
				run[slot].pid = 0;
				reap(&shared[run[slot].cell], 0x7f00);
				done++;
			} else {
				active++;
			}
		}
		if (interrupted && !active) {
			for (; next < plan->ncells; next++, done++) {
				shared[next].verdict = MX_FAIL;
				mx_fmt(shared[next].reason, sizeof(shared[next].reason), "interrupted");
			}
			break;
		}
		draw(opt, plan, shared, done, plan->ncells, start, run, jobs);
		if (interrupted && !killed) {
			/* each cell is a process group: its QEMU goes with it */
			for (int j = 0; j < jobs; j++)
				if (run[j].pid)
					kill(-run[j].pid, SIGTERM);
			killed = true;
		}
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0) {
			usleep(pid < 0 && errno == ECHILD ? 1000 : 500000);
			continue;
		}
		for (int j = 0; j < jobs; j++) {
			if (run[j].pid != pid)
				continue;
			reap(&shared[run[j].cell], status);
			run[j].pid = 0;
			active--;
			done++;
		}
	}
	draw(opt, plan, shared, done, plan->ncells, start, run, jobs);
	if (opt->progress)
		mx_progress_end(stderr);
	memcpy(plan->cells, shared, bytes);
	munmap(shared, bytes ? bytes : 1);
	return interrupted ? -1 : 0;
}
