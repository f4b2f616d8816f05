#!/usr/bin/env bash
# xen.cfg conformance: every case of tests/grubby/xenefi/cases.tsv (input,
# command, expected output), then what no single case shows: atomic replace
# keeping mode and symlink, the lock, and refusal leaving the file as it was.
# XENEFI_REGENERATE=1 rewrites the expected files from what grubby does now.
. "$(dirname "$0")/testlib.bash"
CASES=$HERE/xenefi
ESP=$WORK/esp
DIR=$ESP/EFI/qubes
mkdir -p "$DIR"

run_case() {  # id input check args...
  local id=$1 input=$2 check=$3; shift 3
  local args=() a
  for a in "$@"; do a=${a//@ESP@/$ESP}; a=${a//@ROOT@/$WORK}; args+=("${a//@DIR@/$DIR}"); done
  cp "$CASES/$input" "$DIR/xen.cfg"
  local out rc
  out=$("$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --bad-image-okay "${args[@]}" 2>"$WORK/err")
  rc=$?
  local got
  case $check in
    file) got=$(cat "$DIR/xen.cfg"; echo x) ;;
    stdout) got="$out"$'\n'x ;;
    error) got=$(cat "$WORK/err"; echo x) ;;
  esac
  got=${got%x}
  got=${got//$DIR/@DIR@}; got=${got//$ESP/@ESP@}; got=${got//$WORK/@ROOT@}
  if [ -n "${XENEFI_REGENERATE:-}" ]; then printf '%s' "$got" >"$CASES/$id.out"; fi
  if [ "$check" = error ]; then
    if [ $rc -eq 0 ] || ! cmp -s "$CASES/$input" "$DIR/xen.cfg" || [ "$(wc -l <"$WORK/err")" != 1 ]; then
      fail "xen.cfg $id: refused with one line, nothing changed (rc=$rc)"; return
    fi
  elif [ $rc -ne 0 ]; then
    fail "xen.cfg $id: exit status $rc: $(head -1 "$WORK/err")"; return
  fi
  if printf '%s' "$got" | cmp -s - "$CASES/$id.out"; then ok "xen.cfg $id"
  else fail "xen.cfg $id"; printf '%s' "$got" | diff "$CASES/$id.out" - | head -20 | sed 's/^/# /'; fi
}

while IFS=$'\t' read -r -a f; do
  [ "${#f[@]}" -ge 3 ] || continue
  case ${f[0]} in '#'*|id) continue ;; esac
  run_case "${f[@]}"
done <"$CASES/cases.tsv"

# --root without -c: the system image's /boot/efi/EFI/xen/xen.cfg
mkdir -p "$WORK/sys/boot/efi/EFI/xen"
cp "$CASES/qubes.in" "$WORK/sys/boot/efi/EFI/xen/xen.cfg"
check_eq "xen.cfg: --root alone finds the image's xen.cfg, names paths as the image does" \
  "/boot/efi/EFI/xen/vmlinuz-4.14.74-1.pvops.qubes.x86_64" \
  "$("$GRUBBY" --xen-efi --root="$WORK/sys" --default-kernel 2>&1)"
"$GRUBBY" --xen-efi --root="$WORK/sys" --bad-image-okay --add-kernel=/boot/efi/EFI/xen/vmlinuz-7 --title=7
check "xen.cfg: --root alone: an add goes into the image's xen.cfg" \
  grep -qx 'kernel=vmlinuz-7' "$WORK/sys/boot/efi/EFI/xen/xen.cfg"

# untouched lines: every line of the hand-written config outside the sections a
# change is about stays byte for byte (the whole [debug] section here)
cp "$CASES/qubes.in" "$DIR/xen.cfg"
"$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --bad-image-okay --add-kernel=vmlinuz-7 --title=7 \
  --copy-default --make-default --args=quiet=0 --mbargs=loglvl=none
"$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --bad-image-okay --update-kernel=DEFAULT --remove-args=rhgb
check_eq "xen.cfg: the user's [debug] section stays byte for byte" \
  "$(sed -n '/^# my own debug/,$p' "$CASES/qubes.in" | od -c)" \
  "$(sed -n '/^# my own debug/,$p' "$DIR/xen.cfg" | od -c)"

# add then remove gives back the file as it was
cp "$CASES/qubes.in" "$DIR/xen.cfg"
"$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --bad-image-okay --add-kernel=vmlinuz-7 --title=7 --copy-default
"$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --remove-kernel=TITLE=7
check "xen.cfg: add then remove restores the file" cmp -s "$CASES/qubes.in" "$DIR/xen.cfg"

# dry run: -o - prints the result and leaves the file alone
cp "$CASES/qubes.in" "$DIR/xen.cfg"
out=$("$GRUBBY" --xen-efi -c "$DIR/xen.cfg" -o - --set-default-index=1)
check "xen.cfg: -o - leaves the file alone" cmp -s "$CASES/qubes.in" "$DIR/xen.cfg"
check_eq "xen.cfg: -o - prints the new default" "default=debug" "$(grep '^default=' <<<"$out")"

# the kernel must exist unless --bad-image-okay
cp "$CASES/qubes.in" "$DIR/xen.cfg"
if "$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --add-kernel="$DIR/vmlinuz-none" --title=n 2>/dev/null; then
  fail "xen.cfg: a missing kernel is refused"
else
  check "xen.cfg: a missing kernel is refused, nothing changed" cmp -s "$CASES/qubes.in" "$DIR/xen.cfg"
fi
: >"$DIR/vmlinuz-here"
"$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --add-kernel="$DIR/vmlinuz-here" --title=here
check_eq "xen.cfg: a kernel beside xen.efi is named relative to it" "kernel=vmlinuz-here" \
  "$(sed -n '/^\[here\]/,/^$/p' "$DIR/xen.cfg" | grep '^kernel=')"

# replaced atomically through a symlink, mode kept
cp "$CASES/qubes.in" "$DIR/real.cfg"
chmod 0600 "$DIR/real.cfg"
ln -sf real.cfg "$DIR/xen.cfg"
"$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --set-default-index=1
check "xen.cfg: the symlink stays a symlink" test -L "$DIR/xen.cfg"
check_eq "xen.cfg: the target keeps its mode" "600" "$(stat -c %a "$DIR/real.cfg")"
check_eq "xen.cfg: the target got the change" "default=debug" "$(grep '^default=' "$DIR/real.cfg")"
rm -f "$DIR/xen.cfg" "$DIR/real.cfg"

# concurrent runs take turns: no section is lost
printf '[global]\ndefault=k0\n\n[k0]\nkernel=vmlinuz-0\n' >"$DIR/xen.cfg"
for i in 1 2 3 4 5 6 7 8; do
  "$GRUBBY" --xen-efi -c "$DIR/xen.cfg" --bad-image-okay --add-kernel="vmlinuz-$i" --title="k$i" --copy-default &
done
wait
check_eq "xen.cfg: 8 concurrent adds all land" 9 "$(grep -c '^\[k' "$DIR/xen.cfg")"

# the default path, documented in grubby(8)
out=$(unshare -m --propagation private sh -c 'mount -t tmpfs none /boot && "$0" --xen-efi --default-index' "$GRUBBY" 2>&1)
if [ $? -ne 0 ] && [[ $out != grubby:* ]]; then skip "no private mount namespace here"
else check_eq "xen.cfg: default config path" \
  "grubby: error opening /boot/efi/EFI/xen/xen.cfg for read: No such file or directory" "$out"; fi
done_testing
