/* Parsing the hypervisor's command line (see cmdline.h). */
#include "cmdline.h"
#include "log.h"
#include <bc/string.h>

static bool word_is(const char *w, size_t len, const char *name)
{
	size_t n = bc_strlen(name);
	return len == n && bc_strncmp(w, name, n) == 0;
}

bool hv_parse_size(const char *s, size_t len, u64 *out)
{
	u64 v = 0;
	size_t i = 0;
	if (len == 0)
		return false;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (~0ull - 9) / 10)
			return false;
		v = v * 10 + (u64)(s[i] - '0');
	}
	if (i == 0)
		return false;
	unsigned shift = 10;                 /* no suffix: kilobytes, as Xen */
	if (i < len) {
		switch (s[i] | 0x20) {
		case 'b': shift = 0; break;
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		case 't': shift = 40; break;
		default: return false;
		}
		if (++i != len)
			return false;
	}
	if (v > (~0ull >> shift))
		return false;
	*out = v << shift;
	return true;
}

static int parse_loglvl(const char *v, size_t len)
{
	static const struct { const char *name; int level; } levels[] = {
		{ "none", LOG_NONE }, { "error", LOG_ERR }, { "warning", LOG_WARN },
		{ "info", LOG_INFO }, { "debug", LOG_DEBUG }, { "all", LOG_DEBUG },
	};
	/* Xen allows "<level>/<guest level>": only the first part concerns us */
	size_t n = 0;
	while (n < len && v[n] != '/')
		n++;
	for (size_t i = 0; i < BC_ARRAY_SIZE(levels); i++)
		if (word_is(v, n, levels[i].name))
			return levels[i].level;
	return -1;
}

/* dom0_mem=[min:<size>,][max:<size>,][<size>]: we honour a plain size or max: */
static bool parse_dom0_mem(const char *v, size_t len, u64 *out)
{
	u64 limit = 0;
	while (len) {
		size_t n = 0;
		while (n < len && v[n] != ',')
			n++;
		const char *item = v;
		size_t item_len = n;
		bool is_min = item_len > 4 && bc_strncmp(item, "min:", 4) == 0;
		if (item_len > 4 && (is_min || bc_strncmp(item, "max:", 4) == 0)) {
			item += 4;
			item_len -= 4;
		}
		u64 size;
		if (!hv_parse_size(item, item_len, &size))
			return false;
		if (!is_min && (limit == 0 || size < limit))
			limit = size;
		v += n;
		len -= n;
		if (len) {
			v++;
			len--;
		}
	}
	*out = limit;
	return limit != 0;
}

static void note_unknown(struct hv_options *o, const char *w, size_t len)
{
	if (o->nr_unknown < HV_MAX_UNKNOWN) {
		o->unknown[o->nr_unknown] = w;
		o->unknown_len[o->nr_unknown] = len;
	}
	o->nr_unknown++;
}

static void note_bad(struct hv_options *o, const char *w, size_t len)
{
	if (!o->bad) {
		o->bad = w;
		o->bad_len = len;
	}
}

/* Whether the comma list V (LEN bytes) holds ITEM. */
static bool has_item(const char *v, size_t len, const char *item)
{
	for (size_t i = 0; i < len;) {
		size_t n = 0;
		while (i + n < len && v[i + n] != ',')
			n++;
		if (word_is(v + i, n, item))
			return true;
		i += n + 1;
	}
	return false;
}

static void parse_word(struct hv_options *o, const char *w, size_t len)
{
	size_t klen = 0;
	while (klen < len && w[klen] != '=')
		klen++;
	const char *val = w + klen + 1;
	size_t vlen = klen < len ? len - klen - 1 : 0;
	bool has_val = klen < len;

	if (word_is(w, len, "noreboot")) {
		o->noreboot = true;
	} else if (has_val && word_is(w, klen, "console")) {
		/* a comma list; we drive only the serial port */
		o->console_serial = false;
		for (size_t i = 0; i < vlen;) {
			size_t n = 0;
			while (i + n < vlen && val[i + n] != ',')
				n++;
			if (word_is(val + i, n, "com1"))
				o->console_serial = true;
			else if (!word_is(val + i, n, "none"))
				note_bad(o, w, len);
			i += n + 1;
		}
	} else if (has_val && word_is(w, klen, "loglvl")) {
		int lvl = parse_loglvl(val, vlen);
		if (lvl < 0)
			note_bad(o, w, len);
		else
			o->loglvl = lvl;
	} else if (has_val && word_is(w, klen, "dom0_mem")) {
		if (!parse_dom0_mem(val, vlen, &o->dom0_mem))
			note_bad(o, w, len);
	} else if (has_val && word_is(w, klen, "dom0") && has_item(val, vlen, "native")) {
		o->dom0_native = true;
	} else {
		note_unknown(o, w, len);   /* other dom0= values (pv, pvh) are Xen's */
	}
}

void hv_options_parse(const char *cmdline, struct hv_options *opts)
{
	*opts = (struct hv_options){ .console_serial = true, .loglvl = LOG_INFO };
	if (!cmdline)
		return;
	for (const char *p = cmdline; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = 0;
		while (p[len] && p[len] != ' ' && p[len] != '\t')
			len++;
		if (len)
			parse_word(opts, p, len);
		p += len;
	}
}

const char *hv_cmdline_skip_image_name(const char *cmdline)
{
	const char *p = cmdline;
	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

/* Appends N bytes of S at *pos; false when it does not fit with its NUL. */
static bool append(char *out, size_t cap, size_t *pos, const char *s, size_t n)
{
	if (*pos + n + 1 > cap)
		return false;
	bc_memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
	return true;
}

int hv_dom0_cmdline(const char *in, char *out, size_t cap)
{
	static const char hvc[] = "console=hvc0", serial[] = "console=ttyS0";
	const size_t hvc_len = sizeof(hvc) - 1;
	size_t pos = 0;
	int rewrites = 0;
	if (cap)
		out[0] = '\0';
	for (const char *p = in; *p;) {
		size_t len = 0;
		while (p[len] && p[len] != ' ' && p[len] != '\t')
			len++;
		bool is_hvc = len >= hvc_len && bc_strncmp(p, hvc, hvc_len) == 0 &&
			      (len == hvc_len || p[hvc_len] == ',');
		bool ok = is_hvc
			? append(out, cap, &pos, serial, sizeof(serial) - 1) &&
			  append(out, cap, &pos, p + hvc_len, len - hvc_len)
			: append(out, cap, &pos, p, len ? len : 1);
		if (!ok)
			return -1;
		rewrites += is_hvc;
		p += len ? len : 1;
	}
	return rewrites;
}
