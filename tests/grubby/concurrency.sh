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

# writers killed with SIGKILL mid-write leave temporaries; the next run,
# holding the lock, removes the ones named like ours and nothing else
python3 - >big.cfg <<'PY'
for i in range(3000):
    print("menuentry 'Linux %d' {\n\tlinux /vmlinuz-%d root=/dev/sda2 ro quiet\n\tinitrd /initrd-%d\n}" % (i, i, i))
PY
touch big.cfg.grubbyX big.cfg.bak other.cfg.grubbyAAAAAA
printf 'x' >big.cfg.grubbyZZZZZZ   # stale, as a killed writer leaves it
for i in $(seq 1 30); do
  "$GRUBBY" --grub2 --env="$WORK/env" --bad-image-okay --boot-filesystem=/boot -c big.cfg \
    --update-kernel=ALL --args=k$i &
  p=$!; sleep 0.0$((RANDOM % 9)); kill -9 $p 2>/dev/null; wait $p 2>/dev/null
done
"$GRUBBY" --grub2 --env="$WORK/env" --bad-image-okay --boot-filesystem=/boot -c big.cfg --update-kernel=ALL --args=last
check_eq "killed writers: no temporary left" "" "$(ls -A | grep -E '^big\.cfg\.grubby.{6}$')"
check_eq "killed writers: other files kept" "big.cfg.bak big.cfg.grubbyX other.cfg.grubbyAAAAAA" \
  "$(ls -A | grep -E 'grubbyX$|\.bak$|^other' | sort | tr '\n' ' ' | sed 's/ $//')"
grep -q 'quiet.*last' big.cfg && ok "killed writers: the config is whole" || fail "killed writers: the config is whole"
done_testing
