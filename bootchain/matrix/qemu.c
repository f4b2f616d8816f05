/* Stage 4: boot the medium in QEMU (TCG) with a time limit, the serial console on a
 * pipe. The log is written as it arrives and scanned for the marker line; once it is
 * seen QEMU gets a short grace to end itself (isa-debug-exit) before it is stopped. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bootloader/media.h"
#include "bootchain/matrix/qemu.h"
#include "bootchain/matrix/util.h"

#define GRACE_AFTER_MARKER_S 3.0
/* after a fatal message (panic, halt), a little more log, then no more waiting */
#define GRACE_AFTER_FATAL_S 3.0

struct argv_builder {
	char **argv;
	int n, max;
};

static void push(struct argv_builder *b, const char *arg)
{
	if (b->n + 1 < b->max)
		b->argv[b->n] = (char *)arg;
	b->n++;
}

/* Xen is the hypervisor: from Debian's package, or another given as a file */
static bool xen_cell(const struct mx_qemu_spec *q)
{
	return q->hv == MX_HV_XEN_PV || q->hv == MX_HV_XEN_PVH || q->hv == MX_HV_FILE;
}

/* Under SeaBIOS, code runs before Xen at the top of memory below 4 GiB (GRUB's
 * modules live there), and Xen later takes its boot CPU's stack from the same
 * pages. QEMU's TCG keeps that code's translations, so every store to the stack
 * (each entry to Xen) took QEMU's slow path for self-modifying code: dom0 booted
 * 2 times slower and HVM guests, which enter Xen at each exit, about 10 times.
 * With memory above 4 GiB, where no boot code runs, Xen allocates from there. */
static const char *machine(const struct mx_qemu_spec *q)
{
	bool pvh = q->hv == MX_HV_XEN_PVH;
	if (q->firmware == MX_FW_BIOS && xen_cell(q))
		return pvh ? "q35,max-ram-below-4g=1G" : "pc,max-ram-below-4g=1G";
	return pvh ? "q35" : "pc";
}

/* The CPU model. -cpu max breaks Xen PV dom0, so qemu64; SVM with nested paging where a
 * hypervisor needs it. Xen cells also get an invariant TSC: without one Xen calls the TSC
 * unsafe and traps every RDTSC of a PVH dom0 and of HVM guests. Under QEMU's TCG each trap
 * is a world switch that flushes the whole software TLB; they were more than half of a PVH
 * dom0's exits, and its guest stages took twice as long. TCG's TSC follows the host's and
 * counts at a constant rate, so the claim is true; QEMU only warns that TCG does not list
 * the bit, and x-force-features keeps it. */
static const char *cpu_model(const struct mx_qemu_spec *q, bool svm)
{
	if (xen_cell(q))
		return svm ? "qemu64,+svm,+npt,+invtsc,x-force-features=on"
			   : "qemu64,+invtsc,x-force-features=on";
	return svm ? "qemu64,+svm,+npt" : "qemu64";
}

/* QEMU's command line for a cell; argv points into storage. */
int mx_qemu_argv(const struct mx_qemu_spec *q, char *argv[], int max, char *storage, size_t len)
{
	struct argv_builder b = { argv, 0, max };
	bool pvh = q->hv == MX_HV_XEN_PVH;
	bool svm = pvh || q->hv == MX_HV_BCHV || q->svm;
	if (mx_fmt(storage, len, "%d", q->mem_mb) >= (int)len)
		return -1;
	static const char *const common[] = {
		"-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
		"-nic", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
	};
	push(&b, "qemu-system-x86_64");
	push(&b, "-machine");
	push(&b, machine(q));
	push(&b, "-cpu");
	push(&b, cpu_model(q, svm));
	push(&b, "-m");
	push(&b, storage);
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		push(&b, common[i]);
	if (pvh) {
		/* Xen refuses a PVH dom0 without an IOMMU */
		push(&b, "-device");
		push(&b, "amd-iommu");
	}
	if (q->firmware == MX_FW_UEFI) {
		push(&b, "-bios");
		push(&b, q->ovmf);
	} else {
		/* No display adapter: every console is serial. With SeaBIOS's VGA text mode
		 * a Xen PV cell's guest stages took about 290 s, with none about 230 s. */
		push(&b, "-vga");
		push(&b, "none");
	}
	push(&b, q->disk ? "-drive" : "-cdrom");
	/* the drive's option string lives in storage after the memory size; snapshot: the
	 * guest's writes go to a throwaway overlay, so an ESP image in the cache, which other
	 * cells may boot at once, stays as it was made */
	if (q->disk && (len <= 16 ||
			mx_fmt(storage + 16, len - 16, "format=raw,snapshot=on,file=%s", q->iso) >= (int)len - 16))
		return -1;
	push(&b, q->disk ? storage + 16 : q->iso);
	if (b.n + 1 > max)
		return -1;
	argv[b.n] = NULL;
	return b.n;
}

/* Find a complete marker line in buf; copy it to out. */
static bool find_marker(const char *buf, size_t len, char *out, size_t outlen)
{
	const char *tag = memmem(buf, len, MX_MARKER_TAG " ", strlen(MX_MARKER_TAG) + 1);
	if (!tag)
		return false;
	const char *end = memchr(tag, '\n', len - (size_t)(tag - buf));
	if (!end)
		return false;
	size_t n = (size_t)(end - tag);
	while (n && (tag[n - 1] == '\r' || tag[n - 1] == ' '))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, tag, n);
	out[n] = '\0';
	return true;
}

static pid_t spawn(char *argv[], int *out_fd)
{
	int pfd[2];
	if (pipe(pfd))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "qemu-system-x86_64: cannot run: %s\n", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	*out_fd = pfd[0];
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 20; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The first "qemu-system-x86_64: ..." line: QEMU's own complaint. */
static void qemu_error_line(const char *buf, size_t len, char *out, size_t outlen)
{
	char detail[MX_REASON_MAX];
	const char *why = mx_classify_log(buf, len, detail, sizeof(detail));
	out[0] = '\0';
	if (why && !strcmp(why, "QEMU error"))
		mx_fmt(out, outlen, "%s", detail);
}

int mx_qemu_boot(const struct mx_qemu_spec *q, struct mx_boot_result *r)
{
	char *argv[40], storage[PATH_MAX + 64];
	memset(r, 0, sizeof(*r));
	r->to_marker_s = -1;
	if (mx_qemu_argv(q, argv, 40, storage, sizeof(storage)) < 0)
		return -1;
	FILE *log = fopen(q->log, "w");
	if (!log)
		return -1;
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	int fd = -1;
	double start = mx_now();
	pid_t pid = buf ? spawn(argv, &fd) : -1;
	if (pid < 0) {
		free(buf);
		fclose(log);
		return -1;
	}
	/* silence counts from the console's first output: firmware may start quietly */
	double deadline = start + q->timeout_s, marker_at = 0, last_scan = 0, last_out = 0;
	bool open_pipe = true;
	int status = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (open_pipe && poll(&p, 1, 200) > 0) {
			if (len + 65536 + 1 > cap) {
				char *bigger = realloc(buf, cap * 2);
				if (!bigger)
					break;
				buf = bigger;
				cap *= 2;
			}
			ssize_t n = read(fd, buf + len, 65536);
			if (n > 0) {
				fwrite(buf + len, 1, (size_t)n, log);
				fflush(log);
				len += (size_t)n;
				last_out = mx_now();
			} else if (n == 0 || errno != EINTR) {
				open_pipe = false;
			}
		} else if (!open_pipe) {
			usleep(100000);
		}
		if (!r->marker_seen && find_marker(buf, len, r->marker, sizeof(r->marker))) {
			r->marker_seen = true;
			marker_at = mx_now();
			r->to_marker_s = marker_at - start;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			break;
		}
		double now = mx_now();
		if (r->marker_seen && now - marker_at > GRACE_AFTER_MARKER_S)
			break;
		if (!r->marker_seen && now - last_scan > 1.0) {
			last_scan = now;
			if (q->doing)
				mx_stage_current(buf, len, q->doing, q->doing_len);
			if (mx_classify_terminal(buf, len) && deadline > now + GRACE_AFTER_FATAL_S)
				deadline = now + GRACE_AFTER_FATAL_S;
		}
		if (now > deadline) {
			r->timed_out = !r->marker_seen;
			break;
		}
		if (q->silence_s > 0 && !r->marker_seen && last_out > 0 &&
		    now - last_out > q->silence_s) {
			r->timed_out = true;
			r->silent_s = q->silence_s;
			break;
		}
	}
	if (pid > 0) {
		stop(pid);
		r->qemu_status = -1;
	} else {
		r->qemu_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	}
	close(fd);
	fclose(log);
	buf[len] = '\0';
	if (!r->marker_seen && !r->timed_out && r->qemu_status != 3)
		qemu_error_line(buf, len, r->qemu_error, sizeof(r->qemu_error));
	free(buf);
	return 0;
}
