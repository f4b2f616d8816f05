/* One scratch directory per cmocka test group in tests/boot: the group's
 * setup makes it with scratch_make(), the group's teardown is scratch_remove,
 * and in_dir() names a path inside it. Header-only because tests/boot links
 * each *_test.c with the matrix code alone. */
#ifndef TESTS_BOOT_SCRATCH_DIR_H
#define TESTS_BOOT_SCRATCH_DIR_H
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "bootchain/matrix/util.h"

static char scratch_dir[] = "/tmp/bc-boot-test-XXXXXX";

static inline int scratch_make(void)
{
	return mkdtemp(scratch_dir) ? 0 : -1;
}

static inline int scratch_remove(void **state)
{
	(void)state;
	return mx_rm_rf(scratch_dir);
}

/* SCRATCH/NAME in one of four rotating buffers, so a call may take several. */
static inline char *in_dir(const char *name)
{
	static char paths[4][PATH_MAX];
	static int next;
	char *p = paths[next++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", scratch_dir, name);
	return p;
}

#endif
