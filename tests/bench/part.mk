# tests/bench/: decompressor throughput against the reference libraries
# (`make bench`). Shares the decompressor tests' helpers (dc_testlib).
BENCH_DC := $(TESTBIN)/bench_decompress
BENCH_DC_SRCS := tests/bench/bench_decompress.c tests/bench/bench_ref.c tests/bench/bench_cli.c tests/decompress/dc_testlib.c
BENCHES += $(BENCH_DC)

$(BENCH_DC): $(call host_objs,$(BENCH_DC_SRCS)) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lz -llzma -lbz2 -llz4 -lzstd -llzo2 $(CMOCKA_LIBS)
