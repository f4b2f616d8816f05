#!/usr/bin/env bash
# new-kernel-pkg on a system that boots BLS entries (/boot/loader/entries,
# systemd-boot): --install and --remove keep one entry file per kernel, the
# UPDATEDEFAULT/DEFAULTKERNEL policy moves loader.conf's default, a
# HYPERVISOR gives an entry starting Xen through the efi key, a GRUB config
# beside them gets its entry too, and a failure there puts GRUB's back.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
NKP=$BIN/new-kernel-pkg
if [ ! -x "$NKP" ] || [ ! -x "$BIN/grubby" ]; then skip "new-kernel-pkg/grubby not built"; done_testing; exit; fi
export NEWKERNELPKG_GRUBBY=$BIN/grubby
T=$(mktemp -d /tmp/nkp-bls-XXXXXX)
trap 'rm -rf "$T"' EXIT
R=$T/root M=0123456789abcdef0123456789abcdef
mkdir -p "$R/boot/loader/entries" "$R/etc/sysconfig"
echo $M > "$R/etc/machine-id"
printf 'NAME="Test OS"\nVERSION="1"\nID=testos\n' > "$R/etc/os-release"
printf 'UUID=0a1b2c3d / ext4 defaults 0 1\n/dev/vda1 /boot vfat defaults 0 2\n' > "$R/etc/fstab"
printf 'UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel\nHYPERVISOR=\n' > "$R/etc/sysconfig/kernel"
printf 'timeout 3\nconsole-mode keep\n' > "$R/boot/loader/loader.conf"
for v in 6.1.0-10 6.1.0-11; do echo "kernel $v" > "$R/boot/vmlinuz-$v"; echo "initrd $v" > "$R/boot/initramfs-$v.img"; done
E=$R/boot/loader/entries

"$NKP" --root="$R" --package kernel --install 6.1.0-10 2>"$T/err" && ok "install on a BLS system" \
  || { fail "install on a BLS system"; sed 's/^/# /' "$T/err"; }
check_eq "entry written as kernel-install would" "title Test OS (6.1.0-10) 1
version 6.1.0-10
machine-id $M
sort-key testos
options root=UUID=0a1b2c3d
linux /vmlinuz-6.1.0-10
initrd /initramfs-6.1.0-10.img" "$(cat "$E/$M-6.1.0-10.conf" 2>&1)"
check_eq "UPDATEDEFAULT: loader.conf default, other lines kept" "timeout 3
console-mode keep
default $M-6.1.0-10.conf" "$(cat "$R/boot/loader/loader.conf")"

"$NKP" --root="$R" --install 6.1.0-11 2>"$T/err" || sed 's/^/# /' "$T/err"
check "a second kernel: its own file" test -f "$E/$M-6.1.0-11.conf"
check_eq "not the DEFAULTKERNEL package: default stays" "default $M-6.1.0-10.conf" \
  "$(grep ^default "$R/boot/loader/loader.conf")"
check_eq "grubby --bls sees both, newest first" "/boot/vmlinuz-6.1.0-11 /boot/vmlinuz-6.1.0-10" \
  "$("$BIN/grubby" --bls --root="$R" --boot-filesystem=/boot --info=ALL | sed -n 's/^kernel="\(.*\)"/\1/p' | paste -sd' ')"

# Xen: HYPERVISOR names the multiboot image; the entry starts the .efi beside it
if [ -e /boot/xen-4.17-amd64.gz ]; then
  ln -s /boot/xen-4.17-amd64.gz "$R/boot/xen-4.17-amd64.gz"
  echo "stand-in xen.efi" > "$R/boot/xen-4.17-amd64.efi"
  printf 'UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel\nHYPERVISOR=/boot/xen-4.17-amd64.gz\nHYPERVISOR_ARGS="dom0_mem=1024M"\n' \
    > "$R/etc/sysconfig/kernel"
  X=$R/boot/xen-4.17-amd64.cfg
  # a section of the user's own, booting the same kernel: it stays byte for byte
  printf '# mine\n[mine]\noptions=loglvl=all  # keep\nkernel=vmlinuz-6.1.0-11 root=UUID=0a1b2c3d  "my.opt=a b"\n' > "$X"
  mine=$(cat "$X")
  "$NKP" --root="$R" --package kernel --install 6.1.0-11 2>"$T/err" || sed 's/^/# /' "$T/err"
  check_eq "HYPERVISOR: the entry starts xen.efi with the kernel's xen.cfg section" \
    "efi /xen-4.17-amd64.efi|options xen.efi -cfg=\\xen-4.17-amd64.cfg 6.1.0-11 -- dom0_mem=1024M" \
    "$(grep -E '^(efi|options|linux)' "$E/$M-6.1.0-11.conf" | paste -sd'|')"
  check_eq "HYPERVISOR entry made the default" "default $M-6.1.0-11.conf" "$(grep ^default "$R/boot/loader/loader.conf")"
  check_eq "the section the entry names, in the xen.cfg beside xen.efi" "[6.1.0-11]
kernel=vmlinuz-6.1.0-11 root=UUID=0a1b2c3d
ramdisk=initramfs-6.1.0-11.img" "$(awk '/^\[6.1.0-11\]/{p=1;print;next} /^\[/{p=0} p&&NF&&!/^#/' "$X")"
  check_eq "xen.cfg's default follows the same policy" "default=6.1.0-11" "$(grep '^default=' "$X")"
  check_eq "the user's section stays byte for byte" "$mine" "$(sed -n '/^# mine/,/^"my.opt/p' "$X" | sed -n '1,4p')"
  "$NKP" --root="$R" --package kernel --install 6.1.0-11 2>"$T/err" || sed 's/^/# /' "$T/err"
  check_eq "a reinstall: still one section for the kernel" 1 "$(grep -c '^\[6.1.0-11\]' "$X")"
  "$NKP" --root="$R" --install 6.1.0-10 2>"$T/err" || sed 's/^/# /' "$T/err"
  check_eq "a second Xen kernel: its section and its entry" "[6.1.0-10]|$M-6.1.0-10.conf" \
    "$(grep -x '\[6.1.0-10\]' "$X")|$(ls "$E" | grep 6.1.0-10)"
  check_eq "real grubby reads the section as booting the kernel" "$R/boot/vmlinuz-6.1.0-10" \
    "$("$BIN/grubby" --xen-efi -c "$X" --info=TITLE=6.1.0-10 | sed -n 's/^kernel=//p')"
  cp "$E/$M-6.1.0-10.conf" "$T/entry.saved"
  "$NKP" --root="$R" --update --kernel-args=quiet 6.1.0-10 2>"$T/err" || sed 's/^/# /' "$T/err"
  check_eq "--update: dom0's arguments change in the section" "kernel=vmlinuz-6.1.0-10 root=UUID=0a1b2c3d quiet" \
    "$(awk '/^\[6.1.0-10\]/{p=1;next} /^\[/{p=0} p&&/^kernel=/' "$X")"
  check "--update: the Xen entry itself stays" cmp -s "$T/entry.saved" "$E/$M-6.1.0-10.conf"
  # a failure in the entries puts xen.cfg back too
  cp "$X" "$T/xen.saved"
  printf 'title x\ntitle y\n' > "$E/zz-bad.conf"
  if "$NKP" --root="$R" --install 6.1.0-11 2>"$T/err"; then fail "a malformed entry file fails a Xen install"
  else cmp -s "$T/xen.saved" "$X" && ok "a failed Xen install leaves xen.cfg as it was" \
    || { fail "a failed Xen install leaves xen.cfg as it was"; diff "$T/xen.saved" "$X" | sed 's/^/# /'; }; fi
  rm "$E/zz-bad.conf"
  "$NKP" --root="$R" --remove 6.1.0-11 2>"$T/err" || sed 's/^/# /' "$T/err"
  check "remove finds the Xen entry by its version" test ! -e "$E/$M-6.1.0-11.conf"
  check_eq "remove takes its section away, the other kernel's stays" "0 1" \
    "$(grep -c '^\[6.1.0-11\]' "$X") $(grep -c '^\[6.1.0-10\]' "$X")"
  check_eq "the user's section still byte for byte" "$mine" "$(sed -n '/^# mine/,/^"my.opt/p' "$X" | sed -n '1,4p')"
  check "the kernel itself stays in /boot" test -f "$R/boot/vmlinuz-6.1.0-11"
  check_eq "removing the default entry drops the default line" "" "$(grep ^default "$R/boot/loader/loader.conf")"
  # HYPERVISOR's image gone: a plain entry for the kernel, and its Xen section goes
  mv "$R/boot/xen-4.17-amd64.gz" "$T/xen.gz"
  "$NKP" --root="$R" --install 6.1.0-10 2>"$T/err"
  check_eq "a plain entry again: no section left for it" "0|linux /vmlinuz-6.1.0-10" \
    "$(grep -c '^\[6.1.0-10\]' "$X")|$(grep ^linux "$E/$M-6.1.0-10.conf")"
  mv "$T/xen.gz" "$R/boot/xen-4.17-amd64.gz"
  # HYPERVISOR= emptied after a Xen install: the kernel's section still goes with it
  "$NKP" --root="$R" --install 6.1.0-11 2>"$T/err" || sed 's/^/# /' "$T/err"
  check_eq "a Xen install again: its section" 1 "$(grep -c '^\[6.1.0-11\]' "$X")"
  cp "$R/etc/sysconfig/kernel" "$T/sysconfig.xen"
  printf 'UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel\nHYPERVISOR=\n' > "$R/etc/sysconfig/kernel"
  cp "$X" "$T/xen.saved"
  "$NKP" --root="$R" --update 6.1.0-10 --kernel-args=quiet 2>"$T/err" || sed 's/^/# /' "$T/err"
  check "HYPERVISOR= emptied, --update of another kernel: xen.cfg untouched" cmp -s "$T/xen.saved" "$X"
  "$NKP" --root="$R" --remove 6.1.0-11 2>"$T/err" || sed 's/^/# /' "$T/err"
  check_eq "HYPERVISOR= emptied, then remove: the entry and its section go" "0|0" \
    "$(ls "$E" | grep -c 6.1.0-11)|$(grep -c '^\[6.1.0-11\]' "$X")"
  check_eq "and the user's section stays byte for byte" "$mine" "$(sed -n '/^# mine/,/^"my.opt/p' "$X" | sed -n '1,4p')"
  cp "$T/sysconfig.xen" "$R/etc/sysconfig/kernel"
  # a hypervisor without an EFI image: the BLS entries are left alone, the run succeeds
  rm "$R/boot/xen-4.17-amd64.efi"
  ls "$E" > "$T/before"
  "$NKP" --root="$R" --install 6.1.0-11 2>"$T/err"
  check_eq "no .efi beside HYPERVISOR: install still exits 0" 0 $?
  check_eq "and says why" "new-kernel-pkg: $E: systemd-boot needs $R/boot/xen-4.17-amd64.efi to start the hypervisor; no entry added there" \
    "$(cat "$T/err")"
  ls "$E" | cmp -s - "$T/before" && ok "no entry file written" || fail "an entry file was written"
  printf 'HYPERVISOR=\n' > "$R/etc/sysconfig/kernel"
else
  skip "no /boot/xen-4.17-amd64.gz (xen-hypervisor-4.17-amd64)"
fi

# a GRUB 2 config beside the entries: both get the kernel; a bad entry file
# fails the run and puts grub.cfg back
mkdir -p "$R/boot/grub2"
printf "set default=0\nmenuentry 'Other' {\n\tlinux /vmlinuz-5 ro\n}\n" > "$R/boot/grub2/grub.cfg"
cp "$R/boot/grub2/grub.cfg" "$T/grub.saved"
"$NKP" --root="$R" --install 6.1.0-11 2>"$T/err" || sed 's/^/# /' "$T/err"
grep -q "linux.*/vmlinuz-6.1.0-11" "$R/boot/grub2/grub.cfg" && test -f "$E/$M-6.1.0-11.conf" \
  && ok "GRUB 2 and BLS both get the entry" || fail "GRUB 2 and BLS both get the entry"
cp "$T/grub.saved" "$R/boot/grub2/grub.cfg"
printf 'title x\ntitle y\n' > "$E/zz-bad.conf"
ls "$E" > "$T/before"
if "$NKP" --root="$R" --install 6.1.0-10 2>"$T/err"; then fail "a malformed entry file fails the install"
else
  grep -q "zz-bad.conf:2: a second \"title\" line" "$T/err" && ok "the failure names the file and line" \
    || { fail "the failure names the file and line"; sed 's/^/# /' "$T/err"; }
  cmp -s "$T/grub.saved" "$R/boot/grub2/grub.cfg" && ok "grub.cfg put back" || fail "grub.cfg not put back"
  ls "$E" | cmp -s - "$T/before" && ok "no entry file changed" || fail "entry files changed"
fi
rm "$E/zz-bad.conf" "$R/boot/grub2/grub.cfg"

"$NKP" --root="$R" --remove 6.1.0-10 2>"$T/err" || sed 's/^/# /' "$T/err"
check "remove: the file goes" test ! -e "$E/$M-6.1.0-10.conf"
check "remove: other entries stay" test -f "$E/$M-6.1.0-11.conf"
done_testing
