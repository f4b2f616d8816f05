#!/usr/bin/env bash
# A fresh system: the first kernel installed into an empty or header-only
# boot loader config, with the real new-kernel-pkg and grubby, on a --root
# sandbox with its own /etc/os-release and /etc/fstab. Nothing can be copied,
# so the entry is built from scratch: title from os-release, root= from fstab,
# the console of the running kernel's command line (a private mount namespace
# puts a known one over /proc/cmdline), and every grub.cfg passes GRUB's own
# grub-script-check. Plain grubby keeps grubby 8.40's refusal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/sandbox.bash"
NKP=$BIN/new-kernel-pkg
why=
[ -x "$NKP" ] && [ -x "$BIN/grubby" ] || why="new-kernel-pkg or grubby not built"
[ -n "$why" ] || command -v grub-script-check >/dev/null || why="grub-script-check not installed (grub-common)"
[ -n "$why" ] || [ "$(id -u)" = 0 ] || why="needs root for a private mount namespace"
[ -n "$why" ] || unshare -m --propagation private true 2>/dev/null || why="unshare -m not permitted here"
if [ -n "$why" ]; then skip "$why"; done_testing; exit; fi

V=$(real_kernel_version)
[ -n "$V" ] || V=9.8.7-fresh
T=$(mktemp -d /tmp/nkp-fresh-XXXXXX)
trap 'rm -rf "$T"' EXIT
R=$T/root
export NEWKERNELPKG_GRUBBY=$BIN/grubby
unset NEWKERNELPKG_DRACUT NEWKERNELPKG_DRACUT_ARGS
TITLE="Debian GNU/Linux ($V) 12 (bookworm)"
echo "BOOT_IMAGE=/vmlinuz root=/dev/sr0 console=tty0 console=ttyS0,115200n8 quiet -- console=initarg" > "$T/cmdline"

# A sandbox for a fresh system: no entries anywhere, one config of each
# kind given as CONFIG=TEXT arguments (path below R).
fresh_root() {
  rm -rf "$R"
  make_sandbox "$R" "$V"
  rm -rf "$R/boot/grub2" "$R/boot/grub/grub.conf"
  printf 'NAME="Debian GNU/Linux"\nVERSION="12 (bookworm)"\nID=debian\n' > "$R/etc/os-release"
  echo "initramfs stand-in" > "$R/boot/initrd.img-$V"
  local spec
  for spec; do
    mkdir -p "$(dirname "$R/${spec%%=*}")"
    printf '%s' "${spec#*=}" > "$R/${spec%%=*}"
  done
}
# new-kernel-pkg with a known kernel command line, as an installer runs it
nkp() { unshare -m --propagation private sh -c 'mount --bind "$1" /proc/cmdline && shift && exec "$@"' \
          sh "$T/cmdline" "$NKP" --root="$R" "$@"; }
script_ok() { grub-script-check "$1" 2>&1; }
entries() { grep -c '^menuentry ' "$1"; }
CFG=$R/boot/grub/grub.cfg
HEADER=$'set default=0\nset timeout=5\n'

# 1. an empty grub.cfg (Debian's path, as /etc/grub.d names it)
fresh_root "boot/grub/grub.cfg="
mkdir -p "$R/etc/grub.d"
nkp --install "$V" 2>"$T/err"
rc=$?
check_eq "empty grub.cfg: install exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/err"
check_eq "empty grub.cfg: one entry" 1 "$(entries "$CFG")"
entry=$(grub2_entry "$CFG" "($V)")
check "its title comes from the root's os-release" grep -qF "menuentry '$TITLE'" <<<"$entry"
check "not Red Hat Linux" bash -c "! grep -q 'Red Hat' '$CFG'"
check "linux (BIOS and UEFI), root= from fstab, ro, the installer's consoles" \
  grep -qx $'\tlinux /boot/vmlinuz-'"$V"' root=UUID=0a1b2c3d ro console=tty0 console=ttyS0,115200n8' <<<"$entry"
check "the initramfs" grep -qx $'\tinitrd /boot/initrd.img-'"$V" <<<"$entry"
out=$(script_ok "$CFG")
check "grub-script-check accepts it" test $? = 0
[ -z "$out" ] || echo "$out" | sed 's/^/# /'
check_eq "the empty config gets a menu timeout (GRUB would wait forever)" "set timeout=5" "$(head -1 "$CFG")"
check "new-kernel-pkg said nothing alarming" bash -c "! grep -qi 'error\|fatal' '$T/err'"

# installing again copies the entry now there: still one, still valid
nkp --install "$V" 2>"$T/err"
check_eq "reinstall exits 0" 0 $?
check_eq "reinstall leaves one entry" 1 "$(entries "$CFG")"
check "reinstall keeps the console" grep -q "console=ttyS0,115200n8" "$CFG"
check "grub-script-check after the reinstall" script_ok "$CFG"

# 2. a header-only grub.cfg: the header stays byte for byte
fresh_root "boot/grub/grub.cfg=$HEADER"
mkdir -p "$R/etc/grub.d"
nkp --install "$V" 2>"$T/err"
check_eq "header-only grub.cfg: install exits 0" 0 $?
check_eq "the header lines are kept" "set timeout=5" "$(sed -n 2p "$CFG")"
check_eq "one entry" 1 "$(entries "$CFG")"
check "grub-script-check accepts it" script_ok "$CFG"

# 3. a Xen entry from scratch, and one for bchv
fresh_root "boot/grub/grub.cfg=$HEADER"
mkdir -p "$R/etc/grub.d"
printf 'HYPERVISOR=/boot/xen.gz\nHYPERVISOR_ARGS="dom0_mem=1G console=com1 com1=115200"\n' > "$R/etc/sysconfig/kernel"
nkp --install "$V" 2>"$T/err"
check_eq "multiboot from scratch: install exits 0" 0 $?
entry=$(grub2_entry "$CFG" "($V)")
check "gzio loaded for the gzip'd hypervisor" grep -qx $'\tinsmod gzio' <<<"$entry"
check "multiboot2 with HYPERVISOR_ARGS" grep -qx $'\tmultiboot2 /boot/xen.gz dom0_mem=1G console=com1 com1=115200' <<<"$entry"
check "the kernel as module2, without the installer's serial console (Xen owns it)" \
  grep -qx $'\tmodule2 /boot/vmlinuz-'"$V"' root=UUID=0a1b2c3d ro' <<<"$entry"
check "the initramfs as module2" grep -qx $'\tmodule2 /boot/initrd.img-'"$V" <<<"$entry"
check "grub-script-check accepts it" script_ok "$CFG"
if [ -f "$BUILD/boot/bchv.gz" ]; then
  fresh_root "boot/grub/grub.cfg="
  mkdir -p "$R/etc/grub.d"
  cp "$BUILD/boot/bchv.gz" "$R/boot/bchv.gz"
  printf 'HYPERVISOR=/boot/bchv.gz\nHYPERVISOR_ARGS=console=com1\n' > "$R/etc/sysconfig/kernel"
  nkp --install "$V" 2>"$T/err"
  check_eq "bchv from scratch: install exits 0" 0 $?
  check "multiboot2 /boot/bchv.gz" grep -qx $'\tmultiboot2 /boot/bchv.gz console=com1' "$CFG"
  check "grub-script-check accepts it" script_ok "$CFG"
else
  skip "no $BUILD/boot/bchv.gz"; skip "-"; skip "-"
fi

# 4. /boot on its own file system in the root's fstab: paths below it
fresh_root "boot/grub/grub.cfg="
mkdir -p "$R/etc/grub.d"
printf 'UUID=0a1b2c3d / ext4 defaults 0 1\nUUID=b007 /boot ext4 defaults 0 2\n' > "$R/etc/fstab"
nkp --install "$V" 2>"$T/err"
check_eq "separate /boot: install exits 0" 0 $?
check "the kernel path is below /boot's file system" grep -qx $'\tlinux /vmlinuz-'"$V"' root=UUID=0a1b2c3d ro console=tty0 console=ttyS0,115200n8' "$CFG"
check "grub-script-check accepts it" script_ok "$CFG"

# 5. the other dialects' simple entry forms
fresh_root "boot/grub/grub.conf=" "boot/extlinux/extlinux.conf="
nkp --install "$V" 2>"$T/err"
check_eq "empty grub.conf and extlinux.conf: install exits 0" 0 $?
check_eq "grub legacy: title, kernel with arguments, initrd" \
  "timeout=5|title $TITLE|	kernel /boot/vmlinuz-$V root=UUID=0a1b2c3d ro console=tty0 console=ttyS0,115200n8|	initrd /boot/initrd.img-$V" \
  "$(grep -v '^$' "$R/boot/grub/grub.conf" | paste -sd'|')"
ext=$(grep -v '^$' "$R/boot/extlinux/extlinux.conf")
check "grub legacy: a timeout for the empty config" grep -qx "timeout=5" "$R/boot/grub/grub.conf"
check "extlinux: a label" grep -q '^label Debian' <<<"$ext"
check "extlinux: the empty config gets it as its default, and a timeout" \
  bash -c "grep -qx 'default Debian.*' <<<'$ext' && grep -qx 'timeout 50' <<<'$ext'"
check "extlinux: kernel" grep -qx $'\tkernel /boot/vmlinuz-'"$V" <<<"$ext"
check "extlinux: append with root=, ro and the consoles" grep -qx $'\tappend root=UUID=0a1b2c3d ro console=tty0 console=ttyS0,115200n8' <<<"$ext"
fresh_root "boot/grub/grub.conf="
printf 'HYPERVISOR=/boot/xen.gz\n' > "$R/etc/sysconfig/kernel"
nkp --install "$V" 2>"$T/err"
check_eq "grub legacy Xen entry from scratch: exits 0" 0 $?
check_eq "grub legacy: kernel is the hypervisor, the kernel and initramfs modules" \
  "	kernel /boot/xen.gz|	module /boot/vmlinuz-$V root=UUID=0a1b2c3d ro|	module /boot/initrd.img-$V" \
  "$(grep -v '^$' "$R/boot/grub/grub.conf" | grep -v '^title\|^timeout' | paste -sd'|')"

# 6. plain grubby keeps grubby 8.40's answer: --copy-default needs a template
printf '%s' "$HEADER" > "$T/plain.cfg"
cp "$T/plain.cfg" "$T/plain.before"
"$BIN/grubby" --grub2 -c "$T/plain.cfg" --bad-image-okay --add-kernel=/boot/vmlinuz-$V --title=x --copy-default 2>"$T/err"
check_eq "grubby --copy-default without a template still fails" 1 $?
check "with grubby 8.40's message" grep -q "unable to find a suitable template" "$T/err"
check "and leaves the config as it was" cmp -s "$T/plain.cfg" "$T/plain.before"

done_testing
