#!/usr/bin/env bash
# new-kernel-pkg keeping a xen.cfg (Xen's EFI boot) on a --root sandbox, and once
# without --root in a private mount namespace with a tmpfs over /boot: the config
# chosen (XEN_EFI_CONFIG, --xen-efi=, or an existing /boot/efi/EFI/xen/xen.cfg),
# a section per kernel with HYPERVISOR_ARGS as options=, the kernel, initramfs and
# xen.efi copied beside it, default= under UPDATEDEFAULT/DEFAULTKERNEL, removal,
# the user's own section byte for byte, and a refused config leaving everything
# as it was.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/sandbox.bash"
NKP=$BIN/new-kernel-pkg
if [ ! -x "$NKP" ] || [ ! -x "$BIN/grubby" ]; then skip "new-kernel-pkg or grubby not built"; done_testing; exit; fi
export NEWKERNELPKG_GRUBBY=$BIN/grubby
T=$(mktemp -d /tmp/nkp-xenefi-XXXXXX)
trap 'rm -rf "$T"' EXIT
R=$T/root
ESP=$R/boot/efi/EFI/xen
CFG=$ESP/xen.cfg

new_root() {
  rm -rf "$R"
  make_sandbox "$R" 6.1.0-1-amd64
  rm -rf "$R/boot/grub2"
  mkdir -p "$ESP"
  local v
  for v in 6.1.0-1-amd64 6.1.0-2-amd64 6.1.0-3-amd64; do
    echo "kernel $v" >"$R/boot/vmlinuz-$v"
    echo "initramfs $v" >"$R/boot/initrd.img-$v"
  done
  echo "xen.efi stand-in" >"$R/boot/xen-4.17-amd64.efi"
  cat >"$R/etc/sysconfig/kernel" <<'EOF'
UPDATEDEFAULT=yes
DEFAULTKERNEL=linux-image
HYPERVISOR=
HYPERVISOR_ARGS="console=com1 dom0_mem=512M"
XEN_EFI_CONFIG=/boot/efi/EFI/xen/xen.cfg
XEN_EFI_IMAGE=/boot/xen-4.17-amd64.efi
EOF
}
nkp() { "$NKP" --root="$R" "$@"; }
section() { awk -v s="[$2]" '$0 == s {p = 1; print; next} /^\[/ {p = 0} p && NF' "$1"; }

# --- first install makes xen.cfg, copies the files, sets the default
new_root
nkp --package linux-image --install 6.1.0-1-amd64
check "install makes xen.cfg from XEN_EFI_CONFIG" test -f "$CFG"
S=$(sed -n 's/^default=//p' "$CFG")
check_eq "the new section is the default (UPDATEDEFAULT, DEFAULTKERNEL)" "Test_OS_6.1.0-1-amd64_1_sandbox" "$S"
check_eq "the section: Xen's options, kernel and root=, ramdisk" \
"[$S]
options=console=com1 dom0_mem=512M
kernel=vmlinuz-6.1.0-1-amd64 root=UUID=0a1b2c3d
ramdisk=initrd.img-6.1.0-1-amd64" "$(section "$CFG" "$S")"
check "the kernel is copied beside xen.cfg" cmp -s "$R/boot/vmlinuz-6.1.0-1-amd64" "$ESP/vmlinuz-6.1.0-1-amd64"
check "the initramfs is copied beside xen.cfg" cmp -s "$R/boot/initrd.img-6.1.0-1-amd64" "$ESP/initrd.img-6.1.0-1-amd64"
check "xen.efi is copied beside xen.cfg (XEN_EFI_IMAGE)" cmp -s "$R/boot/xen-4.17-amd64.efi" "$ESP/xen.efi"
check_eq "the GRUB legacy config gets its entry too" 1 "$(grep -c 'vmlinuz-6.1.0-1-amd64' "$R/boot/grub/grub.conf")"

# --- a section of the user's own stays byte for byte; defaults follow the policy
cat >>"$CFG" <<'EOF'

# mine: a debug boot with my own arguments
[mine]
options=console=com1   loglvl=all   # keep
kernel=\EFI\xen\vmlinuz-6.1.0-1-amd64 root=UUID=0a1b2c3d  ro  "my.opt=a b" earlyprintk=xen
ramdisk=initrd.img-6.1.0-1-amd64
EOF
mine=$(sed -n '/^# mine/,$p' "$CFG")
nkp --package linux-image --install 6.1.0-2-amd64
check_eq "a DEFAULTKERNEL install takes the default" "Test_OS_6.1.0-2-amd64_1_sandbox" "$(sed -n 's/^default=//p' "$CFG")"
nkp --package other-kernel --install 6.1.0-3-amd64
check_eq "another package's install leaves the default" "Test_OS_6.1.0-2-amd64_1_sandbox" "$(sed -n 's/^default=//p' "$CFG")"
check_eq "three sections and the user's" 4 "$(grep -c '^\[Test_OS\|^\[mine\]' "$CFG")"
nkp --package linux-image --install 6.1.0-2-amd64
check_eq "a reinstall leaves one section for the kernel" 1 "$(grep -c '^kernel=vmlinuz-6.1.0-2-amd64' "$CFG")"
check_eq "a reinstall keeps it the default" "Test_OS_6.1.0-2-amd64_1_sandbox" "$(sed -n 's/^default=//p' "$CFG")"
nkp --update --kernel-args=quiet 6.1.0-3-amd64
check "--update adds arguments to that section" grep -q '^kernel=vmlinuz-6.1.0-3-amd64 root=UUID=0a1b2c3d quiet$' "$CFG"
nkp --remove 6.1.0-2-amd64
check "--remove takes the section away" bash -c "! grep -q 'vmlinuz-6.1.0-2-amd64' '$CFG'"
check "--remove takes the copies away" bash -c "[ ! -e '$ESP/vmlinuz-6.1.0-2-amd64' ] && [ ! -e '$ESP/initrd.img-6.1.0-2-amd64' ]"
check "--remove keeps /boot's own kernel" test -f "$R/boot/vmlinuz-6.1.0-2-amd64"
check_eq "the default moves to the first section left" "Test_OS_6.1.0-3-amd64_1_sandbox" "$(sed -n 's/^default=//p' "$CFG")"
check_eq "the user's section is byte for byte as written" "$mine" "$(sed -n '/^# mine/,$p' "$CFG")"
check_eq "real grubby reads what new-kernel-pkg wrote" "$ESP/vmlinuz-6.1.0-3-amd64" \
  "$("$BIN/grubby" --xen-efi -c "$CFG" --default-kernel)"

# --- a config xen.efi could not read is refused: nothing changes anywhere
before_cfg=$(cat "$CFG"; echo x) before_grub=$(cat "$R/boot/grub/grub.conf"; echo x)
echo "stray line" >>"$CFG"
before_cfg=$(cat "$CFG"; echo x)
if nkp --package linux-image --install 6.1.0-2-amd64 2>"$T/err"; then fail "a malformed xen.cfg fails the install"
else ok "a malformed xen.cfg fails the install"; fi
check "the message names xen.cfg and its line" grep -q "xen.cfg:[0-9]*: neither" "$T/err"
check_eq "xen.cfg is left as it was" "$before_cfg" "$(cat "$CFG"; echo x)"
check_eq "grub.conf is put back as it was" "$before_grub" "$(cat "$R/boot/grub/grub.conf"; echo x)"

# --- which xen.cfg: an existing one at the usual path, --xen-efi=, or none
new_root
sed -i '/^XEN_EFI/d' "$R/etc/sysconfig/kernel"
nkp --install 6.1.0-1-amd64
check "no xen.cfg configured or present: none is made" test ! -e "$CFG"
printf '[global]\ndefault=old\n\n[old]\nkernel=vmlinuz-old\n' >"$CFG"
nkp --install 6.1.0-1-amd64
check "an existing /boot/efi/EFI/xen/xen.cfg is kept up to date" grep -q '^kernel=vmlinuz-6.1.0-1-amd64' "$CFG"
check "no xen.efi is copied unless asked" test ! -e "$ESP/xen.efi"
check_eq "without --package the default stays" "default=old" "$(grep '^default=' "$CFG")"
mkdir -p "$R/boot/efi/EFI/BOOT"
nkp --install --make-default --xen-efi=/boot/efi/EFI/BOOT/BOOTX64.cfg --xen-efi-image=/boot/xen-4.17-amd64.efi 6.1.0-2-amd64
check "--xen-efi= names the config (made when missing)" grep -q '^kernel=vmlinuz-6.1.0-2-amd64' "$R/boot/efi/EFI/BOOT/BOOTX64.cfg"
check "--xen-efi-image= copies xen.efi under the config's name" cmp -s "$R/boot/xen-4.17-amd64.efi" "$R/boot/efi/EFI/BOOT/BOOTX64.efi"
check "--make-default sets it" grep -q '^default=Test_OS_6.1.0-2-amd64_1_sandbox$' "$R/boot/efi/EFI/BOOT/BOOTX64.cfg"

# --- without --root: the real /boot paths, in a private mount namespace
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
  out=$(unshare -m --propagation private bash -c '
    set -e
    mount -t tmpfs none /boot
    mkdir -p /boot/efi/EFI/xen
    echo k >/boot/vmlinuz-9.9.9-xenefi
    echo i >/boot/initrd.img-9.9.9-xenefi
    "$0" --install --make-default --xen-efi=/boot/efi/EFI/xen/xen.cfg --mbargs=console=com1 9.9.9-xenefi >/dev/null 2>&1 || true
    cat /boot/efi/EFI/xen/xen.cfg; ls /boot/efi/EFI/xen' "$NKP")
  check "without --root, /boot/efi/EFI/xen/xen.cfg gets the section" grep -q '^kernel=vmlinuz-9.9.9-xenefi' <<<"$out"
  check "without --root, --mbargs are Xen's options=" grep -q '^options=console=com1$' <<<"$out"
  check "without --root, the kernel is copied to the ESP" grep -qx 'vmlinuz-9.9.9-xenefi' <<<"$out"
  check "the host's /boot is untouched" test ! -e /boot/vmlinuz-9.9.9-xenefi
else
  skip "no private mount namespace here"
fi
done_testing
