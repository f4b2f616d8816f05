#!/usr/bin/env bash
# The entry a fresh system gets, booted for real: new-kernel-pkg --root
# installs the first kernel into an empty grub.cfg (built from scratch, the
# console taken from the "installer's" command line), then GRUB 2 from a
# grub-mkrescue medium boots it in QEMU to the busybox marker. The Xen entry
# from scratch (multiboot2 /boot/xen.gz after insmod gzio) boots too, unless
# BOOTCHAIN_BOOT_TESTS=quick.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
bc=$BIN/bootchain NKP=$BIN/new-kernel-pkg
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | head -1)
why=
[ -x "$bc" ] && [ -x "$NKP" ] && [ -x "$BIN/grubby" ] || why="bootchain, new-kernel-pkg or grubby not built"
[ -n "$why" ] || [ -n "$kernel" ] || why="no /boot/vmlinuz-*-amd64"
[ -n "$why" ] || { command -v qemu-system-x86_64 && command -v grub-mkrescue; } >/dev/null || why="needs qemu-system-x86_64 and grub-mkrescue"
[ -n "$why" ] || [ -x /bin/busybox ] || why="needs /bin/busybox (busybox-static)"
[ -n "$why" ] || unshare -m --propagation private true 2>/dev/null || why="needs root for a private mount namespace"
if [ -n "$why" ]; then skip "$why"; done_testing; exit; fi

V=${kernel#/boot/vmlinuz-}
mkdir -p "$BUILD/boot-tests"
out=$(cd "$BUILD/boot-tests" && pwd)/fresh.$$
rm -rf "$out"
R=$out/root
export NEWKERNELPKG_GRUBBY=$BIN/grubby
echo "BOOT_IMAGE=/install/vmlinuz console=ttyS0 quiet" > "$out.cmdline"
trap 'rm -f "$out.cmdline"' EXIT

# a fresh root: the kernel, the marker initramfs, an empty grub.cfg
mkdir -p "$R/boot/grub2" "$R/etc/sysconfig"
cp "$kernel" "$R/boot/vmlinuz-$V"
"$bc" initramfs -o "$R/boot/initramfs-$V.img" --busybox /bin/busybox --init "$here/../../bootchain/matrix/scripts/marker.sh" >/dev/null
: > "$R/boot/grub2/grub.cfg"
printf 'NAME="Fresh OS"\nVERSION="1"\n' > "$R/etc/os-release"
printf 'LABEL=fresh-root / ext4 defaults 0 1\n' > "$R/etc/fstab"
echo "HYPERVISOR=" > "$R/etc/sysconfig/kernel"
nkp() { unshare -m --propagation private sh -c 'mount --bind "$1" /proc/cmdline && shift && exec "$@"' \
          sh "$out.cmdline" "$NKP" --root="$R" "$@"; }

nkp --install --kernel-args="panic=-1 bootchain.test=fresh" "$V" 2>"$out.err"
check_eq "new-kernel-pkg writes the first entry into an empty grub.cfg" 0 $?
check "it is built from scratch with the installer's console" \
  grep -qx $'\tlinux /boot/vmlinuz-'"$V"' root=LABEL=fresh-root panic=-1 bootchain.test=fresh ro console=ttyS0' "$R/boot/grub2/grub.cfg"
"$bc" matrix --root "$R" --hypervisor none --output "$out/plain" --no-progress --timeout 240 >"$out/plain.txt" 2>&1
check_eq "GRUB 2 boots it to the marker (exit status)" 0 $?
log=$out/plain/logs/root-default-none-bios-grub2.serial.log
check "the marker shows the entry's command line" grep -q "BOOTCHAIN-MARKER hv=none .*cmdline=.*bootchain.test=fresh.*console=ttyS0" "$log"
check "GRUB showed the os-release title" grep -q "Fresh OS ($V) 1" "$log"

if [ "${BOOTCHAIN_BOOT_TESTS:-}" = quick ]; then
  skip "Xen boot: skipped by BOOTCHAIN_BOOT_TESTS=quick"
elif [ ! -e /boot/xen-4.17-amd64.gz ]; then
  skip "no /boot/xen-4.17-amd64.gz (xen-hypervisor-4.17-amd64)"
else
  : > "$R/boot/grub2/grub.cfg"
  cp /boot/xen-4.17-amd64.gz "$R/boot/xen.gz"
  printf 'HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS="console=com1 com1=115200 dom0_mem=512M"\n' > "$R/etc/sysconfig/kernel"
  nkp --install --kernel-args="console=hvc0 panic=-1 bootchain.test=fresh-xen" "$V" 2>"$out.err"
  rc=$?
  check "new-kernel-pkg writes a Xen entry from scratch (insmod gzio)" \
    test "$rc" = 0 -a "$(grep -c 'insmod gzio' "$R/boot/grub2/grub.cfg")" = 1
  "$bc" matrix --root "$R" --hypervisor xen-pv --output "$out/xen" --no-progress --timeout 400 >"$out/xen.txt" 2>&1
  check_eq "GRUB 2 boots Xen and dom0 to the marker (exit status)" 0 $?
  check "the marker runs under Xen with the entry's command line" \
    grep -q "BOOTCHAIN-MARKER hv=xen .*cmdline=.*bootchain.test=fresh-xen" "$out"/xen/logs/*.serial.log
fi
[ "$_tap_failed" -eq 0 ] && rm -rf "$out" # keep a failed run's output for a look
done_testing
