/* The initramfs builder's cpio writer and compressors, the dracut command
 * line, and the program runner: read back and checked field by field. */
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
#include <lzma.h>
#include <zlib.h>
#include "initramfs/compress.h"
#include "initramfs/cpio.h"
#include "initramfs/dracut.h"
#include "initramfs/run.h"

struct parsed {
	char name[256];
	unsigned mode, nlink, rmajor, rminor;
	size_t size;
	const unsigned char *data;
};

static unsigned hex8(const unsigned char *p)
{
	char tmp[9];
	memcpy(tmp, p, 8);
	tmp[8] = '\0';
	return (unsigned)strtoul(tmp, NULL, 16);
}

/* Parse the entry at *OFF of a newc archive; false at the trailer. */
static bool next_entry(const struct bytebuf *b, size_t *off, struct parsed *e)
{
	const unsigned char *h = b->data + *off;
	assert_true(*off + 110 <= b->len);
	assert_memory_equal(h, "070701", 6);
	e->mode = hex8(h + 14);
	e->nlink = hex8(h + 38);
	e->size = hex8(h + 54);
	e->rmajor = hex8(h + 78);
	e->rminor = hex8(h + 86);
	size_t namesize = hex8(h + 94);
	assert_true(namesize > 0 && namesize < sizeof(e->name));
	memcpy(e->name, h + 110, namesize);
	assert_int_equal(e->name[namesize - 1], '\0');
	size_t data_off = (*off + 110 + namesize + 3) & ~(size_t)3;
	e->data = b->data + data_off;
	*off = (data_off + e->size + 3) & ~(size_t)3;
	assert_true(*off <= b->len);
	return strcmp(e->name, "TRAILER!!!") != 0;
}

static void archive_layout(void **state)
{
	(void)state;
	struct cpio_tree t = { 0 };
	char err[256];
	assert_int_equal(cpio_add_node(&t, "/dev/console", CPIO_CHARDEV, 0600, 5, 1, err, sizeof(err)), 0);
	assert_int_equal(cpio_add_data(&t, "//etc/./motd", 0644, "hello\n", 6, err, sizeof(err)), 0);
	assert_int_equal(cpio_add_data(&t, "/etc/motd", 0600, "bye", 3, err, sizeof(err)), 0); /* replaces */
	assert_int_equal(cpio_add_symlink(&t, "/bin/sh", "busybox", err, sizeof(err)), 0);
	assert_int_equal(cpio_add_dir(&t, "/dev", 0700, err, sizeof(err)), 0); /* merges, keeps 0755 */
	struct bytebuf b = { 0 };
	assert_int_equal(cpio_write(&t, &b, err, sizeof(err)), 0);
	assert_int_equal(b.len % 4, 0);

	static const struct {
		const char *name;
		unsigned mode;
		const char *data;
	} want[] = {
		{ "dev", 040755, "" },       { "dev/console", 020600, "" }, { "etc", 040755, "" },
		{ "etc/motd", 0100600, "bye" }, { "bin", 040755, "" },      { "bin/sh", 0120777, "busybox" },
	};
	size_t off = 0, i = 0;
	struct parsed e;
	while (next_entry(&b, &off, &e)) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_string_equal(e.name, want[i].name);
		assert_int_equal(e.mode, want[i].mode);
		assert_int_equal(e.size, strlen(want[i].data));
		assert_memory_equal(e.data, want[i].data, e.size);
		if (!strcmp(e.name, "dev/console")) {
			assert_int_equal(e.rmajor, 5);
			assert_int_equal(e.rminor, 1);
		}
		assert_int_equal(e.nlink, (e.mode & 040000) ? 2 : 1);
		i++;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	assert_int_equal(off, b.len);
	bytebuf_free(&b);
	cpio_free(&t);
}

static void refuses_bad_paths(void **state)
{
	(void)state;
	struct cpio_tree t = { 0 };
	char err[256];
	assert_int_equal(cpio_add_dir(&t, "/../etc", 0755, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a path inside the image"));
	assert_int_equal(cpio_add_dir(&t, "/", 0755, err, sizeof(err)), -1);
	assert_int_equal(cpio_add_data(&t, "/f", 0644, "x", 1, err, sizeof(err)), 0);
	assert_int_equal(cpio_add_data(&t, "/f/g", 0644, "x", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "non-directory"));
	assert_int_equal(cpio_add_data(&t, "/d/g", 0644, "x", 1, err, sizeof(err)), 0);
	assert_int_equal(cpio_add_data(&t, "/d", 0644, "x", 1, err, sizeof(err)), -1);
	assert_int_equal(cpio_add_file(&t, "/missing", 0644, "/nonexistent/file", err, sizeof(err)), 0);
	struct bytebuf b = { 0 };
	assert_int_equal(cpio_write(&t, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/file: cannot read"));
	bytebuf_free(&b);
	cpio_free(&t);
}

static void sample(struct bytebuf *in)
{
	for (unsigned i = 0; i < 200000; i++) {
		unsigned char c = (unsigned char)((i * 7919u) >> 5 ^ (i % 13));
		assert_int_equal(bytebuf_append(in, &c, 1), 0);
	}
}

static void gzip_round_trip(void **state)
{
	(void)state;
	struct bytebuf in = { 0 }, out = { 0 };
	char err[256];
	sample(&in);
	assert_int_equal(ir_compress(IR_COMPRESS_GZIP, in.data, in.len, &out, err, sizeof(err)), 0);
	assert_int_equal(out.data[0], 0x1f);
	assert_int_equal(out.data[1], 0x8b);
	unsigned char *back = malloc(in.len + 16);
	z_stream z = { 0 };
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = out.data;
	z.avail_in = (uInt)out.len;
	z.next_out = back;
	z.avail_out = (uInt)in.len + 16;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, in.len);
	assert_memory_equal(back, in.data, in.len);
	inflateEnd(&z);
	free(back);
	bytebuf_free(&in);
	bytebuf_free(&out);
}

static void xz_round_trip_with_crc32(void **state)
{
	(void)state;
	struct bytebuf in = { 0 }, out = { 0 };
	char err[256];
	sample(&in);
	assert_int_equal(ir_compress(IR_COMPRESS_XZ, in.data, in.len, &out, err, sizeof(err)), 0);
	lzma_stream_flags flags;
	assert_int_equal(lzma_stream_header_decode(&flags, out.data), LZMA_OK);
	assert_int_equal(flags.check, LZMA_CHECK_CRC32); /* what the kernel's xz decoder accepts */
	unsigned char *back = malloc(in.len);
	uint64_t memlimit = UINT64_MAX;
	size_t in_pos = 0, out_pos = 0;
	assert_int_equal(lzma_stream_buffer_decode(&memlimit, 0, NULL, out.data, &in_pos, out.len, back, &out_pos, in.len),
			 LZMA_OK);
	assert_int_equal(out_pos, in.len);
	assert_memory_equal(back, in.data, in.len);
	free(back);
	bytebuf_free(&in);
	bytebuf_free(&out);
}

static void compression_names(void **state)
{
	(void)state;
	assert_int_equal(ir_compression_from_name("gzip"), IR_COMPRESS_GZIP);
	assert_int_equal(ir_compression_from_name("xz"), IR_COMPRESS_XZ);
	assert_int_equal(ir_compression_from_name("none"), IR_COMPRESS_NONE);
	assert_int_equal(ir_compression_from_name("lz4"), -1);
}

static bool has_pair(char **argv, const char *a, const char *b)
{
	for (; *argv && argv[1]; argv++)
		if (!strcmp(argv[0], a) && (!b || !strcmp(argv[1], b)))
			return true;
	return false;
}

static void dracut_command_lines(void **state)
{
	(void)state;
	char *extra[] = { "--modules", "base" };
	struct dracut_request q = { .version = "6.1.0", .output = "/boot/initramfs-6.1.0.img", .extra = extra, .nextra = 2 };
	char err[256];
	char **a = dracut_argv(&q, err, sizeof(err));
	const char *plain[] = { "dracut", "--force", "--modules", "base", "/boot/initramfs-6.1.0.img", "6.1.0", NULL };
	for (size_t i = 0; plain[i] || a[i]; i++)
		assert_string_equal(a[i] ? a[i] : "(end)", plain[i] ? plain[i] : "(end)");
	dracut_free_argv(a);

	char root[] = "/tmp/nkp-dracut-XXXXXX", path[256];
	assert_non_null(mkdtemp(root));
	q.root = root;
	q.hostonly = true;
	assert_null(dracut_argv(&q, err, sizeof(err)));
	assert_non_null(strstr(err, "no kernel modules for 6.1.0"));

	snprintf(path, sizeof(path), "mkdir -p %s/lib/modules/6.1.0 %s/etc/dracut.conf.d", root, root);
	assert_int_equal(system(path), 0);
	a = dracut_argv(&q, err, sizeof(err));
	assert_non_null(a);
	assert_string_equal(a[1], "--hostonly");
	snprintf(path, sizeof(path), "%s/lib/modules/6.1.0", root);
	assert_true(has_pair(a, "--kmoddir", path)); /* a sandbox root: the host's dracut */
	assert_true(has_pair(a, "--conf", "/dev/null"));
	snprintf(path, sizeof(path), "%s/etc/dracut.conf.d", root);
	assert_true(has_pair(a, "--confdir", path));
	assert_false(has_pair(a, "--sysroot", NULL));
	dracut_free_argv(a);

	snprintf(path, sizeof(path), "mkdir -p %s/usr/lib/dracut && touch %s/usr/lib/dracut/dracut-init.sh %s/etc/dracut.conf",
		 root, root, root);
	assert_int_equal(system(path), 0);
	a = dracut_argv(&q, err, sizeof(err));
	assert_true(has_pair(a, "--sysroot", root)); /* a full image: its own dracut */
	snprintf(path, sizeof(path), "%s/etc/dracut.conf", root);
	assert_true(has_pair(a, "--conf", path));
	dracut_free_argv(a);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

static void xen_dom0_drivers_from_modules_dep(void **state)
{
	(void)state;
	char root[] = "/tmp/nkp-xen-XXXXXX", path[256];
	assert_non_null(mkdtemp(root));
	char *none = dracut_xen_dom0_drivers(root, "6.1.0"); /* no modules.dep: nothing to add */
	assert_string_equal(none, "");
	free(none);
	snprintf(path, sizeof(path), "mkdir -p %s/lib/modules/6.1.0", root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/lib/modules/6.1.0/modules.dep", root);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("kernel/drivers/xen/xen-evtchn.ko.xz:\n"
	      "kernel/drivers/block/xen-blkback/xen-blkback.ko: kernel/drivers/xen/xen-evtchn.ko.xz\n"
	      "kernel/drivers/block/xen-blkfront.ko:\n"        /* a frontend: not for dom0 */
	      "kernel/drivers/xen/xen-evtchn-extra.ko:\n",     /* a longer name is another module */
	      f);
	fclose(f);
	char *drivers = dracut_xen_dom0_drivers(root, "6.1.0");
	assert_string_equal(drivers, "xen-evtchn xen-blkback");
	free(drivers);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

/* The shared argv builder: copies, formats, NULL-terminates, and a failed
 * addition (here a NULL argument) makes the whole vector fail, freed. */
static void argv_builder_builds_or_fails_whole(void **state)
{
	(void)state;
	struct run_argv b = { 0 };
	char opt[] = "--kver";
	run_argv_add(&b, "dracut");
	run_argv_add(&b, opt);
	opt[2] = 'X';   /* the builder keeps its own copy */
	run_argv_addf(&b, "%s/%d", "/boot", 42);
	char **a = run_argv_finish(&b);
	assert_non_null(a);
	assert_string_equal(a[0], "dracut");
	assert_string_equal(a[1], "--kver");
	assert_string_equal(a[2], "/boot/42");
	assert_null(a[3]);
	run_free_argv(a);

	struct run_argv bad = { 0 };
	run_argv_add(&bad, "first");
	run_argv_add(&bad, NULL);
	assert_true(bad.oom);
	run_argv_add(&bad, "after");
	assert_int_equal(bad.n, 1);
	assert_null(run_argv_finish(&bad));
	run_free_argv(NULL);
}

static void runner_reports_status_and_tail(void **state)
{
	(void)state;
	struct run_result r;
	char *ok[] = { "sh", "-c", "echo out; echo err >&2", NULL };
	assert_int_equal(run_program(ok, false, &r), 0);
	assert_string_equal(r.tail, "out\nerr\n");
	char *bad[] = { "sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done; exit 7", NULL };
	assert_int_equal(run_program(bad, false, &r), -1);
	assert_int_equal(r.status, 7);
	assert_int_equal(strlen(r.tail), RUN_TAIL - 1);
	assert_non_null(strstr(r.tail, "line2999\n"));
	char buf[128];
	assert_string_equal(run_describe(&r, buf, sizeof(buf)), "exit status 7");
	char *missing[] = { "/nonexistent/program", NULL };
	assert_int_equal(run_program(missing, false, &r), -1);
	assert_int_equal(r.status, -1);
	assert_non_null(strstr(run_describe(&r, buf, sizeof(buf)), "could not start"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(archive_layout),
		cmocka_unit_test(refuses_bad_paths),
		cmocka_unit_test(gzip_round_trip),
		cmocka_unit_test(xz_round_trip_with_crc32),
		cmocka_unit_test(compression_names),
		cmocka_unit_test(dracut_command_lines),
		cmocka_unit_test(xen_dom0_drivers_from_modules_dep),
		cmocka_unit_test(argv_builder_builds_or_fails_whole),
		cmocka_unit_test(runner_reports_status_and_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
