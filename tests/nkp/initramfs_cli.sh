#!/usr/bin/env bash
# `bootchain initramfs`: images read back with the system's cpio, gzip and xz.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
BC=$BIN/bootchain
if [ ! -x "$BC" ]; then skip "bootchain not built"; done_testing; exit; fi
T=$(mktemp -d /tmp/initramfs-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT

printf '#!/bin/sh\necho marker\n' > "$T/init.sh"
mkdir -p "$T/tree/sub"; echo data > "$T/tree/sub/file"; ln -s file "$T/tree/sub/link"
listing() { cpio -itv --quiet 2>/dev/null; }

"$BC" initramfs -o "$T/a.img" --init "$T/init.sh" --add "$T/tree:/opt/tree" --mkdir /mnt/x \
  --symlink /init:/linuxrc 2>"$T/err"
check_eq "gzip image builds" 0 $?
check "it is gzip" gzip -t "$T/a.img"
zcat "$T/a.img" | listing > "$T/list"
check "/dev/console is char 5,1 without root" grep -qE '^crw------- .* 5, +1 .* dev/console$' "$T/list"
check "/dev/null is char 1,3" grep -qE '^crw-rw-rw- .* 1, +3 .* dev/null$' "$T/list"
for d in proc sys dev tmp run mnt/x opt/tree/sub; do
  check "directory /$d" grep -qE "^d.* $d\$" "$T/list"
done
check "/init is executable" grep -qE '^-rwxr-xr-x .* init$' "$T/list"
check "symlink kept as a symlink" grep -qE '^l.* opt/tree/sub/link -> file$' "$T/list"
check "--symlink made /linuxrc" grep -qE '^l.* linuxrc -> /init$' "$T/list"
mkdir "$T/x" && (cd "$T/x" && zcat "$T/a.img" | cpio -id --quiet 2>/dev/null)
check "/init has the given contents" cmp -s "$T/x/init" "$T/init.sh"
check "added files have their contents" cmp -s "$T/x/opt/tree/sub/file" "$T/tree/sub/file"

"$BC" initramfs -o "$T/b.img" --compress xz --init "$T/init.sh" 2>"$T/err"
check_eq "xz image builds" 0 $?
check "xz image uses the CRC32 check the kernel accepts" bash -c "xz -lvv '$T/b.img' | grep -q 'Check: *CRC32'"
check "xz image holds the archive" bash -c "xz -dc '$T/b.img' | cpio -it --quiet 2>/dev/null | grep -qx init"
"$BC" initramfs -o "$T/c.img" --compress none 2>"$T/err"
check_eq "uncompressed image builds" 0 $?
check "uncompressed image is cpio newc" bash -c "head -c6 '$T/c.img' | grep -qx 070701"

if [ -x /bin/busybox ]; then
  "$BC" initramfs -o "$T/d.img" --busybox /bin/busybox 2>"$T/err"
  check_eq "busybox image builds" 0 $?
  zcat "$T/d.img" | listing > "$T/list"
  check "busybox is /bin/busybox" grep -qE '^-rwxr-xr-x .* bin/busybox$' "$T/list"
  check "applet links point at it" grep -qE '^l.* bin/sh -> /bin/busybox$' "$T/list"
  check "a default /init is added with busybox" grep -qE '^-rwx.* init$' "$T/list"
else
  skip "no /bin/busybox"
fi

# device nodes come from the archive, not mknod: an ordinary user makes the same image
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups "$BC" --version >/dev/null 2>&1; then
  chmod 0755 "$T"; mkdir -m 0777 "$T/user"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$BC" initramfs -o "$T/user/u.img" 2>"$T/err"
  check_eq "an unprivileged user builds an image" 0 $?
  check "with /dev/console in it" bash -c "zcat '$T/user/u.img' | cpio -itv --quiet 2>/dev/null | grep -qE '^crw.* 5, +1 .* dev/console$'"
elif [ "$(id -u)" != 0 ]; then
  "$BC" initramfs -o "$T/u.img" 2>"$T/err"
  check_eq "an unprivileged user builds an image" 0 $?
  check "with /dev/console in it" bash -c "zcat '$T/u.img' | cpio -itv --quiet 2>/dev/null | grep -qE '^crw.* 5, +1 .* dev/console$'"
else
  skip "cannot run as an unprivileged user here"
fi

"$BC" initramfs --init "$T/init.sh" 2>"$T/err"
check_eq "no -o: exit 1" 1 $?
check "no -o: says so" grep -q -- "-o OUT is required" "$T/err"
"$BC" initramfs -o "$T/e.img" --add "$T/missing:/x" 2>"$T/err"
check_eq "missing --add source: exit 1" 1 $?
check "missing --add source: named" grep -q "$T/missing: No such file" "$T/err"
check "no image left after a failure" test ! -e "$T/e.img"
"$BC" initramfs -o "$T/e.img" --compress lz4 2>"$T/err"
check "unknown compression refused" grep -q "use gzip, xz or none" "$T/err"
"$BC" initramfs -o "$T/e.img" --add "$T/init.sh" 2>"$T/err"
check "--add without DEST refused" grep -q "expected two parts joined by ':'" "$T/err"
"$BC" initramfs -o "$T/e.img" --mkdir /../etc 2>"$T/err"
check "paths leaving the image refused" grep -q "not a path inside the image" "$T/err"

done_testing
