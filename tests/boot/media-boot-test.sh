#!/usr/bin/env bash
# The media, QEMU and verdict stages on a root written by hand (no new-kernel-pkg):
# GRUB2 boots a grub.cfg of ours from a grub-mkrescue ISO, the busybox marker proves
# the boot, and a second run takes the medium from the cache. One real boot.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mkdir -p "$BUILD/boot-tests"
out=$(cd "$BUILD/boot-tests" && pwd)/media.$$
bc=$BIN/bootchain
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | head -1)
if [ -z "$kernel" ] || ! command -v qemu-system-x86_64 >/dev/null || ! command -v grub-mkrescue >/dev/null; then
	skip "needs /boot/vmlinuz-*-amd64, qemu-system-x86_64 and grub-mkrescue"
	done_testing; exit
fi
rm -rf "$out"
root=$out/root
mkdir -p "$root/boot/grub2"
cp "$kernel" "$root/boot/vmlinuz-test"
check "bootchain initramfs builds the busybox marker image" \
	"$bc" initramfs -o "$root/boot/initramfs-test.img" --busybox /bin/busybox --init "$here/../../bootchain/matrix/scripts/marker.sh"
cat >"$root/boot/grub2/grub.cfg" <<'CFG'
set default=0
set timeout=0
menuentry 'hand-written entry' {
	linux /boot/vmlinuz-test console=ttyS0 panic=-1 bootchain.test=media
	initrd /boot/initramfs-test.img
}
CFG

"$bc" matrix --root "$root" --hypervisor none --output "$out/run1" --no-progress --timeout 240 \
	>"$out/run1.txt" 2>&1
check_eq "the hand-written entry boots to the marker (exit status)" 0 $?
check "the table says PASS" grep -Eq "root-default bios grub2 +PASS" "$out/run1.txt"
log=$out/run1/logs/root-default-none-bios-grub2.serial.log
check "the serial log has the marker with our command line" \
	grep -q "BOOTCHAIN-MARKER hv=none release=.* cmdline=.*bootchain.test=media" "$log"
check "GRUB2 booted it (its menu entry is in the log)" grep -q "hand-written entry" "$log"
check "report.md has the cell" grep -q "root-default-none-bios-grub2\*\* PASS" "$out/run1/report.md"
check "junit.xml has no failure" grep -q 'tests="1" failures="0"' "$out/run1/junit.xml"

# Same root, same cache: the medium is not rebuilt. A short time limit keeps this cheap;
# the boot may not finish, only the cache matters here.
cp -r "$out/run1/cache" "$out/run2-cache" && mkdir -p "$out/run2" && mv "$out/run2-cache" "$out/run2/cache"
"$bc" matrix --root "$root" --hypervisor none --output "$out/run2" --no-progress --timeout 5 \
	>"$out/run2.txt" 2>&1
check "a second run takes the medium from the cache" grep -q "medium cached" "$out/run2/report.md"
check_eq "and builds no new medium" 1 "$(ls "$out/run2/cache/media" | wc -l)"
[ "$_tap_failed" -eq 0 ] && rm -rf "$out" # keep a failed run's output for a look
done_testing
