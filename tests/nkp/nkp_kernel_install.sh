#!/usr/bin/env bash
# The kernel-install plugin (packaging/hooks/95-bootchain.install) under the
# real kernel-install of this machine's systemd, with systemd's own plugins,
# in a throwaway root (tests/lib/private_root.bash) whose /boot is a file
# system of its own, as an ESP mounted there is: "kernel-install add" gives
# the BLS entry new-kernel-pkg --install gives (and the GRUB entry beside
# it), a Xen entry when HYPERVISOR is set, "remove" takes them away, under
# layout=other and layout=bls; an entry problem is reported, not fatal,
# unless BOOTCHAIN_HOOK_STRICT=yes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/private_root.bash"
private_root_needs kernel-install:systemd
private_root_enter "$0" "$@"

V=9.9.9-bcki M=0123456789abcdef0123456789abcdef
LIMIT=60
export PATH="$BIN:$PATH" MACHINE_ID=$M BOOT_ROOT=/boot
unset NEWKERNELPKG_GRUBBY NEWKERNELPKG_HOOK_OF BOOTCHAIN_HOOK_STRICT KERNEL_INSTALL_PLUGINS
T=$PRIVATE_TMP
E=/boot/loader/entries/$M-$V.conf
ROOTDEV=UUID=$(findmnt -n -o UUID /)
mountpoint -q /boot || mount -t tmpfs -o size=256m bc-esp /boot
install -D -m 0755 "$top/packaging/hooks/95-bootchain.install" /usr/lib/kernel/install.d/95-bootchain.install

setup() {
  rm -rf /boot/* /boot/.??* /etc/sysconfig /etc/kernel/install.conf /var/lib/new-kernel-pkg
  mkdir -p /boot/loader/entries /etc/sysconfig
  echo "kernel stand-in" > "/boot/vmlinuz-$V"
  echo "initramfs stand-in" > "/boot/initrd.img-$V"
  printf 'timeout 0\n' > /boot/loader/loader.conf
  printf 'UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel\nHYPERVISOR=\n' > /etc/sysconfig/kernel
  printf '%s / ext4 defaults 0 1\n' "$ROOTDEV" > /etc/fstab
}
ki() { timeout "$LIMIT" kernel-install "$@"; }

setup
ki add "$V" "/boot/vmlinuz-$V" 2>"$T/err"
check_eq "kernel-install add exits 0 (layout=other)" 0 $?
[ -f "$E" ] && ok "the plugin wrote $M-$V.conf" || { fail "no entry written"; sed 's/^/# /' "$T/err"; }
check_eq "the entry boots the kernel and initramfs from the ESP's root" \
  "version $V|machine-id $M|options root=$ROOTDEV|linux /vmlinuz-$V|initrd /initrd.img-$V" \
  "$(grep -E '^(version|machine-id|options|linux|initrd) ' "$E" 2>/dev/null | paste -sd'|')"
check_eq "UPDATEDEFAULT: it is the default" "default $M-$V.conf" "$(grep ^default /boot/loader/loader.conf)"
ki remove "$V" 2>"$T/err"
check_eq "kernel-install remove exits 0" 0 $?
check "remove took the entry away" test ! -e "$E"

# systemd's own layout: 90-loaderentry.install writes the same file first; ours stays
setup
mkdir -p "/boot/$M"
ki add "$V" "/boot/vmlinuz-$V" "/boot/initrd.img-$V" 2>"$T/err"
check_eq "kernel-install add exits 0 (layout=bls)" 0 $?
check "systemd's plugin copied the kernel (layout=bls really used)" test -f "/boot/$M/$V/linux"
check_eq "the entry is ours: /etc/sysconfig/kernel's, the initrd given" "linux /vmlinuz-$V|initrd /initrd.img-$V" \
  "$(grep -E '^(linux|initrd) ' "$E" 2>/dev/null | paste -sd'|')"
ki remove "$V" 2>"$T/err"
check "remove (layout=bls) took the entry away" test ! -e "$E"

# a GRUB 2 config beside the entries gets the entry too
setup
mkdir -p /boot/grub2
printf "set default=0\nmenuentry 'Other' {\n\tlinux /vmlinuz-5 ro root=%s\n}\n" "$ROOTDEV" > /boot/grub2/grub.cfg
ki add "$V" "/boot/vmlinuz-$V" 2>"$T/err"
grep -q "linux.*/vmlinuz-$V" /boot/grub2/grub.cfg && test -f "$E" && ok "GRUB 2 and BLS both get the entry" \
  || { fail "GRUB 2 and BLS both get the entry"; sed 's/^/# /' "$T/err"; }

# HYPERVISOR: an entry starting Xen through the efi key
if [ -e /host-boot/xen-4.17-amd64.gz ]; then
  setup
  cp /host-boot/xen-4.17-amd64.gz /boot/
  echo "xen.efi stand-in" > /boot/xen-4.17-amd64.efi
  printf 'HYPERVISOR=/boot/xen-4.17-amd64.gz\nHYPERVISOR_ARGS="dom0_mem=1024M"\n' > /etc/sysconfig/kernel
  ki add "$V" "/boot/vmlinuz-$V" 2>"$T/err"
  check_eq "HYPERVISOR: kernel-install add writes a Xen entry" \
    "efi /xen-4.17-amd64.efi|options xen.efi -cfg=\\xen-4.17-amd64.cfg $V -- dom0_mem=1024M" \
    "$(grep -E '^(efi|options|linux) ' "$E" 2>/dev/null | paste -sd'|')"
  ki remove "$V" 2>"$T/err"
  check "remove takes the Xen entry away" test ! -e "$E"
else
  skip "no Xen in /boot (xen-hypervisor-4.17-amd64)"
fi

# an entry problem: reported, kernel-install succeeds; strict: it fails
setup
printf 'linux /a\nlinux /b\n' > /boot/loader/entries/bad.conf
ki add "$V" "/boot/vmlinuz-$V" 2>"$T/err"
check_eq "a malformed entry file does not fail kernel-install" 0 $?
grep -q "bad.conf:2: a second \"linux\" line" "$T/err" && grep -q "bootchain: no boot entry was written for kernel $V" "$T/err" \
  && ok "it says why and what to run" || { fail "no reason given"; sed 's/^/# /' "$T/err"; }
BOOTCHAIN_HOOK_STRICT=yes ki add "$V" "/boot/vmlinuz-$V" 2>/dev/null
rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] && ok "BOOTCHAIN_HOOK_STRICT=yes: kernel-install fails ($rc)" \
  || fail "strict mode: exit $rc"
check "no entry written" test ! -e "$E"
done_testing
