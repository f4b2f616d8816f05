# tests/grubby/: unit tests of grubby's core and the grubenv code
# (tests/grubby/NAME_test.c -> $(TESTBIN)/grubby_NAME_test) and shell tests
# of the grubby program (tests/grubby/*.sh).
GRUBBY_TEST_SRCS := $(wildcard tests/grubby/*_test.c)
TESTS += $(patsubst tests/grubby/%.c,$(TESTBIN)/grubby_%,$(GRUBBY_TEST_SRCS))
TEST_SCRIPTS += $(sort $(wildcard tests/grubby/*.sh))

$(TESTBIN)/grubby_%: $(OBJ)/host/tests/grubby/%.o $$(GRUBBY_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(GRUBBY_LDLIBS) $(CMOCKA_LIBS)

# libFuzzer target for the parser and writer (built by `make fuzz` with clang)
FUZZERS += grubby_config_fuzz
$(BUILD)/fuzz/grubby_config_fuzz: tests/grubby/config_fuzz.c $(GRUBBY_LIB_SRCS) $(wildcard grubby/*.h)
	@mkdir -p $@-corpus
	printf 'title a\n\tkernel /vmlinuz ro\n\tinitrd /initrd\n' >$@-corpus/grub
	printf "menuentry 'a' {\n\tlinux /vmlinuz\n}\n" >$@-corpus/grub2
	$(CC) -std=c11 -g -O1 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/grubby/config_fuzz.c $(GRUBBY_LIB_SRCS) $(GRUBBY_LDLIBS)

# libFuzzer target for the xen.cfg parser and writer (grubby --xen-efi)
FUZZERS += grubby_xenefi_fuzz
$(BUILD)/fuzz/grubby_xenefi_fuzz: tests/grubby/xenefi_fuzz.c $(GRUBBY_LIB_SRCS) $(wildcard grubby/*.h)
	@mkdir -p $@-corpus
	cp tests/grubby/xenefi/*.in $@-corpus/
	$(CC) -std=c11 -g -O1 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/grubby/xenefi_fuzz.c $(GRUBBY_LIB_SRCS) $(GRUBBY_LDLIBS)
# libFuzzer target for BLS entry files (round trip byte for byte)
FUZZERS += grubby_bls_fuzz
$(BUILD)/fuzz/grubby_bls_fuzz: tests/grubby/bls_fuzz.c $(GRUBBY_LIB_SRCS) $(wildcard grubby/*.h)
	@mkdir -p $@-corpus
	printf 'title a\nversion 1\nlinux /vmlinuz-1\noptions root=/dev/sda1 quiet\n' >$@-corpus/entry
	$(CC) -std=c11 -g -O1 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/grubby/bls_fuzz.c $(GRUBBY_LIB_SRCS) $(GRUBBY_LDLIBS)
