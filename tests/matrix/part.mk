# tests/matrix/: `bootchain matrix`, the boot matrix (issue 6). Its sources go into the
# bootchain front end; its unit tests live in tests/boot/ (see tests/boot/part.mk).
MATRIX_SRCS := $(sort $(wildcard tests/matrix/*.c))
BOOTCHAIN_SRCS += $(MATRIX_SRCS)
BOOTCHAIN_LDLIBS += -lz
BENCHES += tests/matrix/bench-matrix.sh

# An installed `bootchain matrix` finds its marker script in PREFIX/share/bootchain.
INSTALL_RULES += install-matrix-data
.PHONY: install-matrix-data
install-matrix-data:
	install -D -m 0755 tests/boot/marker.sh $(DESTDIR)$(PREFIX)/share/bootchain/marker.sh
