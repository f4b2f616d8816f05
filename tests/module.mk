# tests/: unit tests (cmocka, one program a file in tests/unit and tests/*/),
# shell tests (*.sh printing TAP), and each area's part.mk for its own rules.
CMOCKA_LIBS := -lcmocka

# A unit test is one C file; it links the freestanding library and whatever
# its area adds to UNIT_LDLIBS_<name>.
UNIT_SRCS := $(wildcard tests/unit/*.c)
TESTS += $(patsubst tests/unit/%.c,$(TESTBIN)/%,$(UNIT_SRCS))

$(TESTBIN)/%: $(OBJ)/host/tests/unit/%.o $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(UNIT_LDLIBS_$*) $(CMOCKA_LIBS)

-include $(sort $(wildcard tests/*/part.mk))
UNIT_LDLIBS_crc_test := -lz
