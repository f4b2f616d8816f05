#!/usr/bin/env bash
# grubby against a grub.cfg that Debian's own grub-mkconfig writes (10_linux
# and 20_linux_xen) for the real kernels and Xen in /boot: every write
# passes grub-script-check and leaves the entries it was not asked to
# change byte for byte. grub-mkconfig probes /boot, so /boot is a small
# ext4 image on a loop device, mounted in a private mount namespace; the
# machine's /boot and /etc are never touched. Needs root.
. "$(dirname "$0")/testlib.bash"
cd "$WORK"

why=
[ "$(id -u)" = 0 ] || why="needs root (loop device, mount namespace)"
for t in grub-mkconfig grub-script-check mkfs.ext4 unshare; do
  [ -n "$why" ] || command -v $t >/dev/null || why="$t not installed"
done
kern=$(ls /boot/vmlinuz-* 2>/dev/null | head -1); xen=$(ls /boot/xen-*.gz 2>/dev/null | head -1)
[ -n "$why" ] || [ -n "$kern" ] || why="no kernel in /boot"
[ -n "$why" ] || [ -n "$xen" ] || why="no Xen in /boot"
if [ -n "$why" ]; then skip "grub-mkconfig config" "$why"; done_testing; exit 0; fi

# the part that runs in the namespace: prints TAP through the parent's helpers
cat >inside.sh <<'INSIDE'
set -eu
cd "$WORK"
truncate -s 96M boot.img
mkfs.ext4 -q -F boot.img
mkdir -p img etcdefault
mount -o loop boot.img img
for k in /boot/vmlinuz-*; do
  v=${k#/boot/vmlinuz-}
  [ -f /boot/config-$v ] || continue
  cp "$k" "/boot/config-$v" img/
  echo "initrd $v" >img/initrd.img-$v     # grub-mkconfig only checks it exists
done
cp /boot/xen-*.gz /boot/xen-*.config img/ 2>/dev/null || cp /boot/xen-*.gz img/
cp "$(ls img/vmlinuz-* | head -1)" img/vmlinuz-9.9.9-test
echo "initrd 9.9.9" >img/initrd.img-9.9.9-test
mkdir img/grub
# Debian's defaults, nothing from this machine's /etc/default
printf 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\nGRUB_DISABLE_OS_PROBER=true\n' >etcdefault/grub
mount -t tmpfs tmpfs /etc/default
cp etcdefault/grub /etc/default/grub
mount --bind img /boot
rm /boot/vmlinuz-9.9.9-test /boot/initrd.img-9.9.9-test   # added later, by grubby
grub-mkconfig -o "$WORK/grub.cfg" 2>mkconfig.log
cp "$(ls img/vmlinuz-* | head -1)" /boot/vmlinuz-9.9.9-test
echo "initrd 9.9.9" >/boot/initrd.img-9.9.9-test
bash "$WORK/ops.sh"
INSIDE

cat >ops.sh <<'OPS'
. "$HERE/../lib/tap.sh"
script_check() { grub-script-check "$1"; }
cd "$WORK"
CFG=$WORK/grub.cfg
G=("$GRUBBY" --grub2 --env="$WORK/grubenv" --boot-filesystem=/boot)
script_check "$CFG" && ok "grub-mkconfig wrote a valid config" || fail "grub-mkconfig wrote a valid config"
grep -q '^submenu' "$CFG" && ok "it has submenus" || fail "it has submenus"
grep -q 'xen_rm_opts=$' "$CFG" && ok "it has Xen entries" || fail "it has Xen entries"
# the kernel of the Xen entries (dom0-capable), and the top entry's kernel
XK=/boot/$(grep -m1 -oE 'module2[[:space:]]+/vmlinuz-[^ ]+' "$CFG" | grep -oE 'vmlinuz-[^ ]+')
XV=${XK#/boot/vmlinuz-}
XEN=/boot/$(grep -m1 -oE 'multiboot2[[:space:]]+/xen[^ ]+' "$CFG" | grep -oE 'xen[^ ]+')

valid() { script_check "$2" >/dev/null 2>&1 && ok "$1: grub-script-check" || fail "$1: grub-script-check"; }
removed() { diff "$CFG" "$1" | grep '^<' || true; }
added() { diff "$CFG" "$1" | grep '^>' || true; }

# add a plain entry and a Xen entry: nothing of the old file changes
# (--bad-image-okay: a template must boot the running root, and the root
# of a test machine may have no UUID for grubby to compare)
cp "$CFG" add.cfg
"${G[@]}" -c add.cfg --add-kernel=/boot/vmlinuz-9.9.9-test --initrd=/boot/initrd.img-9.9.9-test \
  --title="Debian 9.9.9" --copy-default --bad-image-okay || fail "add: grubby failed"
# the new entry goes first: the default line follows the old default
check_eq "add: no old line changed" "" "$(removed add.cfg | grep -v 'set default=')"
check_eq "add: same default kernel" "$("${G[@]}" -c "$CFG" --default-kernel)" "$("${G[@]}" -c add.cfg --default-kernel)"
grep -q $'^menuentry \'Debian 9.9.9\'' add.cfg && ok "add: entry added" || fail "add: entry added"
valid add add.cfg
cp "$CFG" addxen.cfg
"${G[@]}" -c addxen.cfg --add-multiboot="$XEN" --mbargs="dom0_mem=1G" --add-kernel=/boot/vmlinuz-9.9.9-test \
  --initrd=/boot/initrd.img-9.9.9-test --title="Xen 9.9.9" --copy-default --bad-image-okay || fail "add xen: grubby failed"
check_eq "add xen: no old line changed" "" "$(removed addxen.cfg | grep -v 'set default=')"
grep -q 'multiboot2.*dom0_mem=1G' addxen.cfg && ok "add xen: hypervisor line" || fail "add xen: hypervisor line"
valid "add xen" addxen.cfg

# update the args of one kernel: only its linux/module2 lines change
cp "$CFG" upd.cfg
"${G[@]}" -c upd.cfg --update-kernel="$XK" --args=console=ttyS0 || fail "update: grubby failed"
check_eq "update: only lines of that kernel changed" "" "$(removed upd.cfg | grep -v "/vmlinuz-$XV ")"
check_eq "update: as many lines as were changed" "$(removed upd.cfg | wc -l)" "$(added upd.cfg | grep -c 'console=ttyS0')"
check_eq "update: empty assignments kept" "$(grep -c 'xen_rm_opts=$' "$CFG")" "$(grep -c 'xen_rm_opts=$' upd.cfg)"
valid update upd.cfg

# set the default to an entry inside a submenu: GRUB's path, one line changed
idx=$("${G[@]}" -c "$CFG" --info="$XK" | grep -m1 -oE '^index=[0-9]+' | cut -d= -f2)
cp "$CFG" def.cfg
"${G[@]}" -c def.cfg --set-default-index="$idx" || fail "set-default: grubby failed"
newdef=$(added def.cfg)
[[ $newdef =~ ^\>\ +set\ default=\"[0-9]+(\>[0-9]+)*\"$ ]] && ok "set-default: GRUB path ($newdef)" || fail "set-default: GRUB path ($newdef)"
check_eq "set-default: one line changed" 1 "$(removed def.cfg | wc -l)"
check_eq "set-default: read back" "$idx" "$("${G[@]}" -c def.cfg --default-index)"
valid set-default def.cfg

# remove a kernel: whole entries go, emptied submenus with them
cp "$CFG" rm.cfg
"${G[@]}" -c rm.cfg --remove-kernel="$XK" || fail "remove: grubby failed"
check_eq "remove: nothing added" "" "$(added rm.cfg | grep -v 'set default=')"
check_eq "remove: no entry of that kernel left" 0 "$(grep -c "/vmlinuz-$XV " rm.cfg)"
valid remove rm.cfg
cp "$CFG" rmxen.cfg
"${G[@]}" -c rmxen.cfg --remove-multiboot="$XEN" || fail "remove xen: grubby failed"
check_eq "remove xen: no Xen entry or submenu left" 0 "$(grep -ciE 'xen hypervisor|multiboot2' rmxen.cfg)"
valid "remove xen" rmxen.cfg
done_testing
OPS

export WORK GRUBBY HERE
unshare -m --propagation private bash inside.sh; rc=$?
# the namespace printed the plan; on failure, add why
[ $rc = 0 ] || { fail "namespace run (rc=$rc)"; sed 's/^/#   /' "$WORK"/mkconfig.log 2>/dev/null; done_testing; }
