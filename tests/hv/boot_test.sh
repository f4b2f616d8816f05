#!/usr/bin/env bash
# Boot tests of the hypervisor image: GRUB2 (BIOS ISO from grub-mkrescue)
# loads build/boot/bchv.gz with multiboot2 (or multiboot1) in QEMU TCG, with
# the Debian kernel and a busybox initramfs as modules; the serial log is
# checked. A good boot reaches the initramfs marker; bad kernel modules must
# give a clear message naming the module, then halt (noreboot) or reboot,
# never triple-fault.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/lib.sh"

IMG=$BUILD/boot/bchv.gz
ELF=$BUILD/boot/bchv
STAMP='^\(bchv\) \[ *[0-9]+\.[0-9]{6}\] '

# --- the image itself ------------------------------------------------------
if [ ! -f "$IMG" ] || [ ! -f "$ELF" ]; then
  fail "image built: $IMG and $ELF exist"
  done_testing; exit
fi
check "bchv.gz is gzip and holds the ELF" cmp -s <(gzip -dc "$IMG") "$ELF"
check "ELF is x86-64" bash -c "readelf -h '$ELF' | grep -q 'X86-64'"
if command -v grub-file >/dev/null; then
  check "GRUB sees a multiboot2 header" grub-file --is-x86-multiboot2 "$ELF"
  check "GRUB sees a multiboot1 header" grub-file --is-x86-multiboot "$ELF"
else
  skip "multiboot headers: grub-file (grub-common) not installed"
fi

# --- what the boots need --------------------------------------------------
KERNEL=$(hv_kernel)
missing=
for tool in qemu-system-x86_64 grub-mkrescue xorriso cpio; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
[ -x /bin/busybox ] || missing="$missing busybox-static"
[ -n "$KERNEL" ] || missing="$missing linux-image-amd64"
if [ -n "$missing" ]; then
  skip "boot tests: missing$missing"
  done_testing; exit
fi

HV_WORK=$(mktemp -d "${TMPDIR:-/tmp}/bchv-boot.XXXXXX")
# serial logs are kept in $BUILD/test-logs/hv-boot for a look after a failure
keep_logs() {
  mkdir -p "$BUILD/test-logs/hv-boot" && cp "$HV_WORK"/*.log "$BUILD/test-logs/hv-boot/" 2>/dev/null
  rm -rf "$HV_WORK"
}
trap keep_logs EXIT
cp "$IMG" "$HV_WORK/bchv.gz"
cp "$KERNEL" "$HV_WORK/vmlinuz"
hv_initramfs "$HV_WORK/initrd.gz" || fail "test initramfs built"

# --- good boot: GRUB2 multiboot2 -> bchv -> Debian kernel via PVH -> /init ---
hv_iso "$HV_WORK/good.iso" "menuentry bchv {
  multiboot2 /boot/bchv.gz console=com1 loglvl=info dom0_mem=512M noreboot
  module2 /boot/vmlinuz console=hvc0 panic=-1
  module2 /boot/initrd.gz
}" "$HV_WORK/bchv.gz" "$HV_WORK/vmlinuz" "$HV_WORK/initrd.gz"
hv_boot good "" 90 -cdrom "$HV_WORK/good.iso"
check "good: banner with a timestamp" hv_log_has good "${STAMP}bchv [0-9.]+: bootchain x86-64 hypervisor"
check "good: loaded by GRUB 2 with multiboot2" hv_log_has good "loader: GRUB 2.* \(multiboot2\)"
check "good: command line parsed" hv_log_has good \
  "command line: console=com1 loglvl=info dom0_mem=512M noreboot$"
check "good: memory map listed" hv_log_has good " 0000000000100000 - [0-9a-f]{16} usable"
check "good: both modules listed" hv_log_has good 'module 2: 0x[0-9a-f]+ - 0x[0-9a-f]+ \([0-9]+ bytes\)'
check "good: dom0 kernel's command line" hv_log_has good 'module 1: .*"console=hvc0 panic=-1"'
check "good: Xen's console=hvc0 given to dom0 as ttyS0" hv_log_has good \
  'Kernel command line: console=ttyS0 panic=-1'
check "good: dom0 build time reported" hv_log_has good "${STAMP}dom0: built in [0-9]+ ms"
check "good: entered dom0 through PVH" hv_log_has good "starting dom0 at its PVH entry 0x"
check "good: dom0 saw the hypervisor reserved" hv_log_has good \
  'BIOS-e820: \[mem 0x0000000000200000-0x[0-9a-f]+\] reserved'
usable=0
while read -r lo hi; do usable=$((usable + hi - lo + 1)); done < <(tr -d '\r' <"$HV_WORK/good.log" |
  sed -nE 's/.*BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] usable.*/\1 \2/p')
check_eq "good: dom0_mem=512M is the RAM dom0 sees" $((512 << 20)) "$usable"
check "good: initramfs marker reached" hv_log_has good "^$HV_MARKER"
check_eq "good: init ended QEMU through isa-debug-exit" 3 "$HV_RC"

# --- QEMU's own multiboot1 loader, the kernel given as a plain vmlinux ELF ---
# It is loaded low, under its own segments: bchv must copy it out of the way
# (and move the initramfs that follows it) before loading.
off=$(hv_payload_offset "$KERNEL")
len=$(od -An -tu4 -j $((0x24c)) -N4 "$KERNEL" | tr -d ' ')
if tail -c +$((off + 1)) "$KERNEL" | head -c "$len" | xz -dc --single-stream >"$HV_WORK/vmlinux" 2>/dev/null; then
  hv_boot elf "" 60 -kernel "$ELF" -append "loglvl=info noreboot" \
    -initrd "$HV_WORK/vmlinux console=ttyS0 panic=-1,$HV_WORK/initrd.gz"
  check "vmlinux: QEMU's multiboot1 loader" hv_log_has elf 'loader: qemu \(multiboot1\)'
  check "vmlinux: image name dropped from dom0's command line" hv_log_has elf \
    'module 1: .*\([0-9]+ bytes\) "console=ttyS0 panic=-1"'
  check "vmlinux: kernel copied from under its segments" hv_log_has elf \
    'dom0: copied the kernel ELF from 0x[0-9a-f]+ to 0x[0-9a-f]+'
  check "vmlinux: initramfs marker reached" hv_log_has elf "^$HV_MARKER"
  rm -f "$HV_WORK/vmlinux"
else
  skip "vmlinux: could not extract it from $KERNEL (xz-utils)"
fi

# --- bad modules ------------------------------------------------------------
echo "this is not a kernel" >"$HV_WORK/notakernel"
head -c 3000000 "$KERNEL" >"$HV_WORK/truncated"
cp "$KERNEL" "$HV_WORK/corrupt"
dd if=/dev/zero of="$HV_WORK/corrupt" bs=1 count=4096 conv=notrunc status=none \
  seek=$(($(hv_payload_offset "$KERNEL") + 2000000))

# multiboot1 (GRUB-legacy style kernel line), default policy: reboot
hv_iso "$HV_WORK/notkernel.iso" "menuentry bad {
  multiboot /boot/bchv.gz console=com1
  module /boot/notakernel console=ttyS0
  module /boot/initrd.gz
}" "$HV_WORK/bchv.gz" "$HV_WORK/notakernel" "$HV_WORK/initrd.gz"
hv_boot notkernel "" 30 -cdrom "$HV_WORK/notkernel.iso"
check "not a kernel: multiboot1 boot" hv_log_has notkernel "loader: GRUB 2.* \(multiboot1\)"
check "not a kernel: message names module 1 and the problem" hv_log_has notkernel \
  'FATAL: module 1 \(dom0 kernel, 21 bytes at 0x[0-9a-f]+, "console=ttyS0"\): not a Linux kernel'
check "not a kernel: reboots by default" hv_log_has notkernel "Rebooting"
check_eq "not a kernel: QEMU ended by the reset, not a timeout" 0 "$HV_RC"
check "not a kernel: no triple fault" hv_no_triple_fault notkernel

# an ELF kernel without a PVH entry note (module 1 given as a plain ELF)
printf 'void _start(void) { for (;;); }\n' >"$HV_WORK/nopvh.c"
cc -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-Ttext-segment=0x1000000 \
  -o "$HV_WORK/nopvh" "$HV_WORK/nopvh.c" || fail "test ELF without PVH note built"

for bad in truncated corrupt nopvh; do
  hv_iso "$HV_WORK/$bad.iso" "menuentry bad {
  multiboot2 /boot/bchv.gz console=com1 noreboot
  module2 /boot/$bad console=ttyS0
  module2 /boot/initrd.gz
}" "$HV_WORK/bchv.gz" "$HV_WORK/$bad" "$HV_WORK/initrd.gz"
  hv_boot "$bad" "System halted" 60 -cdrom "$HV_WORK/$bad.iso"
  check_eq "$bad: halted and stayed halted (noreboot)" running "$HV_RC"
  check "$bad: no triple fault" hv_no_triple_fault "$bad"
done
check "truncated: clear message" hv_log_has truncated \
  'FATAL: module 1 \(dom0 kernel, 3000000 bytes .*\): bad bzImage: bzImage payload lies outside the file'
check "corrupt: clear message" hv_log_has corrupt \
  'FATAL: module 1 \(dom0 kernel, .*\): corrupt kernel payload: '
check "ELF without PVH entry: clear message" hv_log_has nopvh \
  'FATAL: module 1 \(dom0 kernel, .*\): no PVH entry point \(XEN_ELFNOTE_PHYS32_ENTRY'

done_testing
