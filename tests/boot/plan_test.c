/* Options, image checks, expectations and the plan, on synthetic kernels and hypervisors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "bootchain/matrix/bls.h"
#include "bootchain/matrix/image.h"
#include "bootchain/matrix/matrix.h"
#include "bootchain/matrix/util.h"
#include "hypervisor/host/verdict.h"
#include "tests/boot/scratch_dir.h"


static void put16(unsigned char *p, unsigned v) { p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }

/* A file with just enough of a bzImage header for the plan to take it. */
static void write_bzimage(const char *path, const char *release)
{
	unsigned char img[4096] = { 0 };
	put16(img + 0x1FE, 0xAA55);
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x020F);
	put16(img + 0x20E, 0x800);  /* version string at 0x800 + 0x200 */
	snprintf((char *)img + 0xA00, 200, "%s (builder@test) #1 SMP", release);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(img, 1, sizeof(img), f);
	fclose(f);
}

/* A gzip-compressed file with a multiboot2 header at offset 64 (or none), and a
 * multiboot1 header at 128 with flags mb1_flags (none when 0) loading 0x200000-0x230000. */
static void write_hypervisor(const char *path, bool multiboot, uint32_t mb1_flags)
{
	unsigned char img[8192] = { 0 };
	if (multiboot) {
		uint32_t magic = 0xE85250D6u, arch = 0, len = 16;
		put32(img + 64, magic);
		put32(img + 68, arch);
		put32(img + 72, len);
		put32(img + 76, (uint32_t)-(magic + arch + len));
	}
	if (mb1_flags) {
		put32(img + 128, 0x1BADB002u);
		put32(img + 132, mb1_flags);
		put32(img + 136, (uint32_t)-(0x1BADB002u + mb1_flags));
		put32(img + 144, 0x200000);
		put32(img + 148, 0x230000);
	}
	gzFile gz = gzopen(path, "wb");
	assert_non_null(gz);
	gzwrite(gz, img, sizeof(img));
	gzclose(gz);
}

static int setup(void **state)
{
	(void)state;
	if (scratch_make() != 0)
		return -1;
	mx_mkdir_p(in_dir("boot"));
	mx_mkdir_p(in_dir("bin"));
	write_bzimage(in_dir("boot/vmlinuz-6.1.0-9-amd64"), "6.1.0-9-amd64");
	write_bzimage(in_dir("boot/vmlinuz-6.1.0-9-cloud-amd64"), "6.1.0-9-cloud-amd64");
	mx_write_file(in_dir("boot/config-6.1.0-9-amd64"), "CONFIG_XEN=y\nCONFIG_XEN_DOM0=y\n");
	mx_write_file(in_dir("boot/config-6.1.0-9-cloud-amd64"), "CONFIG_XEN=y\n# CONFIG_XEN_DOM0 is not set\n");
	write_hypervisor(in_dir("boot/xen-4.17-amd64.gz"), true, 0x3);
	write_hypervisor(in_dir("not-multiboot.gz"), false, 0);
	write_hypervisor(in_dir("addressed.gz"), true, 0x10003);
	mx_write_file(in_dir("garbage"), "this is not a kernel at all\n");
	return 0;
}

static int parse(struct mx_options *opt, const char *const *args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = "matrix";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return mx_parse_options(argc, argv, opt);
}

static void options_defaults_and_choices(void **state)
{
	(void)state;
	struct mx_options opt;
	assert_int_equal(parse(&opt, (const char *const[]){ NULL }), 0);
	assert_string_equal(opt.output, "build/matrix");
	/* the whole product by default: both firmwares, every config style, guests */
	assert_int_equal(opt.nfirmwares, 2);
	assert_int_equal(opt.nconfigs, 4);
	assert_int_equal(opt.configs[2], MX_CFG_XENEFI);
	assert_int_equal(opt.configs[3], MX_CFG_BLS);
	assert_false(opt.no_guests);
	assert_false(opt.list);
	assert_int_equal(parse(&opt, (const char *const[]){ "--firmware", "uefi", "--config",
				"grub-legacy", "--kernel", "/a", "--kernel", "/b", "--quick",
				"--jobs", "3", "--no-guests", "--list", NULL }), 0);
	assert_int_equal(opt.nfirmwares, 1);
	assert_int_equal(opt.firmwares[0], MX_FW_UEFI);
	assert_int_equal(opt.nconfigs, 1);
	assert_int_equal(opt.configs[0], MX_CFG_LEGACY);
	assert_int_equal(opt.nkernels, 2);
	assert_string_equal(opt.kernels[1], "/b");
	assert_true(opt.quick && opt.no_guests && opt.list);
	assert_int_equal(opt.jobs, 3);
	/* repeatable, each value once; --quick alone keeps one of each */
	assert_int_equal(parse(&opt, (const char *const[]){ "--firmware", "uefi", "--firmware", "bios",
				"--firmware", "uefi", NULL }), 0);
	assert_int_equal(opt.nfirmwares, 2);
	assert_int_equal(opt.firmwares[1], MX_FW_BIOS);
	assert_int_equal(parse(&opt, (const char *const[]){ "--quick", NULL }), 0);
	assert_int_equal(opt.nfirmwares, 1);
	assert_int_equal(opt.nconfigs, 1);
	assert_int_equal(opt.firmwares[0], MX_FW_BIOS);
	assert_int_equal(opt.configs[0], MX_CFG_GRUB2);
}

static void options_reject_bad_values(void **state)
{
	(void)state;
	struct mx_options opt;
	assert_int_equal(parse(&opt, (const char *const[]){ "--firmware", "coreboot", NULL }), -1);
	assert_int_equal(parse(&opt, (const char *const[]){ "--jobs", "0", NULL }), -1);
	assert_int_equal(parse(&opt, (const char *const[]){ "--timeout", "ten", NULL }), -1);
	assert_int_equal(parse(&opt, (const char *const[]){ "--bogus", NULL }), -1);
	assert_int_equal(parse(&opt, (const char *const[]){ "stray", NULL }), -1);
	assert_int_equal(parse(&opt, (const char *const[]){ "--root", "/r", "--kernel", "/k", NULL }), -1);
}

static void image_checks(void **state)
{
	(void)state;
	char release[64], err[512];
	assert_int_equal(mx_bzimage_release(in_dir("boot/vmlinuz-6.1.0-9-amd64"), release,
					    sizeof(release), err, sizeof(err)), 0);
	assert_string_equal(release, "6.1.0-9-amd64");
	assert_int_equal(mx_bzimage_release(in_dir("garbage"), release, sizeof(release), err,
					    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a Linux bzImage"));
	assert_int_equal(mx_bzimage_release(in_dir("missing"), release, sizeof(release), err,
					    sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open kernel"));
	assert_int_equal(mx_multiboot_check(in_dir("boot/xen-4.17-amd64.gz"), err, sizeof(err)), 2);
	assert_int_equal(mx_multiboot_check(in_dir("not-multiboot.gz"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a multiboot image"));
	/* where bchv's memory is, for the marker's probe: the multiboot1 address fields */
	unsigned long lo = 0, len = 0;
	assert_int_equal(mx_multiboot_load_range(in_dir("addressed.gz"), &lo, &len, err, sizeof(err)), 0);
	assert_int_equal(lo, 0x200000);
	assert_int_equal(len, 0x30000);
	assert_int_equal(mx_multiboot_load_range(in_dir("boot/xen-4.17-amd64.gz"), &lo, &len, err,
						 sizeof(err)), -1);
	assert_non_null(strstr(err, "no multiboot1 header with load addresses"));
	assert_int_equal(mx_multiboot_load_range(in_dir("not-multiboot.gz"), &lo, &len, err, sizeof(err)), -1);
}

static void verdicts_become_expectations(void **state)
{
	(void)state;
	struct mx_kernel k = { 0 };
	struct bc_verdict v[BC_WAY_COUNT] = {
		[BC_WAY_BARE_METAL] = { BC_YES, "" },
		[BC_WAY_XEN_PV] = { BC_NO, "lacks dom0 support" },
		[BC_WAY_XEN_PVH] = { BC_NO, "" },
		[BC_WAY_OURS] = { BC_UNKNOWN, "no notes" },
	};
	mx_expect_from_verdicts(&k, v);
	assert_true(k.can_boot[MX_HV_NONE]);
	assert_false(k.can_boot[MX_HV_XEN_PV]);
	assert_string_equal(k.why_not[MX_HV_XEN_PV], "lacks dom0 support");
	assert_string_equal(k.why_not[MX_HV_XEN_PVH], "bootchain inspect says no");
	assert_true(k.can_boot[MX_HV_BCHV]); /* unknown: a failure will show as FAIL */
	assert_false(k.can_boot[MX_HV_FILE]); /* judged as Xen PV */
}

static void plan_defaults_cross_kernels_and_hypervisors(void **state)
{
	(void)state;
	static struct mx_options opt;
	static struct mx_plan plan;
	assert_int_equal(parse(&opt, (const char *const[]){ NULL }), 0);
	snprintf(opt.boot_dir, sizeof(opt.boot_dir), "%s", in_dir("boot"));
	snprintf(opt.tools, sizeof(opt.tools), "%s", in_dir("bin")); /* no bchv */
	assert_int_equal(mx_plan_build(&opt, &plan), 0);
	/* kernels x hypervisors x firmwares x GRUB config styles; xen-efi only with Xen;
	 * the bls cells: UEFI only, every hypervisor column (bchv's skipped) */
	assert_int_equal(plan.ncells, 2 * 4 * 2 * 2 + 2 * 2 * 2 + 2 * 4);
	int xenefi = 0, xenefi_guests = 0;
	for (int i = 0; i < plan.ncells; i++) {
		const struct mx_cell *c = &plan.cells[i];
		if (c->config != MX_CFG_XENEFI)
			continue;
		xenefi++;
		enum mx_hv_kind kind = plan.hvs[c->hv].kind;
		assert_true(kind == MX_HV_XEN_PV || kind == MX_HV_XEN_PVH);
		/* xen.efi is a UEFI program: BIOS cells are skipped, saying why */
		if (c->firmware == MX_FW_BIOS) {
			assert_int_equal(c->expect, MX_SKIP);
			assert_non_null(strstr(c->expect_reason, "UEFI"));
		}
		/* where dom0 is expected to boot it boots the guest-serving dom0 image and runs
		 * every stage, as in the GRUB cells; elsewhere the busybox marker is enough */
		bool serves = c->expect == MX_PASS && plan.kernels[c->kernel].dom0_capable;
		xenefi_guests += serves;
		assert_int_equal(c->guests, serves);
		assert_int_equal(c->initramfs, serves ? MX_INITRAMFS_DOM0 : MX_INITRAMFS_BUSYBOX);
		for (int s = 0; s < MX_STAGES; s++)
			assert_int_equal(c->stage[s].planned, s == MX_ST_BOOT || serves);
	}
	assert_int_equal(xenefi, 8);
	assert_int_equal(xenefi_guests, 2); /* the dom0 kernel under UEFI, Xen PV and PVH */
	char name[256];
	for (int i = 0; i < plan.ncells; i++)
		if (plan.cells[i].config == MX_CFG_XENEFI) {
			mx_cell_name(&plan, &plan.cells[i], name, sizeof(name));
			assert_non_null(strstr(name, "-xen-efi"));
			break;
		}
	int bls = 0, bls_guests = 0;
	for (int i = 0; i < plan.ncells; i++) {
		const struct mx_cell *c = &plan.cells[i];
		if (c->config != MX_CFG_BLS)
			continue;
		bls++;
		assert_int_equal(c->firmware, MX_FW_UEFI);
		if (plan.hvs[c->hv].kind == MX_HV_BCHV)
			assert_int_equal(c->expect, MX_SKIP);
		/* a Xen dom0 that is expected to boot serves guests here too */
		bool xen = plan.hvs[c->hv].kind == MX_HV_XEN_PV || plan.hvs[c->hv].kind == MX_HV_XEN_PVH;
		bool serves = xen && c->expect == MX_PASS && plan.kernels[c->kernel].dom0_capable;
		bls_guests += serves;
		assert_int_equal(c->guests, serves);
		if (serves)
			assert_true(c->stage[MX_ST_TOOLSTACK].planned &&
				    c->stage[MX_ST_PVGRUB_GUEST].planned &&
				    c->initramfs == MX_INITRAMFS_DOM0);
	}
	assert_int_equal(bls, 8);
	assert_int_equal(bls_guests, 2); /* the dom0 kernel, Xen PV and PVH */
	/* bchv, a multiboot2 image, is what systemd-boot cannot start: skipped saying so */
	char why[MX_REASON_MAX];
	assert_true(mx_bls_skip(MX_CFG_BLS, MX_HV_BCHV, why, sizeof(why)));
	assert_non_null(strstr(why, "not planned: bchv is a multiboot2 image"));
	assert_false(mx_bls_skip(MX_CFG_BLS, MX_HV_XEN_PVH, why, sizeof(why)));
	assert_false(mx_bls_skip(MX_CFG_GRUB2, MX_HV_BCHV, why, sizeof(why)));
	assert_true(mx_bls_cell_possible(MX_FW_UEFI, MX_HV_XEN_PVH));
	assert_false(mx_bls_cell_possible(MX_FW_BIOS, MX_HV_XEN_PVH));
	for (int i = 0; i < plan.ncells; i++)
		if (plan.cells[i].config == MX_CFG_BLS) {
			mx_cell_name(&plan, &plan.cells[i], name, sizeof(name));
			assert_non_null(strstr(name, "-uefi-bls"));
			break;
		}
	assert_int_equal(parse(&opt, (const char *const[]){ "--firmware", "bios", "--config", "grub2",
				NULL }), 0);
	snprintf(opt.boot_dir, sizeof(opt.boot_dir), "%s", in_dir("boot"));
	snprintf(opt.tools, sizeof(opt.tools), "%s", in_dir("bin"));
	assert_int_equal(mx_plan_build(&opt, &plan), 0);
	assert_int_equal(plan.nkernels, 2);
	assert_int_equal(plan.nhvs, 4);
	assert_int_equal(plan.ncells, 8);
	int xfail = 0, skip = 0, dom0 = 0, guest_stages = 0;
	for (int i = 0; i < plan.ncells; i++) {
		const struct mx_cell *c = &plan.cells[i];
		const struct mx_kernel *k = &plan.kernels[c->kernel];
		xfail += c->expect == MX_XFAIL;
		skip += c->expect == MX_SKIP;
		dom0 += c->initramfs == MX_INITRAMFS_DOM0;
		guest_stages += c->stage[MX_ST_PV_GUEST].planned && c->stage[MX_ST_SHUTDOWN].planned;
		assert_int_equal(c->guests, c->initramfs == MX_INITRAMFS_DOM0);
		assert_int_equal(c->stage[MX_ST_TOOLSTACK].planned, c->guests);
		if (c->expect == MX_XFAIL) {
			assert_non_null(strstr(k->version, "cloud"));
			assert_non_null(strstr(c->expect_reason, "CONFIG_XEN_DOM0"));
		}
		if (plan.hvs[c->hv].kind == MX_HV_BCHV)
			assert_string_equal(c->expect_reason, "not built");
	}
	assert_int_equal(xfail, 2);     /* cloud kernel under Xen PV and PVH */
	assert_int_equal(skip, 2);      /* bchv for both kernels */
	/* the dom0-capable kernel under Xen PV and PVH runs the toolstack and guests */
	assert_int_equal(dom0, 2);
	assert_int_equal(guest_stages, 2);

	/* --no-guests: Xen PV dom0 gets the dracut image and runs `xl list` only */
	assert_int_equal(parse(&opt, (const char *const[]){ "--firmware", "bios", "--config", "grub2",
				"--no-guests", NULL }), 0);
	snprintf(opt.boot_dir, sizeof(opt.boot_dir), "%s", in_dir("boot"));
	snprintf(opt.tools, sizeof(opt.tools), "%s", in_dir("bin"));
	assert_int_equal(mx_plan_build(&opt, &plan), 0);
	int dracut = 0, toolstack = 0;
	for (int i = 0; i < plan.ncells; i++) {
		assert_false(plan.cells[i].guests);
		assert_false(plan.cells[i].stage[MX_ST_PV_GUEST].planned);
		dracut += plan.cells[i].initramfs == MX_INITRAMFS_DRACUT;
		toolstack += plan.cells[i].stage[MX_ST_TOOLSTACK].planned;
	}
	assert_int_equal(dracut, 1);
	assert_int_equal(toolstack, 1);

	/* --no-guests in the GRUB-less styles: xen-efi boots the busybox marker, bls's Xen
	 * PV dom0 the dracut image that runs `xl list` */
	assert_int_equal(parse(&opt, (const char *const[]){ "--firmware", "uefi", "--config", "xen-efi",
				"--config", "bls", "--no-guests", NULL }), 0);
	snprintf(opt.boot_dir, sizeof(opt.boot_dir), "%s", in_dir("boot"));
	snprintf(opt.tools, sizeof(opt.tools), "%s", in_dir("bin"));
	assert_int_equal(mx_plan_build(&opt, &plan), 0);
	for (int i = 0; i < plan.ncells; i++) {
		const struct mx_cell *c = &plan.cells[i];
		assert_false(c->guests);
		assert_false(c->stage[MX_ST_PV_GUEST].planned);
		if (c->config == MX_CFG_XENEFI)
			assert_int_equal(c->initramfs, MX_INITRAMFS_BUSYBOX);
	}
}

static void plan_quick_and_bad_input(void **state)
{
	(void)state;
	static struct mx_options opt;
	static struct mx_plan plan;
	assert_int_equal(parse(&opt, (const char *const[]){ "--quick", NULL }), 0);
	snprintf(opt.boot_dir, sizeof(opt.boot_dir), "%s", in_dir("boot"));
	snprintf(opt.tools, sizeof(opt.tools), "%s", in_dir("bin"));
	assert_int_equal(mx_plan_build(&opt, &plan), 0);
	assert_int_equal(plan.ncells, 2);
	assert_string_equal(plan.kernels[0].version, "6.1.0-9-amd64");
	assert_int_equal(plan.hvs[1].kind, MX_HV_XEN_PV);

	/* UEFI + GRUB-legacy: hypervisor cells are expected to fail, bare metal is not */
	assert_int_equal(parse(&opt, (const char *const[]){ "--quick", "--firmware", "uefi", "--config",
				"grub-legacy", NULL }), 0);
	snprintf(opt.boot_dir, sizeof(opt.boot_dir), "%s", in_dir("boot"));
	snprintf(opt.tools, sizeof(opt.tools), "%s", in_dir("bin"));
	assert_int_equal(mx_plan_build(&opt, &plan), 0);
	assert_int_equal(plan.cells[0].expect, MX_PASS);
	assert_int_equal(plan.cells[1].expect, MX_XFAIL);
	assert_non_null(strstr(plan.cells[1].expect_reason, "multiboot1"));

	assert_int_equal(parse(&opt, (const char *const[]){ "--kernel", in_dir("garbage"), NULL }), 0);
	assert_int_equal(mx_plan_build(&opt, &plan), -1);
	assert_int_equal(parse(&opt, (const char *const[]){ "--hypervisor", in_dir("not-multiboot.gz"),
				NULL }), 0);
	snprintf(opt.boot_dir, sizeof(opt.boot_dir), "%s", in_dir("boot"));
	assert_int_equal(mx_plan_build(&opt, &plan), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_defaults_and_choices),
		cmocka_unit_test(options_reject_bad_values),
		cmocka_unit_test(image_checks),
		cmocka_unit_test(verdicts_become_expectations),
		cmocka_unit_test(plan_defaults_cross_kernels_and_hypervisors),
		cmocka_unit_test(plan_quick_and_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
