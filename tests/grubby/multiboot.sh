#!/usr/bin/env bash
# Xen (multiboot) entries: GRUB legacy kernel/module, GRUB2 multiboot2/module2
# (and the older multiboot/module form), elilo vmm=; every operation on them.
. "$(dirname "$0")/testlib.bash"
cd "$WORK"
G() { "$GRUBBY" --bad-image-okay --boot-filesystem=/boot "$@"; }
XEN=(--add-multiboot=/boot/xen.gz --mbargs="dom0_mem=1024M"
     --add-kernel=/boot/vmlinuz-6.2.0 --initrd=/boot/initramfs-6.2.0.img
     --args="root=/dev/sda2 ro" --title "Xen (6.2.0)")
entry() { sed -n "/^menuentry '$1'/,/^}/p" "$2"; }

# GRUB 2, no template: multiboot2 + two module2 lines
grub2_cfg >g2.cfg; cp g2.cfg g2.orig
G --grub2 --env=env -c g2.cfg "${XEN[@]}" || fail "grub2 add"
check_eq "grub2 xen entry" "menuentry 'Xen (6.2.0)' --class gnu-linux --class gnu --class os {
	multiboot2 /xen.gz dom0_mem=1024M
	module2 /vmlinuz-6.2.0 root=/dev/sda2 ro
	module2 /initramfs-6.2.0.img
}" "$(entry 'Xen (6.2.0)' g2.cfg)"
if have_script_check; then check "grub-script-check (new xen entry)" script_check g2.cfg
else skip "grub-script-check not installed"; fi
! grep -qE '^\s*kernel ' g2.cfg && ok "no grub2 'kernel' command written" || fail "kernel command in grub2"

# --info: hypervisor first, then its modules
check_eq "grub2 --info of the xen entry" "index=0
kernel=/boot/xen.gz
args=\"dom0_mem=1024M\"
title=Xen (6.2.0)
mbmodule0=/boot/vmlinuz-6.2.0 root=/dev/sda2 ro
mbmodule1=/boot/initramfs-6.2.0.img" "$(G --grub2 --env=env -c g2.cfg --info=/boot/vmlinuz-6.2.0)"
check_eq "--info by hypervisor path" "$(G --grub2 --env=env -c g2.cfg --info=0)" \
  "$(G --grub2 --env=env -c g2.cfg --info=/boot/xen.gz)"

# update: kernel args go to the kernel module, mbargs to multiboot2
G --grub2 --env=env -c g2.cfg --update-kernel=/boot/vmlinuz-6.2.0 --args="console=hvc0" \
  --remove-args=ro --mbargs="loglvl=all" --remove-mbargs=dom0_mem
check_eq "grub2 xen update" "	multiboot2 /xen.gz loglvl=all
	module2 /vmlinuz-6.2.0 root=/dev/sda2 console=hvc0" \
  "$(entry 'Xen (6.2.0)' g2.cfg | sed -n '2,3p')"
if have_script_check; then check "grub-script-check (updated)" script_check g2.cfg; else skip "no grub-script-check"; fi

# --make-default on a saved_entry config sets saved_entry to the new title
grub2_cfg >g2m.cfg
G --grub2 --env=env -c g2m.cfg "${XEN[@]}" --make-default
check_eq "--make-default saves the xen title" "Xen (6.2.0)" \
  "$(G --grub2 --env=env -c g2m.cfg --default-title)"
check_eq "--default-kernel is the hypervisor" "/boot/xen.gz" \
  "$(G --grub2 --env=env -c g2m.cfg --default-kernel)"

# copy-default from a plain template: template lines kept, xen lines in place
grub2_cfg >g2t.cfg
G --grub2 --env=env -c g2t.cfg "${XEN[@]}" --copy-default
check_eq "grub2 xen entry from a template" "menuentry 'Xen (6.2.0)' --class fedora --class gnu-linux --class gnu --class os {
	load_video
	insmod ext2
	multiboot2 /xen.gz dom0_mem=1024M
	module2	/vmlinuz-6.2.0 root=/dev/sda2 ro quiet
	module2 /initramfs-6.2.0.img
}" "$(entry 'Xen (6.2.0)' g2t.cfg)"
if have_script_check; then check "grub-script-check (template)" script_check g2t.cfg; else skip "no grub-script-check"; fi
# and a new xen entry copied from that xen entry, once it is the default
G --grub2 --env=env -c g2t.cfg --set-default=/boot/vmlinuz-6.2.0
G --grub2 --env=env -c g2t.cfg --add-multiboot=/boot/xen.gz --add-kernel=/boot/vmlinuz-6.3.0 \
  --initrd=/boot/initramfs-6.3.0.img --title "Xen (6.3.0)" --copy-default --make-default
check_eq "grub2 xen entry from a xen template" "	multiboot2 /xen.gz dom0_mem=1024M
	module2	/vmlinuz-6.3.0 root=/dev/sda2 ro quiet
	module2 /initramfs-6.3.0.img" "$(entry 'Xen (6.3.0)' g2t.cfg | grep -E 'multiboot|module')"

# remove by kernel, by hypervisor
cp g2t.cfg g2r.cfg
G --grub2 --env=env -c g2r.cfg --remove-kernel=/boot/vmlinuz-6.2.0
check_eq "remove-kernel drops that xen entry" "0" "$(grep -c "^menuentry 'Xen (6.2.0)'" g2r.cfg)"
check_eq "remove-kernel keeps the others" "3" "$(grep -c '^menuentry' g2r.cfg)"
G --grub2 --env=env -c g2r.cfg --remove-multiboot=/boot/xen.gz
check_eq "remove-multiboot drops every xen entry" "0" "$(grep -c 'multiboot' g2r.cfg)"
check_eq "remove-multiboot keeps plain entries" "2" "$(grep -c '^menuentry' g2r.cfg)"

# the older multiboot/module form is read and updated too
cat >g2v1.cfg <<'CFG'
set default="0"
menuentry 'Xen old' {
	multiboot /xen.gz dom0_mem=512M
	module /vmlinuz-5.0 root=/dev/sda1
	module /initrd-5.0.img
}
CFG
check_eq "multiboot/module --info" "index=0
kernel=/boot/xen.gz
args=\"dom0_mem=512M\"
title=Xen old
mbmodule0=/boot/vmlinuz-5.0 root=/dev/sda1
mbmodule1=/boot/initrd-5.0.img" "$(G --grub2 --env=env -c g2v1.cfg --info=0)"
G --grub2 --env=env -c g2v1.cfg --update-kernel=/boot/vmlinuz-5.0 --initrd=/boot/initrd-5.1.img \
  --add-multiboot=/boot/xen.gz --mbargs=loglvl=all
check_eq "multiboot/module: added module keeps the old form" "	multiboot /xen.gz dom0_mem=512M loglvl=all
	module /vmlinuz-5.0 root=/dev/sda1
	module /initrd-5.0.img
	module /initrd-5.1.img" "$(sed -n '3,6p' g2v1.cfg)"

# GRUB legacy: kernel is the hypervisor, modules follow
grub_cfg >g1.cfg
G --grub -c g1.cfg "${XEN[@]}" --copy-default
check_eq "grub legacy xen entry" "title Xen (6.2.0)
	root (hd0,0)
	kernel /xen.gz dom0_mem=1024M
	module /vmlinuz-6.2.0 ro root=/dev/sda2 quiet
	module /initramfs-6.2.0.img" "$(sed -n '3,7p' g1.cfg)"
check_eq "grub legacy --info" "index=0
kernel=/boot/xen.gz
args=\"dom0_mem=1024M\"
title=Xen (6.2.0)
mbmodule0=/boot/vmlinuz-6.2.0 ro root=/dev/sda2 quiet
mbmodule1=/boot/initramfs-6.2.0.img" "$(G --grub -c g1.cfg --info=0)"

# elilo: vmm= and "xen args -- linux args"
cat >e.conf <<'CFG'
boot=/dev/sda
default=linux
image=/boot/vmlinuz-6.1.0
	label=linux
	root=/dev/sda2
	read-only
CFG
G --elilo -c e.conf "${XEN[@]}" --title xen
check_eq "elilo xen entry" "image=/vmlinuz-6.2.0
	label=xen
	vmm=/xen.gz
	initrd=/initramfs-6.2.0.img
	append=\"dom0_mem=1024M -- ro\"
	root=/dev/sda2" "$(sed -n '3,8p' e.conf)"
done_testing
