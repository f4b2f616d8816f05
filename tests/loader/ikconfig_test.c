/* Embedded kernel config markers and .config lookups; the host config finder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "hypervisor/loader/loader.h"
#include "hypervisor/host/kernel_config.h"
#include "tests/loader/ld_testlib.h"

static const char config_text[] =
	"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
	"CONFIG_XEN=y\n"
	"CONFIG_XEN_PV=y\n"
	"# CONFIG_XEN_DOM0 is not set\n"
	"CONFIG_XEN_PVHVM=m\n"
	"CONFIG_LOCALVERSION=\"-test\"\n"
	"CONFIG_PVH=y";                      /* last line without a newline */

static void kconfig_values(void **state)
{
	(void)state;
	size_t len = strlen(config_text);
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_XEN"), 'y');
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_XEN_PV"), 'y');
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_XEN_DOM0"), 'n');
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_XEN_PVHVM"), 'm');
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_LOCALVERSION"), 'v');
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_PVH"), 'y');
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_XEN_PVH"), 'n');   /* absent */
	assert_int_equal(bc_kconfig_value(config_text, len, "CONFIG_XE"), 'n');        /* prefix only */
	/* a cut that ends inside a line must not read past LEN */
	assert_int_equal(bc_kconfig_value(config_text, len - 1, "CONFIG_PVH"), 'v');
}

static void finds_ikconfig_blob(void **state)
{
	(void)state;
	struct ld_buf gz = ld_gzip((const u8 *)config_text, strlen(config_text));
	struct ld_buf vm = { 0 };
	ld_buf_append(&vm, "\x7f" "ELF junk IKCFG_S", 16);     /* a near miss first */
	ld_buf_append(&vm, "IKCFG_ST", 8);
	ld_buf_append(&vm, gz.data, gz.len);
	ld_buf_append(&vm, "IKCFG_ED more", 13);
	const u8 *blob;
	size_t blob_len;
	assert_int_equal(bc_ikconfig_find(vm.data, vm.len, &blob, &blob_len), BC_LD_OK);
	assert_ptr_equal(blob, vm.data + 24);
	assert_int_equal(blob_len, gz.len);
	/* without the end marker */
	assert_int_equal(bc_ikconfig_find(vm.data, vm.len - 13, &blob, &blob_len), BC_LD_INVALID);
	/* without the start marker */
	assert_int_equal(bc_ikconfig_find(vm.data, 20, &blob, &blob_len), BC_LD_UNSUPPORTED);
	ld_buf_free(&vm);
	ld_buf_free(&gz);
}

static void version_from_the_image_not_the_name(void **state)
{
	(void)state;
	/* the file name says one thing, the setup header another: the header wins */
	struct bc_kernel_file kf = { .path = "/x/y/vmlinuz-6.1.0-9-amd64", .kind = BC_KERNEL_BZIMAGE };
	kf.bz.version = "6.6.6-test (me@host) #1 SMP";
	kf.bz.version_len = strlen(kf.bz.version);
	char v[64];
	bc_kernel_version_of(&kf, v, sizeof(v));
	assert_string_equal(v, "6.6.6-test");
	/* no header string and no vmlinux: unknown, never the file name */
	kf.bz.version = NULL;
	bc_kernel_version_of(&kf, v, sizeof(v));
	assert_string_equal(v, "");
	/* an ELF vmlinux: its linux_banner */
	static const char banner[] = "\x7f" "ELF...Linux version 6.1.0-9-amd64 (debian-kernel@lists) #1";
	kf.kind = BC_KERNEL_ELF;
	kf.vmlinux = (u8 *)banner;
	kf.vmlinux_len = sizeof(banner) - 1;
	bc_kernel_version_of(&kf, v, sizeof(v));
	assert_string_equal(v, "6.1.0-9-amd64");
}

static void config_next_to_the_image(void **state)
{
	(void)state;
	char dir[] = "/tmp/bc-ikconfig-XXXXXX", path[128], img_path[128];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config-9.9.9-x", dir);
	snprintf(img_path, sizeof(img_path), "%s/vmlinuz-9.9.9-x", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(config_text, f);
	fclose(f);
	struct bc_kernel_file kf = { .path = img_path, .kind = BC_KERNEL_BZIMAGE };
	kf.bz.version = "9.9.9-x (me@host) #1 SMP";    /* the version comes from the image */
	kf.bz.version_len = strlen(kf.bz.version);
	struct bc_kernel_config cfg;
	bc_kernel_config_load(&kf, NULL, &cfg);
	assert_non_null(cfg.text);
	assert_string_equal(cfg.source, path);
	assert_int_equal(bc_kernel_config_get(&cfg, "CONFIG_XEN_DOM0"), 'n');
	assert_int_equal(bc_kernel_config_get(&cfg, "CONFIG_PVH"), 'y');
	bc_kernel_config_free(&cfg);
	unlink(path);
	bc_kernel_config_load(&kf, NULL, &cfg);
	assert_null(cfg.text);
	assert_non_null(strstr(cfg.missing, "config-9.9.9-x"));
	assert_int_equal(bc_kernel_config_get(&cfg, "CONFIG_PVH"), '?');
	rmdir(dir);
}

/* A bzImage whose gzip payload is an ELF carrying an IKCONFIG blob. */
static struct ld_buf image_with_ikconfig(void)
{
	static const struct ld_seg seg = { .paddr = 0x1000000, .memsz = 0x100, .filesz = 0x100 };
	struct ld_buf elf = ld_make_elf(&(struct ld_elf_spec){ .segs = &seg, .nsegs = 1 });
	struct ld_buf cfg = ld_gzip((const u8 *)config_text, strlen(config_text));
	ld_buf_append(&elf, "IKCFG_ST", 8);
	ld_buf_append(&elf, cfg.data, cfg.len);
	ld_buf_append(&elf, "IKCFG_ED", 8);
	struct ld_buf payload = ld_gzip(elf.data, elf.len);
	struct ld_bz_spec spec = { .setup_sects = 1 };
	struct ld_buf img = ld_make_bzimage(&spec, payload.data, payload.len);
	ld_buf_free(&elf);
	ld_buf_free(&cfg);
	ld_buf_free(&payload);
	return img;
}

static void embedded_config_wins(void **state)
{
	(void)state;
	char dir[] = "/tmp/bc-ikconfig-XXXXXX", img_path[128], side[128];
	assert_non_null(mkdtemp(dir));
	snprintf(img_path, sizeof(img_path), "%s/vmlinuz-1.2.3", dir);
	snprintf(side, sizeof(side), "%s/config-1.2.3", dir);
	struct ld_buf img = image_with_ikconfig();
	FILE *f = fopen(img_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img.data, 1, img.len, f), img.len);
	fclose(f);
	f = fopen(side, "w");          /* a contradicting side file must be ignored */
	assert_non_null(f);
	fputs("CONFIG_XEN_DOM0=y\n", f);
	fclose(f);
	struct bc_kernel_file kf;
	assert_int_equal(bc_kernel_file_open("test", img_path, &kf), 0);
	struct bc_kernel_config cfg;
	bool decoded = kf.vmlinux != NULL;
	if (decoded) {
		bc_kernel_config_load(&kf, NULL, &cfg);
		assert_string_equal(cfg.source, "embedded (IKCONFIG)");
		assert_int_equal(bc_kernel_config_get(&cfg, "CONFIG_XEN_DOM0"), 'n');
		assert_int_equal(bc_kernel_config_get(&cfg, "CONFIG_XEN_PVHVM"), 'm');
		bc_kernel_config_free(&cfg);
		/* --config overrides both */
		bc_kernel_config_load(&kf, side, &cfg);
		assert_string_equal(cfg.source, side);
		assert_int_equal(bc_kernel_config_get(&cfg, "CONFIG_XEN_DOM0"), 'y');
		bc_kernel_config_free(&cfg);
	}
	bc_kernel_file_close(&kf);
	unlink(img_path);
	unlink(side);
	rmdir(dir);
	ld_buf_free(&img);
	if (!decoded)
		skip();   /* our gzip decoder has not landed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kconfig_values),
		cmocka_unit_test(finds_ikconfig_blob),
		cmocka_unit_test(version_from_the_image_not_the_name),
		cmocka_unit_test(config_next_to_the_image),
		cmocka_unit_test(embedded_config_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
