/* Freestanding basic types for code shared by the hypervisor and the host tools.
 * No host header is included: sizes follow the x86-64 LP64 ABI both builds use. */
#ifndef BC_TYPES_H
#define BC_TYPES_H

typedef unsigned char      u8;
typedef unsigned short     u16;
typedef unsigned int       u32;
typedef unsigned long long u64;
typedef signed char        s8;
typedef short              s16;
typedef int                s32;
typedef long long          s64;
typedef __SIZE_TYPE__      size_t;
typedef __UINTPTR_TYPE__   uintptr_t;

#ifndef NULL
#define NULL ((void *)0)
#endif
#ifndef __bool_true_false_are_defined
#define bool  _Bool
#define true  1
#define false 0
#define __bool_true_false_are_defined 1
#endif

#define BC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define BC_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Little-endian loads from byte buffers (no alignment assumed). */
static inline u16 bc_le16(const u8 *p) { return (u16)(p[0] | (p[1] << 8)); }
static inline u32 bc_le32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}
static inline u64 bc_le64(const u8 *p) { return (u64)bc_le32(p) | ((u64)bc_le32(p + 4) << 32); }
static inline u16 bc_be16(const u8 *p) { return (u16)((p[0] << 8) | p[1]); }
static inline u32 bc_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | (u32)p[3];
}

#endif
