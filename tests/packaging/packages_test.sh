#!/usr/bin/env bash
# Builds the Debian and RPM packages from HEAD and checks they carry what a
# distribution expects. Run by .ci/run (not make check: it rebuilds the tree twice).
set -u
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
want="/boot/bchv.gz /etc/kernel/postinst.d/zz-bootchain /etc/kernel/prerm.d/bootchain /etc/sysconfig/kernel
/usr/bin/bootchain /usr/sbin/grubby /usr/sbin/new-kernel-pkg /usr/share/bash-completion/completions/grubby
/usr/share/bootchain/marker.sh"

if make -s deb >/dev/null 2>&1; then
  ok "make deb"
  deb=$(ls build/packages/bootchain_*_amd64.deb | head -1)
  files=$(dpkg-deb -c "$deb" | awk '{print substr($6, 2)}')
  for f in $want; do check "deb has $f" grep -qx "$f" <<<"$files"; done
  check "deb has the man pages" grep -q '/usr/share/man/man8/grubby.8' <<<"$files"
  check "deb marks /etc/sysconfig/kernel a conffile" grep -qx /etc/sysconfig/kernel <<<"$(dpkg-deb -I "$deb" conffiles)"
  check "deb depends on libpopt" grep -q libpopt <<<"$(dpkg-deb -f "$deb" Depends)"
else
  fail "make deb"
fi

if make -s rpm >/dev/null 2>&1; then
  ok "make rpm"
  rpmf=$(ls build/packages/bootchain-*.x86_64.rpm | head -1)
  files=$(rpm -qlp "$rpmf" 2>/dev/null)
  for f in $want; do check "rpm has $f" grep -qx "$f" <<<"$files"; done
  check "rpm provides grubby" grep -q '^grubby' <<<"$(rpm -qp --provides "$rpmf" 2>/dev/null)"
else
  fail "make rpm"
fi
done_testing
