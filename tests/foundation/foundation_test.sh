#!/usr/bin/env bash
# The foundation's promises: a quiet idempotent dependency step, a front end that
# reports unknown or unbuilt commands clearly, and the install layout.
set -u
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

out=$("$top/mk/deps.sh" 2>&1); rc=$?
check_eq "deps step exits 0 when nothing is missing" 0 "$rc"
check_eq "deps step is quiet when nothing is missing" "" "$out"
out=$("$top/mk/deps.sh" nosuchgroup 2>&1); rc=$?
check "deps step rejects an unknown group" [ "$rc" -ne 0 ]
check "deps step names the unknown group" grep -q "nosuchgroup" <<<"$out"

out=$("$BIN/bootchain" --version); check "bootchain --version" grep -qE '^bootchain [0-9]+\.[0-9]+' <<<"$out"
out=$("$BIN/bootchain" frobnicate 2>&1); rc=$?
check_eq "unknown command exits 2" 2 "$rc"
check "unknown command is named" grep -q "unknown command 'frobnicate'" <<<"$out"
out=$("$BIN/bootchain" 2>&1); rc=$?
check_eq "no command prints usage and exits 2" 2 "$rc"

# install as a distribution package would (skipped by name when a program is not built yet)
dest=$(mktemp -d); trap 'rm -rf "$dest"' EXIT
if make -s -C "$top" BUILD="$BUILD" install DESTDIR="$dest" PREFIX=/usr >/dev/null 2>&1; then
  ok "make install DESTDIR PREFIX=/usr"
  for f in usr/bin/bootchain usr/sbin/grubby usr/sbin/new-kernel-pkg usr/share/man/man8/grubby.8 \
           usr/share/man/man8/new-kernel-pkg.8 usr/share/man/man1/bootchain.1 etc/sysconfig/kernel boot/bchv.gz \
           usr/lib/kernel/install.d/95-bootchain.install; do
    if [ -e "$dest/$f" ]; then ok "installs /$f"; else fail "installs /$f"; fi
  done
else
  fail "make install DESTDIR PREFIX=/usr"
fi
done_testing
