#!/usr/bin/env bash
# One bls cell of the matrix, for real: new-kernel-pkg --root writes the BLS entry
# (grubby --bls) and loader.conf's default, the ESP is a FAT image made with mtools,
# systemd-boot (\EFI\BOOT\BOOTX64.EFI) under OVMF reads the entry and starts the kernel;
# then (not with BOOTCHAIN_BOOT_TESTS=quick) the Xen cell: the entry starts xen.efi
# through systemd-boot's efi key and Xen starts dom0 (`xl list`). About 40 s, and 80 s
# more for Xen (its dracut image is cached in the output dir's cache).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mkdir -p "$BUILD/boot-tests"
out=$(cd "$BUILD/boot-tests" && pwd)/bls.$$
bc=$BIN/bootchain
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | head -1)
why=
[ -n "$kernel" ] || why="needs /boot/vmlinuz-*-amd64"
[ -n "$why" ] || command -v qemu-system-x86_64 >/dev/null || why="needs qemu-system-x86_64"
[ -n "$why" ] || command -v mformat >/dev/null || why="needs mtools"
[ -n "$why" ] || [ -r /usr/lib/systemd/boot/efi/systemd-bootx64.efi ] || why="needs systemd-boot-efi (mk/deps.sh boot)"
[ -n "$why" ] || [ -r /usr/share/ovmf/OVMF.fd ] || [ -n "${BOOTCHAIN_OVMF:-}" ] || why="needs ovmf"
if [ -n "$why" ]; then skip "$why"; done_testing; exit; fi
rm -rf "$out"
hvs=(--hypervisor none)
xen=yes
[ "${BOOTCHAIN_BOOT_TESTS:-}" = quick ] && xen=no
ls /boot/xen-*.efi >/dev/null 2>&1 || xen=no
[ $xen = yes ] && hvs+=(--hypervisor xen-pv)
"$bc" matrix --kernel "$kernel" "${hvs[@]}" --firmware uefi --config bls --output "$out" \
	--no-progress --timeout 240 >"$out.txt" 2>&1
check_eq "the bls cell boots (exit status)" 0 $?
check "the table says PASS" grep -Eq "uefi bls +PASS" "$out.txt"
v=${kernel#/boot/vmlinuz-}
log=$out/logs/$v-none-uefi-bls.serial.log
# systemd-boot's Linux loader puts initrd=\PATH (ESP-relative, backslashes) in front
# of the entry's options: the proof that it, not GRUB, read the entry
check "systemd-boot started the entry grubby wrote (initrd=\\ then its options)" \
	grep -Eq "BOOTCHAIN-MARKER hv=none release=$v .*cmdline=initrd=\\\\initramfs-$v.img console=ttyS0" "$log"
if [ $xen = yes ]; then
	log=$out/logs/$v-xen-pv-uefi-bls.serial.log
	check "the Xen entry: xen.efi's loader ran (not multiboot)" grep -q "^Xen .* EFI loader" "$log"
	check "Xen got the entry's arguments after --" grep -q "(XEN) Command line: console=com1" "$log"
	check "dom0 booted from the xen.cfg section and runs the toolstack" \
		grep -q "BOOTCHAIN-MARKER hv=xen release=$v xl=Domain-0" "$log"
else
	skip "Xen through systemd-boot: BOOTCHAIN_BOOT_TESTS=quick or no /boot/xen-*.efi"
fi
check "junit.xml has no failure" grep -q 'failures="0"' "$out/junit.xml"
[ "$_tap_failed" -eq 0 ] && rm -rf "$out" "$out.txt"
done_testing
