#!/usr/bin/env bash
# grubby on a grub.cfg written by Debian 12's grub-mkconfig (10_linux and
# 20_linux_xen: submenus, Xen entries, "xen_rm_opts=" lines, trailing
# blanks): lines not asked to change stay byte for byte, every result is
# valid GRUB script, and what --info shows is what GRUB loads.
. "$(dirname "$0")/testlib.bash"
cd "$WORK"
CFG=$HERE/debian12-grub.cfg
G=("$GRUBBY" --grub2 --boot-filesystem=/boot --bad-image-okay)
CLOUD=/boot/vmlinuz-6.1.0-57-cloud-amd64 XENK=/boot/vmlinuz-6.1.0-57-amd64

# changed FILE: the lines of $CFG that differ in FILE, as diff prints them
changed() { diff "$CFG" "$1" | grep '^[<>]'; }
valid() { # NAME FILE
  if have_script_check; then script_check "$2" && ok "$1: grub-script-check" || fail "$1: grub-script-check"
  else skip "$1: grub-script-check" "grub-script-check not installed"; fi
}

# updating the cloud kernel's args touches its three linux lines only
cp "$CFG" upd.cfg
"${G[@]}" -c upd.cfg --update-kernel=$CLOUD --args=quiet
check_eq "update: only the kernel lines changed" 6 "$(changed upd.cfg | wc -l)"
changed upd.cfg | grep -q xen_rm_opts && fail "update: xen_rm_opts= kept" || ok "update: xen_rm_opts= kept"
check_eq "update: empty assignments kept" 3 "$(grep -c '^[[:space:]]*xen_rm_opts=$' upd.cfg)"
check_eq "update: trailing blanks of other lines kept" \
  "$(grep -v cloud "$CFG" | grep -c ' $')" "$(grep -v cloud upd.cfg | grep -c ' $')"
valid update upd.cfg

# a Xen entry copied from the default entry keeps its shell lines as they are
cp "$CFG" xen.cfg
"${G[@]}" -c xen.cfg --add-multiboot=/boot/xen-4.17-amd64.gz --add-kernel=/boot/vmlinuz-6.2.0 \
  --initrd=/boot/initrd.img-6.2.0 --title="Xen 6.2.0" --copy-default --set-index=2
check_eq "add xen: only the new entry added" 0 "$(changed xen.cfg | grep -c '^<')"
line='	if [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi'
check_eq "add xen: template lines copied as is" 2 "$(grep -cxF "$line" xen.cfg)"
valid "add xen" xen.cfg

# --info: the module's options are not part of its path
"${G[@]}" -c "$CFG" --info=$XENK >info.out
grep -q '^mbmodule1=/boot/initrd.img-6.1.0-57-amd64$' info.out && ok "info: module2 --nounzip path" \
  || { fail "info: module2 --nounzip path"; grep mbmodule info.out; }
grep -q -- '--nounzip' info.out && fail "info: no option in a path" || ok "info: no option in a path"


# a default inside a submenu is written and read the way GRUB numbers it
cp "$CFG" def.cfg
"${G[@]}" -c def.cfg --set-default=$XENK
check_eq "set-default into a submenu" '   set default="1>2"' "$(grep -m1 '^   set default="[0-9]' def.cfg)"
check_eq "default-index reads 1>2" 4 "$("${G[@]}" -c def.cfg --default-index)"
check_eq "default-kernel reads 1>2" $XENK "$("${G[@]}" -c def.cfg --default-kernel)"
"${G[@]}" -c def.cfg --set-default-index=11
check_eq "set-default-index into a nested submenu" '   set default="3>0>1"' "$(grep -m1 '^   set default="[0-9]' def.cfg)"
"${G[@]}" -c def.cfg --set-default-index=8
check_eq "top-level entry after a submenu" '   set default="2"' "$(grep -m1 '^   set default="[0-9]' def.cfg)"
valid set-default def.cfg
# the default (the top-level Xen entry, "2") is the template of a copy
"${G[@]}" -c def.cfg --add-multiboot=/boot/xen-4.17-amd64.gz --add-kernel=/boot/vmlinuz-6.2.0 \
  --initrd=/boot/initrd.img-6.2.0 --title="Xen 6.2.0" --copy-default
check_eq "xen template: empty assignment copied as is" 4 "$(grep -c '^[[:space:]]*xen_rm_opts=$' def.cfg)"
check_eq "xen template: default still the same entry" '   set default="3"' "$(grep -m1 '^   set default="[0-9]' def.cfg)"
valid "xen template" def.cfg

# removing every entry of a submenu removes the submenu
cp "$CFG" rm.cfg
"${G[@]}" -c rm.cfg --remove-kernel=$XENK
check_eq "remove: submenus emptied are gone" 1 "$(grep -c '^[[:space:]]*submenu' rm.cfg)"
check_eq "remove: nothing else changed" 0 "$(changed rm.cfg | grep -c '^>')"
valid remove rm.cfg
"${G[@]}" -c rm.cfg --remove-kernel=TITLE="GNU/Linux, with Linux 6.1.0-57-cloud-amd64 (recovery mode)"
check_eq "remove: a submenu with entries left stays" 1 "$(grep -c '^[[:space:]]*submenu' rm.cfg)"
valid "remove one" rm.cfg

# a config GRUB cannot parse is refused, naming the file and line, unchanged
refused() { # NAME PATTERN: broken.cfg is refused with PATTERN, unchanged
  local before; before=$(sha256sum <broken.cfg)
  local err rc; err=$("${G[@]}" -c "$WORK/broken.cfg" --update-kernel=$CLOUD --args=quiet 2>&1); rc=$?
  if [ $rc -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err =~ $2 ]] &&
     [ "$(sha256sum <broken.cfg)" = "$before" ]; then ok "$1"; else fail "$1"; echo "#   rc=$rc err=$err"; fi
}
sed '101d' "$CFG" >broken.cfg     # the first entry's "}"
refused "unbalanced braces refused" "broken.cfg:[0-9]+: '\{' never closed"
{ cat "$CFG"; echo "echo 'oops"; } >broken.cfg
refused "unterminated quote refused" "broken.cfg:$(($(wc -l <"$CFG") + 1)): unterminated ' quote"
{ cat "$CFG"; echo '}'; } >broken.cfg
refused "stray brace refused" "broken.cfg:$(($(wc -l <"$CFG") + 1)): '\}' without"
{ cat "$CFG"; printf "submenu 'empty' {\n}\n"; } >broken.cfg
refused "empty block refused" "broken.cfg:$(($(wc -l <"$CFG") + 1)): empty block"

# grubby's check agrees with grub-script-check on what GRUB parses
if have_script_check; then
  agree=0 disagree=
  while IFS= read -r snippet; do
    printf '%b' "$snippet" >s.cfg
    script_check s.cfg >/dev/null 2>&1; want=$?
    "$GRUBBY" --grub2 -c s.cfg --update-kernel=ALL --args=x -o out.cfg >/dev/null 2>&1; got=$?
    [ $((want != 0)) = $((got != 0)) ] && agree=$((agree + 1)) || disagree+=" [$snippet]"
  done <<'EOF2'
menuentry 'a' {\n\tlinux /v\n}\n
menuentry 'a' {\n}\n
submenu 's' {\n# only a comment\n}\n
menuentry 'a' { linux /v; }\n
menuentry "it's" {\n\techo "a \\" b"\n}\n
menuentry 'a' {\n\techo 'x\n}\n
echo ${a}\nif [ x$a = xy ]; then\n  set b=1\nfi\nmenuentry 'a' {\n\tlinux /v\n}\n
menuentry x{\n\tlinux /v\n}\n
function f {\n\tset a=1\n}\n}\n
menuentry 'a' {\n\tlinux /v\n
EOF2
  check_eq "the check agrees with grub-script-check${disagree}" 10 "$agree"
else
  skip "the check agrees with grub-script-check" "grub-script-check not installed"
fi
# titles with quotes read back as written, the way GRUB reads them
for title in "it's \"quoted\"" 'costs $5' "Bob's kernel" 'a\b "c"'; do
  cp "$CFG" t.cfg
  "${G[@]}" -c t.cfg --add-kernel=/boot/vmlinuz-6.2.0 --title="$title" || fail "title [$title]: grubby failed"
  check_eq "title [$title] reads back" "$title" \
    "$("${G[@]}" -c t.cfg --info=/boot/vmlinuz-6.2.0 | sed -n 's/^title=//p')"
  valid "title [$title]" t.cfg
  # the copy of the echo line quotes it too; untouched entries stay
  check_eq "title [$title]: nothing else changed" 0 "$(changed t.cfg | grep -v 'set default=' | grep -c '^<')"
done
# what cannot be one GRUB word is refused, the file untouched
rejected() { # NAME PATTERN ARGS...
  local name=$1 pattern=$2; shift 2
  cp "$CFG" r.cfg
  local err rc; err=$("$GRUBBY" --grub2 --boot-filesystem=/boot -c r.cfg "$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && [[ $err =~ $pattern ]] && cmp -s "$CFG" r.cfg; then ok "$name"; else fail "$name"; echo "#   rc=$rc err=$err"; fi
}
rejected "title with a newline refused" "one line" --bad-image-okay --add-kernel=/boot/vmlinuz-6.2.0 --title=$'two\nlines'
rejected "kernel path with a blank refused" "/boot/my kernel: a path with blanks" --bad-image-okay \
  --add-kernel="/boot/my kernel" --title=x
rejected "initrd path with a quote refused" "a path with blanks, quotes" --bad-image-okay \
  --add-kernel=/boot/vmlinuz-6.2.0 --initrd="/boot/it's" --title=x
rejected "missing kernel refused" "/nonexistent/vmlinuz: No such file" --add-kernel=/nonexistent/vmlinuz --title=x
# --unique-id (new-kernel-pkg passes it): a copied entry gets an id of its own,
# where grubby 8.40 copies the template's (two entries, one id)
ids() { grep -E "^[[:space:]]*menuentry " "$1" | grep -o "\$menuentry_id_option '[^']*'" | sort; }
cp "$CFG" id.cfg
"${G[@]}" -c id.cfg --add-kernel=/boot/vmlinuz-6.2.0 --initrd=/boot/initrd.img-6.2.0 \
  --title="Debian 6.2.0" --copy-default --unique-id
"${G[@]}" -c id.cfg --add-multiboot=/boot/xen-4.17-amd64.gz --add-kernel=/boot/vmlinuz-6.2.0 \
  --initrd=/boot/initrd.img-6.2.0 --title="Xen 6.2.0" --copy-default --unique-id
"${G[@]}" -c id.cfg --add-kernel=/boot/vmlinuz-6.2.0 --initrd=/boot/initrd.img-6.2.0 \
  --title="Debian 6.2.0 again" --copy-default --unique-id
check_eq "unique id: no id used twice" "" "$(ids id.cfg | uniq -d)"
check_eq "unique id: the plain entry's" 1 "$(grep -c "^menuentry 'Debian 6.2.0' .*'bootchain-vmlinuz-6.2.0' {" id.cfg)"
check_eq "unique id: the Xen entry's" 1 \
  "$(grep -c "^menuentry 'Xen 6.2.0' .*'bootchain-vmlinuz-6.2.0-xen-4.17-amd64.gz' {" id.cfg)"
check_eq "unique id: a second entry of one kernel is numbered" 1 \
  "$(grep -c "'bootchain-vmlinuz-6.2.0-2' {" id.cfg)"
check_eq "unique id: only the default's index moved, with the entries added before it" \
  '<    set default="0"' "$(changed id.cfg | grep '^<')"
valid "unique id" id.cfg
cp "$CFG" dup.cfg
"${G[@]}" -c dup.cfg --add-kernel=/boot/vmlinuz-6.2.0 --initrd=/boot/initrd.img-6.2.0 \
  --title="Debian 6.2.0" --copy-default
check "without --unique-id the template's id is copied, as grubby 8.40 does" test -n "$(ids dup.cfg | uniq -d)"

done_testing
