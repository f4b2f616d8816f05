# tests/loader/: unit tests of the dom0 loader (bzImage, ELF, Xen notes, PVH,
# kernel config) and of inspect's verdict rules, plus the CLI tests of
# bootchain inspect/decompress/extract. Every tests/loader/NAME_test.c becomes
# $(TESTBIN)/loader_NAME_test; the other .c files here are shared helpers.
LD_TEST_SRCS := $(wildcard tests/loader/*_test.c)
LD_COMMON_SRCS := $(filter-out $(LD_TEST_SRCS),$(wildcard tests/loader/*.c))
LD_HOST_SRCS := hypervisor/host/verdict.c hypervisor/host/host_util.c \
	hypervisor/host/kernel_file.c hypervisor/host/kernel_config.c
LD_REF_LIBS := -lz -llzma -llz4
TESTS += $(patsubst tests/loader/%.c,$(TESTBIN)/loader_%,$(LD_TEST_SRCS))
TEST_SCRIPTS += $(wildcard tests/loader/*_test.sh)

$(TESTBIN)/loader_%: $(OBJ)/host/tests/loader/%.o $(call host_objs,$(LD_COMMON_SRCS) $(LD_HOST_SRCS)) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LD_REF_LIBS) $(CMOCKA_LIBS)
