/* /etc/kernel/{postinst,prerm}.d hooks, and the record of work an install
 * made during an RPM transaction leaves for --rpmposttrans. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grubby/new-kernel-pkg/nkp.h"

#define PENDING_DIR "/var/lib/new-kernel-pkg/pending"

static bool in_root(const char *root)
{
	return root && *root && strcmp(root, "/");
}

/* Editor backups ("name~") are skipped, as the shell's *[^~] pattern did. */
static int hook_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n && d->d_name[n - 1] != '~';
}

/* Run one hook; inside a root it runs chrooted there, so the paths it is
 * given and the files it touches are the image's. */
static int run_hook(const char *root, const char *in_system, const char *version, const char *image)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char caller[32];
		snprintf(caller, sizeof(caller), "%ld", (long)getppid());
		setenv(NKP_HOOK_ENV, caller, 1);
		if (in_root(root) && (chroot(root) || chdir("/"))) {
			fprintf(stderr, "new-kernel-pkg: cannot chroot to %s: %s\n", root, strerror(errno));
			_exit(126);
		}
		execl(in_system, in_system, version, image, (char *)NULL);
		fprintf(stderr, "new-kernel-pkg: cannot run %s: %s\n", in_system, strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_hook_dir(const char *root, const char *dir, const char *version, const char *image, bool verbose)
{
	char *host_dir = nkp_in_root(root, dir);
	struct dirent **names = NULL;
	int n = host_dir ? scandir(host_dir, &names, hook_filter, alphasort) : -1;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char *in_system = NULL, *host = NULL;
		struct stat st;
		if (!rc && asprintf(&in_system, "%s/%s", dir, names[i]->d_name) >= 0 &&
		    asprintf(&host, "%s/%s", host_dir, names[i]->d_name) >= 0 && !stat(host, &st) &&
		    S_ISREG(st.st_mode) && !access(host, X_OK)) {
			if (verbose)
				fprintf(stderr, "running hook %s %s %s\n", in_system, version, image);
			int status = run_hook(root, in_system, version, image);
			if (status) {
				fprintf(stderr, "new-kernel-pkg: hook %s failed (exit status %d)\n", host, status);
				rc = -1;
			}
		}
		free(in_system);
		free(host);
		free(names[i]);
	}
	free(names);
	free(host_dir);
	return rc;
}

int nkp_run_hooks(const char *root, const char *dir, const char *version, const char *image, bool verbose)
{
	const char *caller = getenv(NKP_HOOK_ENV);
	if (caller && *caller) {
		/* the run that started us is running these hooks: running them
		 * again would start us again, without end */
		if (verbose)
			fprintf(stderr, "not running %s.d hooks: started by a hook of new-kernel-pkg (pid %s)\n", dir, caller);
		return 0;
	}
	char *base = NULL, *per_version = NULL;
	if (asprintf(&base, "/etc/kernel/%s.d", dir) < 0)
		return -1;
	if (asprintf(&per_version, "%s/%s", base, version) < 0) {
		free(base);
		return -1;
	}
	/* all the general hooks, then the ones for this version, as the shell's glob order */
	int rc = run_hook_dir(root, base, version, image, verbose);
	if (!rc)
		rc = run_hook_dir(root, per_version, version, image, verbose);
	free(base);
	free(per_version);
	return rc;
}

static char *pending_path(const char *root, const char *version)
{
	char *rel = NULL;
	if (asprintf(&rel, PENDING_DIR "/%s", version) < 0)
		return NULL;
	char *path = nkp_in_root(root, rel);
	free(rel);
	return path;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, 0755);
		*p = '/';
		if (r && errno != EEXIST)
			return -1;
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

int nkp_mark_pending(const char *root, const char *version)
{
	char *dir = nkp_in_root(root, PENDING_DIR);
	char *path = pending_path(root, version);
	int rc = -1;
	if (dir && path && !mkdir_p(dir)) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			static const char note[] = "initramfs and boot entry refresh left for --rpmposttrans\n";
			rc = write(fd, note, sizeof(note) - 1) == (ssize_t)sizeof(note) - 1 ? 0 : -1;
			close(fd);
		}
	}
	if (rc)
		fprintf(stderr, "new-kernel-pkg: warning: cannot record pending work in %s: %s\n",
			path ? path : PENDING_DIR, strerror(errno));
	free(dir);
	free(path);
	return rc;
}

bool nkp_is_pending(const char *root, const char *version)
{
	char *path = pending_path(root, version);
	bool pending = path && !access(path, F_OK);
	free(path);
	return pending;
}

void nkp_clear_pending(const char *root, const char *version)
{
	char *path = pending_path(root, version);
	if (path)
		unlink(path);
	free(path);
}
