#!/usr/bin/env bash
# new-kernel-pkg end to end, with the real grubby (build/bin/grubby) and the
# real dracut, on a sandbox root holding the installed Debian kernel:
# a plain entry with a dracut initramfs, then one multiboot entry for Xen per
# config, other entries untouched, and clear failures that change nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/sandbox.bash"
NKP=$BIN/new-kernel-pkg
V=$(real_kernel_version)
why=
[ -x "$NKP" ] || why="new-kernel-pkg not built"
[ -n "$why" ] || [ -x "$BIN/grubby" ] || why="build/bin/grubby not built yet"
[ -n "$why" ] || command -v dracut >/dev/null || why="dracut not installed (dracut-core)"
[ -n "$why" ] || [ -n "$V" ] || why="no Debian kernel with modules in /boot and /lib/modules"
if [ -n "$why" ]; then skip "$why"; done_testing; exit; fi

T=$(mktemp -d /tmp/nkp-e2e-XXXXXX)
cleanup() { chattr -R -i "$T" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
R=$T/root
make_sandbox "$R" "$V"
# this grubby, not one that may be installed on the machine
export NEWKERNELPKG_GRUBBY=$BIN/grubby
unset NEWKERNELPKG_DRACUT NEWKERNELPKG_DRACUT_ARGS
LEGACY=$R/boot/grub/grub.conf GRUB2=$R/boot/grub2/grub.cfg
other_legacy=$(legacy_entry "$LEGACY" "Other Linux")
other_grub2=$(grub2_entry "$GRUB2" "Other Linux")
save() { cp "$LEGACY" "$T/legacy.saved"; cp "$GRUB2" "$T/grub2.saved"; }
unchanged() { cmp -s "$LEGACY" "$T/legacy.saved" && cmp -s "$GRUB2" "$T/grub2.saved"; }
count() { grep -c -- "$1" "$2"; }

# 1. HYPERVISOR empty: dracut image and a plain entry in both configs
"$NKP" --root="$R" --install --mkinitrd "$V" 2>"$T/err"
rc=$?
check_eq "install --mkinitrd exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/err"
img=$R/boot/initramfs-$V.img
check "dracut made R/boot/initramfs-V.img" test -s "$img"
check "the image is gzip (the root's dracut.conf.d was used)" bash -c "[ \"\$(head -c2 '$img' | od -An -tx1 | tr -d ' ')\" = 1f8b ]"
check "the image holds the kernel's module maps" bash -c "zcat '$img' | cpio -it --quiet 2>/dev/null | grep -q 'modules/$V/modules.dep'"
entry=$(legacy_entry "$LEGACY" "($V)")
check "grub.conf: plain entry for V" grep -q "^[[:space:]]*kernel /boot/vmlinuz-$V " <<<"$entry"
check "grub.conf: it names the initramfs" grep -q "^[[:space:]]*initrd /boot/initramfs-$V.img" <<<"$entry"
entry=$(grub2_entry "$GRUB2" "($V)")
check "grub.cfg: plain entry for V" grep -q "^[[:space:]]*linux /boot/vmlinuz-$V " <<<"$entry"
check "grub.cfg: it names the initramfs" grep -q "^[[:space:]]*initrd /boot/initramfs-$V.img" <<<"$entry"

# 2. HYPERVISOR set: --remove then --install leaves one multiboot entry in each
printf 'HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS="dom0_mem=512M"\n' > "$R/etc/sysconfig/kernel"
"$NKP" --root="$R" --remove "$V" 2>"$T/err"
check_eq "remove exits 0" 0 $?
check_eq "remove leaves no entry for V (both configs)" "0 0" "$(count "vmlinuz-$V" "$LEGACY") $(count "vmlinuz-$V" "$GRUB2")"
check_eq "remove leaves the other grub.conf entry untouched" "$other_legacy" "$(legacy_entry "$LEGACY" "Other Linux")"
check_eq "remove leaves the other grub.cfg entry untouched" "$other_grub2" "$(grub2_entry "$GRUB2" "Other Linux")"
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "multiboot install exits 0" 0 $?
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "installing again exits 0" 0 $?
check_eq "one entry for V in each config after installing twice" "1 1" \
  "$(count "vmlinuz-$V" "$LEGACY") $(count "vmlinuz-$V" "$GRUB2")"
entry=$(legacy_entry "$LEGACY" "($V)")
check "grub.conf: kernel line is the hypervisor with its arguments" grep -q "^[[:space:]]*kernel /boot/xen.gz dom0_mem=512M$" <<<"$entry"
check "grub.conf: the kernel is a module" grep -q "^[[:space:]]*module /boot/vmlinuz-$V " <<<"$entry"
check "grub.conf: the initramfs is a module" grep -q "^[[:space:]]*module /boot/initramfs-$V.img" <<<"$entry"
entry=$(grub2_entry "$GRUB2" "($V)")
check "grub.cfg: multiboot2 line with the hypervisor's arguments" grep -q "^[[:space:]]*multiboot2 /boot/xen.gz dom0_mem=512M$" <<<"$entry"
check "grub.cfg: module2 kernel" grep -q "^[[:space:]]*module2 /boot/vmlinuz-$V " <<<"$entry"
check "grub.cfg: module2 initramfs" grep -q "^[[:space:]]*module2 /boot/initramfs-$V.img" <<<"$entry"
check "grub.cfg: no plain linux line left for V" bash -c "! grep -q 'linux /boot/vmlinuz-$V' '$GRUB2'"
check_eq "the other grub.conf entry is still untouched" "$other_legacy" "$(legacy_entry "$LEGACY" "Other Linux")"
check_eq "the other grub.cfg entry is still untouched" "$other_grub2" "$(grub2_entry "$GRUB2" "Other Linux")"

# an install inside an RPM transaction: the initramfs comes at --rpmposttrans
mv "$img" "$T/initramfs.saved"
"$NKP" --root="$R" --package=kernel --install "$V" 2>"$T/err"
check_eq "install --package without an initramfs exits 0" 0 $?
check_eq "that entry has no initramfs module yet" "0 0" \
  "$(count "initramfs-$V" "$LEGACY") $(count "initramfs-$V" "$GRUB2")"
mv "$T/initramfs.saved" "$img"
"$NKP" --root="$R" --rpmposttrans "$V" 2>"$T/err"
check_eq "rpmposttrans exits 0" 0 $?
check "rpmposttrans adds the initramfs module (grub.conf)" grep -q "^[[:space:]]*module /boot/initramfs-$V.img" "$LEGACY"
check "rpmposttrans adds the initramfs module2 (grub.cfg)" grep -q "^[[:space:]]*module2 /boot/initramfs-$V.img" "$GRUB2"
"$NKP" --root="$R" --update --kernel-args="loglevel=7" "$V" 2>"$T/err"
check_eq "update exits 0" 0 $?
check_eq "update adds kernel arguments to the kernel's module line in each" "1 1" \
  "$(grep -c "module2\? /boot/vmlinuz-$V .*loglevel=7" "$LEGACY") $(grep -c "module2 /boot/vmlinuz-$V .*loglevel=7" "$GRUB2")"

# a Xen entry's initramfs carries the dom0 drivers the kernel has as modules
"$NKP" --root="$R" --update --mkinitrd "$V" 2>"$T/err"
check_eq "update --mkinitrd for the Xen entry exits 0" 0 $?
zcat "$img" | cpio -it --quiet 2>/dev/null > "$T/list"
for m in xen-evtchn xen-privcmd xen-gntdev xen-blkback xen-netback; do
  if grep -q "/$m\.ko" "/lib/modules/$V/modules.dep"; then
    check "the Xen image holds $m" grep -q "/$m\.ko" "$T/list"
  fi
done

# 3. failures: a clear error, and both configs as they were
save
printf 'HYPERVISOR="$(touch %s/pwned)"\nHYPERVISOR_ARGS="dom0_mem=512M"\n' "$R" > "$R/etc/sysconfig/kernel"
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "HYPERVISOR=\$(...) fails the install" 1 $?
check "it ran nothing" test ! -e "$R/pwned"
check "its error names the line" grep -q "etc/sysconfig/kernel:1: command substitution" "$T/err"
check "configs unchanged after the refused line" unchanged
printf 'HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS="dom0_mem=512M"\n' > "$R/etc/sysconfig/kernel"

"$NKP" --root="$R" --install 0.0.0-none 2>"$T/err"
check_eq "a missing /boot/vmlinuz-V fails" 1 $?
check "its error names the image" grep -q "boot/vmlinuz-0.0.0-none: no kernel image" "$T/err"
check "configs unchanged after the missing kernel" unchanged

sum_before=$(md5sum < "$img")
"$NKP" --root="$R" --install --mkinitrd --add-dracut-args="--modules no-such-dracut-module" "$V" 2>"$T/err"
check_eq "a failing dracut fails the install" 1 $?
check "its error says dracut failed" grep -q "dracut failed for $V" "$T/err"
check "dracut's own message is shown" grep -q "no-such-dracut-module" "$T/err"
check "configs unchanged after dracut failed" unchanged
check_eq "the previous initramfs is untouched" "$sum_before" "$(md5sum < "$img")"

if chattr +i "$GRUB2" 2>/dev/null; then
  "$NKP" --root="$R" --remove "$V" 2>"$T/err"
  check_eq "an unwritable config fails" 1 $?
  check "its error names the config" grep -q "grub2/grub.cfg: cannot be rewritten" "$T/err"
  chattr -i "$GRUB2"
  check "configs unchanged with an unwritable config" unchanged
else
  skip "chattr +i not supported here"; skip "-"; skip "-"
fi

done_testing
