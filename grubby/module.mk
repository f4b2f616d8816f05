# grubby/: the grubby program (a C grubby compatible with grubby 8.40) and
# its core as a library, libgrubby.a; new-kernel-pkg is in grubby/new-kernel-pkg/.
GRUBBY_LIB := $(BUILD)/lib/libgrubby.a
GRUBBY_LIB_SRCS := $(filter-out grubby/main.c,$(wildcard grubby/*.c)) bootloader/grubenv.c
GRUBBY_LDLIBS := -lpopt -lblkid

PROGRAMS += $(BIN)/grubby
INSTALL_RULES += install-grubby
BENCHES += $(BIN)/grubby-bench

$(GRUBBY_LIB): $(call host_objs,$(GRUBBY_LIB_SRCS))
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BIN)/grubby: $(call host_objs,grubby/main.c) $(GRUBBY_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(GRUBBY_LDLIBS)

$(BIN)/grubby-bench: $(call host_objs,grubby/bench/bench.c)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

.PHONY: install-grubby
install-grubby: $(BIN)/grubby
	install -D -m 0755 $(BIN)/grubby $(DESTDIR)$(PREFIX)/sbin/grubby
	install -D -m 0644 grubby/grubby.8 $(DESTDIR)$(PREFIX)/share/man/man8/grubby.8
	install -D -m 0644 grubby/grubby.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/grubby

-include grubby/new-kernel-pkg/part.mk
