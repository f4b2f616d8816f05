# Helpers for the hypervisor boot tests: a busybox test initramfs, a GRUB2
# BIOS ISO that boots build/boot/bchv.gz with multiboot2, and one QEMU run.
# Source after tests/lib/tap.sh. Every file goes under $HV_WORK.

HV_MARKER="BCHV-DOM0-INIT-OK"

# hv_kernel: the Debian generic kernel (the -cloud- one cannot be dom0).
hv_kernel() {
  ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v -- '-cloud-' | sort -V | tail -n 1
}

# hv_initramfs OUT [PROBE [MSR_KO]]: a gzip'd cpio whose /init prints the
# marker and ends QEMU through isa-debug-exit (exit status 3). With PROBE (the
# matrix's static bootchain-dom0-probe), /init first runs its checks (cpuid,
# svm, efer and msrs when MSR_KO, the msr driver, is given, and devmem and the matrix
# marker's line for the range a bchv_probe=ADDR:LEN kernel argument names)
# and prints the CPU count; with a CPU 1, takes it offline and online again
# and runs the cpuid check once more.
# bchv_end=poweroff or bchv_end=reboot on dom0's command line ends the run
# that way instead of through isa-debug-exit; bchv_phases runs timed idle,
# CPU and port-I/O phases, each ended by a mark bchv reports (port 0xE9).
hv_initramfs() {
  local out=$1 probe=${2:-} msr=${3:-} root
  root=$(mktemp -d "$HV_WORK/initrd.XXXXXX")
  mkdir -p "$root"/{bin,dev,proc,sys}
  cp /bin/busybox "$root/bin/busybox"
  [ -n "$probe" ] && cp "$probe" "$root/bin/dom0_probe"
  [ -n "$msr" ] && cp "$msr" "$root/msr.ko"
  cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
if [ -x /bin/dom0_probe ]; then
  # kernel messages stay in the ring buffer while the probe lines go out,
  # so none lands in the middle of one
  /bin/busybox dmesg -n 1
  /bin/dom0_probe cpuid
  /bin/dom0_probe svm
  [ -f /msr.ko ] && /bin/busybox insmod /msr.ko && /bin/dom0_probe efer && /bin/dom0_probe msrs
  for w in \$(/bin/busybox cat /proc/cmdline); do
    case \$w in bchv_probe=*) r=\${w#bchv_probe=}
      /bin/busybox echo "probe: marker \$(/bin/dom0_probe marker \${r%:*} \${r#*:})"
      /bin/dom0_probe devmem \${r%:*} \${r#*:} ;;
    esac
  done
  /bin/busybox echo "probe: cpus \$(/bin/busybox grep -c ^processor /proc/cpuinfo)"
  # CPU hotplug: offline, then online (INIT and STARTUP to a CPU that ran)
  cpu1=/sys/devices/system/cpu/cpu1/online
  if [ -w \$cpu1 ]; then
    echo 0 >\$cpu1
    /bin/busybox echo "probe: hotplug cpu1 offline \$(/bin/busybox cat \$cpu1) cpus \$(/bin/busybox grep -c ^processor /proc/cpuinfo)"
    echo 1 >\$cpu1
    /bin/busybox echo "probe: hotplug cpu1 online \$(/bin/busybox cat \$cpu1) cpus \$(/bin/busybox grep -c ^processor /proc/cpuinfo)"
    /bin/dom0_probe cpuid
  fi
  /bin/busybox dmesg -n 7
  /bin/busybox printf P | /bin/busybox dd of=/dev/port bs=1 seek=233 count=1 2>/dev/null
fi
# bchv_phases: 3 s idle, 3 s CPU-bound, 3 s of port I/O, each ended by a
# mark (a byte to port 0xE9) after which bchv prints that phase's exits
case " \$(/bin/busybox cat /proc/cmdline) " in *" bchv_phases "*)
  mark() { /bin/busybox printf "\$1" | /bin/busybox dd of=/dev/port bs=1 seek=233 count=1 2>/dev/null; }
  until_s() { [ \$(/bin/busybox date +%s) -lt \$1 ]; }
  mark S; /bin/busybox sleep 3; mark I
  end=\$((\$(/bin/busybox date +%s) + 3)); while until_s \$end; do :; done; mark C
  end=\$((\$(/bin/busybox date +%s) + 3))
  while until_s \$end; do /bin/busybox dd if=/dev/port of=/dev/null bs=1 skip=97 count=64 2>/dev/null; done
  mark O ;;
esac
/bin/busybox echo "$HV_MARKER"
# bchv_end=poweroff|reboot: end through ACPI or Linux's reboot= method instead
case " \$(/bin/busybox cat /proc/cmdline) " in
  *" bchv_end=poweroff "*) /bin/busybox poweroff -f ;;
  *" bchv_end=reboot "*) /bin/busybox reboot -f ;;
esac
/bin/busybox printf '\\001' | /bin/busybox dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
/bin/busybox poweroff -f
INIT
  chmod +x "$root/init"
  # /dev/console must be in the archive or init has no stdout
  local pack='mknod dev/console c 5 1 && find . -print | cpio -o -H newc --quiet'
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$root" && sh -c "$pack") >"$out.cpio"
  else
    (cd "$root" && fakeroot sh -c "$pack") >"$out.cpio"
  fi || return 1
  gzip -9 -n -c "$out.cpio" >"$out" && rm -f "$out.cpio"
  rm -rf "$root"
}

# hv_iso OUT GRUBCFG FILE...: a GRUB2 ISO (BIOS, and UEFI when grub-efi is
# installed) with each FILE in /boot and GRUBCFG as /boot/grub/grub.cfg.
hv_iso() {
  local out=$1 cfg=$2 tree
  shift 2
  tree=$(mktemp -d "$HV_WORK/iso.XXXXXX")
  mkdir -p "$tree/boot/grub"
  {
    echo 'set timeout=0'
    echo 'serial --unit=0 --speed=115200'
    echo 'terminal_input serial; terminal_output serial'
    echo "$cfg"
  } >"$tree/boot/grub/grub.cfg"
  cp "$@" "$tree/boot/"
  grub-mkrescue -o "$out" "$tree" >"$out.mkrescue.log" 2>&1
  local rc=$?
  rm -rf "$tree"
  return $rc
}

# hv_boot NAME PATTERN SECONDS QEMU-ARGS...: boots QEMU (TCG; the CPU is
# $HV_CPU, by default qemu64 with AMD SVM and nested paging) with the given
# media arguments (-cdrom X.iso, or -kernel/-initrd), the serial console in
# $HV_WORK/NAME.log and QEMU's reset log in NAME.qemu.log.
# Returns when QEMU exits (HV_RC = its status), when PATTERN shows up in the
# log and QEMU is still running a second later (HV_RC = running; QEMU is then
# stopped), or after SECONDS (HV_RC = timeout).
hv_boot() {
  local name=$1 pattern=$2 limit=$3
  shift 3
  local log=$HV_WORK/$name.log
  : >"$log"
  qemu-system-x86_64 -cpu "${HV_CPU:-qemu64,+svm,+npt}" -m 1024 -display none -no-reboot -monitor none \
    "$@" -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -d cpu_reset -D "$HV_WORK/$name.qemu.log" </dev/null >/dev/null 2>&1 &
  local pid=$! ticks=0
  HV_RC=timeout
  while kill -0 "$pid" 2>/dev/null; do
    if [ -n "$pattern" ] && grep -aqE -- "$pattern" "$log"; then
      sleep 1                           # a halted machine must stay halted
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"; wait "$pid" 2>/dev/null
        HV_RC=running
        return 0
      fi
      break
    fi
    if [ "$ticks" -ge $((limit * 4)) ]; then
      kill "$pid"; wait "$pid" 2>/dev/null
      return 0
    fi
    sleep 0.25
    ticks=$((ticks + 1))
  done
  wait "$pid"
  HV_RC=$?
}

# hv_log_has NAME ERE: the serial log of boot NAME has a line matching ERE
# (carriage returns removed: the serial console ends lines with CR LF).
hv_log_has() { tr -d '\r' <"$HV_WORK/$1.log" | grep -aqE -- "$2"; }

# hv_no_triple_fault NAME: QEMU logged no triple fault during boot NAME.
hv_no_triple_fault() { ! grep -aq 'Triple fault' "$HV_WORK/$1.qemu.log"; }

# hv_payload_offset BZIMAGE: file offset of the compressed payload.
hv_payload_offset() {
  local sects off
  sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$1" | tr -d ' ')
  [ "$sects" -eq 0 ] && sects=4
  off=$(od -An -tu4 -j $((0x248)) -N4 "$1" | tr -d ' ')
  echo $(((sects + 1) * 512 + off))
}
