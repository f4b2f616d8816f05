#!/usr/bin/env bash
# `bootchain matrix --quick`, the CI subset, for real: the dom0-capable kernel installed by
# new-kernel-pkg/grubby into a sandbox, booted by GRUB2 on bare metal and as Xen PV dom0
# (dracut initramfs, `xl list` in dom0). Two real boots. Each run has its own output dir
# (runs in the same tree may overlap); the cache is shared, so a second run rebuilds nothing.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mkdir -p "$BUILD/boot-tests"
base=$(cd "$BUILD/boot-tests" && pwd)
bc=$BIN/bootchain
for tool in new-kernel-pkg grubby; do
	if [ ! -x "$BIN/$tool" ]; then
		skip "$BIN/$tool is not built"
		done_testing; exit
	fi
done
if ! command -v qemu-system-x86_64 >/dev/null || ! ls /boot/xen-*.gz >/dev/null 2>&1; then
	skip "needs qemu-system-x86_64 and /boot/xen-*.gz"
	done_testing; exit
fi
out=$(mktemp -d "$base/quick.XXXXXX")
"$bc" matrix --quick --output "$out" --cache "$base/cache" --no-progress --timeout 300 >"$out.txt" 2>&1
check_eq "the quick matrix exits 0" 0 $?
sed 's/^/# /' "$out.txt"
check "the table row has two PASS cells" grep -Eq "^[^ ]+ +PASS [0-9.]+s +PASS [0-9.]+s" "$out.txt"
bare=$(ls "$out"/logs/*-none-bios-grub2.serial.log 2>/dev/null)
xen=$(ls "$out"/logs/*-xen-pv-bios-grub2.serial.log 2>/dev/null)
check "bare metal marker says hv=none" grep -q "BOOTCHAIN-MARKER hv=none" "$bare"
check "Xen PV marker says hv=xen" grep -q "BOOTCHAIN-MARKER hv=xen" "$xen"
check "dom0 ran xl list and saw Domain-0" grep -q "BOOTCHAIN-MARKER .*xl=Domain-0" "$xen"
check "Xen itself booted (its log is on the serial line)" grep -q "(XEN)" "$xen"
check "junit.xml: 2 tests, no failure" grep -q 'tests="2" failures="0"' "$out/junit.xml"
check "report.md has the table" grep -q "^| kernel | none | xen-pv |" "$out/report.md"
# keep a failed run's output for a look
[ "$_tap_failed" -eq 0 ] && rm -rf "$out" "$out.txt"
done_testing
