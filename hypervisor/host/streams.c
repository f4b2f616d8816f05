/* Every stream in a file, as the reference tools read one: what may follow a
 * stream (another stream, xz stream padding, zstd skippable frames, the
 * kernel build's size trailer) and what the tool does with any other bytes
 * after the last stream differ by format, so it is a table. */
#include "hypervisor/host/host_util.h"
#include <string.h>

#define ZSTD_SKIPPABLE_MAGIC 0x184D2A50u
#define ZSTD_SKIPPABLE_MASK 0xFFFFFFF0u

/* What the format's reference tool does with bytes after the last stream. */
enum tail_policy {
	TAIL_ERROR,         /* xz, zstd, lz4, .lzma (xz): an error */
	TAIL_WARN,          /* bzip2: a warning, exit status 0, zeros included */
	TAIL_WARN_2,        /* gzip, lzop: zeros alone are ignored silently; other
			       bytes a warning and exit status 2 */
};

struct concat_rule {
	const char *format;
	bool concatenates;      /* another stream of the format may follow */
	enum tail_policy tail;
	const char *bad_tail;   /* the error of TAIL_ERROR */
	/* skips what may sit between streams; returns 0 or a BC_DC_* error */
	int (*skip_gap)(const u8 *in, size_t len, size_t *pos, const char **msg);
	/* true when the tail is the start of a stream cut short (the tool's
	 * "unexpected end of file"); NULL: never */
	bool (*cut_stream)(const u8 *tail, size_t len);
};

/* .xz stream padding: null bytes in multiples of four after a stream. */
static int xz_padding(const u8 *in, size_t len, size_t *pos, const char **msg)
{
	size_t p = *pos;
	while (p < len && in[p] == 0)
		p++;
	if ((p - *pos) % 4) {
		*msg = "xz: stream padding is not a multiple of four bytes";
		return BC_DC_CORRUPT;
	}
	*pos = p;
	return BC_DC_OK;
}

/* Skippable frames (magic 0x184D2A5?, LE32 size, data), shared by zstd and
 * the lz4 frame format. */
static int skippable_frames(const u8 *in, size_t len, size_t *pos, const char **msg)
{
	while (len - *pos >= 4 && (bc_le32(in + *pos) & ZSTD_SKIPPABLE_MASK) == ZSTD_SKIPPABLE_MAGIC) {
		if (len - *pos < 8 || bc_le32(in + *pos + 4) > len - *pos - 8) {
			*msg = "input ends inside a skippable frame";
			return BC_DC_TRUNCATED;
		}
		*pos += 8 + (size_t)bc_le32(in + *pos + 4);
	}
	return BC_DC_OK;
}

/* gzip reads two magic bytes unless the first is zero: one non-zero byte
 * alone is a member cut short. */
static bool gzip_cut(const u8 *tail, size_t len)
{
	return len == 1 && tail[0] != 0;
}

/* bzip2 reads a whole "BZh" magic before it decides: a prefix of it at the
 * end is a stream cut short. */
static bool bzip2_cut(const u8 *tail, size_t len)
{
	return len < 3 && !memcmp(tail, "BZh", len);
}

static const struct concat_rule rules[] = {
	{ "gzip", true, TAIL_WARN_2, NULL, NULL, gzip_cut },
	{ "lzo", true, TAIL_WARN_2, NULL, NULL, NULL },
	{ "bzip2", true, TAIL_WARN, NULL, NULL, bzip2_cut },
	{ "xz", true, TAIL_ERROR, "xz: data after the stream is neither padding nor an .xz stream",
	  xz_padding, NULL },
	{ "zstd", true, TAIL_ERROR, "zstd: data after the frame is not a zstd frame",
	  skippable_frames, NULL },
	/* lz4 frames (legacy ones repeat their magic inside one stream, which
	 * the decoder skips) */
	{ "lz4", true, TAIL_ERROR, "lz4: data after the frame is not an lz4 frame",
	  skippable_frames, NULL },
	/* xz reads one .lzma stream and refuses anything after it */
	{ "lzma", false, TAIL_ERROR, "lzma: data after the end of the stream", NULL, NULL },
};

static const struct concat_rule *rule_for(const struct bc_decompressor *d)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].format, d->name))
			return &rules[i];
	return NULL;
}

/* The kernel build appends the decoded size as LE32 after the stream. */
static bool is_size_trailer(const u8 *in, size_t len, size_t pos, size_t total)
{
	return len - pos == 4 && bc_le32(in + pos) == (u32)total;
}

static bool all_zero(const u8 *p, size_t len)
{
	while (len && !*p) {
		p++;
		len--;
	}
	return !len;
}

/* The bytes after the last stream, IN[POS..LEN), as the format's tool treats them. */
static int judge_tail(const struct concat_rule *rule, const u8 *in, size_t len, size_t pos,
		      struct bc_dc_tail *tail, const char **msg)
{
	const u8 *t = in + pos;
	size_t n = len - pos;
	if (rule->cut_stream && rule->cut_stream(t, n)) {
		*msg = "input ends at the start of another stream";
		return BC_DC_TRUNCATED;
	}
	switch (rule->tail) {
	case TAIL_ERROR:
		*msg = rule->bad_tail;
		return BC_DC_CORRUPT;
	case TAIL_WARN_2:
		if (all_zero(t, n))
			return BC_DC_OK;
		tail->exit_status = 2;
		break;
	case TAIL_WARN:
		break;
	}
	tail->ignored = n;
	return BC_DC_OK;
}

int bc_host_decompress_all(const struct bc_decompressor *d, const u8 *in, size_t in_len,
			   struct bc_host_out *o, struct bc_dc_tail *tail, const char **msg)
{
	static const struct concat_rule none = { "", false, TAIL_WARN, NULL, NULL, NULL };
	const struct concat_rule *rule = rule_for(d);
	if (!rule)
		rule = &none;
	size_t pos = 0;
	*tail = (struct bc_dc_tail){ 0 };
	if (rule->skip_gap) {
		int st = rule->skip_gap(in, in_len, &pos, msg);   /* zstd: skippable frames first */
		if (st != BC_DC_OK)
			return st;
	}
	for (;;) {
		struct bc_dc_result res = { 0 };
		int st = d->decompress(in + pos, in_len - pos, o->data + o->len, o->cap - o->len,
				       &bc_host_dc_env, &res);
		o->len += res.out_len;
		if (st != BC_DC_OK) {
			*msg = res.msg ? res.msg : bc_dc_status_name(st);
			return st;
		}
		pos += res.in_used;
		if (pos == in_len || is_size_trailer(in, in_len, pos, o->len))
			return BC_DC_OK;
		if (rule->skip_gap) {
			st = rule->skip_gap(in, in_len, &pos, msg);
			if (st != BC_DC_OK)
				return st;
			if (pos == in_len)
				return BC_DC_OK;
		}
		if (rule->concatenates && bc_dc_detect(in + pos, in_len - pos) == d)
			continue;
		if (is_size_trailer(in, in_len, pos, o->len))
			return BC_DC_OK;
		return judge_tail(rule, in, in_len, pos, tail, msg);
	}
}
