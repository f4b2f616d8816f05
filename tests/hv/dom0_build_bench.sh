#!/usr/bin/env bash
# Benchmark: how long bchv takes to build dom0 from the Debian kernel (its own
# TSC timestamps, read from the serial log), and the wall time from QEMU start
# to the initramfs marker, side by side in one run: the same kernel and
# initramfs on bare metal (QEMU's own loader), through bchv with
# dom0=native, and through bchv as an SVM guest (with bchv's exit summary);
# then dom0's exits per second while idle, CPU-bound and doing port I/O.
# GRUB2 multiboot2 boots in QEMU TCG (qemu64,+svm,+npt).
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
bench_iso() {                           # NAME BCHV-ARGS [DOM0-ARGS]
  hv_iso "$HV_WORK/$1.iso" "menuentry bchv {
  multiboot2 /boot/bchv.gz console=com1 noreboot $2
  module2 /boot/vmlinuz console=ttyS0 panic=-1 ${3:-}
  module2 /boot/initrd.gz
}" "$HV_WORK/bchv.gz" "$HV_WORK/vmlinuz" "$HV_WORK/initrd.gz" || exit 1
}
timed_boot() {                          # NAME QEMU-ARGS...: sets wall_ms
  local name=$1 start
  shift
  start=$(date +%s%N)
  hv_boot "$name" "^$HV_MARKER" 180 "$@"
  wall_ms=$((($(date +%s%N) - start) / 1000000))
  grep -aq "^$HV_MARKER" "$HV_WORK/$name.log" || { echo "bchv bench: $name: no marker" >&2; exit 1; }
}
bench_iso svm ""
bench_iso native "dom0=native"
timed_boot bare -kernel "$HV_WORK/vmlinuz" -initrd "$HV_WORK/initrd.gz" -append "console=ttyS0 panic=-1"
bare_ms=$wall_ms
timed_boot native -cdrom "$HV_WORK/native.iso"
native_ms=$wall_ms
timed_boot svm -cdrom "$HV_WORK/svm.iso"
svm_ms=$wall_ms
log=$(tr -d '\r' <"$HV_WORK/svm.log")
ms() { sed -nE "s/.*$1 ([0-9]+) ms.*/\\1/p" <<<"$log" | head -n 1; }
total=$(ms 'dom0: built in')
[ -n "$total" ] || { echo "bchv bench: dom0 was not built; serial log:" >&2; tail -5 <<<"$log" >&2; exit 1; }
printf 'bchv dom0 build (%s): %s ms total, decompression %s ms, segment load %s ms\n' \
  "$(basename "$KERNEL")" "$total" "$(ms 'bytes in')" "$(ms 'segments at 0x[0-9a-f]+-0x[0-9a-f]+ in')"
# Xen 4.17's own dom0 build of the same kernel and initramfs, in this run: its
# console timestamps from "Building a PV Dom0" to the first line after the
# build returns (heap_init_late's), decompression up to the dom0 ELF's lines
xen_gz=$(ls /boot/xen-4.17*.gz 2>/dev/null | head -n 1)
xen_total=
if [ -n "$xen_gz" ]; then
  cp "$xen_gz" "$HV_WORK/xen.gz"
  hv_iso "$HV_WORK/xen.iso" "menuentry xen {
  multiboot2 /boot/xen.gz console=com1 com1=115200,8n1 console_timestamps=boot loglvl=all dom0_mem=512M noreboot
  module2 /boot/vmlinuz console=hvc0 panic=-1
  module2 /boot/initrd.gz
}" "$HV_WORK/xen.gz" "$HV_WORK/vmlinuz" "$HV_WORK/initrd.gz" || exit 1
  hv_boot xen "^$HV_MARKER" 300 -cdrom "$HV_WORK/xen.iso"
  xlog=$(tr -d '\r' <"$HV_WORK/xen.log")
  xts() { sed -nE "s/^\(XEN\) \[ *([0-9]+)\.([0-9]{3})[0-9]*\] $1.*/\1\2/p" <<<"$xlog" | head -n 1 | sed 's/^0*//'; }
  x_start=$(xts '\*\*\* Building a PV Dom0')
  x_elf=$(xts ' Xen  kernel:')
  x_end=$(xts 'Initial low memory virq threshold')
  if [ -n "$x_start" ] && [ -n "$x_elf" ] && [ -n "$x_end" ]; then
    xen_total=$((x_end - x_start))
    printf 'Xen %s dom0 build (same kernel, same run, console_timestamps): %s ms total, decompression %s ms\n' \
      "$(basename "$xen_gz" .gz)" "$xen_total" $((x_elf - x_start))
  else
    echo "bchv bench: Xen's log has no timed dom0 build; its last lines:" >&2
    tail -5 <<<"$xlog" >&2
  fi
fi
verdict=ok
[ "$total" -le 3000 ] || verdict="over 3000 ms"
[ -z "$xen_total" ] || [ "$total" -le "$xen_total" ] || verdict="slower than Xen"
xen_goal=
[ -z "$xen_total" ] || xen_goal=", and no slower than Xen's $xen_total ms"
printf 'bchv dom0 build goal (at most 3000 ms under TCG%s): %s ms: %s\n' "$xen_goal" "$total" "$verdict"
printf 'bchv boot to the initramfs marker (QEMU start, wall): bare metal %s ms, bchv dom0=native %s ms, bchv SVM guest %s ms (%s.%02ux bare metal)\n' \
  "$bare_ms" "$native_ms" "$svm_ms" $((svm_ms / bare_ms)) $((svm_ms * 100 / bare_ms % 100))
sed -nE 's/^\(bchv\) \[ *[0-9.]+\] (exit summary: .*)/bchv dom0 \1/p' <<<"$log"
# exits per second in dom0 while idle, CPU-bound and doing port I/O
bench_iso phases "" bchv_phases
hv_boot phases "" 180 -cdrom "$HV_WORK/phases.iso"
tr -d '\r' <"$HV_WORK/phases.log" | sed -nE "s/^\(bchv\) \[ *[0-9.]+\] dom0 mark '(I|C|O)': (.*)/\1 \2/p" |
  sed -e 's/^I /bchv dom0 idle: /' -e 's/^C /bchv dom0 CPU-bound: /' -e 's/^O /bchv dom0 port I\/O: /'
