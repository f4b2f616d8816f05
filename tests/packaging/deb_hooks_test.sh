#!/usr/bin/env bash
# The built .deb installed with the real dpkg in a throwaway root
# (tests/lib/private_root.bash), then a small kernel package whose maintainer
# scripts run /etc/kernel/{postinst,prerm,postrm}.d with run-parts exactly as
# Debian's linux-image packages do, installed and removed with dpkg under
# `timeout` (a hang is a failure): with HYPERVISOR unset and set, with boot
# entry problems (reported, the kernel package still configured; failed with
# BOOTCHAIN_HOOK_STRICT=yes), and next to Debian's real zz-update-grub hook,
# whose update-grub rewrites grub.cfg: our entries live in custom.cfg.
# Needs `make deb` first (packages_test.sh does it); run by .ci/run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/private_root.bash"
deb=$(ls "$top"/build/packages/bootchain_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { skip "no build/packages/bootchain_*.deb (make deb)"; done_testing; exit; }
# Debian's GRUB hook and update-grub, as shipped (fetched once with apt-get download)
grubdebs=$top/build/packages/grub-debs
if [ -z "${BC_PRIVATE_ROOT:-}" ] && ! ls "$grubdebs"/grub-pc_*.deb >/dev/null 2>&1; then
  mkdir -p "$grubdebs" && (cd "$grubdebs" && apt-get download grub-pc grub2-common >/dev/null 2>&1)
fi
private_root_enter "$0" "$@"

V=9.9.9-bcdummy
LIMIT=120 # seconds for one dpkg run: longer is a hang
T=$PRIVATE_TMP
CFG=/boot/grub/grub.cfg CUSTOM=/boot/grub/custom.cfg
export DEBIAN_FRONTEND=noninteractive
unset BOOTCHAIN_HOOK_STRICT NEWKERNELPKG_HOOK_OF

# hooks of the packages on this machine would build an initramfs for the dummy kernel
rm -f /etc/kernel/postinst.d/* /etc/kernel/postrm.d/* /etc/kernel/prerm.d/* 2>/dev/null
timeout "$LIMIT" dpkg -i "$deb" >"$T/out" 2>&1
rc=$?
check_eq "dpkg -i bootchain .deb" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/out"
check "the postinst hook is installed" test -x /etc/kernel/postinst.d/zz-bootchain
check "the prerm hook is installed" test -x /etc/kernel/prerm.d/bootchain
check_eq "new-kernel-pkg is the packaged one" /usr/sbin/new-kernel-pkg "$(command -v new-kernel-pkg)"

# a kernel package built as linux-image-* is: maintainer scripts run the hook directories
mkdir -p "$T/kpkg/DEBIAN" "$T/kpkg/boot"
echo "dummy kernel $V" > "$T/kpkg/boot/vmlinuz-$V"
cat > "$T/kpkg/DEBIAN/control" <<CTL
Package: linux-image-$V
Version: 1
Architecture: all
Maintainer: bootchain tests <tests@bootchain.invalid>
Description: dummy kernel whose maintainer scripts run /etc/kernel hooks
CTL
for s in postinst:postinst:configure prerm:prerm:remove postrm:postrm:remove; do
  IFS=: read -r script dir when <<<"$s"
  cat > "$T/kpkg/DEBIAN/$script" <<SCRIPT
#!/bin/sh -e
version=$V
image_path=/boot/vmlinuz-\$version
[ "\$1" = $when ] || exit 0
if [ -d /etc/kernel/$dir.d ]; then
	DEB_MAINT_PARAMS="\$*" run-parts --report --exit-on-error --arg=\$version --arg=\$image_path /etc/kernel/$dir.d
fi
SCRIPT
  chmod 0755 "$T/kpkg/DEBIAN/$script"
done
dpkg-deb --root-owner-group -b "$T/kpkg" "$T/kernel.deb" >/dev/null || echo "Bail out! cannot build the dummy kernel package"
kinstall() { timeout "$LIMIT" dpkg -i "$T/kernel.deb" >"$T/out" 2>&1; }
kremove() { timeout "$LIMIT" dpkg -r "linux-image-$V" >"$T/out" 2>&1; }
status() { dpkg-query -W -f='${db:Status-Abbrev}' "linux-image-$V" 2>/dev/null | tr -d ' '; }
show_out() { sed 's/^/# /' "$T/out"; }

UUID=$(findmnt -n -o UUID /)
mkdir -p /boot/grub
echo stand-in > /boot/vmlinuz-5.0.0
plain_config() {
  cat > "$CFG" <<CONF
set default=0
set timeout=5
menuentry 'Other Linux (5.0.0)' --class os {
	insmod ext2
	linux /boot/vmlinuz-5.0.0 ro root=UUID=$UUID quiet
}
CONF
}
XEN=$(ls /host-boot/xen-*.gz 2>/dev/null | head -1)

# 1. a plain grub.cfg: HYPERVISOR unset, then set
plain_config
kinstall; rc=$?
check_eq "dpkg -i kernel (HYPERVISOR unset)" "0 ii" "$rc $(status)"
[ "$rc" = 0 ] || show_out
check "grub.cfg: a linux entry for the kernel" grep -q "^[[:space:]]*linux.* /boot/vmlinuz-$V " "$CFG"
kremove; rc=$?
check_eq "dpkg -r kernel does not hang and succeeds" 0 "$rc"
[ "$rc" = 0 ] || show_out
check_eq "grub.cfg: the entry is gone" 0 "$(grep -c "vmlinuz-$V" "$CFG")"
check "grub.cfg: the other entry stays" grep -q "Other Linux (5.0.0)" "$CFG"
if [ -n "$XEN" ]; then
  cp "$XEN" /boot/xen.gz
  printf 'HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS="dom0_mem=1024M"\n' > /etc/sysconfig/kernel
  kinstall; rc=$?
  check_eq "dpkg -i kernel (HYPERVISOR set)" "0 ii" "$rc $(status)"
  [ "$rc" = 0 ] || show_out
  check "grub.cfg: a multiboot2 entry for Xen" grep -q "^[[:space:]]*multiboot2 /boot/xen.gz dom0_mem=1024M" "$CFG"
  check "grub.cfg: the kernel is its module" grep -q "^[[:space:]]*module2 /boot/vmlinuz-$V" "$CFG"
  kremove; rc=$?
  check_eq "dpkg -r kernel (HYPERVISOR set) does not hang" 0 "$rc"
  check_eq "grub.cfg: the Xen entry is gone" 0 "$(grep -c "vmlinuz-$V" "$CFG")"
else
  skip "no Xen image in /boot (xen-hypervisor-4.17-amd64): HYPERVISOR set not tried"
fi
echo 'HYPERVISOR=' > /etc/sysconfig/kernel

# 2. the hook directories run as the maintainer scripts run them
hook_dir() { timeout 60 run-parts --report --exit-on-error --arg="$2" --arg="/boot/vmlinuz-$2" "/etc/kernel/$1.d"; }
cp /boot/vmlinuz-5.0.0 "/boot/vmlinuz-$V"
hook_dir postinst "$V" 2>"$T/out"
check_eq "run-parts postinst.d" "0 1" "$? $(grep -c "vmlinuz-$V" "$CFG")"
hook_dir prerm "$V" 2>"$T/out"
check_eq "run-parts prerm.d: no hang, entry removed" "0 0" "$? $(grep -c "vmlinuz-$V" "$CFG")"
rm "/boot/vmlinuz-$V"

# 3. a boot entry problem does not leave the kernel package half-configured
cp "$CFG" "$T/cfg.before"
echo 'HYPERVISOR=$(cat /etc/xen-path)' > /etc/sysconfig/kernel
kinstall; rc=$?
check_eq "sysconfig syntax error: dpkg -i kernel still succeeds, package configured" "0 ii" "$rc $(status)"
check "the hook says clearly that no entry was written" grep -q "bootchain: no boot entry was written for kernel $V" "$T/out"
check "new-kernel-pkg names the file and line" grep -q "/etc/sysconfig/kernel:1: HYPERVISOR" "$T/out"
check "grub.cfg is unchanged" cmp -s "$CFG" "$T/cfg.before"
kremove
BOOTCHAIN_HOOK_STRICT=yes kinstall; rc=$?
check "BOOTCHAIN_HOOK_STRICT=yes: the failure fails the kernel package" test "$rc" -ne 0 -a "$rc" -ne 124
check_eq "it is left half-configured, as asked" iF "$(status)"
echo 'HYPERVISOR=' > /etc/sysconfig/kernel
timeout "$LIMIT" dpkg --configure -a >/dev/null 2>&1
check_eq "once fixed, dpkg --configure completes it" ii "$(status)"
kremove
hook_dir postinst 9.9.9-noimage 2>"$T/out"
check_eq "no kernel image: run-parts postinst.d exits 0" 0 $?
check "and the hook says why" grep -q "no kernel image for 9.9.9-noimage" "$T/out"

# 4. next to Debian's GRUB hook: update-grub rewrites grub.cfg after our hook
if ls "$grubdebs"/grub-pc_*.deb "$grubdebs"/grub2-common_*.deb >/dev/null 2>&1 && command -v grub-mkconfig >/dev/null; then
  for d in "$grubdebs"/grub-pc_*.deb "$grubdebs"/grub2-common_*.deb; do dpkg-deb -x "$d" "$T/grub"; done
  install -m 0755 "$T/grub/etc/kernel/postinst.d/zz-update-grub" /etc/kernel/postinst.d/zz-update-grub
  install -m 0755 "$T/grub/etc/kernel/postrm.d/zz-update-grub" /etc/kernel/postrm.d/zz-update-grub
  install -m 0755 "$T/grub/usr/sbin/update-grub" /usr/sbin/update-grub
  [ -e /etc/default/grub ] || install -m 0644 "$T/grub/usr/share/grub/default/grub" /etc/default/grub
  # the hook does nothing in a container; this root is a machine of its own
  if systemd-detect-virt --quiet --container 2>/dev/null; then rm -f /usr/bin/systemd-detect-virt; fi
  rm -f "$CFG" "$CUSTOM"
  # (10_linux lists no kernel here: it skips a root on a loop device; the
  # rewrite of grub.cfg, 41_custom included, is what matters)
  update-grub >"$T/out" 2>&1
  check "update-grub writes a generated grub.cfg" grep -q "^### BEGIN /etc/grub.d/41_custom ###" "$CFG"
  [ -n "$XEN" ] && printf 'HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS="dom0_mem=1024M"\n' > /etc/sysconfig/kernel
  if ! grubby --help 2>&1 | grep -q -- --new-entry-if-no-template; then
    # this grubby copies an entry: an administrator's entry in custom.cfg
    printf "menuentry 'My Linux' {\n\tlinux /boot/vmlinuz-5.0.0 ro root=UUID=%s\n}\n" "$UUID" > "$CUSTOM"
  fi
  echo "# before the kernel" >> "$CFG"
  kinstall; rc=$?
  check_eq "dpkg -i kernel with the GRUB hook" "0 ii" "$rc $(status)"
  [ "$rc" = 0 ] || show_out
  check "update-grub ran after our hook (grub.cfg rewritten)" bash -c "! grep -q '^# before the kernel' $CFG"
  check "our entry is in custom.cfg" grep -q "/boot/vmlinuz-$V" "$CUSTOM"
  [ -n "$XEN" ] && check "as a Xen entry" grep -q "^[[:space:]]*multiboot2 /boot/xen.gz dom0_mem=1024M" "$CUSTOM"
  check "grub.cfg makes GRUB read custom.cfg" grep -q 'source .*custom.cfg' "$CFG"
  check "grub-script-check accepts custom.cfg" grub-script-check "$CUSTOM"
  check "grub-script-check accepts grub.cfg" grub-script-check "$CFG"
  update-grub >/dev/null 2>&1
  check "a later update-grub keeps our entry" grep -q "/boot/vmlinuz-$V" "$CUSTOM"
  kremove; rc=$?
  check_eq "dpkg -r kernel with the GRUB hook" 0 "$rc"
  [ "$rc" = 0 ] || show_out
  check_eq "custom.cfg: our entry is gone" 0 "$(grep -c "vmlinuz-$V" "$CUSTOM")"
  check_eq "grub.cfg: no entry of the kernel" 0 "$(grep -c "vmlinuz-$V" "$CFG")"
else
  skip "grub-pc/grub2-common packages not downloadable or grub-common missing: GRUB hook not tried"
fi
done_testing
