# tests/fuzz/: libFuzzer targets, one per decompressor and one per image parser.
# Built only by `make fuzz` (CC=clang fuzz-build), never by `make check`.
# Everything they fuzz is compiled here again with coverage and sanitizers into
# $(BUILD)/fuzz/obj, so the gcc-built libbcfs.a objects are never mixed in.
FUZZ_TARGET_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS += $(patsubst tests/fuzz/%.c,%,$(FUZZ_TARGET_SRCS))
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FS_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -ffreestanding -nostdinc -fno-builtin \
	-Ihypervisor/include -I. $(FUZZ_SAN)
FUZZ_HOST_CFLAGS := -std=c11 -O1 -g $(WARN) -D_GNU_SOURCE -Ihypervisor/include -I. $(FUZZ_SAN)
FUZZ_LIB_OBJS = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(HV_FS_SRCS))
FUZZ_SEEDER := $(BUILD)/fuzz/make_seeds

$(BUILD)/fuzz/obj/hypervisor/%.o: hypervisor/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_FS_CFLAGS) -c $< -o $@
$(BUILD)/fuzz/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_HOST_CFLAGS) -c $< -o $@

# the seeder is an ordinary host program (no fuzzer runtime)
$(FUZZ_SEEDER): $(call host_objs,tests/fuzz/make_seeds.c tests/loader/ld_testlib.c) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lz -llzma -llz4

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/tests/fuzz/fuzz_%.o $$(FUZZ_LIB_OBJS) $(FUZZ_SEEDER)
	tests/fuzz/seed.sh $(@F) $@-corpus $(FUZZ_SEEDER)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIB_OBJS)
