/* The ESP image builder (bootloader/esp.c) with the real mtools: the files listed are
 * on the image where the list says, an image with the same contents comes from the
 * cache, and a tool that fails is named in one line with the file it worked on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "bootloader/esp.h"
#include "bootchain/matrix/util.h"
#include "tests/boot/scratch_dir.h"

static int setup(void **state)
{
	(void)state;
	if (scratch_make())
		return -1;
	mx_mkdir_p(in_dir("boot/loader/entries"));
	mx_write_file(in_dir("boot/vmlinuz-1"), "kernel 1\n");
	mx_write_file(in_dir("boot/loader/entries/a-1.conf"), "title one\nlinux /vmlinuz-1\n");
	mx_write_file(in_dir("boot/.lock"), "");
	mx_write_file(in_dir("loader.efi"), "an EFI program\n");
	return 0;
}

/* mtype's view of FILE on IMG, or "" */
static char *on_image(const char *img, const char *file)
{
	static char text[256];
	char cmd[PATH_MAX * 2];
	snprintf(cmd, sizeof(cmd), "mtype -i '%s' '::/%s' 2>/dev/null", img, file);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(text, 1, sizeof(text) - 1, p) : 0;
	text[n] = '\0';
	if (p)
		pclose(p);
	return text;
}

static void fill(struct bl_esp *e, char *err, size_t len)
{
	assert_int_equal(bl_esp_add(e, in_dir("loader.efi"), "EFI/BOOT/BOOTX64.EFI"), 0);
	assert_int_equal(bl_esp_add_tree(e, in_dir("boot"), "", err, len), 0);
}

static void esp_files_where_the_list_says(void **state)
{
	(void)state;
	char err[512];
	if (bl_esp_tools_check(err, sizeof(err)) || !mx_on_path("mtype"))
		skip();
	struct bl_esp e = { .cache_dir = in_dir("cache"), .log = in_dir("esp.log") };
	fill(&e, err, sizeof(err));
	assert_int_equal(e.n, 3); /* the dot file is left out */
	assert_int_equal(bl_esp_build(&e, err, sizeof(err)), 0);
	assert_false(e.cached);
	assert_string_equal(on_image(e.img, "EFI/BOOT/BOOTX64.EFI"), "an EFI program\n");
	assert_string_equal(on_image(e.img, "vmlinuz-1"), "kernel 1\n");
	assert_string_equal(on_image(e.img, "loader/entries/a-1.conf"), "title one\nlinux /vmlinuz-1\n");
	assert_string_equal(on_image(e.img, ".lock"), "");
	char first[PATH_MAX];
	snprintf(first, sizeof(first), "%s", e.img);
	bl_esp_free(&e);

	/* the same contents: the cached image; other contents: another one */
	struct bl_esp again = { .cache_dir = in_dir("cache"), .log = in_dir("esp.log") };
	fill(&again, err, sizeof(err));
	assert_int_equal(bl_esp_build(&again, err, sizeof(err)), 0);
	assert_true(again.cached);
	assert_string_equal(again.img, first);
	bl_esp_free(&again);
	mx_write_file(in_dir("boot/vmlinuz-1"), "kernel 1, rebuilt\n");
	struct bl_esp changed = { .work_img = in_dir("work.img"), .log = in_dir("esp.log") };
	fill(&changed, err, sizeof(err));
	assert_int_equal(bl_esp_build(&changed, err, sizeof(err)), 0);
	assert_false(changed.cached);
	assert_string_equal(changed.img, in_dir("work.img"));
	assert_string_equal(on_image(changed.img, "vmlinuz-1"), "kernel 1, rebuilt\n");
	bl_esp_free(&changed);
}

static void esp_errors_name_tool_and_file(void **state)
{
	(void)state;
	char err[512];
	if (bl_esp_tools_check(err, sizeof(err)))
		skip();
	struct bl_esp e = { .work_img = in_dir("bad.img"), .log = in_dir("bad.log") };
	assert_int_equal(bl_esp_add(&e, in_dir("no-such-file"), "x"), 0);
	assert_int_equal(bl_esp_build(&e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-file: cannot read"));
	bl_esp_free(&e);

	/* an mcopy that fails: its name, the file, its last line; no image left behind */
	mx_mkdir_p(in_dir("bin"));
	mx_write_file(in_dir("bin/mcopy"), "#!/bin/sh\necho 'mcopy: disk full' >&2\nexit 1\n");
	chmod(in_dir("bin/mcopy"), 0755);
	char path[PATH_MAX * 2];
	const char *old = getenv("PATH");
	snprintf(path, sizeof(path), "%s:%s", in_dir("bin"), old ? old : "/usr/bin:/bin");
	char *saved = strdup(old ? old : "");
	setenv("PATH", path, 1);
	struct bl_esp f = { .work_img = in_dir("bad.img"), .log = in_dir("bad.log") };
	assert_int_equal(bl_esp_add(&f, in_dir("loader.efi"), "EFI/BOOT/BOOTX64.EFI"), 0);
	int rc = bl_esp_build(&f, err, sizeof(err));
	setenv("PATH", saved, 1);
	free(saved);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "loader.efi: mcopy exited with status 1: mcopy: disk full"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(access(in_dir("bad.img"), F_OK), -1);
	bl_esp_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(esp_files_where_the_list_says),
		cmocka_unit_test(esp_errors_name_tool_and_file),
	};
	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
