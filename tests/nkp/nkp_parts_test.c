/* new-kernel-pkg's parts: options, paths inside a root, config discovery,
 * the sysconfig policy, titles and the grubby arguments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "grubby/new-kernel-pkg/nkp.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_in_root(const char *target, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int make_root(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/nkp-parts-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int remove_root(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static int parse(struct nkp_options *o, const char *const *args)
{
	char *argv[32] = { "new-kernel-pkg" };
	int argc = 1;
	while (*args)
		argv[argc++] = (char *)*args++;
	return nkp_parse_options(argc, argv, o);
}

static void options_in_both_spellings(void **state)
{
	(void)state;
	struct nkp_options o;
	const char *a[] = { "--mkinitrd", "--dracut", "--host-only", "--kernel-args=quiet splash", "--banner", "My OS",
			    "--multiboot=/boot/xen.gz", "--mbargs", "dom0_mem=512M", "--package=kernel", "--root=/mnt/sys",
			    "--add-dracut-args=--modules base", "--add-dracut-args", "-v", "--install", "6.1.0", NULL };
	assert_int_equal(parse(&o, a), 0);
	assert_int_equal(o.mode, NKP_INSTALL);
	assert_string_equal(o.version, "6.1.0");
	assert_true(o.mkinitrd && o.dracut && o.hostonly && o.verbose && o.add_dracut_kargs);
	assert_string_equal(o.kernel_args, "quiet splash");
	assert_string_equal(o.banner, "My OS");
	assert_string_equal(o.multiboot, "/boot/xen.gz");
	assert_string_equal(o.mbargs, "dom0_mem=512M");
	assert_string_equal(o.package, "kernel");
	assert_string_equal(o.root, "/mnt/sys");
	assert_int_equal(o.ndracut_args, 1);
	assert_string_equal(o.dracut_args[0], "--modules base");

	const char *bare[] = { "--multiboot", "--devtreedir=/d", "--devtree=/t.dtb", "--remove", "V", NULL };
	assert_int_equal(parse(&o, bare), 0);
	assert_string_equal(o.multiboot, "/boot/xen.gz"); /* upstream's default for a bare --multiboot */
	assert_string_equal(o.devtreedir, "/d");
	assert_string_equal(o.devtree, "/t.dtb");
	assert_int_equal(o.mode, NKP_REMOVE);
}

static void bad_command_lines(void **state)
{
	(void)state;
	struct nkp_options o;
	const char *no_mode[] = { "6.1.0", NULL };
	const char *no_version[] = { "--install", NULL };
	const char *two_modes[] = { "--install", "--remove", "V", NULL };
	const char *default_on_remove[] = { "--make-default", "--remove", "V", NULL };
	const char *unknown[] = { "--frobnicate", "--install", "V", NULL };
	const char *missing_value[] = { "--install", "V", "--banner", NULL };
	const char *relative_root[] = { "--root=mnt", "--install", "V", NULL };
	const char *slash_version[] = { "--install", "../V", NULL };
	const char *const *bad[] = { no_mode, no_version, two_modes, default_on_remove, unknown, missing_value,
				     relative_root, slash_version };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(&o, bad[i]) != -1)
			fail_msg("command line %zu was accepted", i);
}

static void paths_resolve_inside_the_root(void **state)
{
	(void)state;
	char *p = nkp_in_root("", "/boot/x");
	assert_string_equal(p, "/boot/x");
	free(p);
	p = nkp_in_root("/mnt/sys/", "/boot/x");
	assert_string_equal(p, "/mnt/sys/boot/x");
	free(p);

	put("/boot/grub2/grub.cfg", "# grub2\n");
	put("/etc/placeholder", "");
	/* absolute link: /boot of the root, not of this machine */
	link_in_root("/boot/grub2/grub.cfg", "/etc/grub2.cfg");
	link_in_root("../boot/grub2/grub.cfg", "/etc/grub2-rel.cfg");
	link_in_root("/etc/loop-b", "/etc/loop-a");
	link_in_root("/etc/loop-a", "/etc/loop-b");
	p = nkp_resolve_in_root(root, "/etc/grub2.cfg");
	assert_string_equal(p, "/boot/grub2/grub.cfg");
	free(p);
	p = nkp_resolve_in_root(root, "/etc/grub2-rel.cfg");
	assert_string_equal(p, "/etc/../boot/grub2/grub.cfg");
	free(p);
	assert_null(nkp_resolve_in_root(root, "/etc/loop-a"));
	assert_null(nkp_resolve_in_root(root, "/etc/missing"));
}

static void finds_each_config_once(void **state)
{
	(void)state;
	put("/boot/grub/grub.conf", "default=0\n");
	put("/boot/extlinux/extlinux.conf", "ui menu.c32\n");
	struct bootcfgs c;
	nkp_find_configs(root, &c);
	/* grub.conf, grub2 via /etc/grub2.cfg (the plain path is the same file), extlinux */
	assert_int_equal(c.n, 3);
	assert_string_equal(c.cfg[0].loader, "--grub");
	assert_non_null(strstr(c.cfg[0].path, "/boot/grub/grub.conf"));
	assert_string_equal(c.cfg[1].loader, "--grub2");
	assert_non_null(strstr(c.cfg[1].path, "/boot/grub2/grub.cfg"));
	assert_string_equal(c.cfg[2].loader, "--extlinux");
	assert_int_equal(nkp_check_writable(&c), 0);

	/* snapshots put back only what changed */
	assert_int_equal(nkp_snapshot_configs(&c), 0);
	FILE *f = fopen(c.cfg[0].path, "a");
	fputs("title broken\n", f);
	fclose(f);
	nkp_restore_configs(&c);
	f = fopen(c.cfg[0].path, "r");
	char buf[64] = "";
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_null(fgets(buf + strlen(buf), (int)(sizeof(buf) - strlen(buf)), f));
	fclose(f);
	assert_string_equal(buf, "default=0\n");
	nkp_free_configs(&c);
}

static void settings_policy(void **state)
{
	(void)state;
	struct nkp_options o = { .mode = NKP_INSTALL, .version = "V" };
	struct nkp_settings s;
	put("/etc/sysconfig/kernel", "UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel\nHYPERVISOR=/boot/xen.gz\n"
				     "HYPERVISOR_ARGS=\"dom0_mem=512M loglvl=all\"\nMAKEDEBUG=no\n");
	assert_int_equal(nkp_load_settings(&o, root, &s), 0);
	assert_string_equal(s.hypervisor, "/boot/xen.gz");
	assert_string_equal(s.hypervisor_args, "dom0_mem=512M loglvl=all");
	assert_true(s.updatedefault);
	assert_false(s.makedebug);
	assert_string_equal(s.defaultkernel, "kernel");
	nkp_free_settings(&s);

	put("/etc/sysconfig/kernel", "HYPERVISOR=\"$(touch /tmp/x)\"\n");
	assert_int_equal(nkp_load_settings(&o, root, &s), -1);
	o.multiboot = "/boot/xen.gz"; /* the command line replaces the refused key */
	assert_int_equal(nkp_load_settings(&o, root, &s), 0);
	nkp_free_settings(&s);
	o.multiboot = NULL;
	o.mode = NKP_REMOVE; /* removing does not need it */
	assert_int_equal(nkp_load_settings(&o, root, &s), 0);
	nkp_free_settings(&s);

	o.mode = NKP_INSTALL;
	put("/etc/sysconfig/kernel", "HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS=`id`\n");
	assert_int_equal(nkp_load_settings(&o, root, &s), -1);
	put("/etc/sysconfig/kernel", "HYPERVISOR=\nHYPERVISOR_ARGS=`id`\nUPDATEDEFAULT=$YES\n");
	assert_int_equal(nkp_load_settings(&o, root, &s), 0); /* plain entry: neither is needed */
	assert_null(s.hypervisor);
	assert_false(s.updatedefault);
	nkp_free_settings(&s);

	/* one rule for every line that is not read exactly: HYPERVISOR meant by it is refused */
	static const char *const refused[] = {
		"HYPERVISOR = /boot/xen.gz\n",
		"HYPERVISOR=/boot/xen.gz; touch x\n",
		"HYPERVISOR=\n. /etc/sysconfig/xen\n", /* a command could set it */
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		put("/etc/sysconfig/kernel", refused[i]);
		if (nkp_load_settings(&o, root, &s) != -1)
			fail_msg("settings case %zu was read: %s", i, refused[i]);
	}
	o.multiboot = "/boot/xen.gz";
	o.mbargs = "dom0_mem=1G"; /* both on the command line: nothing is guessed */
	assert_int_equal(nkp_load_settings(&o, root, &s), 0);
	nkp_free_settings(&s);
	o.multiboot = o.mbargs = NULL;
	o.mode = NKP_REMOVE;
	assert_int_equal(nkp_load_settings(&o, root, &s), 0);
	nkp_free_settings(&s);
}

/* Headers where the specifications put them, with their checksums. */
static void multiboot_headers(void **state)
{
	(void)state;
	static unsigned char buf[40000];
	memset(buf, 0, sizeof(buf));
	assert_null(nkp_multiboot_kind(buf, sizeof(buf)));
	const uint32_t mb2[4] = { 0xE85250D6u, 0, 24, -(0xE85250D6u + 24) };
	memcpy(buf + 32768 - 24, mb2, sizeof(mb2)); /* 8-aligned, within 32 KiB */
	assert_string_equal(nkp_multiboot_kind(buf, sizeof(buf)), "Multiboot2");
	assert_null(nkp_multiboot_kind(buf, 32768 - 24 + 8)); /* cut short */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 32768 - 20, mb2, sizeof(mb2)); /* not 8-aligned */
	assert_null(nkp_multiboot_kind(buf, sizeof(buf)));
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 32768, mb2, sizeof(mb2)); /* beyond 32 KiB */
	assert_null(nkp_multiboot_kind(buf, sizeof(buf)));
	memset(buf, 0, sizeof(buf));
	const uint32_t mb1[3] = { 0x1BADB002u, 3, -(0x1BADB002u + 3) };
	memcpy(buf + 8180, mb1, sizeof(mb1));
	assert_string_equal(nkp_multiboot_kind(buf, sizeof(buf)), "Multiboot");
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 8192, mb1, sizeof(mb1)); /* Multiboot1 must be within 8 KiB */
	assert_null(nkp_multiboot_kind(buf, sizeof(buf)));
	const uint32_t bad[3] = { 0x1BADB002u, 3, 0 };
	memcpy(buf + 64, bad, sizeof(bad)); /* wrong checksum */
	assert_null(nkp_multiboot_kind(buf, sizeof(buf)));
}

/* The real images: Xen's gzip image and our bchv pass, a kernel config does not. */
static void real_hypervisor_images(void **state)
{
	(void)state;
	char why[200], bchv[512];
	const char *build = getenv("BUILD");
	snprintf(bchv, sizeof(bchv), "%s/boot/bchv.gz", build && *build ? build : "build");
	const char *good[] = { "/boot/xen-4.17-amd64.gz", bchv };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (access(good[i], R_OK)) {
			print_message("# skipped %s: not here\n", good[i]);
			continue;
		}
		if (nkp_check_multiboot(good[i], why, sizeof(why)))
			fail_msg("%s refused: %s", good[i], why);
	}
	put("/boot/config-V", "CONFIG_X86_64=y\n");
	char path[512];
	snprintf(path, sizeof(path), "%s/boot/config-V", root);
	assert_int_equal(nkp_check_multiboot(path, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not a multiboot kernel"));
	snprintf(path, sizeof(path), "%s/boot/missing", root);
	assert_int_equal(nkp_check_multiboot(path, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot be read"));
}

static void titles(void **state)
{
	(void)state;
	char *t = nkp_title(root, "Banner", "V");
	assert_string_equal(t, "Banner (V)");
	free(t);
	t = nkp_title(root, NULL, "V");
	assert_string_equal(t, "Red Hat Linux (V)");
	free(t);
	put("/etc/redhat-release", "Fedora release 27 (Twenty Seven)\n");
	t = nkp_title(root, NULL, "V");
	assert_string_equal(t, "Fedora (V)");
	free(t);
	put("/etc/os-release", "NAME=\"Debian GNU/Linux\"\nVERSION=\"12 (bookworm)\"\n");
	t = nkp_title(root, NULL, "V");
	assert_string_equal(t, "Debian GNU/Linux (V) 12 (bookworm)");
	free(t);
}

static void root_device_and_dracut_kargs(void **state)
{
	(void)state;
	char *d = nkp_root_device(root);
	assert_null(d); /* no fstab, and the running kernel's root= does not count in a root */
	assert_false(nkp_separate_boot(root));
	put("/etc/fstab", "# comment\nUUID=abc /boot ext4 defaults 0 2\nUUID=def / xfs defaults 0 1\n");
	d = nkp_root_device(root);
	assert_string_equal(d, "UUID=def");
	free(d);
	assert_true(nkp_separate_boot(root));
	put("/etc/vconsole.conf", "KEYMAP=us\nFONT=latarcyrheb-sun16\n");
	put("/etc/locale.conf", "LANG=en_US.UTF-8\n");
	char *k = nkp_dracut_kargs(root, "root=UUID=def");
	assert_string_equal(k, "root=UUID=def rd.vconsole.keymap=\"us\" rd.vconsole.font=\"latarcyrheb-sun16\" "
			       "rd.locale.LANG=\"en_US.UTF-8\"");
	free(k);
}

static void grubby_arguments(void **state)
{
	(void)state;
	struct bootcfg cfg = { .loader = "--grub2", .path = "/r/boot/grub2/grub.cfg" };
	struct nkp_plan p = {
		.grubby = "grubby", .kernel = "/boot/vmlinuz-V", .initrd = "/boot/initramfs-V.img",
		.mbkernel = "/boot/xen.gz", .mbargs = "dom0_mem=512M", .title = "OS (V)", .args = "root=/dev/sda1",
		.make_default = true, .bad_image_okay = true,
	};
	char **a = nkp_grubby_argv(&p, &cfg, NKP_ADD);
	const char *want[] = { "grubby", "--grub2", "-c", "/r/boot/grub2/grub.cfg", "--bad-image-okay",
			       "--add-kernel=/boot/vmlinuz-V", "--initrd=/boot/initramfs-V.img",
			       "--add-multiboot=/boot/xen.gz", "--mbargs=dom0_mem=512M", "--copy-default",
			       "--new-entry-if-no-template", "--unique-id", "--title=OS (V)", "--remove-kernel=/boot/vmlinuz-V", "--make-default",
			       "--args=root=/dev/sda1", NULL };
	for (size_t i = 0; want[i] || a[i]; i++) {
		if (!want[i] || !a[i] || strcmp(want[i], a[i]))
			fail_msg("argument %zu: got '%s', wanted '%s'", i, a[i] ? a[i] : "(end)", want[i] ? want[i] : "(end)");
	}
	nkp_free_argv(a);

	a = nkp_grubby_argv(&p, &cfg, NKP_ADD_DEBUG);
	bool debug_title = false, debug_args = false, no_default = true;
	for (char **x = a; *x; x++) {
		debug_title |= !strcmp(*x, "--title=OS (V) with debugging");
		debug_args |= strstr(*x, "--args=root=/dev/sda1 systemd.log_level=debug") == *x;
		no_default &= strcmp(*x, "--make-default") != 0;
	}
	assert_true(debug_title && debug_args && no_default);
	nkp_free_argv(a);

	a = nkp_grubby_argv(&p, &cfg, NKP_REMOVE_KERNEL);
	assert_string_equal(a[5], "--remove-kernel=/boot/vmlinuz-V");
	assert_null(a[6]);
	nkp_free_argv(a);

	p.remove_args = "quiet";
	a = nkp_grubby_argv(&p, &cfg, NKP_UPDATE_KERNEL);
	assert_string_equal(a[5], "--update-kernel=/boot/vmlinuz-V");
	assert_string_equal(a[6], "--initrd=/boot/initramfs-V.img");
	/* grubby needs the hypervisor to put the initrd in a multiboot entry */
	assert_string_equal(a[7], "--add-multiboot=/boot/xen.gz");
	assert_string_equal(a[8], "--args=root=/dev/sda1");
	assert_string_equal(a[9], "--remove-args=quiet");
	assert_null(a[10]);
	nkp_free_argv(a);

	/* inside a root, where /boot is comes from the root's fstab, not this machine */
	p.boot_fs = "/boot";
	a = nkp_grubby_argv(&p, &cfg, NKP_REMOVE_KERNEL);
	assert_string_equal(a[6], "--boot-filesystem=/boot");
	assert_null(a[7]);
	nkp_free_argv(a);
	p.mbkernel = NULL;
	a = nkp_grubby_argv(&p, &cfg, NKP_UPDATE_KERNEL);
	assert_string_equal(a[7], "--args=root=/dev/sda1");
	nkp_free_argv(a);
}

static void finds_grubby_from_the_environment(void **state)
{
	(void)state;
	setenv("NEWKERNELPKG_GRUBBY", "/bin/true", 1);
	char *g = nkp_find_grubby("new-kernel-pkg");
	assert_string_equal(g, "/bin/true");
	free(g);
	setenv("NEWKERNELPKG_GRUBBY", "/nonexistent/grubby", 1);
	assert_null(nkp_find_grubby("new-kernel-pkg"));
	unsetenv("NEWKERNELPKG_GRUBBY");
}

static void pending_work_is_recorded(void **state)
{
	(void)state;
	assert_false(nkp_is_pending(root, "V"));
	assert_int_equal(nkp_mark_pending(root, "V"), 0);
	assert_true(nkp_is_pending(root, "V"));
	assert_false(nkp_is_pending(root, "W"));
	nkp_clear_pending(root, "V");
	assert_false(nkp_is_pending(root, "V"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_in_both_spellings),
		cmocka_unit_test(bad_command_lines),
		cmocka_unit_test(paths_resolve_inside_the_root),
		cmocka_unit_test(finds_each_config_once),
		cmocka_unit_test(settings_policy),
		cmocka_unit_test(multiboot_headers),
		cmocka_unit_test(real_hypervisor_images),
		cmocka_unit_test(titles),
		cmocka_unit_test(root_device_and_dracut_kargs),
		cmocka_unit_test(grubby_arguments),
		cmocka_unit_test(finds_grubby_from_the_environment),
		cmocka_unit_test(pending_work_is_recorded),
	};
	return cmocka_run_group_tests(tests, make_root, remove_root);
}
