/* grub2's saved_entry, kept in the grubenv file: through grub2-editenv or
 * grub-editenv when installed (as grubby always did), otherwise read and
 * written here in GRUB's format. */
#include "grubby/core.h"
#include "bootloader/grubenv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_ENV_PATH "/boot/grub2/grubenv"

/* --env, else grubby's default; where that does not exist (Debian keeps
 * grub.cfg in /boot/grub) the grubenv beside the config file */
static const char *env_path(const struct config *cfg)
{
	if (cfg->env_path)
		return cfg->env_path;
	if (!access(DEFAULT_ENV_PATH, F_OK) || !cfg->path)
		return DEFAULT_ENV_PATH;
	char *real = realpath(cfg->path, NULL);
	if (!real)
		return DEFAULT_ENV_PATH;
	char *slash = strrchr(real, '/');
	const char *beside = slash ? gb_printf("%.*s/grubenv",
					       (int)(slash - real), real) : NULL;
	free(real);
	return beside && !access(beside, F_OK) ? beside : DEFAULT_ENV_PATH;
}

/* GRUBBY_EDITENV overrides the tool ("" means none: use our own code) */
static const char *editenv_tool(void)
{
	static const char *tool;
	static bool looked;
	if (looked)
		return tool;
	looked = true;
	const char *forced = getenv("GRUBBY_EDITENV");
	if (forced) {
		tool = *forced ? forced : NULL;
		return tool;
	}
	const char *path = getenv("PATH");
	static const char *const names[] = { "grub2-editenv", "grub-editenv" };
	for (int n = 0; n < 2 && !tool; n++) {
		char *dirs = strdup(path ? path : "/usr/bin:/bin");
		for (char *d = strtok(dirs, ":"); d && !tool; d = strtok(NULL, ":")) {
			char *full = gb_printf("%s/%s", *d ? d : ".", names[n]);
			if (!access(full, X_OK))
				tool = full;
		}
		free(dirs);
	}
	return tool;
}

/* run the tool; its standard output (up to cap bytes) goes to out */
static int run_tool(char *const argv[], char *out, size_t cap)
{
	int fds[2];
	if (out && pipe(fds))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		if (out) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (out) {
			dup2(fds[1], 1);
			close(fds[0]);
			close(fds[1]);
		} else {
			dup2(2, 1);	/* keep our own stdout for the config */
		}
		execv(argv[0], argv);
		_exit(127);
	}
	size_t used = 0;
	if (out) {
		close(fds[1]);
		for (;;) {
			char sink[4096];
			char *dst = used + 1 < cap ? out + used : sink;
			size_t room = used + 1 < cap ? cap - used - 1 : sizeof(sink);
			ssize_t n = read(fds[0], dst, room);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			if (dst != sink)
				used += (size_t)n;
		}
		out[used] = '\0';
		close(fds[0]);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

char *env_get(const struct config *cfg, const char *name)
{
	const char *path = env_path(cfg);
	const char *tool = editenv_tool();
	if (tool) {
		if (access(path, F_OK))
			return NULL;
		static char out[16384];
		char *argv[] = { (char *)tool, (char *)path, "list", NULL };
		if (run_tool(argv, out, sizeof(out)))
			return NULL;
		size_t nl = strlen(name);
		for (char *l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
			if (!strncmp(l, name, nl) && l[nl] == '=')
				return gb_strndup(l + nl + 1, strcspn(l + nl + 1, "\n"));
		return NULL;
	}
	struct grubenv env;
	char err[512];
	if (grubenv_load(path, &env, err, sizeof(err))) {
		fprintf(stderr, "grubby: %s\n", err);
		return NULL;
	}
	const char *v = grubenv_get(&env, name);
	char *copy = v ? gb_strdup(v) : NULL;
	grubenv_free(&env);
	return copy;
}

/* grub2-editenv set takes the value without the quotes the title had */
static char *unquote(const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && ((s[0] == '\'' && s[n - 1] == '\'') ||
		       (s[0] == '"' && s[n - 1] == '"')))
		return gb_strndup(s + 1, n - 2);
	return gb_strdup(s);
}

int env_set(const struct config *cfg, const char *name, const char *value)
{
	const char *path = env_path(cfg);
	char *v = unquote(value);
	const char *tool = editenv_tool();
	if (tool) {
		char *assign = gb_printf("%s=%s", name, v);
		char *argv[] = { (char *)tool, (char *)path, "set", assign, NULL };
		if (run_tool(argv, NULL, 0)) {
			fprintf(stderr, "grubby: %s could not set %s in %s\n",
				tool, name, path);
			return -1;
		}
		return 0;
	}
	struct grubenv env;
	char err[512];
	snprintf(err, sizeof(err), "%s: cannot set %s", path, name);
	if (grubenv_load(path, &env, err, sizeof(err)) ||
	    grubenv_set(&env, name, v) ||
	    grubenv_store(path, &env, err, sizeof(err))) {
		fprintf(stderr, "grubby: %s\n", err);
		grubenv_free(&env);
		return -1;
	}
	grubenv_free(&env);
	return 0;
}
