#!/usr/bin/env bash
# Concurrent runs lose nothing: many grubby processes add to one config at
# once; every entry must be there afterwards, once.
. "$(dirname "$0")/testlib.bash"
cd "$WORK"
N=24
for cfgname in grub grub2; do
  if [ $cfgname = grub ]; then grub_cfg >c.conf; else grub2_cfg >c.conf; fi
  before=$(grep -cE '^(title|menuentry)' c.conf)
  pids=()
  for i in $(seq 1 $N); do
    "$GRUBBY" --$cfgname --env="$WORK/env" --bad-image-okay --boot-filesystem=/boot -c c.conf \
      --add-kernel=/boot/vmlinuz-9.$i --initrd=/boot/initramfs-9.$i.img --title "Linux 9.$i" &
    pids+=($!)
  done
  failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=$((failed+1)); done
  check_eq "$cfgname: every run succeeded" 0 "$failed"
  check_eq "$cfgname: all $N entries kept" $((before + N)) "$(grep -cE '^(title|menuentry)' c.conf)"
  missing=0
  for i in $(seq 1 $N); do
    [ "$(grep -c "vmlinuz-9.$i\$" c.conf)" = 1 ] || [ "$(grep -c "vmlinuz-9.$i " c.conf)" = 1 ] || missing=$((missing+1))
  done
  check_eq "$cfgname: each new kernel once" 0 "$missing"
done
done_testing
