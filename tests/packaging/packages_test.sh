#!/usr/bin/env bash
# Builds the Debian and RPM packages from HEAD and checks they carry what a
# distribution expects: files, conffiles, hardening flags, tests run at build
# time, lintian clean. Run by .ci/run (not make check: it rebuilds the tree twice).
set -u
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
want="/boot/bchv.gz /etc/kernel/postinst.d/zz-bootchain /etc/kernel/prerm.d/bootchain /etc/sysconfig/kernel
/usr/bin/bootchain /usr/sbin/grubby /usr/sbin/new-kernel-pkg /usr/share/bash-completion/completions/grubby
/usr/share/bootchain/marker.sh /usr/share/bash-completion/completions/new-kernel-pkg
/usr/share/bash-completion/completions/bootchain /usr/lib/kernel/install.d/95-bootchain.install"

if make -s deb >/dev/null 2>&1; then
  ok "make deb"
  deb=$(ls build/packages/bootchain_*_amd64.deb | head -1)
  files=$(dpkg-deb -c "$deb" | awk '{print substr($6, 2)}')
  for f in $want; do check "deb has $f" grep -qx "$f" <<<"$files"; done
  check "deb has the man pages" grep -q '/usr/share/man/man8/grubby.8' <<<"$files"
  check "deb marks /etc/sysconfig/kernel a conffile" grep -qx /etc/sysconfig/kernel <<<"$(dpkg-deb -I "$deb" conffiles)"
  check "deb depends on libpopt" grep -q libpopt <<<"$(dpkg-deb -f "$deb" Depends)"
  check "deb depends on busybox (the marker script's shell)" grep -q busybox <<<"$(dpkg-deb -f "$deb" Depends)"
  check "deb has its copyright file" grep -qx /usr/share/doc/bootchain/copyright <<<"$files"
  check "deb's kernel-install plugin is executable" grep -q '^-rwxr-xr-x .*/usr/lib/kernel/install.d/95-bootchain.install$' \
    <<<"$(dpkg-deb -c "$deb")"
  check "deb marks the kernel hooks conffiles" test "$(dpkg-deb -I "$deb" conffiles | grep -c '^/etc/kernel/')" = 2
  check "the .changes is beside the .deb and names it" grep -q " $(basename "$deb")$" "${deb%.deb}.changes"
  check_eq "the maintainer address is a real mail domain" "" "$(dpkg-deb -f "$deb" Maintainer | grep -E '@(localhost|[^.>]*)>')"
  x=$(mktemp -d /tmp/pkgtest-XXXXXX)
  dpkg-deb -x "$deb" "$x"
  for b in usr/sbin/grubby usr/sbin/new-kernel-pkg usr/bin/bootchain; do
    syms=$(readelf --dyn-syms -W "$x/$b")
    check "$b is built with the stack protector (distribution flags)" grep -q __stack_chk_fail <<<"$syms"
    check "$b is built with _FORTIFY_SOURCE" grep -q '_chk@' <<<"$syms"
    check "$b is linked with -z now" grep -q BIND_NOW <<<"$(readelf -d "$x/$b")"
  done
  rm -rf "$x"
  check "the package build ran the short tests" grep -q '^tests: [0-9]* passed, 0 failed' build/packages/deb/build.log
  if command -v lintian >/dev/null; then
    lintian --fail-on error,warning "$deb" >build/packages/lintian.log 2>&1
    check_eq "lintian: no error or warning" 0 $?
    grep -E '^[EW]: ' build/packages/lintian.log | sed 's/^/# /'
  else
    skip "lintian not installed (mk/deps.sh package)"
  fi
else
  fail "make deb"
fi

if make -s rpm >/dev/null 2>&1; then
  ok "make rpm"
  rpmf=$(ls build/packages/bootchain-*.x86_64.rpm | head -1)
  files=$(rpm -qlp "$rpmf" 2>/dev/null)
  for f in $want; do check "rpm has $f" grep -qx "$f" <<<"$files"; done
  check "rpm provides grubby" grep -q '^grubby' <<<"$(rpm -qp --provides "$rpmf" 2>/dev/null)"
  check "rpm conflicts with grubby" grep -qx 'grubby' <<<"$(rpm -qp --conflicts "$rpmf" 2>/dev/null)"
  check "rpm obsoletes grubby 8.40" grep -q '^grubby <= 8.40' <<<"$(rpm -qp --obsoletes "$rpmf" 2>/dev/null)"
  configs=$(rpm -qcp "$rpmf" 2>/dev/null)
  for f in /etc/kernel/postinst.d/zz-bootchain /etc/kernel/prerm.d/bootchain /etc/sysconfig/kernel; do
    check "rpm marks $f %config" grep -qx "$f" <<<"$configs"
  done
  check "rpm has the license (%license)" grep -Eq '^/usr/share/licenses/bootchain[^/]*/COPYING$' <<<"$files"
  check "rpm has the documentation (%doc)" grep -Eq '^/usr/share/doc/bootchain[^/]*/README.md$' <<<"$files"
  check "rpm's %check ran the short tests" grep -q '^tests: [0-9]* passed, 0 failed' build/packages/rpm/build.log
  # installing it needs no grubby gone: it does not conflict with itself
  r=$(mktemp -d /tmp/rpmroot-XXXXXX)
  out=$(rpm --root "$r" --dbpath /rpmdb -i --test --nodigest --nosignature "$rpmf" 2>&1)
  check "rpm does not conflict with itself" bash -c "! grep -qi conflict <<<'$out'"
  rm -rf "$r"
else
  fail "make rpm"
fi
done_testing
