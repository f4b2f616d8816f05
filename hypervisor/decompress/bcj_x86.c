/* x86 BCJ decoder. The encoder rewrote the rel32 operand of E8 (CALL) and
 * E9 (JMP) into an absolute address when the operand's top byte was 00 or
 * FF, skipping opcodes whose operand looked like it overlapped recent E8/E9
 * bytes. The decoder replays the same decisions on the decoded data. */
#include "bcj_x86.h"

static inline bool is_near_msbyte(u8 b)
{
	return b == 0x00 || b == 0xFF;
}

void bcj_x86_decode(u8 *buf, size_t len, u32 start)
{
	/* mask bit k: an unconverted E8/E9 sat k+1 bytes before the current one;
	 * for each mask, whether conversion may happen and which operand byte
	 * the nearest such opcode would have landed on */
	static const bool mask_allows[8] = { true, true, true, false, true, false, false, false };
	static const u8 mask_byte[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
	size_t prev = 0;
	u32 mask = 0;

	if (len < 5)
		return;
	for (size_t i = 0; i < len - 4; i++) {
		if ((buf[i] & 0xFE) != 0xE8)
			continue;
		size_t gap = i - prev;
		if (mask == 0 || gap > 3) {
			mask = 0;
		} else {
			mask = (mask << (gap - 1)) & 7;
			if (mask != 0 && (!mask_allows[mask] ||
					  is_near_msbyte(buf[i + 4 - mask_byte[mask]]))) {
				prev = i;
				mask = (mask << 1) | 1;
				continue;
			}
		}
		prev = i;
		if (!is_near_msbyte(buf[i + 4])) {
			mask = (mask << 1) | 1;
			continue;
		}
		u32 src = bc_le32(buf + i + 1), dest;
		for (;;) {
			dest = src - (start + (u32)i + 5);
			if (mask == 0)
				break;
			u32 shift = 24 - mask_byte[mask] * 8u;
			if (!is_near_msbyte((u8)(dest >> shift)))
				break;
			src = dest ^ ((1u << (shift + 8)) - 1);
		}
		/* bits 25..31 repeat bit 24, as the encoder wrote them */
		dest &= 0x01FFFFFF;
		dest |= 0u - (dest & 0x01000000);
		buf[i + 1] = (u8)dest;
		buf[i + 2] = (u8)(dest >> 8);
		buf[i + 3] = (u8)(dest >> 16);
		buf[i + 4] = (u8)(dest >> 24);
		i += 4;
	}
}
