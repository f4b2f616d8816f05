# bootchain/matrix/: `bootchain matrix`, the boot matrix. Its sources go into the bootchain
# front end; its unit tests live in tests/boot/ (see tests/boot/part.mk).
MATRIX_SRCS := $(sort $(wildcard bootchain/matrix/*.c))
BOOTCHAIN_SRCS += $(MATRIX_SRCS)
BOOTCHAIN_LDLIBS += -lz
BENCHES += tests/matrix/bench-matrix.sh

# The busybox scripts the matrix puts in its boot images (bootchain/matrix/scripts/); an
# installed `bootchain matrix` finds them in PREFIX/share/bootchain.
INSTALL_RULES += install-matrix-data
.PHONY: install-matrix-data
install-matrix-data:
	for f in marker.sh dom0-guests.sh guest-marker.sh; do \
		install -D -m 0755 bootchain/matrix/scripts/$$f $(DESTDIR)$(PREFIX)/share/bootchain/$$f || exit; \
	done
