#!/usr/bin/env bash
# Nothing is ever lost: atomic replacement, mode/owner/symlink kept, and on
# every error one line naming the file, a non-zero exit and the old file.
. "$(dirname "$0")/testlib.bash"
cd "$WORK"
ADD=(--add-kernel=/boot/vmlinuz-6.2.0 --title "Fedora (6.2.0)")

# expect_failure NAME FILE PATTERN CMD...: fails, one line naming FILE
# matching PATTERN, FILE unchanged, no temporary file left beside it
expect_failure() {
  local name=$1 file=$2 pattern=$3; shift 3
  local before; before=$(sha256sum <"$file")
  local err rc; err=$("$@" 2>&1 >/dev/null); rc=$?
  local lines; lines=$(printf '%s' "$err" | grep -c '')
  if [ $rc -ne 0 ] && [ "$lines" = 1 ] && [[ $err == *"$file"* ]] && [[ $err =~ $pattern ]] &&
     [ "$(sha256sum <"$file")" = "$before" ] &&
     [ -z "$(find "$(dirname "$file")" -name "$(basename "$file").grubby*")" ]; then
    ok "$name"
  else
    fail "$name"; echo "#   rc=$rc err=$err"
  fi
}

# unparsable: NUL bytes are not a config
grub_cfg >bin.conf; printf 'title x\0\n' >>bin.conf
expect_failure "binary config refused" "$WORK/bin.conf" "not a text file" \
  "$GRUBBY" --grub -c "$WORK/bin.conf" "${ADD[@]}"
# a template whose kernel is missing, without --bad-image-okay
grub_cfg >tmpl.conf
expect_failure "no usable template" "$WORK/tmpl.conf" "suitable template" \
  "$GRUBBY" --grub -c "$WORK/tmpl.conf" "${ADD[@]}" --copy-default
# unreadable: a directory
mkdir dir.conf
err=$("$GRUBBY" --grub -c "$WORK/dir.conf" "${ADD[@]}" 2>&1); rc=$?
[ $rc -ne 0 ] && [[ $err == *dir.conf* ]] && ok "directory as config" || fail "directory as config ($err)"

# mode, owner and mtime
grub_cfg >perm.conf; chmod 0614 perm.conf
owner=$(id -u)
if [ "$owner" = 0 ] && getent passwd nobody >/dev/null; then chown nobody perm.conf; fi
before=$(stat -c '%a %U %G' perm.conf); touch -d '2003-01-01' perm.conf
"$GRUBBY" --grub --bad-image-okay -c perm.conf "${ADD[@]}"
check_eq "mode and owner kept" "$before" "$(stat -c '%a %U %G' perm.conf)"
[ "$(stat -c %Y perm.conf)" -gt 1100000000 ] && ok "mtime is new" || fail "mtime is new"
grep -q 'vmlinuz-6.2.0' perm.conf && ok "perm: entry added" || fail "perm: entry added"

# a chain of relative symlinks stays in place, the target gets the change
mkdir -p real links; grub_cfg >real/grub.conf
ln -s ../real/grub.conf links/hop; ln -s links/hop menu.lst
"$GRUBBY" --grub --bad-image-okay -c menu.lst "${ADD[@]}"
check_eq "symlink kept" "links/hop" "$(readlink menu.lst)"
check_eq "second symlink kept" "../real/grub.conf" "$(readlink links/hop)"
grep -q 'vmlinuz-6.2.0' real/grub.conf && ok "symlink target changed" || fail "symlink target changed"

# readers see the old file or the new one, never a part
grub_cfg >torn.conf
"$GRUBBY" --grub --bad-image-okay -c torn.conf --update-kernel=ALL --args=x=1 -o stateB
cp torn.conf stateA
a=$(sha256sum <stateA) b=$(sha256sum <stateB)
(
  bad=0 n=0
  while [ ! -e stop ]; do
    s=$(sha256sum <torn.conf); n=$((n+1))
    [ "$s" = "$a" ] || [ "$s" = "$b" ] || bad=$((bad+1))
  done
  echo "$bad $n" >reader.out
) &
reader=$!
for i in $(seq 1 30); do
  "$GRUBBY" --grub --bad-image-okay -c torn.conf --update-kernel=ALL --args=x=1
  "$GRUBBY" --grub --bad-image-okay -c torn.conf --update-kernel=ALL --remove-args=x
done
touch stop; wait $reader
read -r bad reads <reader.out
[ "$bad" = 0 ] && [ "$reads" -gt 0 ] && ok "no torn read in $reads reads" || fail "torn reads: $bad of $reads"

# a full disk and a read-only file system (need a tmpfs mount)
mnt=$WORK/mnt; mkdir -p "$mnt"
if mount -t tmpfs -o size=64k grubbytest "$mnt" 2>/dev/null; then
  grub_cfg >"$mnt/grub.conf"
  dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
  expect_failure "full disk" "$mnt/grub.conf" "No space left" \
    "$GRUBBY" --grub --bad-image-okay -c "$mnt/grub.conf" "${ADD[@]}"
  rm -f "$mnt/filler"
  mount -o remount,ro "$mnt"
  expect_failure "read-only file system" "$mnt/grub.conf" "Read-only file system" \
    "$GRUBBY" --grub --bad-image-okay -c "$mnt/grub.conf" "${ADD[@]}"
  umount "$mnt"
else
  skip "full disk: cannot mount a tmpfs here (needs root)"
  skip "read-only file system: cannot mount a tmpfs here (needs root)"
fi
# an output that is a device or a pipe is written into, never renamed over
grub_cfg >dev.conf
if mknod devnull c 1 3 2>/dev/null; then
  "$GRUBBY" --grub --bad-image-okay -c dev.conf -o "$WORK/devnull" "${ADD[@]}"
  [ -c devnull ] && ok "output to a device node keeps the device" || fail "output to a device node keeps the device"
  [ -z "$(ls -A . | grep -e '^\.devnull' -e '^devnull\.')" ] && ok "no lock or temporary beside a device" ||
    fail "no lock or temporary beside a device ($(ls -A | tr '\n' ' '))"
else
  skip "output to a device node: mknod not allowed here (needs root)"
  skip "no lock or temporary beside a device: mknod not allowed here"
fi
mkfifo pipe.out
timeout 60 cat pipe.out >pipe.text & reader=$!
"$GRUBBY" --grub --bad-image-okay -c dev.conf -o "$WORK/pipe.out" "${ADD[@]}" 2>pipe.err; rc=$?
[ $rc = 0 ] || { echo "#   $(cat pipe.err)"; : >"$WORK/pipe.out"; }
wait $reader
check_eq "output to a pipe: exit status" 0 $rc
[ -p pipe.out ] && grep -q 'vmlinuz-6.2.0' pipe.text && ok "output to a pipe: the new config read from it" ||
  fail "output to a pipe: the new config read from it"
done_testing
