# tests/decompress/: differential tests of each decompressor against its reference
# library. Every tests/decompress/NAME_test.c becomes $(TESTBIN)/decompress_NAME_test.
DEC_TEST_SRCS := $(wildcard tests/decompress/*_test.c)
DEC_COMMON_SRCS := $(filter-out $(DEC_TEST_SRCS),$(wildcard tests/decompress/*.c))
DEC_REF_LIBS := -lz -llzma -lbz2 -llz4 -lzstd
TESTS += $(patsubst tests/decompress/%.c,$(TESTBIN)/decompress_%,$(DEC_TEST_SRCS))

$(TESTBIN)/decompress_%: $(OBJ)/host/tests/decompress/%.o $(call host_objs,$(DEC_COMMON_SRCS)) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(DEC_REF_LIBS) $(CMOCKA_LIBS)
TEST_SCRIPTS += $(wildcard tests/decompress/*_test.sh)
