#!/usr/bin/env bash
# The kernel hooks of the packages (packaging/hooks) with this new-kernel-pkg
# and grubby, run from /etc/kernel/*.d by run-parts as Debian's kernel
# packages run them, in a throwaway root (tests/lib/private_root.bash):
# no hang on removal or --rpmposttrans (each run under `timeout`), a lock
# wait that ends naming its holder, and a boot entry problem that is reported
# without failing the kernel package unless BOOTCHAIN_HOOK_STRICT=yes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/private_root.bash"
private_root_needs run-parts:debianutils
private_root_enter "$0" "$@"

V=9.9.9-bchook
LIMIT=30 # seconds: a run that takes longer is a hang
export PATH="$BIN:$PATH"
unset NEWKERNELPKG_GRUBBY NEWKERNELPKG_DRACUT NEWKERNELPKG_HOOK_OF BOOTCHAIN_HOOK_STRICT
T=$PRIVATE_TMP
CFG=/boot/grub/grub.cfg
ROOTDEV=UUID=$(findmnt -n -o UUID /)

# a Debian-like system: the kernel and its initramfs in /boot, our hooks in /etc/kernel
setup() {
  rm -rf /boot/* /etc/kernel /etc/sysconfig /var/lib/new-kernel-pkg
  mkdir -p /boot/grub /etc/kernel/postinst.d /etc/kernel/prerm.d /etc/sysconfig
  local k
  for k in "$V" 5.0.0; do
    echo "kernel stand-in" > "/boot/vmlinuz-$k"
    echo "initramfs stand-in" > "/boot/initrd.img-$k"
  done
  install -m 0755 "$top/packaging/hooks/zz-bootchain-postinst" /etc/kernel/postinst.d/zz-bootchain
  install -m 0755 "$top/packaging/hooks/bootchain-prerm" /etc/kernel/prerm.d/bootchain
  echo 'HYPERVISOR=' > /etc/sysconfig/kernel
  # grubby copies an entry whose kernel and root device exist
  cat > "$CFG" <<CONF
set default=0
set timeout=5
menuentry 'Other Linux (5.0.0)' --class os {
	insmod ext2
	linux /boot/vmlinuz-5.0.0 ro root=$ROOTDEV quiet
	initrd /boot/initrd.img-5.0.0
}
CONF
}
hook_dir() { # hook_dir postinst|prerm VERSION: as linux-image-*.postinst/prerm call it
  timeout "$LIMIT" run-parts --report --exit-on-error --arg="$2" --arg="/boot/vmlinuz-$2" "/etc/kernel/$1.d"
}
entries() { grep -c "vmlinuz-$V" "$CFG"; }

setup
hook_dir postinst "$V" 2>"$T/err"
check_eq "postinst.d (run-parts) exits 0" 0 $?
check_eq "it adds one entry for the kernel" 1 "$(entries)"
check "that entry names the initramfs" grep -q "initrd.* /boot/initrd.img-$V" "$CFG"
hook_dir prerm "$V" 2>"$T/err"
rc=$?
check_eq "prerm.d (run-parts) exits 0 without hanging (124 is a hang)" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/err"
check_eq "it removes the entry" 0 "$(entries)"
check "the other entry stays" grep -q "Other Linux (5.0.0)" "$CFG"

# new-kernel-pkg --remove runs prerm.d, where our own hook is
hook_dir postinst "$V" 2>/dev/null
timeout "$LIMIT" new-kernel-pkg --remove "$V" 2>"$T/err"
check_eq "new-kernel-pkg --remove with our prerm hook installed exits 0 (no hang)" 0 $?
check_eq "the entry is removed once" 0 "$(entries)"

# --rpmposttrans runs postinst.d, where our own hook is
timeout "$LIMIT" new-kernel-pkg --install "$V" 2>/dev/null
timeout "$LIMIT" new-kernel-pkg --rpmposttrans "$V" 2>"$T/err"
check_eq "new-kernel-pkg --rpmposttrans with our postinst hook installed exits 0 (no hang)" 0 $?
check_eq "one entry for the kernel" 1 "$(entries)"

# a hook of someone else that calls new-kernel-pkg again (as dracut's rescue
# hook did) runs: it does not wait for the lock its caller holds
printf '#!/bin/sh\nexec new-kernel-pkg --remove "$1"\n' > /etc/kernel/prerm.d/50-other
chmod +x /etc/kernel/prerm.d/50-other
timeout "$LIMIT" new-kernel-pkg --remove "$V" 2>"$T/err"
rc=$?
check_eq "a prerm hook calling new-kernel-pkg --remove does not hang it" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/err"
check_eq "the entry is removed" 0 "$(entries)"
rm /etc/kernel/prerm.d/50-other

# a lock held by another run: a limited wait, naming the holder
setup
lock=/boot/.new-kernel-pkg.lock
( exec 9<>"$lock"; flock 9; echo "$BASHPID new-kernel-pkg --install other" > "$lock"; exec sleep 60 ) &
holder=$!
for _ in $(seq 50); do flock -n "$lock" true || break; sleep 0.1; done
NEWKERNELPKG_LOCK_TIMEOUT=1 timeout "$LIMIT" new-kernel-pkg --install "$V" 2>"$T/err"
check_eq "a run that cannot get the lock in time fails" 1 $?
check "it names the holder's pid and run" grep -q "held by pid $holder new-kernel-pkg --install other" "$T/err"
check "it says it gave up after the limit" grep -q "gave up after 1 s" "$T/err"
check_eq "nothing changed" 0 "$(entries)"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
timeout "$LIMIT" new-kernel-pkg --install "$V" 2>"$T/err"
check_eq "once the holder is gone, the run goes through" "0 1" "$? $(entries)"
check "the lock file records the last holder" grep -q "^[0-9]* new-kernel-pkg --install $V$" "$lock"

# a boot entry problem does not fail the kernel package
setup
cp "$CFG" "$T/cfg.before"
echo 'HYPERVISOR=$(echo /boot/xen.gz)' > /etc/sysconfig/kernel
hook_dir postinst "$V" 2>"$T/err"
check_eq "sysconfig syntax error: postinst.d still exits 0" 0 $?
check "new-kernel-pkg names the file and line" grep -q "/etc/sysconfig/kernel:1: HYPERVISOR" "$T/err"
check "the hook says no entry was written" grep -q "bootchain: no boot entry was written for kernel $V" "$T/err"
check "the config is unchanged" cmp -s "$CFG" "$T/cfg.before"
BOOTCHAIN_HOOK_STRICT=yes hook_dir postinst "$V" 2>"$T/err"
rc=$?
check "with BOOTCHAIN_HOOK_STRICT=yes it fails the hook" test "$rc" -ne 0 -a "$rc" -ne 124
echo 'HYPERVISOR=' > /etc/sysconfig/kernel
hook_dir postinst 9.9.9-noimage 2>"$T/err"
check_eq "no kernel image: postinst.d exits 0" 0 $?
check "and says why" grep -q "no kernel image for 9.9.9-noimage" "$T/err"
chmod 0 /boot/grub
chattr +i "$CFG" 2>/dev/null
hook_dir prerm "$V" 2>"$T/err"
check_eq "a config that cannot be rewritten: prerm.d exits 0" 0 $?
check "the hook says the entries could not be removed" grep -q "bootchain: the boot entries of kernel $V could not be removed" "$T/err"
chattr -i "$CFG" 2>/dev/null
chmod 755 /boot/grub
done_testing
