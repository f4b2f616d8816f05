#!/usr/bin/env bash
# Benchmark: how long bchv takes to build dom0 from the Debian kernel (its own
# TSC timestamps, read from the serial log), and the wall time from QEMU start
# to the initramfs marker. One GRUB2 multiboot2 boot in QEMU TCG.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${BUILD:=build}"
KERNEL=$(hv_kernel)
for need in qemu-system-x86_64 grub-mkrescue; do
  command -v "$need" >/dev/null || { echo "bchv bench: skipped ($need missing)"; exit 0; }
done
[ -n "$KERNEL" ] || { echo "bchv bench: skipped (no /boot/vmlinuz-*-amd64)"; exit 0; }
[ -f "$BUILD/boot/bchv.gz" ] || { echo "bchv bench: $BUILD/boot/bchv.gz not built" >&2; exit 1; }

HV_WORK=$(mktemp -d "${TMPDIR:-/tmp}/bchv-bench.XXXXXX")
trap 'rm -rf "$HV_WORK"' EXIT
cp "$BUILD/boot/bchv.gz" "$HV_WORK/" && cp "$KERNEL" "$HV_WORK/vmlinuz"
hv_initramfs "$HV_WORK/initrd.gz"
hv_iso "$HV_WORK/bench.iso" "menuentry bchv {
  multiboot2 /boot/bchv.gz console=com1 noreboot
  module2 /boot/vmlinuz console=ttyS0 panic=-1
  module2 /boot/initrd.gz
}" "$HV_WORK/bchv.gz" "$HV_WORK/vmlinuz" "$HV_WORK/initrd.gz" || exit 1
start=$(date +%s%N)
hv_boot bench "^$HV_MARKER" 120 -cdrom "$HV_WORK/bench.iso"
wall_ms=$((($(date +%s%N) - start) / 1000000))
log=$(tr -d '\r' <"$HV_WORK/bench.log")
ms() { sed -nE "s/.*$1 ([0-9]+) ms.*/\\1/p" <<<"$log" | head -n 1; }
total=$(ms 'dom0: built in')
[ -n "$total" ] || { echo "bchv bench: dom0 was not built; serial log:" >&2; tail -5 <<<"$log" >&2; exit 1; }
printf 'bchv dom0 build (%s): %s ms total, decompression %s ms, segment load %s ms; QEMU start to initramfs marker %s ms\n' \
  "$(basename "$KERNEL")" "$total" "$(ms 'bytes in')" "$(ms 'segments at 0x[0-9a-f]+-0x[0-9a-f]+ in')" "$wall_ms"
