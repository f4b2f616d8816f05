/* Whole process against whole process: `bootchain decompress FILE` and the
 * format's reference command (`xz -dc FILE`, ...), each reading the same file
 * from the page cache and writing to /dev/null. Times are the child's CPU
 * seconds (user + system), so page faults and start-up count for both. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench_ref.h"

#define MAX_ARGS 16

/* Runs CMD (words split on spaces) with FILE as its last argument. */
double bench_cli_run(const char *cmd, const char *file)
{
	char words[256], *argv[MAX_ARGS + 2];
	int argc = 0;
	snprintf(words, sizeof(words), "%s", cmd);
	for (char *w = strtok(words, " "); w && argc < MAX_ARGS; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc++] = (char *)file;
	argv[argc] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
