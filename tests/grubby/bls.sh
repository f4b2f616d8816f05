#!/usr/bin/env bash
# grubby --bls: the conformance cases in tests/grubby/bls/ (input tree,
# command, expected tree and output), then what a case cannot show: atomic
# writes under concurrency, modes kept, and entries systemd-boot's order.
. "$(dirname "$0")/testlib.bash"
CASES=$HERE/bls

run_case() {
  local dir=$1 name root status=0 want=0
  name=$(basename "$dir")
  root=$WORK/$name
  mkdir -p "$root"
  cp -r "$CASES/base/." "$root/"
  [ -d "$dir/in" ] && cp -r "$dir/in/." "$root/"
  eval "set -- $(cat "$dir/cmd")"
  "$GRUBBY" --bls --root="$root" --boot-filesystem=/boot --bad-image-okay "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" || status=$?
  [ -f "$dir/status" ] && want=$(cat "$dir/status")
  sed -i "s#$root#ROOT#g" "$WORK/$name.out" "$WORK/$name.err"
  local why=
  [ "$status" = "$want" ] || why="exit $status, expected $want"
  find "$root" -name '.*.lock' -delete
  [ -n "$why" ] || diff -r "$dir/out" "$root" >"$WORK/$name.diff" || why="tree differs"
  if [ -z "$why" ] && [ -f "$dir/stdout" ]; then
    diff "$dir/stdout" "$WORK/$name.out" >"$WORK/$name.diff" || why="stdout differs"
  fi
  if [ -z "$why" ] && [ -f "$dir/stderr" ]; then
    diff "$dir/stderr" "$WORK/$name.err" >"$WORK/$name.diff" || why="stderr differs"
  fi
  if [ -z "$why" ]; then ok "bls case $name"
  else fail "bls case $name: $why"; sed 's/^/# /' "$WORK/$name.diff" "$WORK/$name.err" 2>/dev/null | head -20; fi
}

for d in "$CASES"/*/; do
  [ -f "$d/cmd" ] && run_case "${d%/}"
done

# concurrent adds: every entry lands, each file whole
root=$WORK/conc; mkdir -p "$root"; cp -r "$CASES/base/." "$root/"
for i in 1 2 3 4 5 6 7 8; do
  "$GRUBBY" --bls --root="$root" --boot-filesystem=/boot --bad-image-okay \
    --add-kernel=/boot/vmlinuz-9.$i --title "Linux 9.$i" --args=ro --make-default &
done
wait
check_eq "concurrent adds: eight entries" 8 "$(ls "$root/boot/loader/entries" | grep -c '\.conf$')"
check_eq "concurrent adds: one default line" 1 "$(grep -c '^default ' "$root/boot/loader/loader.conf")"
check_eq "concurrent adds: no temporaries left" "" \
  "$(ls -A "$root/boot/loader/entries" "$root/boot/loader" | grep grubby)"

# an entry file's mode is kept when it is rewritten
e=$(ls "$root"/boot/loader/entries/*-9.1.conf)
chmod 0600 "$e"
"$GRUBBY" --bls --root="$root" --boot-filesystem=/boot --update-kernel=/boot/vmlinuz-9.1 --args=quiet
check_eq "update keeps the entry's mode" 600 "$(stat -c %a "$e")"
grep -q '^options ro quiet$' "$e" && ok "update changed the options" || fail "options not updated: $(cat "$e")"

# loader.conf reached through a symlink: the link stays, its target changes
mkdir -p "$WORK/elsewhere"
mv "$root/boot/loader/loader.conf" "$WORK/elsewhere/loader.conf"
ln -s "$WORK/elsewhere/loader.conf" "$root/boot/loader/loader.conf"
"$GRUBBY" --bls --root="$root" --boot-filesystem=/boot --set-default=/boot/vmlinuz-9.3
check "loader.conf symlink kept" test -L "$root/boot/loader/loader.conf"
check_eq "its target got the default" "default 0123456789abcdef0123456789abcdef-9.3.conf" \
  "$(grep ^default "$WORK/elsewhere/loader.conf")"

# -o FILE is refused: the changes are many files
out=$("$GRUBBY" --bls --root="$root" --remove-kernel=/boot/vmlinuz-9.1 -o x 2>&1) && fail "-o FILE accepted" \
  || check_eq "-o FILE refused" 'grubby: with --bls, -o takes only "-" (print the changes, write nothing)' "$out"

# no machine id: refused, nothing written
root=$WORK/nomid; mkdir -p "$root/etc"
out=$("$GRUBBY" --bls --root="$root" --bad-image-okay --add-kernel=/boot/vmlinuz-1.0 --title x 2>&1) \
  && fail "add without a machine id" \
  || check_eq "no machine-id: one line" "grubby: $root/etc/machine-id: No such file or directory; give --machine-id" "$out"
out=$("$GRUBBY" --bls --root="$root" --bad-image-okay --machine-id=abc --add-kernel=/boot/vmlinuz-1.0 --title x 2>&1) \
  && fail "bad --machine-id accepted" || check_eq "bad --machine-id refused" \
  "grubby: --machine-id=abc: not 32 lower-case hex digits" "$out"
"$GRUBBY" --bls --root="$root" --bad-image-okay --machine-id=00000000000000000000000000000001 \
  --add-kernel=/boot/vmlinuz-1.0 --title x --boot-filesystem=/ &&
  check_eq "--machine-id names the file; /boot on / keeps /boot in paths" "linux /boot/vmlinuz-1.0" \
  "$(grep ^linux "$root/boot/loader/entries/00000000000000000000000000000001-1.0.conf")"

# a missing kernel is an error unless --bad-image-okay
out=$("$GRUBBY" --bls --root="$root" --machine-id=00000000000000000000000000000001 \
  --add-kernel=/nonexistent/vmlinuz-2.0 --title y 2>&1) && fail "missing kernel accepted" \
  || check_eq "missing kernel refused" "grubby: /nonexistent/vmlinuz-2.0: No such file or directory" "$out"

# -c names the entries directory; loader.conf is beside it
mkdir -p "$WORK/esp/loader/entries"
"$GRUBBY" --bls -c "$WORK/esp/loader/entries" --root="$CASES/base" --boot-filesystem=/boot --bad-image-okay \
  --add-kernel=/boot/vmlinuz-3.0 --title z --make-default
check_eq "-c DIR: entry and loader.conf there" "default 0123456789abcdef0123456789abcdef-3.0.conf" \
  "$(cat "$WORK/esp/loader/loader.conf" 2>&1)"
done_testing
