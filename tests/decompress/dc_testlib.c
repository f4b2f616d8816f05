/* Shared decompressor test helpers: see dc_testlib.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <glob.h>
#include <lz4.h>
#include <lzma.h>
#include <sys/stat.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dc_testlib.h"

static void *xmalloc(size_t n)
{
	void *p = malloc(n);  /* malloc(0) gives a zero-size block ASan still guards */
	if (!p && n) {
		fprintf(stderr, "dc_testlib: out of memory allocating %zu bytes\n", n);
		abort();
	}
	return p;
}

void dc_buf_free(struct dc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

/* ---- vectors ---------------------------------------------------------- */

u32 dc_rand(u32 *state)
{
	u32 x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static const char *const words[] = {
	"the", "kernel", "boot", "loader", "decompresses", "payload", "into", "memory", "and",
	"jumps", "to", "its", "entry", "point", "while", "hypervisor", "keeps", "page", "tables",
	"for", "dom0", "with", "a", "small", "set", "of", "devices", "interrupts", "are", "routed",
	"through", "event", "channels", "grant", "copy", "is", "used", "by", "backends", "console",
};

/* Pseudo-English: random words, with now and then a long copy of earlier text. */
static void fill_text(u8 *p, size_t len, u32 *rng)
{
	size_t i = 0;
	while (i < len) {
		u32 r = dc_rand(rng);
		if (i > 4096 && r % 16 == 0) {
			size_t from = dc_rand(rng) % (i - 1024);
			size_t want = 256 + dc_rand(rng) % 768;   /* BC_MIN evaluates twice */
			size_t n = BC_MIN(want, len - i);
			memmove(p + i, p + from, n);
			i += n;
			continue;
		}
		const char *w = words[r % BC_ARRAY_SIZE(words)];
		size_t n = strlen(w);
		for (size_t k = 0; k < n && i < len; k++)
			p[i++] = (u8)w[k];
		if (i < len)
			p[i++] = (r >> 8) % 11 == 0 ? '\n' : ' ';
	}
}

static void fill_random(u8 *p, size_t len, u32 *rng)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (u8)(dc_rand(rng) >> 7);
}

/* Machine-code-like data: little-endian words from a small table plus noise. */
static void fill_binary(u8 *p, size_t len, u32 *rng)
{
	static const u32 table[] = { 0x48894c24, 0xe8000000, 0x0f1f4400, 0x4883ec08, 0xc3cccccc,
				     0x00000000, 0xffffffff, 0x48c7c000 };
	for (size_t i = 0; i < len; i++) {
		u32 r = dc_rand(rng);
		u32 w = table[r % BC_ARRAY_SIZE(table)];
		p[i] = (r >> 24) < 40 ? (u8)(r >> 16) : (u8)(w >> (8 * (i & 3)));
	}
}

static void fill_period(u8 *p, size_t len, u32 *rng)
{
	size_t period = 1 + dc_rand(rng) % 7;
	u8 pat[8];
	fill_random(pat, sizeof(pat), rng);
	for (size_t i = 0; i < len; i++)
		p[i] = pat[i % period];
}

struct dc_buf dc_mixed_make(size_t len, u32 seed)
{
	struct dc_buf b = { xmalloc(len), len };
	u32 rng = seed ? seed : 0x9e3779b9u;
	size_t i = 0;
	while (i < len) {
		size_t want = 1 + dc_rand(&rng) % (192 * 1024);   /* BC_MIN evaluates twice */
		size_t n = BC_MIN(want, len - i);
		switch (dc_rand(&rng) % 6) {
		case 0: case 1: fill_text(b.data + i, n, &rng); break;
		case 2: fill_random(b.data + i, n, &rng); break;
		case 3: memset(b.data + i, 0, n); break;
		case 4: fill_period(b.data + i, n, &rng); break;
		default: fill_binary(b.data + i, n, &rng); break;
		}
		i += n;
	}
	return b;
}

const char *dc_vec_name(enum dc_vec v)
{
	static const char *const names[] = { "empty", "tiny", "random", "text", "large" };
	return v < DC_VEC_COUNT ? names[v] : "?";
}

struct dc_buf dc_vec_make(enum dc_vec v)
{
	u32 rng = 0x12345678u + (u32)v;
	struct dc_buf b = { NULL, 0 };
	switch (v) {
	case DC_VEC_TINY:
		b.len = 13;
		b.data = xmalloc(b.len);
		memcpy(b.data, "hello, dom0!\n", 13);
		break;
	case DC_VEC_RANDOM:
		b.len = 64 * 1024;
		b.data = xmalloc(b.len);
		fill_random(b.data, b.len, &rng);
		break;
	case DC_VEC_TEXT:
		b.len = 256 * 1024;
		b.data = xmalloc(b.len);
		fill_text(b.data, b.len, &rng);
		break;
	case DC_VEC_LARGE:
		b = dc_mixed_make(9 * 1024 * 1024, rng);
		break;
	default:
		break;
	}
	return b;
}

/* ---- reference tools -------------------------------------------------- */

bool dc_have_tool(const char *tool)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static int write_file(const char *path, const u8 *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = len ? fwrite(data, 1, len, f) : 0;
	int bad = ferror(f) | (n != len);
	return (fclose(f) != 0 || bad) ? -1 : 0;
}

static int read_file(const char *path, struct dc_buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 16, len = 0;
	u8 *p = xmalloc(cap);
	size_t n;
	while ((n = fread(p + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			u8 *q = realloc(p, cap);
			if (!q)
				abort();
			p = q;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(p);
		return -1;
	}
	out->data = p;
	out->len = len;
	return 0;
}

/* Big inputs (the kernel) take the CLIs many seconds: their results are kept
 * in $BOOTCHAIN_DC_CACHE (make sets it: one cache for the normal and the
 * sanitizer build), else $BUILD/dc-cache, named by the command and the
 * input's length and CRC, so a changed input or command is a new entry. */
#define CACHE_MIN (1u << 20)

static bool cache_path(const char *cmd, const u8 *in, size_t in_len, char *path, size_t cap)
{
	const char *dir = getenv("BOOTCHAIN_DC_CACHE"), *build = getenv("BUILD");
	if (in_len < CACHE_MIN || ((!dir || !*dir) && (!build || !*build)))
		return false;
	if (dir && *dir)
		snprintf(path, cap, "%s", dir);
	else
		snprintf(path, cap, "%s/dc-cache", build);
	for (char *s = path + 1; *s; s++) {   /* mkdir -p */
		if (*s == '/') {
			*s = '\0';
			mkdir(path, 0777);
			*s = '/';
		}
	}
	mkdir(path, 0777);
	u32 h = 2166136261u;   /* FNV-1a of the command */
	for (const char *c = cmd; *c; c++)
		h = (h ^ (u8)*c) * 16777619u;
	uLong crc = 0;
	for (size_t at = 0; at < in_len; at += 1u << 30)
		crc = crc32(crc, in + at, (uInt)BC_MIN(in_len - at, (size_t)1 << 30));
	size_t n = strlen(path);
	snprintf(path + n, cap - n, "/%08x-%zu-%08lx.out", h, in_len, crc);
	return true;
}

static void cache_store(const char *path, const struct dc_buf *b)
{
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	if (write_file(tmp, b->data, b->len) == 0 && rename(tmp, path) == 0)
		return;
	unlink(tmp);
}

static int run_filter(const char *cmd, const u8 *in, size_t in_len, struct dc_buf *out,
		      char *why, size_t why_len)
{
	char dir[] = "/tmp/dc_testlib.XXXXXX", inp[64], outp[64], line[1024];
	int rc = -1;
	if (!mkdtemp(dir)) {
		snprintf(why, why_len, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	snprintf(inp, sizeof(inp), "%s/in", dir);
	snprintf(outp, sizeof(outp), "%s/out", dir);
	snprintf(line, sizeof(line), "%s < %s > %s", cmd, inp, outp);
	if (write_file(inp, in, in_len) != 0)
		snprintf(why, why_len, "%s: cannot write: %s", inp, strerror(errno));
	else if (system(line) != 0)
		snprintf(why, why_len, "'%s' failed", cmd);
	else if (read_file(outp, out) != 0)
		snprintf(why, why_len, "%s: cannot read: %s", outp, strerror(errno));
	else
		rc = 0;
	unlink(inp);
	unlink(outp);
	rmdir(dir);
	return rc;
}

int dc_shell_filter(const char *cmd, const u8 *in, size_t in_len, struct dc_buf *out,
		    bool *from_cache, char *why, size_t why_len)
{
	char path[512];
	bool cached = cache_path(cmd, in, in_len, path, sizeof(path));
	bool hit = cached && read_file(path, out) == 0;
	if (from_cache)
		*from_cache = hit;
	if (hit)
		return 0;
	int rc = run_filter(cmd, in, in_len, out, why, why_len);
	if (rc == 0 && cached)
		cache_store(path, out);
	return rc;
}

/* ---- Debian kernel payloads ------------------------------------------- */

/* Cuts the compressed payload out of bzImage IMG (boot protocol >= 2.08);
 * -1 if IMG is not one. */
static int carve_payload(const struct dc_buf *img, struct dc_payload *p)
{
	const u8 *d = img->data;
	if (img->len < 0x250 || memcmp(d + 0x202, "HdrS", 4) != 0 || bc_le16(d + 0x206) < 0x208)
		return -1;
	size_t setup = d[0x1f1] ? d[0x1f1] : 4;
	size_t off = (setup + 1) * 512 + bc_le32(d + 0x248), len = bc_le32(d + 0x24c);
	if (len < 4 || off > img->len || len > img->len - off)
		return -1;
	p->data.data = xmalloc(len);
	p->data.len = len;
	memcpy(p->data.data, d + off, len);
	p->trailer_size = bc_le32(d + off + len - 4);
	return 0;
}

int dc_kernel_payload(const char *format, struct dc_payload *p, char *why, size_t why_len)
{
	glob_t g;
	memset(p, 0, sizeof(*p));
	snprintf(why, why_len, "no /boot/vmlinuz-* with a %s payload", format);
	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0)
		return -1;
	int rc = -1;
	for (size_t i = 0; i < g.gl_pathc && rc != 0; i++) {
		struct dc_buf img;
		if (read_file(g.gl_pathv[i], &img) != 0)
			continue;
		snprintf(p->path, sizeof(p->path), "%s", g.gl_pathv[i]);
		if (carve_payload(&img, p) == 0) {
			const struct bc_decompressor *d = bc_dc_detect(p->data.data, p->data.len);
			if (d && strcmp(d->name, format) == 0)
				rc = 0;
			else
				dc_buf_free(&p->data);
		}
		dc_buf_free(&img);
	}
	globfree(&g);
	return rc;
}

void dc_payload_free(struct dc_payload *p)
{
	dc_buf_free(&p->data);
}

static int xz_reference(const struct dc_payload *p, struct dc_buf *out)
{
	uint64_t memlimit = UINT64_MAX;
	size_t in_pos = 0, out_pos = 0;
	out->data = xmalloc(p->trailer_size);
	lzma_ret r = lzma_stream_buffer_decode(&memlimit, 0, NULL, p->data.data, &in_pos,
					       p->data.len - 4, out->data, &out_pos, p->trailer_size);
	out->len = out_pos;
	return r == LZMA_OK && out_pos == p->trailer_size ? 0 : -1;
}

/* The legacy lz4 frame by hand: liblz4's frame API does not read it. */
static int lz4_reference(const struct dc_payload *p, struct dc_buf *out)
{
	const u8 *in = p->data.data;
	size_t pos = 4, end = p->data.len - 4, o = 0;
	out->data = xmalloc(p->trailer_size);
	while (pos + 4 <= end) {
		u32 n = bc_le32(in + pos);
		pos += 4;
		if (n == 0x184C2102u)
			continue;
		if (n > end - pos)
			return -1;
		int got = LZ4_decompress_safe((const char *)in + pos, (char *)out->data + o, (int)n,
					      (int)BC_MIN(p->trailer_size - o, 8u << 20));
		if (got < 0)
			return -1;
		o += (size_t)got;
		pos += n;
	}
	out->len = o;
	return o == p->trailer_size ? 0 : -1;
}

int dc_kernel_vmlinux(struct dc_buf *out, char *why, size_t why_len)
{
	static const char *const formats[] = { "xz", "lz4" };
	for (size_t i = 0; i < BC_ARRAY_SIZE(formats); i++) {
		struct dc_payload p;
		if (dc_kernel_payload(formats[i], &p, why, why_len) != 0)
			continue;
		int rc = i == 0 ? xz_reference(&p, out) : lz4_reference(&p, out);
		if (rc != 0) {
			snprintf(why, why_len, "%s: reference %s decoder failed on the payload", p.path,
				 formats[i]);
			dc_buf_free(out);
		}
		dc_payload_free(&p);
		return rc;
	}
	snprintf(why, why_len, "no /boot/vmlinuz-* with an xz or lz4 payload");
	return -1;
}

/* ---- work memory -------------------------------------------------------- */

/* Each block carries its size in a 16-byte header so frees can be counted. */
static void *env_alloc(void *ctx, size_t size)
{
	struct dc_env *e = ctx;
	if (e->limit && (size > e->limit || e->live_bytes > e->limit - size)) {
		e->failed++;
		return NULL;
	}
	u8 *p = malloc(size + 16);
	if (!p) {
		e->failed++;
		return NULL;
	}
	memcpy(p, &size, sizeof(size));
	e->live_bytes += size;
	e->live_blocks++;
	e->peak_bytes = BC_MAX(e->peak_bytes, e->live_bytes);
	return p + 16;
}

static void env_free(void *ctx, void *ptr)
{
	struct dc_env *e = ctx;
	if (!ptr)
		return;
	u8 *p = (u8 *)ptr - 16;
	size_t size;
	memcpy(&size, p, sizeof(size));
	e->live_bytes -= size;
	e->live_blocks--;
	free(p);
}

void dc_env_init(struct dc_env *e, size_t limit)
{
	memset(e, 0, sizeof(*e));
	e->env.alloc = env_alloc;
	e->env.free = env_free;
	e->env.ctx = e;
	e->limit = limit;
}

/* ---- running decompressors ---------------------------------------------- */

int dc_run_env(const struct bc_decompressor *d, struct dc_env *env, const u8 *in, size_t in_len,
	       size_t out_cap, struct dc_buf *out, struct bc_dc_result *res)
{
	u8 *in_copy = xmalloc(in_len);
	if (in_len)
		memcpy(in_copy, in, in_len);
	out->data = xmalloc(out_cap);
	res->in_used = (size_t)-1;
	res->out_len = (size_t)-1;
	res->msg = "dc_run: decompressor left msg unset";
	int st = d->decompress(in_copy, in_len, out->data, out_cap, &env->env, res);
	free(in_copy);
	if (st != BC_DC_OK && res->msg == NULL)
		fail_msg("%s: status %d but no message", d->name, st);
	if (st == BC_DC_OK && res->msg != NULL)
		fail_msg("%s: OK but message '%s'", d->name, res->msg);
	if (st < BC_DC_OK || st > BC_DC_NOMEM)
		fail_msg("%s: unknown status %d", d->name, st);
	if (res->in_used > in_len || res->out_len > out_cap)
		fail_msg("%s: result out of bounds (in_used %zu of %zu, out_len %zu of %zu)", d->name,
			 res->in_used, in_len, res->out_len, out_cap);
	if (env->live_blocks != 0)
		fail_msg("%s: %lu work blocks not freed", d->name, env->live_blocks);
	out->len = res->out_len;
	return st;
}

int dc_run(const struct bc_decompressor *d, const u8 *in, size_t in_len, size_t out_cap,
	   struct dc_buf *out, struct bc_dc_result *res)
{
	struct dc_env env;
	dc_env_init(&env, 0);
	return dc_run_env(d, &env, in, in_len, out_cap, out, res);
}

void dc_assert_decodes(const struct bc_decompressor *d, const u8 *comp, size_t comp_len,
		       size_t in_used, const u8 *expect, size_t expect_len)
{
	struct dc_buf out;
	struct bc_dc_result res;
	int st = dc_run(d, comp, comp_len, expect_len, &out, &res);
	if (st != BC_DC_OK)
		fail_msg("%s: status %d (%s)", d->name, st, res.msg);
	assert_int_equal(res.out_len, expect_len);
	assert_int_equal(res.in_used, in_used);
	if (expect_len && memcmp(out.data, expect, expect_len) != 0)
		fail_msg("%s: output differs from the reference", d->name);
	dc_buf_free(&out);
	if (expect_len == 0)
		return;
	st = dc_run(d, comp, comp_len, expect_len - 1, &out, &res);
	dc_buf_free(&out);
	if (st != BC_DC_OUTPUT_FULL)
		fail_msg("%s: one byte short buffer gave status %d, want OUTPUT_FULL", d->name, st);
}

void dc_assert_rejects(const struct bc_decompressor *d, const u8 *in, size_t in_len,
		       size_t out_cap, int want)
{
	struct dc_buf out;
	struct bc_dc_result res;
	int st = dc_run(d, in, in_len, out_cap, &out, &res);
	dc_buf_free(&out);
	if (st == BC_DC_OK || (want >= 0 && st != want))
		fail_msg("%s: status %d (%s), want %d", d->name, st, res.msg ? res.msg : "ok", want);
}

static void torture_cut(const struct bc_decompressor *d, const u8 *comp, size_t cut,
			const u8 *expect, size_t expect_len, const struct dc_torture_opts *opt,
			struct dc_torture_stats *st)
{
	struct dc_buf out;
	struct bc_dc_result res;
	int s = dc_run(d, comp, cut, expect_len, &out, &res);
	st->cuts++;
	if (s != BC_DC_OK) {
		st->cuts_rejected++;
	} else if (!opt->prefix_may_decode) {
		fail_msg("%s: stream cut to %zu bytes decoded OK", d->name, cut);
	} else if (res.out_len && memcmp(out.data, expect, res.out_len) != 0) {
		fail_msg("%s: stream cut to %zu bytes decoded to a non-prefix", d->name, cut);
	}
	dc_buf_free(&out);
}

static void torture_flip(const struct bc_decompressor *d, u8 *work, size_t comp_len,
			 size_t bit, const u8 *expect, size_t expect_len,
			 const struct dc_torture_opts *opt, struct dc_torture_stats *st)
{
	struct dc_buf out;
	struct bc_dc_result res;
	work[bit / 8] ^= (u8)(1u << (bit % 8));
	int s = dc_run(d, work, comp_len, expect_len, &out, &res);
	work[bit / 8] ^= (u8)(1u << (bit % 8));
	st->flips++;
	if (s != BC_DC_OK)
		st->flips_rejected++;
	else if (opt->checksummed &&
		 (res.out_len != expect_len || (expect_len && memcmp(out.data, expect, expect_len))))
		fail_msg("%s: flipping bit %zu gave OK with different output", d->name, bit);
	dc_buf_free(&out);
}

void dc_torture(const struct bc_decompressor *d, const u8 *comp, size_t comp_len,
		const u8 *expect, size_t expect_len, const struct dc_torture_opts *opt,
		struct dc_torture_stats *st)
{
	struct dc_torture_stats local;
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	alarm(600);  /* a hang kills the test with SIGALRM */
	size_t step = opt->max_cuts && comp_len > opt->max_cuts ? comp_len / opt->max_cuts : 1;
	for (size_t cut = 0; cut < comp_len; cut += step)
		torture_cut(d, comp, cut, expect, expect_len, opt, st);
	u8 *work = xmalloc(comp_len);
	memcpy(work, comp, comp_len);
	u32 rng = opt->seed ? opt->seed : 0xC0FFEEu;
	for (unsigned i = 0; comp_len && i < opt->flips; i++)
		torture_flip(d, work, comp_len, dc_rand(&rng) % (comp_len * 8), expect, expect_len,
			     opt, st);
	free(work);
	alarm(0);
}

unsigned dc_random_inputs(const struct bc_decompressor *d, const u8 *prefix, size_t prefix_len,
			  unsigned runs, u32 seed)
{
	u8 *buf = xmalloc(prefix_len + 1024);
	u32 rng = seed ? seed : 0xBADC0DEu;
	unsigned ok = 0;
	memcpy(buf, prefix, prefix_len);
	alarm(600);  /* a hang kills the test with SIGALRM */
	for (unsigned i = 0; i < runs; i++) {
		size_t n = dc_rand(&rng) % 1025;
		fill_random(buf + prefix_len, n, &rng);
		struct dc_buf out;
		struct bc_dc_result res;
		ok += dc_run(d, buf, prefix_len + n, 64 * 1024, &out, &res) == BC_DC_OK;
		dc_buf_free(&out);
	}
	alarm(0);
	free(buf);
	return ok;
}

double dc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- shared test shapes ------------------------------------------------- */

void dc_put_le32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

struct dc_buf dc_vec_prefix(enum dc_vec v, size_t len)
{
	struct dc_buf full = dc_vec_make(v);
	assert_true(len <= full.len);
	struct dc_buf b = { xmalloc(len), len };
	memcpy(b.data, full.data, len);
	dc_buf_free(&full);
	return b;
}

struct dc_buf dc_with_suffix(const struct dc_buf *comp, const void *extra, size_t extra_len)
{
	struct dc_buf t = { xmalloc(comp->len + extra_len), comp->len + extra_len };
	if (comp->len)
		memcpy(t.data, comp->data, comp->len);
	if (extra_len)
		memcpy(t.data + comp->len, extra, extra_len);
	return t;
}

void dc_assert_decodes_trailer(const struct bc_decompressor *d, const struct dc_buf *comp,
			       const u8 *expect, size_t expect_len)
{
	dc_assert_decodes(d, comp->data, comp->len, comp->len, expect, expect_len);
	u8 size[4];
	dc_put_le32(size, (u32)expect_len);
	struct dc_buf t = dc_with_suffix(comp, size, sizeof(size));
	dc_assert_decodes(d, t.data, t.len, comp->len, expect, expect_len);
	dc_buf_free(&t);
}

struct dc_buf dc_cli_compress(const char *cmd, const u8 *in, size_t in_len)
{
	struct dc_buf c;
	char why[512];
	if (dc_shell_filter(cmd, in, in_len, &c, NULL, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	return c;
}

void dc_assert_cli_vectors(const struct bc_decompressor *d, const char *tool,
			   const struct dc_cli_case *cases, size_t n)
{
	if (!dc_have_tool(tool))
		skip();
	for (enum dc_vec k = DC_VEC_EMPTY; k < DC_VEC_COUNT; k++) {
		struct dc_buf v = dc_vec_make(k);
		for (size_t i = 0; i < n; i++) {
			if (cases[i].small_only && k == DC_VEC_LARGE)
				continue;
			struct dc_buf c = dc_cli_compress(cases[i].cmd, v.data, v.len);
			if (cases[i].magic) {
				assert_true(c.len >= cases[i].magic_len);
				assert_memory_equal(c.data, cases[i].magic, cases[i].magic_len);
			}
			dc_assert_decodes(d, c.data, c.len, c.len, v.data, v.len);
			dc_buf_free(&c);
		}
		dc_buf_free(&v);
	}
}

void dc_assert_cli_vmlinux(const struct bc_decompressor *d, const char *tool, const char *cmd,
			   size_t max_len, bool trailer)
{
	struct dc_buf vm;
	char why[512];
	if (tool && !dc_have_tool(tool))
		skip();
	if (dc_kernel_vmlinux(&vm, why, sizeof(why)) != 0) {
		fprintf(stderr, "# skip: %s\n", why);
		skip();
	}
	size_t len = max_len ? BC_MIN(vm.len, max_len) : vm.len;
	struct dc_buf c = dc_cli_compress(cmd, vm.data, len);
	if (trailer) {
		u8 size[4];
		dc_put_le32(size, (u32)len);
		struct dc_buf t = dc_with_suffix(&c, size, sizeof(size));
		dc_assert_decodes(d, t.data, t.len, c.len, vm.data, len);
		dc_buf_free(&t);
	} else {
		dc_assert_decodes(d, c.data, c.len, c.len, vm.data, len);
	}
	dc_buf_free(&c);
	dc_buf_free(&vm);
}

void dc_kernel_payload_or_skip(const char *format, struct dc_payload *p)
{
	char why[512];
	if (dc_kernel_payload(format, p, why, sizeof(why)) != 0) {
		fprintf(stderr, "# skip: %s\n", why);
		skip();
	}
}

void dc_assert_nomem(const struct bc_decompressor *d, const struct dc_buf *comp, size_t out_cap,
		     size_t limit)
{
	struct dc_env env;
	struct dc_buf out;
	struct bc_dc_result res;
	dc_env_init(&env, limit);
	assert_int_equal(dc_run_env(d, &env, comp->data, comp->len, out_cap, &out, &res), BC_DC_NOMEM);
	assert_true(env.failed > 0);
	dc_buf_free(&out);
}

struct dc_torture_stats dc_torture_all_cuts(const struct bc_decompressor *d,
					    const struct dc_buf *comp, const struct dc_buf *expect,
					    const struct dc_torture_opts *opt,
					    unsigned min_flip_percent)
{
	struct dc_torture_stats st;
	dc_torture(d, comp->data, comp->len, expect->data, expect->len, opt, &st);
	assert_int_equal(st.cuts_rejected, st.cuts);
	assert_true(st.flips_rejected >= st.flips * min_flip_percent / 100);
	return st;
}
