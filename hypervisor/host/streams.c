/* Every stream in a file, as the reference tools read one: what may follow a
 * stream (another stream, xz stream padding, zstd skippable frames, the
 * kernel build's size trailer) differs by format, so it is a table. */
#include "hypervisor/host/host_util.h"
#include <string.h>

#define ZSTD_SKIPPABLE_MAGIC 0x184D2A50u
#define ZSTD_SKIPPABLE_MASK 0xFFFFFFF0u

struct concat_rule {
	const char *format;
	bool concatenates;      /* another stream of the format may follow */
	const char *bad_tail;   /* other bytes after the last stream are this error (NULL: ignored) */
	/* skips what may sit between streams; returns 0 or a BC_DC_* error */
	int (*skip_gap)(const u8 *in, size_t len, size_t *pos, const char **msg);
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

static const struct concat_rule rules[] = {
	{ "gzip", true, NULL, NULL },
	{ "bzip2", true, NULL, NULL },
	{ "xz", true, "xz: data after the stream is neither padding nor an .xz stream", xz_padding },
	{ "zstd", true, "zstd: data after the frame is not a zstd frame", skippable_frames },
	/* lz4 frames (legacy ones repeat their magic inside one stream, which
	 * the decoder skips); .lzma and lzop files hold one stream */
	{ "lz4", true, NULL, skippable_frames },
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

int bc_host_decompress_all(const struct bc_decompressor *d, const u8 *in, size_t in_len,
			   struct bc_host_out *o, size_t *trailing, const char **msg)
{
	const struct concat_rule *rule = rule_for(d);
	size_t pos = 0;
	*trailing = 0;
	if (rule && rule->skip_gap) {
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
		if (!rule || !rule->concatenates) {
			*trailing = in_len - pos;
			return BC_DC_OK;
		}
		if (rule->skip_gap) {
			st = rule->skip_gap(in, in_len, &pos, msg);
			if (st != BC_DC_OK)
				return st;
			if (pos == in_len)
				return BC_DC_OK;
		}
		if (bc_dc_detect(in + pos, in_len - pos) == d)
			continue;
		if (is_size_trailer(in, in_len, pos, o->len))
			return BC_DC_OK;
		if (rule->bad_tail) {
			*msg = rule->bad_tail;
			return BC_DC_CORRUPT;
		}
		*trailing = in_len - pos;
		return BC_DC_OK;
	}
}
