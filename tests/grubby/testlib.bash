# Shared helpers for the grubby shell tests (sourced, not run).
. "$(dirname "$0")/../lib/tap.sh"
GRUBBY=$BIN/grubby
FIXTURES=${GRUBBY_FIXTURES:-/work/shared/conformance/grubby/fixtures}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# the native grubenv code unless a test asks for the tool
export GRUBBY_EDITENV=

# a small grub2 config written the way grub2-mkconfig does
grub2_cfg() {
  cat <<'CFG'
set default="${saved_entry}"
set timeout=5
menuentry 'Fedora (6.1.0)' --class fedora --class gnu-linux --class gnu --class os {
	load_video
	insmod ext2
	linux	/vmlinuz-6.1.0 root=/dev/sda2 ro quiet
	initrd	/initramfs-6.1.0.img
}
menuentry 'Fedora (6.0.0)' --class fedora --class gnu-linux --class gnu --class os {
	load_video
	linux	/vmlinuz-6.0.0 root=/dev/sda2 ro quiet
	initrd	/initramfs-6.0.0.img
}
CFG
}

grub_cfg() {
  cat <<'CFG'
default=0
timeout=5
title Fedora (6.1.0)
	root (hd0,0)
	kernel /vmlinuz-6.1.0 ro root=/dev/sda2 quiet
	initrd /initramfs-6.1.0.img
CFG
}

# script_check FILE: grub-script-check accepts FILE (skips when absent)
have_script_check() { command -v grub-script-check >/dev/null || command -v grub2-script-check >/dev/null; }
script_check() {
  if command -v grub2-script-check >/dev/null; then grub2-script-check "$1"; else grub-script-check "$1"; fi
}
