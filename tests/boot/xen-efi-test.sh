#!/usr/bin/env bash
# The xen-efi config style for real, one boot: new-kernel-pkg --root writes the ESP's
# xen.cfg (through grubby --xen-efi) and copies the kernel, initramfs and xen.efi beside
# it; mtools makes the EFI system partition; OVMF starts xen.efi as \EFI\BOOT\BOOTX64.EFI
# (no GRUB anywhere), Xen reads BOOTX64.cfg and starts the dom0 kernel, whose marker
# says hv=xen. The path is what this test proves: --no-guests keeps it one short boot
# (the guest stages are the same dom0 image's in every style; `bootchain matrix` runs
# them here too). BOOTCHAIN_BOOT_TESTS=quick skips it (CI's sanitizer pass).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
if [ "${BOOTCHAIN_BOOT_TESTS:-}" = quick ]; then
	skip "a real Xen EFI boot: skipped by BOOTCHAIN_BOOT_TESTS=quick"
	done_testing; exit
fi
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | head -1)
why=
[ -x "$BIN/new-kernel-pkg" ] && [ -x "$BIN/grubby" ] || why="new-kernel-pkg or grubby not built"
[ -n "$why" ] || [ -n "$kernel" ] || why="needs /boot/vmlinuz-*-amd64"
[ -n "$why" ] || ls /boot/xen-*.efi >/dev/null 2>&1 || why="needs /boot/xen-*.efi (xen-hypervisor-4.17-amd64)"
[ -n "$why" ] || command -v qemu-system-x86_64 >/dev/null || why="needs qemu-system-x86_64"
[ -n "$why" ] || command -v mformat >/dev/null || why="needs mtools"
if [ -n "$why" ]; then skip "$why"; done_testing; exit; fi
mkdir -p "$BUILD/boot-tests"
out=$(mktemp -d "$(cd "$BUILD/boot-tests" && pwd)/xen-efi.XXXXXX")
"$BIN/bootchain" matrix --kernel "$kernel" --hypervisor xen-pv --firmware uefi --config xen-efi \
	--no-guests --output "$out" --cache "$out/cache" --no-progress --timeout 400 >"$out.txt" 2>&1
check_eq "the xen-efi cell boots (exit status)" 0 $?
sed 's/^/# /' "$out.txt"
check "the table says PASS" grep -Eq "uefi xen-efi +PASS" "$out.txt"
log=$(ls "$out"/logs/*-xen-pv-uefi-xen-efi.serial.log 2>/dev/null)
check "xen.efi started (its EFI loader banner)" grep -aq "EFI loader" "$log"
check "xen.efi read the .cfg of its own name" grep -aq "Using configuration file 'BOOTX64.cfg'" "$log"
check "Xen got the options= new-kernel-pkg wrote (HYPERVISOR_ARGS)" \
	grep -aq "(XEN) Command line: console=com1 com1=115200 dom0_mem=512M" "$log"
check "dom0 got the kernel= arguments new-kernel-pkg wrote; its marker says hv=xen" \
	grep -aq "BOOTCHAIN-MARKER hv=xen .*cmdline=console=hvc0 panic=-1 no_timer_check" "$log"
check "no GRUB on the way" bash -c "! grep -aq 'GNU GRUB\|grub>' '$log'"
[ "$_tap_failed" -eq 0 ] && rm -rf "$out" "$out.txt" # keep a failed run's output for a look
done_testing
