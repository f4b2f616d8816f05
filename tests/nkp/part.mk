# tests/nkp/: unit tests of the sysconfig reader, the initramfs builder and
# new-kernel-pkg's parts (tests/nkp/NAME_test.c -> $(TESTBIN)/nkp_NAME_test),
# and end-to-end shell tests on sandbox roots (tests/nkp/*.sh).
NKP_TEST_SRCS := $(wildcard tests/nkp/*_test.c)
TESTS += $(patsubst tests/nkp/%.c,$(TESTBIN)/nkp_%,$(NKP_TEST_SRCS))
TEST_SCRIPTS += $(sort $(wildcard tests/nkp/*.sh))

# each unit test links the code of the folders it checks
NKP_TEST_LINK_shvar_test = $(SYSCONFIG_SRCS)
NKP_TEST_LINK_nkp_parts_test = $(NKP_LIB_SRCS) $(SYSCONFIG_SRCS) $(INITRAMFS_DRACUT_SRCS) $(HV_FS_LIB)
NKP_TEST_LINK_initramfs_test = $(INITRAMFS_BUILDER_SRCS) $(INITRAMFS_DRACUT_SRCS)
NKP_TEST_LIBS_initramfs_test = -lz -llzma

$(TESTBIN)/nkp_%: $(OBJ)/host/tests/nkp/%.o $$(call host_objs,$$(NKP_TEST_LINK_$$*))
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(NKP_TEST_LIBS_$*) $(CMOCKA_LIBS)

# libFuzzer target for the sysconfig reader (built by `make fuzz` with clang only)
FUZZERS += nkp_shvar_fuzz
$(BUILD)/fuzz/nkp_shvar_fuzz: tests/nkp/shvar_fuzz.c sysconfig/shvar.c sysconfig/shvar.h
	@mkdir -p $@-corpus
	cp sysconfig/kernel.template $@-corpus/template
	printf 'A="$$(x)" B=`y` C=$$D\nexport E=1 F' > $@-corpus/refused
	$(CC) -std=c11 -g -O1 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/nkp/shvar_fuzz.c sysconfig/shvar.c
