/* The xz x86 branch converter (BCJ, filter ID 0x04), decoding direction. */
#ifndef BC_BCJ_X86_H
#define BC_BCJ_X86_H
#include <bc/types.h>

/* Turns the absolute targets the encoder stored in CALL/JMP rel32
 * instructions (E8/E9) of BUF[0..len) back into relative ones, in place.
 * START is the stream position of buf[0] (the filter's start offset). The
 * last four bytes are never converted, as the encoder left them. */
void bcj_x86_decode(u8 *buf, size_t len, u32 start);

#endif
