#!/usr/bin/env bash
# The dom0 install story, end to end on one sandbox root: install the kernel with
# HYPERVISOR empty and boot the default entry (hypervisor none); set HYPERVISOR to Xen,
# remove and reinstall the kernel, boot (xen); set it back, reinstall, boot (none).
# Three real boots (about a minute); BOOTCHAIN_BOOT_TESTS=quick skips it.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
if [ "${BOOTCHAIN_BOOT_TESTS:-}" = quick ]; then
	skip "three real boots: skipped by BOOTCHAIN_BOOT_TESTS=quick"
	done_testing; exit
fi
bc=$BIN/bootchain nkp=$BIN/new-kernel-pkg
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | head -1)
xen=$(ls /boot/xen-*.gz 2>/dev/null | tail -1)
if [ ! -x "$nkp" ] || [ ! -x "$BIN/grubby" ] || [ -z "$kernel" ] || [ -z "$xen" ]; then
	skip "needs $nkp, $BIN/grubby, /boot/vmlinuz-*-amd64 and /boot/xen-*.gz"
	done_testing; exit
fi
ver=${kernel##*/vmlinuz-}
mkdir -p "$BUILD/boot-tests"
out=$(cd "$BUILD/boot-tests" && pwd)/story.$$
root=$out/root cfg=$out/root/boot/grub2/grub.cfg
rm -rf "$out"
mkdir -p "$root/boot/grub2" "$root/etc/sysconfig" "$root/etc/dracut.conf.d" "$root/lib/modules"
cp "$kernel" "$root/boot/"
cp "/boot/config-$ver" "$root/boot/" 2>/dev/null
cp "$xen" "$root/boot/xen.gz"
ln -s "/lib/modules/$ver" "$root/lib/modules/$ver"
"$bc" initramfs -o "$root/boot/initramfs-$ver.img" --busybox /bin/busybox --init "$here/../../bootchain/matrix/scripts/marker.sh" ||
	fail "bootchain initramfs"
# an installed system's config: one older entry grubby takes as its template
cat >"$cfg" <<'CFG'
set default=0
set timeout=0
menuentry 'Previous kernel' {
	linux /boot/vmlinuz-0-previous ro console=ttyS0 console=hvc0 panic=-1
	initrd /boot/initramfs-0-previous.img
}
CFG

sysconfig() { # HYPERVISOR [HYPERVISOR_ARGS]
	printf 'UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel\nHYPERVISOR=%s\nHYPERVISOR_ARGS="%s"\n' \
		"$1" "${2:-}" >"$root/etc/sysconfig/kernel"
}
reinstall() {
	"$nkp" --root="$root" --remove "$ver" >>"$out/nkp.log" 2>&1
	"$nkp" --root="$root" --install --make-default "$ver" >>"$out/nkp.log" 2>&1
}
boot() { # STEP EXPECTED-COLUMN
	"$bc" matrix --root "$root" --hypervisor "$2" --output "$out/$1" --no-progress --timeout 300 \
		>"$out/$1.txt" 2>&1
	sed 's/^/# /' "$out/$1.txt"
}
marker_hv() { sed -n 's/.*BOOTCHAIN-MARKER hv=\([a-z]*\) .*/\1/p' "$out/$1"/logs/*.serial.log | head -1; }

sysconfig ""
"$nkp" --root="$root" --install --make-default "$ver" >"$out/nkp.log" 2>&1
check "install with HYPERVISOR empty" grep -q "linux /boot/vmlinuz-$ver" "$cfg"
check "... writes no multiboot entry" bash -c "! grep -q multiboot '$cfg'"
boot 1-none none
check_eq "... and the default entry boots with no hypervisor" none "$(marker_hv 1-none)"

sysconfig /boot/xen.gz "console=com1 com1=115200 dom0_mem=512M"
reinstall
check "HYPERVISOR=xen, reinstall: a multiboot2 entry for Xen" grep -q "multiboot2 /boot/xen.gz" "$cfg"
check "... with the kernel as module2" grep -q "module2 /boot/vmlinuz-$ver" "$cfg"
boot 2-xen xen-pv
check_eq "... and the default entry boots as Xen dom0" xen "$(marker_hv 2-xen)"

sysconfig ""
reinstall
check "HYPERVISOR empty again, reinstall: no multiboot entry" bash -c "! grep -q multiboot '$cfg'"
boot 3-none none
check_eq "... and the default entry boots with no hypervisor again" none "$(marker_hv 3-none)"
sed 's/^/# cfg: /' "$cfg"
[ "$_tap_failed" -eq 0 ] && rm -rf "$out" # keep a failed run's output for a look
done_testing
