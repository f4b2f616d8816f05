#!/usr/bin/env bash
# new-kernel-pkg's own decisions, with stand-ins for grubby and dracut that
# record how they were called (so this runs before the real grubby exists):
# entry kind, overrides, defaults, refusals, failures leaving configs as they
# were, hooks, and the deferred work of --rpmposttrans.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/sandbox.bash"
NKP=$BIN/new-kernel-pkg
V=9.8.7-test
T=$(mktemp -d /tmp/nkp-stub-XXXXXX)
cleanup() { chattr -R -i "$T" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

if [ ! -x "$NKP" ]; then skip "new-kernel-pkg not built"; done_testing; exit; fi

# grubby stand-in: one line of arguments per run; marks the config it changed;
# fails on a config whose path contains $STUB_FAIL.
cat > "$T/grubby" <<'EOF'
#!/bin/sh
printf '%s|' "$@" >> "$STUB_LOG"; echo >> "$STUB_LOG"
cfg=; prev=
for a; do [ "$prev" = -c ] && cfg=$a; prev=$a; done
[ -n "${STUB_SLEEP:-}" ] && sleep "$STUB_SLEEP"
case "$cfg" in *"${STUB_FAIL:-/nonexistent/}"*) echo "stub grubby: cannot write $cfg" >&2; exit 3;; esac
for a; do case $a in --add-kernel=*) echo "# added ${a#--add-kernel=}" >> "$cfg";; esac; done
echo "# changed by stub" >> "$cfg"
EOF
# dracut stand-in: records its arguments and makes the image (next to last argument)
cat > "$T/dracut" <<'EOF'
#!/bin/sh
printf '%s|' "$@" >> "$STUB_DRACUT_LOG"; echo >> "$STUB_DRACUT_LOG"
eval out=\${$(($# - 1))}
echo image > "$out"
EOF
chmod +x "$T/grubby" "$T/dracut"
export NEWKERNELPKG_GRUBBY=$T/grubby NEWKERNELPKG_DRACUT=$T/dracut
export STUB_LOG=$T/grubby.log STUB_DRACUT_LOG=$T/dracut.log

fresh() { # fresh sandbox R without the real kernel's modules (none are needed here)
  rm -rf "$R"; mkdir -p "$R"; : > "$STUB_LOG"; : > "$STUB_DRACUT_LOG"
  make_sandbox "$R" "$V"
  rm -rf "$T/boot.before"; cp -a "$R/boot" "$T/boot.before"
}
configs_unchanged() {
  cmp -s "$R/boot/grub/grub.conf" "$T/boot.before/grub/grub.conf" &&
    cmp -s "$R/boot/grub2/grub.cfg" "$T/boot.before/grub2/grub.cfg"
}
runs() { grep -c . "$STUB_LOG"; }
logged() { grep -qF -- "$1" "$STUB_LOG"; }
R=$T/root

# 1. plain entry for every config, arguments as grubby expects them
fresh
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "plain install exits 0" 0 $?
check_eq "grubby runs once per config" 2 "$(runs)"
check "grub legacy is asked with --grub -c" logged "--grub|-c|$R/boot/grub/grub.conf|--bad-image-okay|--add-kernel=/boot/vmlinuz-$V|"
check "grub 2 is asked with --grub2 -c" logged "--grub2|-c|$R/boot/grub2/grub.cfg|"
check "title from os-release" logged "--title=Test OS ($V) 1 (sandbox)|"
check "root= from the root's fstab" logged "--args=root=UUID=0a1b2c3d|"
check "reinstall replaces the kernel's entries" logged "--remove-kernel=/boot/vmlinuz-$V|"
check "no multiboot with HYPERVISOR empty" bash -c "! grep -q -- --add-multiboot '$STUB_LOG'"

# 2. HYPERVISOR in the file, and the command line over it
printf 'HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS="dom0_mem=512M"\n' > "$R/etc/sysconfig/kernel"
: > "$STUB_LOG"
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check "HYPERVISOR gives a multiboot entry" logged "--add-multiboot=/boot/xen.gz|--mbargs=dom0_mem=512M|"
cp -L "$R/boot/xen.gz" "$R/boot/xen-other.gz"
: > "$STUB_LOG"
"$NKP" --root="$R" --multiboot=/boot/xen-other.gz --mbargs="dom0_mem=1G" --install "$V" 2>"$T/err"
check "--multiboot/--mbargs override the file" logged "--add-multiboot=/boot/xen-other.gz|--mbargs=dom0_mem=1G|"
: > "$STUB_LOG"
"$NKP" --root="$R" --multiboot=/boot/missing.gz --install "$V" 2>"$T/err"
check_eq "--multiboot naming a missing file fails" "1 0" "$? $(runs)"
printf 'HYPERVISOR=/boot/absent.gz\n' > "$R/etc/sysconfig/kernel"
: > "$STUB_LOG"
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check "HYPERVISOR naming a missing file gives a plain entry" bash -c "! grep -q -- --add-multiboot '$STUB_LOG' && grep -q 'adding a plain entry' '$T/err'"

mkdir -p "$R/boot/extlinux"; printf 'ui menu.c32\n' > "$R/boot/extlinux/extlinux.conf"
printf 'HYPERVISOR=/boot/xen.gz\n' > "$R/etc/sysconfig/kernel"
: > "$STUB_LOG"
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "a Xen entry goes to grub legacy and grub 2 only" "0 2" "$? $(runs)"
check "extlinux is left alone, and the user told why" grep -q "extlinux cannot start a multiboot hypervisor" "$T/err"
: > "$STUB_LOG"
"$NKP" --root="$R" --remove "$V" 2>"$T/err"
check "remove still cleans extlinux" logged "--extlinux|-c|$R/boot/extlinux/extlinux.conf|--bad-image-okay|--remove-kernel=/boot/vmlinuz-$V|"

# 3. a sysconfig line that would run something
fresh
printf 'UPDATEDEFAULT=yes\nHYPERVISOR="$(touch %s/pwned)"\nHYPERVISOR_ARGS=`touch %s/pwned2`\n' "$R" "$R" > "$R/etc/sysconfig/kernel"
"$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "refused HYPERVISOR stops the install" 1 $?
check "nothing was run" test ! -e "$R/pwned" -a ! -e "$R/pwned2"
check "the error names the file and line" grep -q "etc/sysconfig/kernel:2: command substitution" "$T/err"
check_eq "grubby was not run" 0 "$(runs)"
check "configs unchanged after the refusal" configs_unchanged
"$NKP" --root="$R" --remove "$V" 2>"$T/err"
check_eq "removing does not need HYPERVISOR" 0 $?

# one rule for sysconfig lines and hypervisor images: read exactly, or refused
# with the file and line (or the image), exit 1, grubby never run
refused() { # NAME SYSCONFIG-TEXT EXPECTED-ERROR
  fresh
  echo "CONFIG_X86_64=y" > "$R/boot/config-$V"
  printf '%s\n' "$2" > "$R/etc/sysconfig/kernel"
  (cd "$T" && "$NKP" --root="$R" --install "$V" 2>"$T/err")
  check_eq "$1: exit 1, grubby not run" "1 0" "$? $(runs)"
  check "$1: the error says $3" grep -qF -- "$3" "$T/err"
  check "$1: configs unchanged" configs_unchanged
}
refused "HYPERVISOR = /boot/xen.gz" "HYPERVISOR = /boot/xen.gz" "etc/sysconfig/kernel:1: blanks around '='"
refused "HYPERVISOR=/boot/xen.gz; touch x" "HYPERVISOR=/boot/xen.gz; touch x" "etc/sysconfig/kernel:1: 'touch' is a command"
check "and x was not made" test ! -e "$T/x"
refused "a command line" "$(printf 'HYPERVISOR=\n. /etc/sysconfig/xen')" "etc/sysconfig/kernel:2: a line that is not an assignment could set HYPERVISOR"
refused "HYPERVISOR=/boot/config-V" "HYPERVISOR=/boot/config-$V" "HYPERVISOR=/boot/config-$V: $R/boot/config-$V is not a multiboot kernel"

# 4. defaults and debug entries from the settings
fresh
printf 'UPDATEDEFAULT=yes\nDEFAULTKERNEL=kernel-core\nMAKEDEBUG=yes\n' > "$R/etc/sysconfig/kernel"
"$NKP" --root="$R" --package=kernel --install "$V" 2>"$T/err"
check "UPDATEDEFAULT + DEFAULTKERNEL=package-core make it the default" logged "--make-default|"
check "MAKEDEBUG adds a debug entry" logged "--title=Test OS ($V) 1 (sandbox) with debugging|"
check_eq "two runs per config with MAKEDEBUG" 4 "$(runs)"
: > "$STUB_LOG"
"$NKP" --root="$R" --package=kernel-rt --install "$V" 2>"$T/err"
check "another package does not become the default" bash -c "! grep -q -- --make-default '$STUB_LOG'"

# 5. failures leave every config as it was
fresh
"$NKP" --root="$R" --install 0.0.0-missing 2>"$T/err"
check_eq "a missing kernel image fails" 1 $?
check "its error names the image" grep -q "boot/vmlinuz-0.0.0-missing: no kernel image" "$T/err"
check_eq "grubby was not run for a missing kernel" 0 "$(runs)"

NEWKERNELPKG_DRACUT=false "$NKP" --root="$R" --install --mkinitrd "$V" 2>"$T/err"
check_eq "a failing dracut fails the install" 1 $?
check "its error says dracut failed" grep -q "dracut failed for $V" "$T/err"
check_eq "grubby was not run after dracut failed" 0 "$(runs)"

STUB_FAIL=grub2 "$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "grubby failing on one config fails the install" 1 $?
check "the error names the config grubby failed on" grep -q "grubby failed on $R/boot/grub2/grub.cfg" "$T/err"
check "grubby's own message is shown" grep -q "stub grubby: cannot write" "$T/err"
check "the config changed before the failure is put back" configs_unchanged

if chattr +i "$R/boot/grub/grub.conf" 2>/dev/null; then
  : > "$STUB_LOG"
  "$NKP" --root="$R" --install "$V" 2>"$T/err"
  check_eq "an unwritable config fails before any change" "1 0" "$? $(runs)"
  check "its error names the config" grep -q "grub.conf: cannot be rewritten" "$T/err"
  chattr -i "$R/boot/grub/grub.conf"
  check "configs unchanged with an unwritable config" configs_unchanged
else
  skip "chattr +i not supported here"; skip "-"; skip "-"
fi

NEWKERNELPKG_GRUBBY=/nonexistent/grubby "$NKP" --root="$R" --install "$V" 2>"$T/err"
check_eq "no grubby is an error" 1 $?
check "its error says grubby was not found" grep -q "grubby not found" "$T/err"

# concurrent runs on one root: a failing run's restore must not undo another's change
fresh
echo stand-in > "$R/boot/vmlinuz-2.0"
STUB_SLEEP=0.3 STUB_FAIL=grub2 "$NKP" --root="$R" --install "$V" 2>"$T/err.a" & a=$!
sleep 0.1
STUB_SLEEP=0.3 "$NKP" --root="$R" --install 2.0 2>"$T/err.b" & b=$!
wait $a; ra=$?; wait $b; rb=$?
check_eq "concurrent runs: the failing one fails, the other succeeds" "1 0" "$ra $rb"
check_eq "concurrent runs: the successful change survives the other's restore" "1 1" \
  "$(grep -c '# added /boot/vmlinuz-2.0' "$R/boot/grub/grub.conf") $(grep -c '# added /boot/vmlinuz-2.0' "$R/boot/grub2/grub.cfg")"
check "concurrent runs: nothing of the failed run is left" bash -c "! grep -q 'added /boot/vmlinuz-$V' '$R/boot/grub/grub.conf'"

# 6. dracut is asked for the root's modules and configuration, plus extra arguments
fresh
NEWKERNELPKG_DRACUT_ARGS="--gzip" "$NKP" --root="$R" --mkinitrd --host-only --add-dracut-args="--modules 'base'" --install "$V" 2>"$T/err"
check_eq "install with a dracut image exits 0" 0 $?
check "dracut gets --hostonly, the root's modules and config" grep -qF -- "--hostonly|--force|--kmoddir|$R/lib/modules/$V|--conf|/dev/null|--confdir|$R/etc/dracut.conf.d|" "$STUB_DRACUT_LOG"
check "extra dracut arguments are split without a shell" grep -qF -- "|--gzip|--modules|base|$R/boot/initramfs-$V.img|$V|" "$STUB_DRACUT_LOG"
check "the entry names the new initramfs" logged "--initrd=/boot/initramfs-$V.img|"
: > "$STUB_DRACUT_LOG"
"$NKP" --root="$R" --mkinitrd --add-dracut-args='--include $(touch x) y' --install "$V" 2>"$T/err"
check_eq "dracut arguments that would run something are refused" "1 0" "$? $(grep -c . "$STUB_DRACUT_LOG")"

# 7. hooks: prerm.d on --remove, postinst.d on --rpmposttrans, in order, chrooted
fresh
if [ -x /bin/busybox ]; then
  mkdir -p "$R/bin" "$R/etc/kernel/prerm.d/$V" "$R/etc/kernel/postinst.d"
  cp /bin/busybox "$R/bin/busybox"; ln -s busybox "$R/bin/sh"
  for h in 20-b 10-a "30-c~"; do printf '#!/bin/sh\necho "prerm %s $1 $2" >> /hook.log\n' "$h" > "$R/etc/kernel/prerm.d/$h"; done
  printf '#!/bin/sh\necho "prerm per-version $1" >> /hook.log\n' > "$R/etc/kernel/prerm.d/$V/50-v"
  printf '#!/bin/sh\necho "not executable" >> /hook.log\n' > "$R/etc/kernel/prerm.d/40-noexec"
  chmod +x "$R/etc/kernel/prerm.d"/*-? "$R/etc/kernel/prerm.d/30-c~" "$R/etc/kernel/prerm.d/$V/50-v"
  printf '#!/bin/sh\necho "postinst $1 $2" >> /hook.log\n' > "$R/etc/kernel/postinst.d/10-p"
  chmod +x "$R/etc/kernel/postinst.d/10-p"
  "$NKP" --root="$R" --remove "$V" 2>"$T/err"
  check_eq "remove exits 0" 0 $?
  check_eq "prerm hooks ran in order, in the root, skipping backups and non-executables" \
    "prerm 10-a $V /boot/vmlinuz-$V|prerm 20-b $V /boot/vmlinuz-$V|prerm per-version $V|" \
    "$(tr '\n' '|' < "$R/hook.log")"
  check "remove asks grubby for the kernel's path" logged "--remove-kernel=/boot/vmlinuz-$V|"
  printf '#!/bin/sh\nexit 4\n' > "$R/etc/kernel/prerm.d/15-fail"; chmod +x "$R/etc/kernel/prerm.d/15-fail"
  : > "$STUB_LOG"
  "$NKP" --root="$R" --remove "$V" 2>"$T/err"
  check_eq "a failing prerm hook stops the removal" "1 0" "$? $(runs)"
  rm "$R/etc/kernel/prerm.d/15-fail" "$R/hook.log"

  # an install during an RPM transaction leaves the initramfs for --rpmposttrans
  : > "$STUB_LOG"
  "$NKP" --root="$R" --package=kernel --install "$V" 2>"$T/err"
  check "install with --package records pending work" test -e "$R/var/lib/new-kernel-pkg/pending/$V"
  check "that entry has no initramfs yet" bash -c "! grep -q -- --initrd '$STUB_LOG'"
  : > "$STUB_LOG"
  "$NKP" --root="$R" --rpmposttrans "$V" 2>"$T/err"
  check_eq "rpmposttrans exits 0" 0 $?
  check "rpmposttrans builds the initramfs" test -e "$R/boot/initramfs-$V.img"
  check "rpmposttrans puts it in the entries" logged "--update-kernel=/boot/vmlinuz-$V|--initrd=/boot/initramfs-$V.img|"
  check_eq "rpmposttrans runs the postinst hooks" "postinst $V /boot/vmlinuz-$V" "$(cat "$R/hook.log")"
  check "the pending record is gone" test ! -e "$R/var/lib/new-kernel-pkg/pending/$V"
else
  skip "no /bin/busybox for chrooted hooks"
fi

# 8. command-line errors
"$NKP" --install 2>"$T/err"
check_eq "no version: usage and exit 1" 1 $?
check "usage is printed" grep -q "^Usage: new-kernel-pkg" "$T/err"
"$NKP" --make-default --remove "$V" 2>/dev/null
check_eq "--make-default with --remove is refused" 1 $?

done_testing
