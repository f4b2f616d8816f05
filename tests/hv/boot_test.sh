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

# The probing initramfs: the matrix's dom0 probe (static) and the msr driver,
# so dom0 can try EFER.SVME through /dev/cpu/0/msr.
kver=$(basename "$KERNEL"); kver=${kver#vmlinuz-}
msr_ko=$(find "/lib/modules/$kver" -name 'msr.ko*' 2>/dev/null | head -n 1)
case $msr_ko in
  *.xz) xz -dc "$msr_ko" >"$HV_WORK/msr.ko" && msr_ko=$HV_WORK/msr.ko ;;
  *.zst) zstd -qdc "$msr_ko" >"$HV_WORK/msr.ko" && msr_ko=$HV_WORK/msr.ko ;;
esac
PROBE=$BUILD/libexec/bootchain/dom0-probe
check "dom0 probe built (static: no program interpreter)" \
  bash -c "[ -x '$PROBE' ] && ! readelf -l '$PROBE' | grep -q INTERP"
hv_initramfs "$HV_WORK/initrd-probe.gz" "$PROBE" "$msr_ko" ||
  fail "probing initramfs built"
# bchv's memory that dom0 must not reach: the image up to the PVH start info
hide_lo=$(nm "$ELF" | awk '/ __image_start$/ { print "0x" $1 }')
hide_hi=$(nm "$ELF" | awk '/ __dom0info_start$/ { print "0x" $1 }')
PROBE_ARGS="iomem=relaxed bchv_probe=$((hide_lo)):$((hide_hi - hide_lo))"

# hv_probe_checks NAME CPUS: what dom0 saw of bchv (see bootchain/matrix/dom0_probe.c)
hv_probe_checks() {
  local n=$1 cpus=$2 cpu
  for cpu in $(seq 0 $((cpus - 1))); do
    check "$n: CPU $cpu sees the hypervisor bit and bchv's signature" hv_log_has "$n" \
      "^probe: cpuid cpu=$cpu hypervisor-bit=1 signature=bchvbchvbchv max-leaf=0x40000000 svm=0$"
  done
  check_eq "$n: nproc in dom0 is the CPUs QEMU has" "probe: cpus $cpus" \
    "$(tr -d '\r' <"$HV_WORK/$n.log" | grep -a '^probe: cpus ' | head -n 1)"
  for insn in vmrun vmmcall vmload vmsave stgi clgi skinit invlpga; do
    check "$n: $insn in dom0 raises SIGILL" hv_log_has "$n" "^probe: svm $insn SIGILL$"
  done
  if [ -n "$msr_ko" ]; then
    check "$n: dom0 reads EFER without SVME" hv_log_has "$n" "^probe: efer read=0x[0-9a-f]+ svme=0$"
    check "$n: dom0 cannot set EFER.SVME" hv_log_has "$n" "^probe: efer set-svme refused"
    check "$n: EFER.SVME still clear" hv_log_has "$n" "^probe: efer after=0x[0-9a-f]+ svme=0$"
    local m name
    for m in syscfg:SYSCFG top_mem:TOP_MEM top_mem2:TOP_MEM2; do
      name=${m#*:}; m=${m%:*}
      check "$n: dom0 reads $name, its write is ignored and the value kept" hv_log_has "$n" \
        "^probe: msr $m read=0x[0-9a-f]+ write=done kept=yes$"
      check "$n: bchv logs the ignored $name write" hv_log_has "$n" \
        "${STAMP}dom0: write of 0x[0-9a-f]+ to $name ignored \\(stays 0x[0-9a-f]+\\)$"
    done
    for m in vm_cr vm_hsave_pa; do
      check "$n: $m reads and writes refused, as without SVM" hv_log_has "$n" \
        "^probe: msr $m read=refused write=refused kept=n/a$"
    done
  else
    skip "$n: EFER.SVME: no msr.ko for $kver"
  fi
  check "$n: the matrix marker's proof of containment" hv_log_has "$n" \
    "^probe: marker sig=bchvbchvbchv hidden=yes$"
  check "$n: /dev/mem of bchv's range reads all ones, none of bchv's bytes" hv_log_has "$n" \
    "^probe: devmem $(printf '%#x' $((hide_lo)))\\+$(printf '%#x' $((hide_hi - hide_lo))) all-ones=$((hide_hi - hide_lo)) other=0 bchv-strings=absent$"
  check "$n: a dom0 write to bchv's range is dropped" hv_log_has "$n" \
    "^probe: devmem write done, read back all-ones$"
  check "$n: bchv logs dom0's first touch with its address" hv_log_has "$n" \
    "${STAMP}dom0: read of bchv's memory at $(printf '%#x' $((hide_lo))) \\(rip 0x[0-9a-f]+\\): refused"
  check "$n: exit summary when dom0 stops" hv_log_has "$n" \
    "${STAMP}exit summary: [0-9]+ exits in [0-9.]+ s \\([0-9]+/s\\): cpuid [0-9]+, msr [0-9]+, io [0-9]+, npf"
}

# --- good boot: GRUB2 multiboot2 -> bchv -> Debian kernel via PVH -> /init ---
hv_iso "$HV_WORK/good.iso" "menuentry bchv {
  multiboot2 /boot/bchv.gz console=com1 loglvl=info dom0_mem=512M noreboot
  module2 /boot/vmlinuz console=hvc0 panic=-1 $PROBE_ARGS
  module2 /boot/initrd-probe.gz
}" "$HV_WORK/bchv.gz" "$HV_WORK/vmlinuz" "$HV_WORK/initrd-probe.gz"
hv_boot good "" 120 -cdrom "$HV_WORK/good.iso"
check "good: banner with a timestamp" hv_log_has good "${STAMP}bchv [0-9.]+: bootchain x86-64 hypervisor"
check "good: loaded by GRUB 2 with multiboot2" hv_log_has good "loader: GRUB 2.* \(multiboot2\)"
check "good: command line parsed" hv_log_has good \
  "command line: console=com1 loglvl=info dom0_mem=512M noreboot$"
check "good: memory map listed" hv_log_has good " 0000000000100000 - [0-9a-f]{16} usable"
check "good: both modules listed" hv_log_has good 'module 2: 0x[0-9a-f]+ - 0x[0-9a-f]+ \([0-9]+ bytes\)'
check "good: dom0 kernel's command line" hv_log_has good 'module 1: .*"console=hvc0 panic=-1 iomem=relaxed '
check "good: Xen's console=hvc0 given to dom0 as ttyS0" hv_log_has good \
  'Kernel command line: console=ttyS0 panic=-1 iomem=relaxed '
check "good: dom0 build time reported" hv_log_has good "${STAMP}dom0: built in [0-9]+ ms"
check "good: entered dom0 through PVH" hv_log_has good "starting dom0 at its PVH entry 0x"
check "good: dom0 runs as an SVM guest with nested paging" hv_log_has good \
  "${STAMP}svm: dom0 runs as a guest with nested paging .*bchv's memory $(printf '%#x' $((hide_lo)))-$(printf '%#x' $((hide_hi))) is hidden"
check "good: dom0 saw the hypervisor reserved" hv_log_has good \
  'BIOS-e820: \[mem 0x0000000000200000-0x[0-9a-f]+\] reserved'
usable=0
while read -r lo hi; do usable=$((usable + hi - lo + 1)); done < <(tr -d '\r' <"$HV_WORK/good.log" |
  sed -nE 's/.*BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] usable.*/\1 \2/p')
check_eq "good: dom0_mem=512M is the RAM dom0 sees" $((512 << 20)) "$usable"
check "good: initramfs marker reached" hv_log_has good "^$HV_MARKER"
check_eq "good: init ended QEMU through isa-debug-exit" 3 "$HV_RC"
hv_probe_checks good 1
check "good: dom0's mark on port 0xE9 reported with its exits" hv_log_has good \
  "${STAMP}dom0 mark 'P': [0-9]+ exits in [0-9.]+ s \\([0-9]+/s\\): cpuid [0-9]+"
check "good: bchv saw the isa-debug-exit write" hv_log_has good \
  "${STAMP}dom0 stopped: isa-debug-exit write \\(port 0xf4, value 0x1\\)"

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

# --- two CPUs: dom0 starts its AP with INIT/STARTUP, bchv runs it as a vCPU ---
hv_boot smp "" 180 -smp 2 -cdrom "$HV_WORK/good.iso"
check "smp: bchv took the AP before dom0" hv_log_has smp "${STAMP}smp: 2 CPUs \\(firmware: 2\\), 1 waiting for dom0"
check "smp: dom0's STARTUP ran the AP as a vCPU" hv_log_has smp \
  "${STAMP}svm: CPU with APIC ID 1 starts as dom0's vCPU at 0x[0-9a-f]+"
check "smp: initramfs marker reached" hv_log_has smp "^$HV_MARKER"
hv_probe_checks smp 2
# CPU hotplug in dom0: offline runs the vCPU into Linux's dead loop; online
# sends INIT (bchv resets the vCPU to wait for STARTUP) and STARTUP
check_eq "smp: dom0 took CPU 1 offline" "probe: hotplug cpu1 offline 0 cpus 1" \
  "$(tr -d '\r' <"$HV_WORK/smp.log" | grep -a '^probe: hotplug cpu1 offline')"
check "smp: INIT to the running vCPU makes it wait for STARTUP" hv_log_has smp \
  "${STAMP}svm: INIT to running vCPU 1: it waits for STARTUP$"
check "smp: dom0's STARTUP restarted it as a vCPU" hv_log_has smp \
  "${STAMP}svm: CPU with APIC ID 1 restarts as dom0's vCPU at 0x[0-9a-f]+$"
check_eq "smp: CPU 1 online again, nproc back to 2" "probe: hotplug cpu1 online 1 cpus 2" \
  "$(tr -d '\r' <"$HV_WORK/smp.log" | grep -a '^probe: hotplug cpu1 online')"
check_eq "smp: after hotplug CPU 1 still sees bchv" 2 \
  "$(tr -d '\r' <"$HV_WORK/smp.log" | grep -ac '^probe: cpuid cpu=1 hypervisor-bit=1 signature=bchvbchvbchv max-leaf=0x40000000 svm=0$')"

# --- UEFI: the same ISO under OVMF, two CPUs ----------------------------------
if [ -f /usr/share/ovmf/OVMF.fd ]; then
  hv_boot uefi "" 180 -smp 2 -bios /usr/share/ovmf/OVMF.fd -cdrom "$HV_WORK/good.iso"
  check "uefi: initramfs marker reached" hv_log_has uefi "^$HV_MARKER"
  check "uefi: dom0's STARTUP ran the AP as a vCPU" hv_log_has uefi \
    "${STAMP}svm: CPU with APIC ID 1 starts as dom0's vCPU"
  hv_probe_checks uefi 2
else
  skip "uefi: no /usr/share/ovmf/OVMF.fd (ovmf)"
fi

# --- without SVM or nested paging -------------------------------------------
# One line, then the usual fatal-error policy; dom0=native starts dom0 on the
# bare CPU, where the probe does find bchv's bytes (so the probe can fail).
mb1_boot() {                            # NAME CPU PATTERN LIMIT BCHV-ARGS DOM0-ARGS INITRD
  HV_CPU=$2 hv_boot "$1" "$3" "$4" -kernel "$ELF" -append "$5" \
    -initrd "$HV_WORK/vmlinuz console=ttyS0 panic=-1 $6,$HV_WORK/$7"
}
mb1_boot nosvm qemu64,-svm "System halted" 30 "noreboot" "" initrd.gz
check "no SVM: one line saying so" hv_log_has nosvm \
  "${STAMP}FATAL: this CPU has no AMD SVM: dom0 cannot run as a guest \\(dom0=native starts it"
check_eq "no SVM: halted (noreboot)" running "$HV_RC"
check "no SVM: dom0 not built" bash -c "! grep -aq 'dom0: built' '$HV_WORK/nosvm.log'"
mb1_boot nonpt qemu64,+svm "System halted" 30 "noreboot" "" initrd.gz
check "no NPT: one line saying so" hv_log_has nonpt \
  "${STAMP}FATAL: this CPU's SVM has no nested paging \\(NPT\\): dom0 cannot run as a guest"
mb1_boot native qemu64,-svm "" 90 "dom0=native noreboot" "$PROBE_ARGS" initrd-probe.gz
check "dom0=native: dom0 started on the bare CPU" hv_log_has native \
  "starting dom0 at its PVH entry 0x[0-9a-f]+ \\(start info 0x[0-9a-f]+\\) on the bare CPU \\(dom0=native\\)"
check "dom0=native: marker reached" hv_log_has native "^$HV_MARKER"
check "dom0=native: no bchv signature" bash -c "! grep -aq 'signature=bchvbchvbchv' '$HV_WORK/native.log'"
check "dom0=native: /dev/mem finds bchv's bytes (the probe works)" hv_log_has native \
  "^probe: devmem .* bchv-strings=found$"
check "dom0=native: the matrix marker's line says not hidden" hv_log_has native \
  "^probe: marker sig=[^ ]+ hidden=no$"

# --- how dom0 ends: triple fault, resets, ACPI power-off --------------------
mb1_boot triple "qemu64,+svm,+npt" "System halted" 90 "noreboot" "reboot=t bchv_end=reboot" initrd.gz
check "triple fault: reported as a shutdown exit" hv_log_has triple "${STAMP}dom0 triple fault \\(shutdown exit\\)"
check "triple fault: dom0's registers" hv_log_has triple "${STAMP}dom0: rip 0x[0-9a-f]+ rsp 0x[0-9a-f]+ rflags"
check "triple fault: control registers" hv_log_has triple "${STAMP}dom0: cr0 0x[0-9a-f]+ cr2 0x[0-9a-f]+ cr3"
check "triple fault: exit summary" hv_log_has triple "${STAMP}exit summary: [0-9]+ exits in "
check_eq "triple fault: halted (noreboot)" running "$HV_RC"
mb1_boot kbdreset "qemu64,+svm,+npt" "" 90 "" "reboot=k bchv_end=reboot" initrd.gz
check "keyboard reset: seen by bchv" hv_log_has kbdreset \
  "${STAMP}dom0 stopped: reset through the keyboard controller \\(port 0x64, value 0xfe\\)"
check "keyboard reset: exit summary" hv_log_has kbdreset "${STAMP}exit summary: "
check_eq "keyboard reset: the machine reset (QEMU -no-reboot ends)" 0 "$HV_RC"
mb1_boot cf9reset "qemu64,+svm,+npt" "" 90 "" "reboot=pci bchv_end=reboot" initrd.gz
check "0xCF9 reset: seen by bchv" hv_log_has cf9reset \
  "${STAMP}dom0 stopped: reset through port 0xCF9 \\(port 0xcf9, value 0x[0-9a-f]+\\)"
check_eq "0xCF9 reset: the machine reset" 0 "$HV_RC"
mb1_boot poweroff "qemu64,+svm,+npt" "" 90 "" "bchv_end=poweroff" initrd.gz
check "power-off: seen by bchv" hv_log_has poweroff \
  "${STAMP}dom0 stopped: ACPI sleep \\(power-off\\) \\(port 0x[0-9a-f]+, value 0x[0-9a-f]+\\)"
check "power-off: exit summary" hv_log_has poweroff "${STAMP}exit summary: "
check_eq "power-off: QEMU powered off" 0 "$HV_RC"

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
