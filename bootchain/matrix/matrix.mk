# bootchain/matrix/: `bootchain matrix`, the boot matrix. Its sources go into the bootchain
# front end; its unit tests live in tests/boot/ (see tests/boot/part.mk).
MATRIX_SRCS := $(filter-out bootchain/matrix/dom0_probe.c,$(sort $(wildcard bootchain/matrix/*.c)))
BOOTCHAIN_SRCS += $(MATRIX_SRCS)
BOOTCHAIN_LDLIBS += -lz
BENCHES += tests/matrix/bench-matrix.sh

# The probe the marker runs in dom0 to prove containment: a static program that
# goes into each test initramfs as it is. Its own flags: no sanitizers, no
# distribution flags (nothing of the host's libc is there at run time).
DOM0_PROBE := $(BUILD)/libexec/bootchain/dom0-probe
PROGRAMS += $(DOM0_PROBE)
$(DOM0_PROBE): bootchain/matrix/dom0_probe.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 $(WARN) -static -o $@ $<

# The busybox scripts the matrix puts in its boot images (bootchain/matrix/scripts/): an
# installed `bootchain matrix` finds them in PREFIX/share/bootchain, and the probe in
# PREFIX/libexec/bootchain (beside its bin/, as in the build tree).
INSTALL_RULES += install-matrix-data
.PHONY: install-matrix-data
install-matrix-data:
	install -D -m 0755 $(DOM0_PROBE) $(DESTDIR)$(PREFIX)/libexec/bootchain/dom0-probe
	for f in marker.sh dom0-guests.sh guest-marker.sh; do \
		install -D -m 0755 bootchain/matrix/scripts/$$f $(DESTDIR)$(PREFIX)/share/bootchain/$$f || exit; \
	done
