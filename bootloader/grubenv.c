/* Reading and writing GRUB's environment block without grub-editenv. */
#include "bootloader/grubenv.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void grubenv_free(struct grubenv *env)
{
	for (size_t i = 0; i < env->n; i++) {
		free(env->names[i]);
		free(env->values[i]);
	}
	free(env->names);
	free(env->values);
	free(env->comments);
	*env = (struct grubenv){ 0 };
}

static int append_var(struct grubenv *env, char *name, char *value)
{
	char **n = realloc(env->names, (env->n + 1) * sizeof(*n));
	if (!n)
		return -1;
	env->names = n;
	char **v = realloc(env->values, (env->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	env->values = v;
	env->names[env->n] = name;
	env->values[env->n] = value;
	env->n++;
	return 0;
}

static int append_comment(struct grubenv *env, const char *line, size_t len)
{
	size_t old = env->comments ? strlen(env->comments) : 0;
	char *c = realloc(env->comments, old + len + 2);
	if (!c)
		return -1;
	memcpy(c + old, line, len);
	c[old + len] = '\n';
	c[old + len + 1] = '\0';
	env->comments = c;
	return 0;
}

int grubenv_parse(const char *buf, size_t len, struct grubenv *env)
{
	size_t hl = strlen(GRUBENV_HEADER);
	*env = (struct grubenv){ 0 };
	if (len < hl || memcmp(buf, GRUBENV_HEADER, hl))
		return -1;
	bool in_vars = false;
	for (size_t p = hl; p < len;) {
		if (buf[p] == '#') {
			size_t e = p;
			while (e < len && buf[e] != '\n')
				e++;
			/* comments before the variables; the rest is padding */
			if (!in_vars && e < len && buf[p + 1] != '#' &&
			    append_comment(env, buf + p, e - p))
				goto fail;
			p = e + 1;
			continue;
		}
		in_vars = true;
		size_t eq = p;
		while (eq < len && buf[eq] != '=' && buf[eq] != '\n')
			eq++;
		if (eq >= len || buf[eq] != '=') {
			p = eq + 1;	/* not an assignment: GRUB skips it */
			continue;
		}
		char *name = strndup(buf + p, eq - p);
		char *value = malloc(len - eq);
		if (!name || !value) {
			free(name);
			free(value);
			goto fail;
		}
		size_t v = 0, q = eq + 1;
		for (; q < len && buf[q] != '\n'; q++) {
			if (buf[q] == '\\' && q + 1 < len)
				q++;
			value[v++] = buf[q];
		}
		value[v] = '\0';
		if (append_var(env, name, value)) {
			free(name);
			free(value);
			goto fail;
		}
		p = q + 1;
	}
	return 0;
fail:
	grubenv_free(env);
	return -1;
}

int grubenv_format(const struct grubenv *env, char out[GRUBENV_SIZE])
{
	size_t p = 0;
	const char *head[2] = { GRUBENV_HEADER,
				env->comments ? env->comments : GRUBENV_WARNING };
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(head[i]);
		if (p + n > GRUBENV_SIZE)
			return -1;
		memcpy(out + p, head[i], n);
		p += n;
	}
	for (size_t i = 0; i < env->n; i++) {
		const char *s = env->names[i];
		size_t need = strlen(s) + 2;
		for (const char *c = env->values[i]; *c; c++)
			need += (*c == '\\' || *c == '\n') ? 2 : 1;
		if (p + need > GRUBENV_SIZE)
			return -1;
		p += (size_t)sprintf(out + p, "%s=", s);
		for (const char *c = env->values[i]; *c; c++) {
			if (*c == '\\' || *c == '\n')
				out[p++] = '\\';
			out[p++] = *c;
		}
		out[p++] = '\n';
	}
	memset(out + p, '#', GRUBENV_SIZE - p);
	return 0;
}

const char *grubenv_get(const struct grubenv *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->names[i], name))
			return env->values[i];
	return NULL;
}

int grubenv_set(struct grubenv *env, const char *name, const char *value)
{
	if (!*name || strchr(name, '=') || strchr(name, '\n') ||
	    name[0] == '#')
		return -1;
	char *v = strdup(value);
	if (!v)
		return -1;
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->names[i], name)) {
			free(env->values[i]);
			env->values[i] = v;
			return 0;
		}
	char *n = strdup(name);
	if (!n || append_var(env, n, v)) {
		free(n);
		free(v);
		return -1;
	}
	return 0;
}

void grubenv_unset(struct grubenv *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->names[i], name)) {
			free(env->names[i]);
			free(env->values[i]);
			memmove(&env->names[i], &env->names[i + 1],
				(env->n - i - 1) * sizeof(char *));
			memmove(&env->values[i], &env->values[i + 1],
				(env->n - i - 1) * sizeof(char *));
			env->n--;
			return;
		}
}

int grubenv_load(const char *path, struct grubenv *env, char *err,
		 size_t errlen)
{
	*env = (struct grubenv){ 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char buf[GRUBENV_SIZE * 4];
	ssize_t n = read(fd, buf, sizeof(buf));
	int saved = errno;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return -1;
	}
	if (grubenv_parse(buf, (size_t)n, env)) {
		snprintf(err, errlen, "%s: not a GRUB environment block", path);
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int grubenv_store(const char *path, const struct grubenv *env, char *err,
		  size_t errlen)
{
	char block[GRUBENV_SIZE];
	if (grubenv_format(env, block)) {
		snprintf(err, errlen, "%s: variables do not fit in %d bytes",
			 path, GRUBENV_SIZE);
		return -1;
	}
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	char *dir = strdup(path);
	if (!tmp || !dir) {
		free(tmp);
		free(dir);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	snprintf(tmp, plen + 16, "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	int rc = -1;
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	struct stat st;
	if (!stat(path, &st))
		(void)fchmod(fd, st.st_mode & 07777);
	else
		(void)fchmod(fd, 0644);
	if (write_all(fd, block, sizeof(block)) || fsync(fd)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	free(tmp);
	free(dir);
	return rc;
}
