/* Small process and file helpers of the matrix. */
#ifndef BC_MATRIX_UTIL_H
#define BC_MATRIX_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include "bootchain/matrix/matrix.h"

/* Path of a tool next to the bootchain binary (or in --tools); a static buffer per call site. */
/* snprintf for paths and messages, where cutting a too-long text is the intent. */
int mx_fmt(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *mx_tool_path(const struct mx_options *opt, const char *name);
/* Run argv (NULL-terminated), stdout and stderr appended to log (or /dev/null when NULL).
 * Returns the exit status, or -1 when it could not run. */
int mx_run(char *const argv[], const char *log);
/* The same for a subcommand of this binary: fn(argc, argv) in a child process. */
int mx_run_fn(int (*fn)(int, char **), char *const argv[], const char *log);
int mx_mkdir_p(const char *path);
int mx_rm_rf(const char *path);
int mx_copy_file(const char *from, const char *to);
int mx_write_file(const char *path, const char *text);
int mx_write_bytes(const char *path, const void *data, size_t len);
/* Whole file into a malloc'd NUL-terminated buffer; NULL on error. */
char *mx_read_file(const char *path, size_t *len);
/* The last non-empty line of a file (a tool's final complaint), or "". */
void mx_last_line(const char *path, char *out, size_t len);
double mx_now(void);
bool mx_on_path(const char *name);
bool mx_is_executable(const char *path);

#endif
