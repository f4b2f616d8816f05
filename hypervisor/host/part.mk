# hypervisor/host/: host-side kernel tools linked into bootchain
# (inspect, decompress, extract) over the freestanding loader and decompressors.
HV_HOST_SRCS := $(wildcard hypervisor/host/*.c)
BOOTCHAIN_SRCS += $(HV_HOST_SRCS)

INSTALL_RULES += install-bootchain-man
.PHONY: install-bootchain-man
install-bootchain-man:
	install -D -m 0644 hypervisor/host/bootchain.1 $(DESTDIR)$(PREFIX)/share/man/man1/bootchain.1
