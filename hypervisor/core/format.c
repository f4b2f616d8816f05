/* A small vsnprintf: enough for log lines, no floating point. */
#include "format.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;
	if (!left && pad == '0' && n && (s[0] == '-')) {
		put(o, *s++);           /* sign goes before zero padding */
		n--;
	}
	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

/* Digits of V in BASE into the END of tmp; returns the first digit. */
static char *utoa(char *end, u64 v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	*--end = '\0';
	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

static u64 arg_unsigned(bc_va_list *ap, int lng)
{
	if (lng >= 2)
		return bc_va_arg(*ap, unsigned long long);
	if (lng == 1)
		return bc_va_arg(*ap, unsigned long);
	return bc_va_arg(*ap, unsigned int);
}

static s64 arg_signed(bc_va_list *ap, int lng)
{
	if (lng >= 2)
		return bc_va_arg(*ap, long long);
	if (lng == 1)
		return bc_va_arg(*ap, long);
	return bc_va_arg(*ap, int);
}

static void format_number(struct out *o, char conv, bc_va_list *ap, int lng, int width,
			  bool left, char pad, bool alt)
{
	char tmp[32];
	char *p;
	size_t n;
	if (conv == 'd' || conv == 'i') {
		s64 v = arg_signed(ap, lng);
		p = utoa(tmp + sizeof(tmp), v < 0 ? -(u64)v : (u64)v, 10, false);
		if (v < 0)
			*--p = '-';
	} else if (conv == 'u') {
		p = utoa(tmp + sizeof(tmp), arg_unsigned(ap, lng), 10, false);
	} else {
		u64 v = conv == 'p' ? (u64)(uintptr_t)bc_va_arg(*ap, void *) : arg_unsigned(ap, lng);
		p = utoa(tmp + sizeof(tmp), v, 16, conv == 'X');
		if (alt || conv == 'p') {
			if (pad == '0' && !left && width > 2) {
				put(o, '0');
				put(o, 'x');
				width -= 2;
			} else {
				*--p = 'x';
				*--p = '0';
			}
		}
	}
	for (n = 0; p[n]; n++)
		;
	put_padded(o, p, n, width, left, pad);
}

size_t bc_vsnprintf(char *buf, size_t size, const char *fmt, bc_va_list ap)
{
	struct out o = { buf, size, 0 };
	bc_va_list args;
	__builtin_va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		bool left = false, alt = false;
		char pad = ' ';
		int width = 0, lng = 0;
		for (f++; *f == '-' || *f == '0' || *f == '#'; f++) {
			if (*f == '-')
				left = true;
			else if (*f == '0')
				pad = '0';
			else
				alt = true;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			width = width * 10 + (*f - '0');
		int prec = -1;                  /* only strings use a precision */
		if (*f == '.') {
			prec = 0;
			if (*++f == '*') {
				prec = bc_va_arg(args, int);
				f++;
			}
			for (; *f >= '0' && *f <= '9'; f++)
				prec = prec * 10 + (*f - '0');
		}
		for (; *f == 'l' || *f == 'z'; f++)
			lng += *f == 'z' ? 2 : 1;
		switch (*f) {
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'p':
			format_number(&o, *f, &args, lng, width, left, pad, alt);
			break;
		case 's': {
			const char *s = bc_va_arg(args, const char *);
			size_t n = 0;
			if (!s)
				s = "(null)";
			while ((prec < 0 || n < (size_t)prec) && s[n])
				n++;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'c': {
			char c = (char)bc_va_arg(args, int);
			put_padded(&o, &c, 1, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;            /* lone '%' at the end: stop */
			break;
		default:             /* unknown conversion: print it as is */
			put(&o, '%');
			put(&o, *f);
		}
	}
	__builtin_va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t bc_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	bc_va_list ap;
	bc_va_start(ap, fmt);
	size_t n = bc_vsnprintf(buf, size, fmt, ap);
	bc_va_end(ap);
	return n;
}
