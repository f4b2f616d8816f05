# tests/boot/: tests of the boot matrix (bootchain/matrix/). Unit tests (cmocka) of its
# classifier, plan, reports and runner pieces: every tests/boot/NAME_test.c becomes
# $(TESTBIN)/boot_NAME_test, linked with the matrix, media, ESP, inspect and initramfs code. Shell tests
# boot for real (few and short).
BOOT_TEST_SRCS := $(sort $(wildcard tests/boot/*_test.c))
BOOT_TEST_LINK := $(call host_objs,$(filter-out bootchain/matrix/cmd.c,$(MATRIX_SRCS)) bootloader/media.c bootloader/esp.c $(HV_HOST_SRCS) \
	initramfs/initramfs_cmd.c $(INITRAMFS_BUILDER_SRCS))
TESTS += $(patsubst tests/boot/%.c,$(TESTBIN)/boot_%,$(BOOT_TEST_SRCS))
TEST_SCRIPTS += $(sort $(wildcard tests/boot/*-test.sh))

$(TESTBIN)/boot_%: $(OBJ)/host/tests/boot/%.o $(BOOT_TEST_LINK) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lz -llzma $(CMOCKA_LIBS)
