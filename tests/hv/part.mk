# tests/hv/: the hypervisor. Host unit tests of its portable core (command
# line, boot information, memory map, formatting, string copies), and boot tests that run
# build/boot/bchv.gz under GRUB2 in QEMU.
HV_UNIT_TESTS := cmdline bootinfo memmap format string
TESTS += $(patsubst %,$(TESTBIN)/hv_%_test,$(HV_UNIT_TESTS))
TEST_SCRIPTS += tests/hv/boot_test.sh

$(TESTBIN)/hv_cmdline_test: $(call host_objs,tests/hv/cmdline_test.c hypervisor/core/cmdline.c) $$(HV_FS_LIB)
$(TESTBIN)/hv_bootinfo_test: $(call host_objs,tests/hv/bootinfo_test.c hypervisor/core/bootinfo.c \
	hypervisor/core/cmdline.c) $$(HV_FS_LIB)
$(TESTBIN)/hv_memmap_test: $(call host_objs,tests/hv/memmap_test.c hypervisor/core/memmap.c) $$(HV_FS_LIB)
$(TESTBIN)/hv_format_test: $(call host_objs,tests/hv/format_test.c hypervisor/core/format.c) $$(HV_FS_LIB)
$(TESTBIN)/hv_string_test: $(call host_objs,tests/hv/string_test.c) $$(HV_FS_LIB)

$(patsubst %,$(TESTBIN)/hv_%_test,$(HV_UNIT_TESTS)):
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS)
BENCHES += tests/hv/dom0_build_bench.sh
