/* bzImage parsing and payload decompression on synthetic and Debian images. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hypervisor/loader/loader.h"
#include "tests/loader/ld_testlib.h"

static const u8 elf_payload[] = "\x7f" "ELF\x02\x01\x01 a tiny fake vmlinux\x00\x00\x00\x00";

static struct ld_buf default_image(void)
{
	struct ld_bz_spec spec = { .setup_sects = 1, .version = "6.6.6-test (me@here) #1", .pm_prefix = 0x40 };
	return ld_make_bzimage(&spec, elf_payload, sizeof(elf_payload));
}

static void parses_header_fields(void **state)
{
	(void)state;
	struct ld_buf img = default_image();
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img.data, img.len, &bz), BC_LD_OK);
	assert_int_equal(bz.protocol, 0x020F);
	assert_int_equal(bz.setup_sects, 1);
	assert_int_equal(bz.setup_len, 1024);
	assert_int_equal(bz.header_end, 0x26C);
	assert_int_equal(bz.kernel_alignment, 0x200000);
	assert_int_equal(bz.xloadflags, 0x7F);
	assert_int_equal(bz.cmdline_size, 2047);
	assert_true(bz.pref_address == 0x1000000);
	assert_int_equal(bz.init_size, 0x2000000);
	assert_ptr_equal(bz.pm, img.data + 1024);
	assert_ptr_equal(bz.payload, img.data + 1024 + 0x40);
	assert_int_equal(bz.payload_len, sizeof(elf_payload));
	assert_true(bz.payload_is_elf);
	assert_int_equal(bz.decompressed_size, sizeof(elf_payload));
	assert_null(bz.codec);
	assert_int_equal(bz.version_len, strlen("6.6.6-test (me@here) #1"));
	assert_memory_equal(bz.version, "6.6.6-test", 10);
	ld_buf_free(&img);
}

static void zero_setup_sects_means_four(void **state)
{
	(void)state;
	struct ld_bz_spec spec = { .setup_sects = 0 };
	struct ld_buf img = ld_make_bzimage(&spec, elf_payload, sizeof(elf_payload));
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img.data, img.len, &bz), BC_LD_OK);
	assert_int_equal(bz.setup_sects, 4);
	assert_int_equal(bz.setup_len, 5 * 512);
	assert_ptr_equal(bz.payload, img.data + 5 * 512);
	assert_null(bz.version);
	ld_buf_free(&img);
}

static void expect_failure(struct ld_buf *img, int status, const char *reason_part)
{
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img->data, img->len, &bz), status);
	assert_non_null(strstr(bc_ld_reason(), reason_part));
}

static void rejects_bad_headers(void **state)
{
	(void)state;
	struct ld_buf img = default_image();
	img.data[0x1FE] = 0;
	expect_failure(&img, BC_LD_NOT_KERNEL, "0xAA55");
	img.data[0x1FE] = 0x55;
	img.data[0x203] = 'X';
	expect_failure(&img, BC_LD_NOT_KERNEL, "HdrS");
	img.data[0x203] = 'd';
	img.data[0x206] = 0x07;            /* protocol 2.07 */
	expect_failure(&img, BC_LD_UNSUPPORTED, "2.08");
	img.data[0x206] = 0x0F;
	img.data[0x211] = 0;               /* zImage */
	expect_failure(&img, BC_LD_UNSUPPORTED, "zImage");
	img.data[0x211] = 1;
	img.data[0x201] = 0x20;            /* header too short for the payload fields */
	expect_failure(&img, BC_LD_INVALID, "header length");
	img.data[0x201] = 0x6A;
	img.data[0x24C] = 0xFF;            /* payload_length past EOF */
	expect_failure(&img, BC_LD_INVALID, "outside");
	img.data[0x24C] = 3;               /* shorter than the size trailer */
	expect_failure(&img, BC_LD_INVALID, "trailer");
	img.data[0x24C] = (u8)sizeof(elf_payload);
	img.data[0x1F1] = 200;             /* setup past EOF */
	expect_failure(&img, BC_LD_INVALID, "setup sectors");
	ld_buf_free(&img);
}

static void rejects_every_truncation(void **state)
{
	(void)state;
	struct ld_buf img = default_image();
	struct bc_bzimage bz;
	/* any prefix that cuts the payload short must fail, never read past LEN */
	for (size_t len = 0; len < img.len; len++) {
		u8 *copy = malloc(len ? len : 1);
		memcpy(copy, img.data, len);
		assert_int_not_equal(bc_bzimage_parse(copy, len, &bz), BC_LD_OK);
		free(copy);
	}
	ld_buf_free(&img);
}

static void copies_an_elf_payload(void **state)
{
	(void)state;
	struct ld_buf img = default_image();
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img.data, img.len, &bz), BC_LD_OK);
	u8 out[sizeof(elf_payload)];
	size_t n = 0;
	assert_int_equal(bc_kernel_decompress(&bz, out, sizeof(out) - 1, NULL, &n), BC_LD_NOSPACE);
	assert_int_equal(bc_kernel_decompress(&bz, out, sizeof(out), NULL, &n), BC_LD_OK);
	assert_int_equal(n, sizeof(elf_payload));
	assert_memory_equal(out, elf_payload, n);
	ld_buf_free(&img);
}

static void unknown_compression_is_reported(void **state)
{
	(void)state;
	const u8 junk[] = "JUNKJUNKJUNK\x0c\x00\x00\x00";
	struct ld_bz_spec spec = { .setup_sects = 1 };
	struct ld_buf img = ld_make_bzimage(&spec, junk, sizeof(junk) - 1);
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img.data, img.len, &bz), BC_LD_OK);
	assert_null(bz.codec);
	assert_false(bz.payload_is_elf);
	assert_int_equal(bz.decompressed_size, 12);
	u8 out[64];
	size_t n;
	assert_int_equal(bc_kernel_decompress(&bz, out, sizeof(out), NULL, &n), BC_LD_UNSUPPORTED);
	assert_non_null(strstr(bc_ld_reason(), "not recognised"));
	ld_buf_free(&img);
}

static void *env_alloc(void *ctx, size_t n) { (void)ctx; return malloc(n); }
static void env_free(void *ctx, void *p) { (void)ctx; free(p); }
static const struct bc_dc_env env = { .alloc = env_alloc, .free = env_free };

static void decompresses_a_gzip_payload(void **state)
{
	(void)state;
	u8 vmlinux[5000];
	for (size_t i = 0; i < sizeof(vmlinux); i++)
		vmlinux[i] = (u8)(i % 251 ^ i / 97);
	memcpy(vmlinux, "\x7f" "ELF", 4);
	struct ld_buf gz = ld_gzip(vmlinux, sizeof(vmlinux));
	struct ld_bz_spec spec = { .setup_sects = 2, .pm_prefix = 0x100 };
	struct ld_buf img = ld_make_bzimage(&spec, gz.data, gz.len);
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img.data, img.len, &bz), BC_LD_OK);
	assert_non_null(bz.codec);
	assert_string_equal(bz.codec->name, "gzip");
	assert_int_equal(bz.decompressed_size, sizeof(vmlinux));
	u8 *out = malloc(sizeof(vmlinux));
	size_t n = 0;
	int st = bc_kernel_decompress(&bz, out, sizeof(vmlinux), &env, &n);
	if (st == BC_LD_UNSUPPORTED) {
		free(out);
		ld_buf_free(&gz);
		ld_buf_free(&img);
		skip();   /* our gzip decoder has not landed yet */
	}
	assert_int_equal(st, BC_LD_OK);
	assert_int_equal(n, sizeof(vmlinux));
	assert_memory_equal(out, vmlinux, n);
	free(out);
	ld_buf_free(&gz);
	ld_buf_free(&img);
}

static void parse_debian(bool cloud, const char *codec)
{
	const char *path = ld_debian_kernel(cloud);
	if (!path)
		skip();   /* linux-image-(cloud-)amd64 not installed */
	struct ld_buf img;
	assert_int_equal(ld_read_file(path, &img), 0);
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img.data, img.len, &bz), BC_LD_OK);
	assert_true(bz.protocol >= 0x020F);
	assert_non_null(bz.codec);
	assert_string_equal(bz.codec->name, codec);
	assert_true(bz.decompressed_size > bz.payload_len);
	assert_non_null(bz.version);
	assert_true(bz.xloadflags & 1);   /* XLF_KERNEL_64 */
	ld_buf_free(&img);
}

static void parses_debian_amd64(void **state) { (void)state; parse_debian(false, "xz"); }
static void parses_debian_cloud(void **state) { (void)state; parse_debian(true, "lz4"); }

/* Our decoder's output equals the reference library's on the real kernels. */
static void decompress_debian(bool cloud)
{
	const char *path = ld_debian_kernel(cloud);
	if (!path)
		skip();
	struct ld_buf img, ref;
	char why[128];
	assert_int_equal(ld_read_file(path, &img), 0);
	struct bc_bzimage bz;
	assert_int_equal(bc_bzimage_parse(img.data, img.len, &bz), BC_LD_OK);
	u8 *out = malloc(bz.decompressed_size);
	size_t n = 0;
	int st = bc_kernel_decompress(&bz, out, bz.decompressed_size, &env, &n);
	if (st == BC_LD_UNSUPPORTED) {
		print_message("# skip reason: %s\n", bc_ld_reason());
		free(out);
		ld_buf_free(&img);
		skip();   /* this format's decoder has not landed yet */
	}
	assert_int_equal(st, BC_LD_OK);
	assert_int_equal(ld_reference_vmlinux(img.data, img.len, &ref, why, sizeof(why)), 0);
	assert_int_equal(n, ref.len);
	assert_memory_equal(out, ref.data, n);
	free(out);
	ld_buf_free(&ref);
	ld_buf_free(&img);
}

static void decompresses_debian_amd64(void **state) { (void)state; decompress_debian(false); }
static void decompresses_debian_cloud(void **state) { (void)state; decompress_debian(true); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_header_fields),
		cmocka_unit_test(zero_setup_sects_means_four),
		cmocka_unit_test(rejects_bad_headers),
		cmocka_unit_test(rejects_every_truncation),
		cmocka_unit_test(copies_an_elf_payload),
		cmocka_unit_test(unknown_compression_is_reported),
		cmocka_unit_test(decompresses_a_gzip_payload),
		cmocka_unit_test(parses_debian_amd64),
		cmocka_unit_test(parses_debian_cloud),
		cmocka_unit_test(decompresses_debian_amd64),
		cmocka_unit_test(decompresses_debian_cloud),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
