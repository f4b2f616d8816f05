# bootchain/: the front end. Subcommand sources come from the folders that own them;
# a folder adds to BOOTCHAIN_SRCS and BOOTCHAIN_LDLIBS in its own module.mk.
BOOTCHAIN_SRCS += bootchain/main.c
PROGRAMS += $(BIN)/bootchain
include bootchain/matrix/matrix.mk

$(BIN)/bootchain: $$(call host_objs,$$(BOOTCHAIN_SRCS)) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(BOOTCHAIN_LDLIBS)

INSTALL_RULES += install-bootchain
.PHONY: install-bootchain
install-bootchain: $(BIN)/bootchain
	install -D -m 0755 $(BIN)/bootchain $(DESTDIR)$(PREFIX)/bin/bootchain
	install -D -m 0644 bootchain/bootchain.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/bootchain
