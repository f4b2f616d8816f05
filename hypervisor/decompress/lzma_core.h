/* The LZMA decoder shared by the .lzma and .xz formats: range decoder,
 * literal/match decoding, and LZMA2 chunk parsing.
 *
 * Single-call only: the caller's output buffer is the dictionary, so matches
 * are copied straight from earlier output. A "window" is the part of the
 * output since the last dictionary reset; positions (for lp/pb and for the
 * distance check) count from its start, as the formats require.
 */
#ifndef BC_LZMA_CORE_H
#define BC_LZMA_CORE_H
#include <bc/types.h>
#include "decompress.h"

/* lc/lp/pb as coded in one properties byte: (pb * 5 + lp) * 9 + lc. */
struct lzma_props {
	u8 lc, lp, pb;
};

/* False if BYTE is not a valid properties byte (>= 225). */
bool lzma_props_decode(u8 byte, struct lzma_props *p);

/* Bytes of work memory a decoder needs for lc + lp = LCLP (0..12). */
size_t lzma_dec_size(unsigned lclp);

struct lzma_dec;

/* Sets the properties and resets the coder state (probabilities, state,
 * repeat distances). D must have lzma_dec_size(p->lc + p->lp) bytes. */
void lzma_dec_reset(struct lzma_dec *d, const struct lzma_props *p);
/* The same reset keeping the current properties (LZMA2 "state reset"). */
void lzma_dec_reset_state(struct lzma_dec *d);

/* Range decoder over IN[0..len): pos may pass len, which means the stream
 * needed bytes it does not have. */
struct lzma_rc {
	const u8 *in;
	size_t len, pos;
	u32 range, code;
};

/* Reads the 5 initial bytes. False if there are fewer or the first is not 0. */
bool lzma_rc_init(struct lzma_rc *rc, const u8 *in, size_t len);

/* True when the encoder's final flush has been consumed: code is 0. */
static inline bool lzma_rc_finished(const struct lzma_rc *rc) { return rc->code == 0; }

struct lzma_window {
	u8 *buf;     /* output since the last dictionary reset */
	size_t pos;  /* bytes decoded into buf so far */
	size_t cap;  /* bytes buf may hold: writes never go past it */
};

enum lzma_result {
	LZMA_REACHED_LIMIT,   /* decoded up to the limit */
	LZMA_END_MARKER,      /* found the end-of-payload marker */
	LZMA_ERR_INPUT,       /* the range decoder ran past its input */
	LZMA_ERR_DISTANCE,    /* a match reaches before the window */
	LZMA_ERR_LIMIT,       /* a literal or match would pass the limit */
};

/* Decodes symbols into W until W->pos reaches LIMIT (<= W->cap). With
 * WANT_MARKER, decoding goes on at the limit and only the end marker may
 * follow. The marker always stops decoding, wanted or not. */
enum lzma_result lzma_decode(struct lzma_dec *d, struct lzma_rc *rc, struct lzma_window *w,
			     size_t limit, bool want_marker);

/* LZMA2 chunk stream (as in an xz block) from IN into OUT. D must have
 * lzma_dec_size(4) bytes. Sets *in_used to the bytes up to and including the
 * end-of-data control byte and *out_len to the bytes decoded (also on error).
 * Returns a bc_dc_status and sets *msg on error. */
int lzma2_decode(struct lzma_dec *d, const u8 *in, size_t in_len, u8 *out, size_t out_cap,
		 size_t *in_used, size_t *out_len, const char **msg);

#endif
