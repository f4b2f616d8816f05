# packaging/: Debian and RPM packages built from this tree, with the kernel hooks.
#   make deb   -> build/packages/bootchain_*.deb with its .changes and .buildinfo (needs: mk/deps.sh package)
#   make rpm   -> build/packages/bootchain-*.rpm
PKG_VERSION := $(shell sed -n 's/^Version: *//p' packaging/rpm/bootchain.spec)
PKG_DIR := build/packages

.PHONY: deb rpm
deb:
	@mk/deps.sh build package
	rm -rf $(PKG_DIR)/deb && mkdir -p $(PKG_DIR)/deb/src
	git archive HEAD | tar -x -C $(PKG_DIR)/deb/src
	cp -r packaging/debian $(PKG_DIR)/deb/src/debian
	cd $(PKG_DIR)/deb/src && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || { tail -30 ../build.log; exit 1; }
	@# the .changes names the .deb and .buildinfo beside it: they move together
	rm -f $(PKG_DIR)/bootchain_*.deb $(PKG_DIR)/bootchain_*.changes $(PKG_DIR)/bootchain_*.buildinfo
	mv $(PKG_DIR)/deb/*.deb $(PKG_DIR)/deb/*.changes $(PKG_DIR)/deb/*.buildinfo $(PKG_DIR)/ && ls $(PKG_DIR)/*.deb $(PKG_DIR)/*.changes

rpm:
	@mk/deps.sh build package
	rm -rf $(PKG_DIR)/rpm && mkdir -p $(PKG_DIR)/rpm/SOURCES
	git archive --prefix=bootchain-$(PKG_VERSION)/ -o $(PKG_DIR)/rpm/SOURCES/bootchain-$(PKG_VERSION).tar.gz HEAD
	rpmbuild -bb --nodeps --define "_topdir $(abspath $(PKG_DIR)/rpm)" packaging/rpm/bootchain.spec >$(PKG_DIR)/rpm/build.log 2>&1 \
		|| { tail -30 $(PKG_DIR)/rpm/build.log; exit 1; }
	find $(PKG_DIR)/rpm/RPMS -name '*.rpm' -exec mv {} $(PKG_DIR)/ \; && ls $(PKG_DIR)/*.rpm

# the kernel-install(8) plugin goes where kernel-install looks, whatever PREFIX is
KERNEL_INSTALL_DIR ?= /usr/lib/kernel/install.d
INSTALL_RULES += install-kernel-install-plugin
.PHONY: install-kernel-install-plugin
install-kernel-install-plugin:
	install -D -m 0755 packaging/hooks/95-bootchain.install $(DESTDIR)$(KERNEL_INSTALL_DIR)/95-bootchain.install
