# grubby/new-kernel-pkg/: new-kernel-pkg in C (runs build/bin/grubby as a program).
# Its sources other than main.c are also linked by tests/nkp's unit tests.
NKP_LIB_SRCS := grubby/new-kernel-pkg/options.c grubby/new-kernel-pkg/settings.c \
	grubby/new-kernel-pkg/bootcfg.c grubby/new-kernel-pkg/grubby.c grubby/new-kernel-pkg/hooks.c \
	grubby/new-kernel-pkg/multiboot.c grubby/new-kernel-pkg/xenefi.c
NKP_SRCS := grubby/new-kernel-pkg/main.c $(NKP_LIB_SRCS)
PROGRAMS += $(BIN)/new-kernel-pkg

# sysconfig/ and initramfs/ are read after this file: name their lists lazily
# multiboot.c reads compressed hypervisors with the decompressors of libbcfs
$(BIN)/new-kernel-pkg: $(call host_objs,$(NKP_SRCS)) $$(call host_objs,$$(SYSCONFIG_SRCS) $$(INITRAMFS_DRACUT_SRCS)) $$(HV_FS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

INSTALL_RULES += install-new-kernel-pkg
.PHONY: install-new-kernel-pkg
install-new-kernel-pkg: $(BIN)/new-kernel-pkg
	install -D -m 0755 $(BIN)/new-kernel-pkg $(DESTDIR)$(PREFIX)/sbin/new-kernel-pkg
	install -D -m 0644 grubby/new-kernel-pkg/new-kernel-pkg.8 $(DESTDIR)$(PREFIX)/share/man/man8/new-kernel-pkg.8
	install -D -m 0644 grubby/new-kernel-pkg/new-kernel-pkg.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/new-kernel-pkg
