# tests/matrix/: benchmarks of the boot matrix (`make bench`): bench-matrix.sh boots it
# (listed in bootchain/matrix/matrix.mk), bench_shards estimates sharded runs and times
# the merge. It links the matrix code the way tests/boot's unit tests do.
BENCH_SHARDS := $(TESTBIN)/bench_shards
BENCHES += $(BENCH_SHARDS)

$(BENCH_SHARDS): $(OBJ)/host/tests/matrix/bench_shards.o $(BOOT_TEST_LINK) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lz -llzma
