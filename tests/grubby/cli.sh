#!/usr/bin/env bash
# Command line contract: popt help, version, errors for bad use.
. "$(dirname "$0")/testlib.bash"

check_eq "--version" "grubby version 8.40" "$("$GRUBBY" --version)"
help=$("$GRUBBY" --help)
for b in grub grub2 extlinux elilo lilo zipl yaboot; do
  # distribution test scripts find the dialects this way
  found=$(sed -n "s/^.*--\\($b\\) *configure \\1 bootloader.*/\\1/p" <<<"$help")
  check_eq "--help lists --$b" "$b" "$found"
done
for o in add-kernel add-multiboot args mbargs bad-image-okay boot-filesystem \
         bootloader-probe config-file copy-default debug default-kernel default-index \
         default-title devtree devtreedir efi env extra-initrd info initrd make-default \
         mounts output-file remove-args remove-kernel remove-mbargs remove-multiboot \
         set-default set-default-index set-index title update-kernel version; do
  grep -q -- "--$o" <<<"$help" && ok "--help has --$o" || fail "--help has --$o"
done
"$GRUBBY" --usage | grep -q '^Usage: grubby' && ok "--usage" || fail "--usage"

err=$("$GRUBBY" --grub --no-such-option 2>&1); rc=$?
[ $rc -ne 0 ] && [ "$err" = "grubby: bad argument --no-such-option: unknown option" ] \
  && ok "unknown option is one line and fails" || fail "unknown option ($rc: $err)"
err=$("$GRUBBY" --grub3 -c /dev/null --info=ALL 2>&1); rc=$?
[ $rc -ne 0 ] && [ "$err" = "grubby: bad argument --grub3: unknown option" ] \
  && ok "unknown dialect is refused" || fail "unknown dialect ($rc: $err)"
err=$("$GRUBBY" --grub -c /dev/null 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$err" = "grubby: no action specified" ] && ok "no action" || fail "no action ($err)"
err=$("$GRUBBY" --grub --grub2 --info=ALL 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$err" = "grubby: cannot specify multiple bootloaders" ] && ok "two dialects" || fail "two dialects ($err)"
err=$("$GRUBBY" --grub -c /dev/null --add-kernel=/vmlinuz 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$err" = "grubby: kernel title must be specified" ] && ok "title required" || fail "title required ($err)"
err=$("$GRUBBY" --grub -c /dev/null --copy-default --title x 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$err" = "grubby: kernel path expected" ] && ok "kernel path expected" || fail "kernel path expected ($err)"
err=$("$GRUBBY" --grub -c - --info=ALL </dev/null 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$err" = "grubby: output file must be specified if stdin is used" ] && ok "stdin needs -o" || fail "stdin needs -o ($err)"
err=$("$GRUBBY" --grub -c "$WORK/missing.conf" --info=ALL 2>&1); rc=$?
[ $rc -eq 1 ] && [[ $err == *"$WORK/missing.conf"*"No such file"* ]] && ok "missing config named" || fail "missing config ($err)"

# stdin in, stdout out
grub_cfg >"$WORK/g.conf"
out=$("$GRUBBY" --grub --bad-image-okay -c - -o - --boot-filesystem=/boot \
      --update-kernel=ALL --args=console=ttyS0 <"$WORK/g.conf")
grep -q 'kernel /vmlinuz-6.1.0 ro root=/dev/sda2 quiet console=ttyS0' <<<"$out" \
  && ok "stdin to stdout" || fail "stdin to stdout"
check_eq "--info on stdin config" "index=0
kernel=/boot/vmlinuz-6.1.0
args=\"ro quiet\"
root=/dev/sda2
initrd=/boot/initramfs-6.1.0.img
title=Fedora (6.1.0)" "$("$GRUBBY" --grub -c "$WORK/g.conf" --boot-filesystem=/boot --info=0 2>&1)"
check_eq "--info of a missing kernel" "grubby: kernel not found" \
  "$("$GRUBBY" --grub -c "$WORK/g.conf" --info=/boot/nope 2>&1)"

# the man page renders cleanly and the completion completes
SRC=$(cd "$HERE/../.." && pwd)/grubby
if command -v groff >/dev/null; then
  warn=$(groff -man -ww -z "$SRC/grubby.8" 2>&1)
  [ -z "$warn" ] && ok "grubby.8 renders without warnings" || fail "grubby.8: $warn"
else
  skip "groff not installed"
fi
words=$(bash -c '. "$1"; COMP_WORDS=(grubby --gru); COMP_CWORD=1; _grubby; echo "${COMPREPLY[*]}"' _ "$SRC/grubby.bash-completion")
check_eq "completion of --gru" "--grub --grub2" "$words"
done_testing
