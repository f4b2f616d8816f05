# sysconfig/: reader for shell-variable files (/etc/sysconfig/kernel, /etc/os-release),
# linked into new-kernel-pkg and its tests; and the commented template installed
# as /etc/sysconfig/kernel.
SYSCONFIG_SRCS := sysconfig/shvar.c

INSTALL_RULES += install-sysconfig
.PHONY: install-sysconfig
# an existing /etc/sysconfig/kernel is the administrator's: never overwrite it
install-sysconfig:
	@if [ -e $(DESTDIR)/etc/sysconfig/kernel ]; then \
		echo "keeping existing $(DESTDIR)/etc/sysconfig/kernel"; \
	else \
		install -D -m 0644 sysconfig/kernel.template $(DESTDIR)/etc/sysconfig/kernel; \
	fi
