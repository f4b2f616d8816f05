/* Boot media with GRUB2's own tools; see media.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bootloader/media.h"
#include "bootchain/matrix/cache.h"
#include "bootchain/matrix/util.h"

#define GRUB_LIB "/usr/lib/grub"

static const char *const ovmf_candidates[] = {
	"/usr/share/ovmf/OVMF.fd",
	"/usr/share/OVMF/OVMF.fd",
	"/usr/share/qemu/OVMF.fd",
};

/* $BOOTCHAIN_OVMF names another firmware image; otherwise the ovmf package's. */
static const char *ovmf_wanted(void)
{
	const char *env = getenv("BOOTCHAIN_OVMF");
	return env && *env ? env : ovmf_candidates[0];
}

const char *bl_ovmf_path(void)
{
	const char *env = getenv("BOOTCHAIN_OVMF");
	if (env && *env)
		return access(env, R_OK) == 0 ? env : NULL;
	for (size_t i = 0; i < sizeof(ovmf_candidates) / sizeof(ovmf_candidates[0]); i++)
		if (access(ovmf_candidates[i], R_OK) == 0)
			return ovmf_candidates[i];
	return NULL;
}

int bl_media_tools_check(bool uefi, char *err, size_t len)
{
	static const char *const tools[] = { "grub-mkrescue", "xorriso", "mformat" };
	for (size_t i = 0; i < 3; i++) {
		if (!uefi && i == 2)
			break;
		if (!mx_on_path(tools[i])) {
			mx_fmt(err, len, "%s not found on PATH (packages grub-common, xorriso, mtools)",
				 tools[i]);
			return -1;
		}
	}
	const char *platform = uefi ? GRUB_LIB "/x86_64-efi" : GRUB_LIB "/i386-pc";
	char probe[256];
	mx_fmt(probe, sizeof(probe), "%s/linux.mod", platform);
	if (access(probe, R_OK)) {
		mx_fmt(err, len, "%s: GRUB2 platform files missing (package %s)", platform,
			 uefi ? "grub-efi-amd64-bin" : "grub-pc-bin");
		return -1;
	}
	if (uefi && !bl_ovmf_path()) {
		mx_fmt(err, len, "%s: UEFI firmware missing (package ovmf)", ovmf_wanted());
		return -1;
	}
	return 0;
}

/* The test machine's console is the first serial port; the entries are the ones grubby
 * wrote, read by GRUB2 itself. */
int bl_media_wrapper(bool legacy, char *out, size_t len)
{
	int n = mx_fmt(out, len,
			 "# bootchain boot medium: serial console, then the config grubby wrote\n"
			 "serial --unit=0 --speed=115200\n"
			 "terminal_input serial\n"
			 "terminal_output serial\n"
			 "set pager=0\n"
			 "%s\n",
			 legacy ? "legacy_configfile /boot/grub/grub.conf"
				: "configfile /boot/grub2/grub.cfg");
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* A lock file a tool left in /boot (new-kernel-pkg's names its holder's PID): no
 * loader reads it, and its content would give every run a new medium. */
static bool is_lock_file(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' && n > 5 && !strcmp(name + n - 5, ".lock");
}

/* Copy (hard link when possible) dir from -> to, hashing names and contents. */
static int stage_tree(const char *from, const char *to, struct mx_hash *h, char *err, size_t len)
{
	if (mx_mkdir_p(to)) {
		mx_fmt(err, len, "%s: cannot create: %s", to, strerror(errno));
		return -1;
	}
	/* readdir order is not stable: sort so the hash is */
	struct dirent **names;
	int n = scandir(from, &names, NULL, alphasort);
	if (n < 0) {
		mx_fmt(err, len, "%s: cannot read: %s", from, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char src[PATH_MAX], dst[PATH_MAX];
		struct stat st;
		if (!rc && strcmp(name, ".") && strcmp(name, "..") && !is_lock_file(name) &&
		    mx_fmt(src, sizeof(src), "%s/%s", from, name) < (int)sizeof(src) &&
		    mx_fmt(dst, sizeof(dst), "%s/%s", to, name) < (int)sizeof(dst) &&
		    stat(src, &st) == 0) {
			mx_hash_str(h, name);
			if (S_ISDIR(st.st_mode))
				rc = stage_tree(src, dst, h, err, len);
			else if (S_ISREG(st.st_mode) &&
				 (mx_hash_file(h, src) || (link(src, dst) && mx_copy_file(src, dst)))) {
				mx_fmt(err, len, "%s: cannot stage: %s", src, strerror(errno));
				rc = -1;
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int run_mkrescue(const struct bl_media *m, const char *out, char *err, size_t len)
{
	char *argv[] = { "grub-mkrescue", "-o", (char *)out, (char *)m->stage_dir, NULL };
	int rc = mx_run(argv, m->log);
	if (rc) {
		mx_fmt(err, len, "grub-mkrescue exited with status %d (see %s)", rc,
			 m->log ? m->log : "its output");
		return -1;
	}
	return 0;
}

int bl_media_build(struct bl_media *m, char *err, size_t len)
{
	char boot[PATH_MAX], grubdir[PATH_MAX + 8], cfg[PATH_MAX + 32], wrapper[512], key[33];
	struct mx_hash h;
	m->cached = false;
	err[0] = '\0';
	mx_fmt(boot, sizeof(boot), "%s/boot", m->stage_dir);
	if (mx_rm_rf(m->stage_dir)) {
		mx_fmt(err, len, "%s: cannot clear", m->stage_dir);
		return -1;
	}
	mx_hash_init(&h);
	mx_hash_str(&h, m->uefi ? "media-1 uefi" : "media-1 bios");
	if (stage_tree(m->boot_dir, boot, &h, err, len) || bl_media_wrapper(m->legacy, wrapper, sizeof(wrapper)))
		return -1;
	mx_fmt(grubdir, sizeof(grubdir), "%s/grub", boot);
	mx_fmt(cfg, sizeof(cfg), "%s/grub.cfg", grubdir);
	unlink(cfg); /* a staged hard link must not be written through */
	if (mx_mkdir_p(grubdir) || mx_write_file(cfg, wrapper)) {
		mx_fmt(err, len, "%s: cannot write", cfg);
		return -1;
	}
	mx_hash_str(&h, wrapper);
	mx_hash_hex(&h, key);
	if (!m->cache_dir) {
		mx_fmt(m->iso, sizeof(m->iso), "%s.iso", m->stage_dir);
		return run_mkrescue(m, m->iso, err, len);
	}
	char dir[PATH_MAX], tmp[PATH_MAX + 64];
	mx_fmt(dir, sizeof(dir), "%s/media", m->cache_dir);
	mx_fmt(m->iso, sizeof(m->iso), "%s/%s.iso", dir, key);
	if (access(m->iso, R_OK) == 0) {
		m->cached = true;
		return 0;
	}
	/* a unique temporary: other runs may share the cache at once (see cache.c) */
	mx_fmt(tmp, sizeof(tmp), "%s.tmp.XXXXXX.iso", m->iso);
	int fd = mx_mkdir_p(dir) ? -1 : mkstemps(tmp, 4);
	if (fd >= 0)
		close(fd);
	if (fd < 0 || run_mkrescue(m, tmp, err, len) || rename(tmp, m->iso)) {
		unlink(tmp);
		if (!err[0])
			mx_fmt(err, len, "%s: cannot store medium", m->iso);
		return -1;
	}
	return 0;
}
