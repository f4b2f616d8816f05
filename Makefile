# bootchain: top-level build. Everything is built out of tree under $(BUILD).
# Each folder adds its own programs, libraries and tests in its module.mk;
# this file holds only the shared rules and the user-facing targets.

BUILD    ?= build
# compressed test and bench vectors, cached by content (tests/decompress/dc_testlib.c);
# one cache for the normal and the sanitizer build; set it to keep one across cleans
ifndef BOOTCHAIN_DC_CACHE
export BOOTCHAIN_DC_CACHE := $(abspath $(BUILD))/dc-cache
endif
ifeq ($(SANITIZE),1)
BUILD    := build/sanitize
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
BIN      := $(BUILD)/bin
OBJ      := $(BUILD)/obj
TESTBIN  := $(BUILD)/tests
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= gcc
AR       ?= ar

WARN     := -Wall -Wextra -Werror
# CFLAGS, CPPFLAGS and LDFLAGS from the environment or the command line (a
# distribution's build flags: dpkg-buildflags, rpm's %optflags) apply to the
# host tools; the warnings above always follow them, so they stay errors.
CFLAGS   ?= -O2 -g
# host tools and tests
HOST_CFLAGS := -std=c11 $(CFLAGS) $(CPPFLAGS) $(WARN) $(SANFLAGS) -D_GNU_SOURCE -I. -Ihypervisor/include -MMD -MP
# code shared with the hypervisor: no host headers, no libc beyond what it is
# given, so none of the host's hardening (stack protector, fortify) either
FS_CFLAGS := -std=c11 -O2 -g $(WARN) $(SANFLAGS) -ffreestanding -nostdinc -fno-builtin -Ihypervisor/include -I. -MMD -MP
LDFLAGS  += $(SANFLAGS)

PROGRAMS :=
TESTS    :=          # executables that print TAP (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP)
TEST_SCRIPTS :=      # shell tests that print TAP, run with BIN= and BUILD= set
BENCHES  :=          # commands run by `make bench`
FUZZERS  :=
INSTALL_RULES :=

.PHONY: all deps check check-package bench matrix install fuzz clean
all:

# keep objects make considers intermediate (test objects built through pattern rules)
.SECONDARY:

# host object rules: src/x.c -> $(OBJ)/host/src/x.o, freestanding -> $(OBJ)/fs/src/x.o
$(OBJ)/host/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFLAGS_$(subst /,_,$(basename $<))) -c $< -o $@
$(OBJ)/fs/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(FS_CFLAGS) -c $< -o $@

host_objs = $(patsubst %.c,$(OBJ)/host/%.o,$(1))
fs_objs   = $(patsubst %.c,$(OBJ)/fs/%.o,$(1))

# libraries other folders link; defined here so any module.mk may name them
HV_FS_LIB := $(BUILD)/lib/libbcfs.a

# module.mk files may add to each other's lists: prerequisites written as $$(VAR)
# are expanded after every module is read.
.SECONDEXPANSION:
include $(sort $(wildcard */module.mk))

all: $(PROGRAMS)

# The dependency step both README commands run first: quiet when nothing is missing.
deps:
	@mk/deps.sh build boot vectors

check: deps
	@$(MAKE) --no-print-directory all-tests
	@BUILD=$(BUILD) BIN=$(BIN) tests/run-tests $(TESTS) $(TEST_SCRIPTS)

.PHONY: all-tests
all-tests: $(PROGRAMS) $(TESTS)

# The short tests a package build runs (dh_auto_test, rpm's %check): the unit
# tests of what the package installs, and grubby's shell tests. No QEMU boot,
# no root, no network, no apt; the slow decompressor tests are left to `check`.
PACKAGE_TESTS = $(filter $(addprefix $(TESTBIN)/,grubby_% nkp_% hv_% loader_% crc_test),$(TESTS)) \
	$(filter-out %/conformance.sh,$(filter tests/grubby/%,$(TEST_SCRIPTS)))
.PHONY: check-package
check-package: $(PROGRAMS) $$(filter $(TESTBIN)/%,$$(PACKAGE_TESTS))
	@BUILD=$(BUILD) BIN=$(BIN) tests/run-tests $(PACKAGE_TESTS)

bench: deps
	@$(MAKE) --no-print-directory all $(filter-out %.sh,$(BENCHES))
	@set -e; for b in $(BENCHES); do BUILD=$(BUILD) BIN=$(BIN) $$b; done

matrix: deps
	@$(MAKE) --no-print-directory all
	$(BIN)/bootchain matrix $(MATRIX_ARGS)

fuzz:
	@mk/deps.sh build fuzz
	@$(MAKE) --no-print-directory CC=clang fuzz-build
	@set -e; for f in $(FUZZERS); do echo "fuzz: $$f"; $(BUILD)/fuzz/$$f -max_total_time=$${FUZZ_SECONDS:-30} $(BUILD)/fuzz/$$f-corpus; done

install: all $(INSTALL_RULES)

clean:
	rm -rf build

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

.PHONY: fuzz-build
fuzz-build: $(addprefix $(BUILD)/fuzz/,$(FUZZERS))
