/* Replacing a config file so that nothing is ever lost: the new text goes
 * to a temporary file beside the old one, is flushed to disk and renamed
 * over it; mode, owner and a symlink in front of the file are kept; two
 * grubby runs on one file take turns through a lock file beside it. A
 * target that is not a regular file (/dev/null, /dev/stdout, a pipe) is
 * written into, never renamed over, and not locked. */
#ifndef GRUBBY_SAFEFILE_H
#define GRUBBY_SAFEFILE_H

#include <stdbool.h>
#include <stdio.h>

struct safe_file {
	char *path;		/* as given */
	char *target;		/* the file itself, symlinks resolved */
	int lock_fd;
	bool device;		/* target exists and is not a regular file */
	/* if set, sees the new text before it replaces the old: non-zero
	 * (after printing why) keeps the old file */
	int (*check)(const char *text, size_t len, void *arg);
};

/* Resolve path and take the lock. 0, or -1 after printing why. */
int safe_file_lock(struct safe_file *sf, const char *path);

/* Write the new contents through writer(out, arg) and put them in place.
 * 0, or -1 after printing one line naming the file and the problem; the
 * old file is then untouched. */
int safe_file_replace(struct safe_file *sf,
		      int (*writer)(FILE *out, void *arg), void *arg);

void safe_file_unlock(struct safe_file *sf);

#endif
