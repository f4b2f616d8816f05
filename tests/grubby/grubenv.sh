#!/usr/bin/env bash
# saved_entry in grubenv: written through grub-editenv when it is there,
# and by our own code otherwise; each reads what the other wrote.
. "$(dirname "$0")/testlib.bash"
cd "$WORK"
tool=$(command -v grub2-editenv || command -v grub-editenv || true)
G() { "$GRUBBY" --grub2 --bad-image-okay --boot-filesystem=/boot "$@"; }
title="Bob's kernel \\ (6.2.0)"

for mode in native tool; do
  if [ $mode = tool ]; then
    [ -n "$tool" ] || { skip "no grub-editenv installed"; continue; }
    export GRUBBY_EDITENV=$tool
  else
    export GRUBBY_EDITENV=
  fi
  rm -f env; grub2_cfg >g.cfg
  G --env="$WORK/env" -c g.cfg --add-kernel=/boot/vmlinuz-6.2.0 --title "$title" --make-default
  # a title with a single quote is written in double quotes at once
  grep -q "^menuentry \"Bob's kernel" g.cfg && ok "$mode: quote in title" || fail "$mode: quote in title"
  if have_script_check; then check "$mode: grub-script-check" script_check g.cfg; else skip "no grub-script-check"; fi
  check_eq "$mode: default title" "$title" "$(G --env="$WORK/env" -c g.cfg --default-title)"
  check_eq "$mode: default index" "0" "$(G --env="$WORK/env" -c g.cfg --default-index)"
  check_eq "$mode: block is 1024 bytes" 1024 "$(stat -c %s env)"
  if [ -n "$tool" ]; then
    check_eq "$mode: grub-editenv reads it" "saved_entry=$title" "$("$tool" env list)"
  else
    skip "$mode: no grub-editenv to cross-check"
  fi
  G --env="$WORK/env" -c g.cfg --set-default-index=2
  check_eq "$mode: set-default-index saves the title" "Fedora (6.0.0)" \
    "$(G --env="$WORK/env" -c g.cfg --default-title)"
done

# our reader on a block grub-editenv wrote, with other variables kept
if [ -n "$tool" ]; then
  rm -f env2; "$tool" env2 create; "$tool" env2 set other=keep saved_entry='Fedora (6.0.0)'
  export GRUBBY_EDITENV=
  grub2_cfg >g2.cfg
  check_eq "native reads grub-editenv's block" "1" "$(G --env="$WORK/env2" -c g2.cfg --default-index)"
  G --env="$WORK/env2" -c g2.cfg --set-default-index=0
  check_eq "native write keeps other variables" "other=keep
saved_entry=Fedora (6.1.0)" "$("$tool" env2 list)"
else
  skip "no grub-editenv: cross-check"; skip "no grub-editenv: keep variables"
fi
done_testing
