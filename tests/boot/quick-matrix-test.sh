#!/usr/bin/env bash
# `bootchain matrix --quick`, the CI subset, for real: the dom0-capable kernel installed by
# new-kernel-pkg/grubby into a sandbox, booted by GRUB2 on bare metal and as Xen PV dom0,
# where dom0 runs the toolstack and its guests (PV, save/restore, balloon, PVH, PV-GRUB2,
# shutdown). Two real boots. Each run has its own output dir (runs in the same tree may
# overlap); the cache is shared, so a second run rebuilds nothing.
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
# BOOTCHAIN_BOOT_TESTS=quick (the sanitizer pass in CI) boots without the guest stages:
# they run QEMU, not more of our code, and `make matrix --quick` runs them anyway
guests=yes opt=
[ "${BOOTCHAIN_BOOT_TESTS:-}" = quick ] && guests=no opt=--no-guests
out=$(mktemp -d "$base/quick.XXXXXX")
"$bc" matrix --quick $opt --output "$out" --cache "$base/cache" \
	--no-progress --timeout 600 >"$out.txt" 2>&1
check_eq "the quick matrix exits 0" 0 $?
sed 's/^/# /' "$out.txt"
check "the table row has two PASS cells" grep -Eq "^[^ ]+ bios grub2 +PASS [0-9.]+s +PASS [0-9.]+s" "$out.txt"
bare=$(ls "$out"/logs/*-none-bios-grub2.serial.log 2>/dev/null)
xen=$(ls "$out"/logs/*-xen-pv-bios-grub2.serial.log 2>/dev/null)
check "bare metal marker says hv=none" grep -q "BOOTCHAIN-MARKER hv=none" "$bare"
check "Xen PV marker says hv=xen" grep -q "BOOTCHAIN-MARKER hv=xen" "$xen"
check "dom0 ran xl list and saw Domain-0" grep -q "BOOTCHAIN-MARKER .*xl=Domain-0" "$xen"
check "Xen itself booted (its log is on the serial line)" grep -q "(XEN)" "$xen"
check "junit.xml: one testcase a stage, no failure" grep -q "tests=\"$(($(wc -l <"$out/results.tsv") - 1))\" failures=\"0\"" "$out/junit.xml"
check "report.md has the table" grep -q "^| kernel | firmware | config | none | xen-pv |" "$out/report.md"
check "report.md lists the toolstack stage with its time" grep -Eq "^  - stage toolstack: PASS" "$out/report.md"
stages="toolstack pv-guest save-restore balloon pvh-guest pvgrub-guest shutdown"
[ $guests = yes ] || stages=toolstack
for stage in $stages; do
	check "results.tsv: the xen-pv cell's $stage stage passed" \
		grep -Pq "xen-pv-bios-grub2\t$stage\tPASS\t" "$out/results.tsv"
done
if [ $guests = yes ]; then
	check "the PV guest saw Xen, dom0's block on xvda and its eth0" \
		grep -Eq "BOOTCHAIN-GUEST hv=xen .*xvda=BOOTCHAIN-BLOCK-.* eth0=up" "$xen"
	check "the PV-GRUB2 guest booted the command line new-kernel-pkg wrote" \
		grep -Eq "\[guest pvgrub\] BOOTCHAIN-GUEST hv=xen .*bootchain.pvgrub=1" "$xen"
else
	check "--no-guests ran no guest stage" sh -c "! grep -q pv-guest '$out/results.tsv'"
fi
# keep a failed run's output for a look
[ "$_tap_failed" -eq 0 ] && rm -rf "$out" "$out.txt"
done_testing
