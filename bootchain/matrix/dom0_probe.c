/* bootchain-dom0-probe: runs inside dom0 (static, in a test initramfs) and
 * reports what dom0 can see of the hypervisor under it. The matrix's marker
 * asks for one line of proof that dom0 is contained:
 *   dom0_probe marker [ADDR LEN] "sig=SIGNATURE hidden=yes|no|unreadable",
 *                                hidden=yes when ADDR+LEN reads as all ones
 * The hypervisor boot tests ask for one "probe:" line per check:
 *   dom0_probe cpuid             hypervisor bit and the 0x40000000 signature, per CPU
 *   dom0_probe svm               each SVM instruction: which signal it raised
 *   dom0_probe efer              EFER via /dev/cpu/0/msr; try to set SVME
 *   dom0_probe msrs              the memory-routing and SVM MSRs: read, try a write
 *   dom0_probe devmem ADDR LEN   read (then try to write) physical memory */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static sigjmp_buf jump;

/* One probe line, sent out of the UART before anything else happens: the
 * next step may make bchv (or the kernel) write to the same serial port,
 * and a line still in the tty's buffer would come out cut in two. */
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
}

static void on_signal(int sig) { siglongjmp(jump, sig); }

/* The hypervisor bit, the 0x40000000 signature and SVM, on CPU N. */
/* The hypervisor bit of leaf 1; sig gets leaf 0x40000000's signature
 * (unprintable bytes as '.'), and the highest leaf it names. */
static int hv_signature(char sig[13], unsigned *max)
{
	unsigned a, b, c, d;
	__cpuid(1, a, b, c, d);
	int hv = (c >> 31) & 1;
	__cpuid(0x40000000, *max, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	for (int i = 0; i < 12; i++)
		if (sig[i] <= 0x20 || sig[i] > 0x7e)
			sig[i] = '.';
	return hv;
}

static void cpuid_on(int cpu)
{
	unsigned a, b, c, d, max;
	char sig[13];
	int hv = hv_signature(sig, &max);
	unsigned svm = 0;
	__cpuid(0x80000000, a, b, c, d);
	if (a >= 0x80000001) {
		__cpuid(0x80000001, a, b, c, d);
		svm = (c >> 2) & 1;
	}
	say("probe: cpuid cpu=%d hypervisor-bit=%d signature=%s max-leaf=%#x svm=%u\n", cpu, hv,
	       sig, max, svm);
}

static int cmd_cpuid(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	for (int cpu = 0; cpu < n; cpu++) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			say("probe: cpuid cpu=%d cannot run there: %s\n", cpu, strerror(errno));
			continue;
		}
		cpuid_on(cpu);
	}
	return 0;
}

#define SVM_INSN(name, b3) \
	static void insn_##name(void) { __asm__ volatile(".byte 0x0f, 0x01, " #b3 : : "a"(0), "c"(0) : "memory"); }
SVM_INSN(vmrun, 0xd8)
SVM_INSN(vmmcall, 0xd9)
SVM_INSN(vmload, 0xda)
SVM_INSN(vmsave, 0xdb)
SVM_INSN(stgi, 0xdc)
SVM_INSN(clgi, 0xdd)
SVM_INSN(skinit, 0xde)
SVM_INSN(invlpga, 0xdf)

static const struct { const char *name; void (*run)(void); } svm_insns[] = {
	{ "vmrun", insn_vmrun }, { "vmmcall", insn_vmmcall }, { "vmload", insn_vmload },
	{ "vmsave", insn_vmsave }, { "stgi", insn_stgi }, { "clgi", insn_clgi },
	{ "skinit", insn_skinit }, { "invlpga", insn_invlpga },
};

static int cmd_svm(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	for (size_t i = 0; i < sizeof(svm_insns) / sizeof(svm_insns[0]); i++) {
		int sig = sigsetjmp(jump, 1);
		if (sig == 0) {
			svm_insns[i].run();
			say("probe: svm %s executed\n", svm_insns[i].name);
		} else {
			say("probe: svm %s %s\n", svm_insns[i].name,
			       sig == SIGILL ? "SIGILL" : sig == SIGSEGV ? "SIGSEGV" : "SIGBUS");
		}
	}
	return 0;
}

static int cmd_efer(void)
{
	const off_t efer = 0xc0000080;
	int fd = open("/dev/cpu/0/msr", O_RDWR);
	if (fd < 0) {
		say("probe: efer cannot open /dev/cpu/0/msr: %s\n", strerror(errno));
		return 1;
	}
	uint64_t v;
	if (pread(fd, &v, 8, efer) != 8) {
		say("probe: efer read failed: %s\n", strerror(errno));
		return 1;
	}
	say("probe: efer read=%#llx svme=%d\n", (unsigned long long)v, (int)(v >> 12 & 1));
	uint64_t w = v | (1ull << 12);
	if (pwrite(fd, &w, 8, efer) != 8)
		say("probe: efer set-svme refused (%s)\n", strerror(errno));
	else
		say("probe: efer set-svme accepted\n");
	if (pread(fd, &v, 8, efer) == 8)
		say("probe: efer after=%#llx svme=%d\n", (unsigned long long)v, (int)(v >> 12 & 1));
	close(fd);
	return 0;
}

/* Reads LEN bytes of physical memory at ADDR into a new buffer; NULL (and
 * *why set) when /dev/mem refuses. */
static unsigned char *devmem_read(int fd, off_t addr, size_t len, const char **why)
{
	unsigned char *buf = malloc(len ? len : 1);
	ssize_t got = buf ? pread(fd, buf, len, addr) : -1;
	if (got != (ssize_t)len) {
		*why = got < 0 ? strerror(errno) : "short read";
		free(buf);
		return NULL;
	}
	return buf;
}

static size_t count_ones(const unsigned char *buf, size_t len)
{
	size_t ones = 0;
	for (size_t i = 0; i < len; i++)
		ones += buf[i] == 0xff;
	return ones;
}

/* SYSCFG, TOP_MEM and TOP_MEM2 route memory for the whole machine: a write
 * that changes one must leave it as it was. VM_CR and VM_HSAVE_PA exist only
 * on a CPU with SVM: reads and writes must both be refused. */
static const struct { const char *name; off_t msr; uint64_t flip; } probe_msrs[] = {
	{ "syscfg", 0xc0010010, 1ull << 18 },   /* MtrrFixDramModEn */
	{ "top_mem", 0xc001001a, 1ull << 27 },
	{ "top_mem2", 0xc001001d, 1ull << 32 },
	{ "vm_cr", 0xc0010114, 1ull << 4 },     /* SVMDIS */
	{ "vm_hsave_pa", 0xc0010117, 0x1000 },
};

static int cmd_msrs(void)
{
	int fd = open("/dev/cpu/0/msr", O_RDWR);
	if (fd < 0) {
		say("probe: msr cannot open /dev/cpu/0/msr: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < sizeof(probe_msrs) / sizeof(probe_msrs[0]); i++) {
		uint64_t v = 0, w, after = 0;
		char read_s[32] = "refused";
		bool readable = pread(fd, &v, 8, probe_msrs[i].msr) == 8;
		if (readable)
			snprintf(read_s, sizeof(read_s), "0x%llx", (unsigned long long)v);
		w = v ^ probe_msrs[i].flip;
		bool wrote = pwrite(fd, &w, 8, probe_msrs[i].msr) == 8;
		const char *kept = !readable ? "n/a"
				   : pread(fd, &after, 8, probe_msrs[i].msr) != 8 ? "unreadable"
				   : after == v ? "yes" : "no";
		say("probe: msr %s read=%s write=%s kept=%s\n", probe_msrs[i].name, read_s,
		    wrote ? "done" : "refused", kept);
	}
	close(fd);
	return 0;
}

static int cmd_devmem(const char *addr_s, const char *len_s)
{
	off_t addr = (off_t)strtoull(addr_s, NULL, 0);
	size_t len = (size_t)strtoull(len_s, NULL, 0);
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		say("probe: devmem cannot open /dev/mem: %s\n", strerror(errno));
		return 1;
	}
	const char *why = "";
	unsigned char *buf = devmem_read(fd, addr, len, &why);
	if (!buf) {
		say("probe: devmem read of %#llx+%#zx failed: %s\n", (unsigned long long)addr, len, why);
		return 1;
	}
	size_t ones = count_ones(buf, len);
	static const char sig[] = "bootchain x86-64 hypervisor";
	int found = memmem(buf, len, sig, sizeof(sig) - 1) != NULL;
	say("probe: devmem %#llx+%#zx all-ones=%zu other=%zu bchv-strings=%s\n",
	       (unsigned long long)addr, len, ones, len - ones, found ? "found" : "absent");
	/* a write must be dropped: the page still reads as all ones */
	unsigned char pattern[64];
	memset(pattern, 0x5a, sizeof(pattern));
	off_t at = addr + (off_t)(len / 2);
	ssize_t put = pwrite(fd, pattern, sizeof(pattern), at);
	unsigned char back[64] = { 0 };
	ssize_t again = pread(fd, back, sizeof(back), at);
	size_t back_ones = count_ones(back, sizeof(back));
	say("probe: devmem write %s, read back %s\n", put == (ssize_t)sizeof(pattern) ? "done" : "failed",
	       again != (ssize_t)sizeof(back) ? "failed" : back_ones == sizeof(back) ? "all-ones" : "changed");
	close(fd);
	free(buf);
	return 0;
}

/* The marker's line: the signature, and whether ADDR+LEN (the hypervisor's
 * own memory) reads as all ones. Only reads: on a machine where the range is
 * not hidden, it is someone's live memory. */
static int cmd_marker(int argc, char **argv)
{
	char sig[13];
	unsigned max;
	if (!hv_signature(sig, &max))
		strcpy(sig, "none");
	if (argc < 2) {
		say("sig=%s\n", sig);
		return 0;
	}
	off_t addr = (off_t)strtoull(argv[0], NULL, 0);
	size_t len = (size_t)strtoull(argv[1], NULL, 0);
	const char *why = "";
	int fd = open("/dev/mem", O_RDONLY | O_SYNC);
	unsigned char *buf = fd < 0 ? NULL : devmem_read(fd, addr, len, &why);
	if (fd >= 0)
		close(fd);
	const char *hidden = !buf || !len ? "unreadable" : count_ones(buf, len) == len ? "yes" : "no";
	free(buf);
	say("sig=%s hidden=%s\n", sig, hidden);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 2 && strcmp(argv[1], "cpuid") == 0)
		return cmd_cpuid();
	if (argc == 2 && strcmp(argv[1], "svm") == 0)
		return cmd_svm();
	if (argc == 2 && strcmp(argv[1], "efer") == 0)
		return cmd_efer();
	if (argc == 2 && strcmp(argv[1], "msrs") == 0)
		return cmd_msrs();
	if (argc == 4 && strcmp(argv[1], "devmem") == 0)
		return cmd_devmem(argv[2], argv[3]);
	if ((argc == 2 || argc == 4) && strcmp(argv[1], "marker") == 0)
		return cmd_marker(argc - 2, argv + 2);
	fprintf(stderr, "usage: dom0_probe marker [ADDR LEN]|cpuid|svm|efer|msrs|devmem ADDR LEN\n");
	return 2;
}
