#!/usr/bin/env bash
# Behaviour classes that grubby 8.40's full test suite checks beyond the shared
# conformance cases, each on a small config of our own: default/fallback
# bookkeeping, --set-index, boot-loader specific kernel commands (linuxefi,
# linux16), lilo label limits, zipl/yaboot/extlinux additions, lilo quoting.
. "$(dirname "$0")/testlib.bash"
cd "$WORK" || exit 1
G() { "$GRUBBY" --bad-image-okay "$@"; }

cat >g.conf <<'EOF'
default=0
fallback=1
timeout=5
title A (6.1)
	root (hd0,0)
	kernel /vmlinuz-6.1 ro root=/dev/sda2
	initrd /initrd-6.1.img
title B (6.0)
	root (hd0,0)
	kernel /vmlinuz-6.0 ro root=/dev/sda2
	initrd /initrd-6.0.img
title C (5.9)
	root (hd0,0)
	kernel /vmlinuz-5.9 ro root=/dev/sda2
EOF

# --- GRUB legacy: default and fallback follow the entries they name
check_eq "grub --set-default-index in range" "default=2" \
  "$(G --grub -c g.conf -o - --set-default-index=2 | head -1)"
out=$(G --grub -c g.conf -o - --set-default-index=7)
! grep -q '^default' <<<"$out" && ok "grub --set-default-index past the end drops default=" \
  || fail "out-of-range default index kept a default line"
out=$(G --grub -c g.conf -o - --boot-filesystem=/boot --remove-kernel=/boot/vmlinuz-6.0)
! grep -q '^fallback' <<<"$out" && ok "removing the fallback entry drops fallback=" \
  || fail "fallback= kept after its entry was removed"
check_eq "removing an earlier entry shifts fallback" "default=0
fallback=0" "$(G --grub -c g.conf -o - --boot-filesystem=/boot --remove-kernel=/boot/vmlinuz-6.1 | head -2)"
out=$(G --grub -c g.conf -o - --boot-filesystem=/boot --add-kernel=/boot/vmlinuz-7 --title N --set-index 1)
check_eq "grub --set-index places the entry" "title A (6.1)|title N|title B (6.0)|title C (5.9)" \
  "$(grep '^title' <<<"$out" | paste -sd'|')"
check_eq "grub --set-index shifts the fallback behind it" "fallback=2" "$(sed -n 2p <<<"$out")"
check_eq "grub update: new initrd and args with a leading space" "	kernel /vmlinuz-5.9 ro root=/dev/sda2 quiet
	initrd /initrd-5.9.img" "$(G --grub -c g.conf -o - --boot-filesystem=/boot \
  --update-kernel=/boot/vmlinuz-5.9 --initrd /boot/initrd-5.9.img '--args= quiet' | tail -2)"

# --- GRUB 2: kernel/initrd commands follow --efi and the template
cat >g2.cfg <<'EOF'
set default="0"
set timeout=5
menuentry 'Fedora (6.1)' --class fedora {
	load_video
	linux	/vmlinuz-6.1 root=/dev/sda2 ro
	initrd	/initramfs-6.1.img
}
menuentry 'Fedora (6.0)' --class fedora {
	load_video
	linux	/vmlinuz-6.0 root=/dev/sda2 ro
	initrd	/initramfs-6.0.img
}
EOF
sed -e 's/\tlinux\t/\tlinux16\t/' -e 's/\tinitrd\t/\tinitrd16\t/' g2.cfg >g2-16.cfg
ADD=(--boot-filesystem=/boot --add-kernel=/boot/vmlinuz-7 --initrd=/boot/initramfs-7.img --title New --copy-default)
check_eq "grub2 --efi writes linuxefi/initrdefi" "	linuxefi	/vmlinuz-7 root=/dev/sda2 ro
	initrdefi	/initramfs-7.img" "$(G --grub2 --env=env -c g2.cfg -o - "${ADD[@]}" --efi | sed -n 5,6p)"
check_eq "grub2 without --efi keeps linux/initrd" "	linux	/vmlinuz-7 root=/dev/sda2 ro
	initrd	/initramfs-7.img" "$(G --grub2 --env=env -c g2.cfg -o - "${ADD[@]}" | sed -n 5,6p)"
check_eq "grub2 linux16 template gives linux16/initrd16" "	linux16	/vmlinuz-7 root=/dev/sda2 ro
	initrd16	/initramfs-7.img" "$(G --grub2 --env=env -c g2-16.cfg -o - "${ADD[@]}" | sed -n 5,6p)"
check_eq "grub2 new first entry moves the numeric default" 'set default="1"' \
  "$(G --grub2 --env=env -c g2.cfg -o - "${ADD[@]}" | head -1)"
out=$(G --grub2 --env=env -c g2.cfg -o - --boot-filesystem=/boot --add-kernel=/boot/vmlinuz-6.1 \
  --title 'Fedora (6.1) debug' --copy-default --args=debug --set-index=1)
check_eq "grub2 --set-index copy with extra args" "menuentry 'Fedora (6.1) debug' --class fedora {
	load_video
	linux	/vmlinuz-6.1 root=/dev/sda2 ro debug
}" "$(sed -n "/^menuentry 'Fedora (6.1) debug'/,/^}/p" <<<"$out")"
check_eq "grub2 --set-index keeps the default entry's index" 'set default="0"' "$(head -1 <<<"$out")"
check_eq "grub2 --remove-kernel by index" "Fedora (6.1)" \
  "$(G --grub2 --env=env -c g2.cfg -o - --remove-kernel=1 | grep -o "^menuentry '[^']*'" | cut -d"'" -f2)"
check_eq "grub2 --set-default-index" 'set default="1"' \
  "$(G --grub2 --env=env -c g2.cfg -o - --set-default-index=1 | head -1)"
! G --grub2 --env=env -c g2.cfg -o - --set-default-index=9 | grep -q 'set default' \
  && ok "grub2 --set-default-index past the end drops set default" || fail "grub2 out-of-range default kept"

# --- lilo and elilo: labels, quoted appends, defaults that go away
cat >lilo.conf <<'EOF'
prompt
timeout=50
default=linux
boot=/dev/sda

image=/boot/vmlinuz-6.1
	label=linux
	root=/dev/sda2
	read-only
	append = " single quiet "

image=/boot/vmlinuz-6.0
	label=old
	root=/dev/sda2
	read-only
	append="quiet"
EOF
LONG=(--boot-filesystem=/boot --add-kernel=/boot/vmlinuz-7 --title=averyveryverylongtitle --copy-default)
check_eq "lilo labels are cut to 15 characters" "	label=averyveryverylo" \
  "$(G --lilo -c lilo.conf -o - "${LONG[@]}" | sed -n 7p)"
check_eq "elilo keeps long labels (and strips the boot prefix)" "image=/vmlinuz-7
	label=averyveryverylongtitle" "$(G --elilo -c lilo.conf -o - "${LONG[@]}" | sed -n 6,7p)"
out=$(G --lilo -c lilo.conf -o - --update-kernel=ALL --remove-args=single --args=root=/dev/sda3)
check_eq "lilo append with spaces around = and inside the quotes" '	append = " quiet "' \
  "$(sed -n 10p <<<"$out")"
check_eq "lilo root= argument goes to the root line" "2" "$(grep -c '^	root=/dev/sda3$' <<<"$out")"
check_eq "lilo removing the default entry picks the first left" "default=old" \
  "$(G --lilo -c lilo.conf -o - --boot-filesystem=/boot --remove-kernel=/boot/vmlinuz-6.1 | sed -n 3p)"
check_eq "lilo replacing an entry by title keeps its label as default" "default=linux
image=/boot/vmlinuz-7
label=linux" "$(G --lilo -c lilo.conf -o - "${LONG[@]:0:2}" --title=linux --copy-default \
  --remove-kernel TITLE=linux | sed -n '3p;6,7p' | sed 's/^\t//')"

# --- zipl: bracketed titles; a copied template loses its ramdisk
cat >zipl.conf <<'EOF'
[defaultboot]
default=linux
[linux]
	target=/boot/
	image=/boot/vmlinuz-6.1
	ramdisk=/boot/initrd-6.1.img
	parameters="root=/dev/dasda1 quiet"
EOF
check_eq "zipl add without a template" "[new]
	image=/boot/vmlinuz-7
[linux]" "$(G --zipl -c zipl.conf -o - --add-kernel=/boot/vmlinuz-7 --title new | sed -n 3,5p)"
check_eq "zipl add --copy-default --make-default" "default=new
[new]
	target=/boot/
	image=/boot/vmlinuz-7
	parameters=\"root=/dev/dasda1 quiet\"" \
  "$(G --zipl -c zipl.conf -o - --add-kernel=/boot/vmlinuz-7 --title new --copy-default --make-default | sed -n 2,6p)"

# --- yaboot: new image before the first one, template lines copied
cat >yaboot.conf <<'EOF'
boot=/dev/sda1
default=linux
timeout=100

image=/boot/vmlinux-6.1
	label=linux
	read-only
	root=/dev/sda2
	append="console=tty"
EOF
check_eq "yaboot add" "image=/boot/vmlinux-7
	label=new
image=/boot/vmlinux-6.1" "$(G --yaboot -c yaboot.conf -o - --boot-filesystem=/ \
  --add-kernel=/boot/vmlinux-7 --title=new | sed -n 5,7p)"
check_eq "yaboot add --copy-default" "image=/boot/vmlinux-7
	label=new
	read-only
	root=/dev/sda2
	append=\"console=tty\"" "$(G --yaboot -c yaboot.conf -o - --boot-filesystem=/ \
  --add-kernel=/boot/vmlinux-7 --title=new --copy-default | sed -n 5,9p)"

# --- extlinux: device trees and root=
cat >ext.conf <<'EOF'
timeout 50
default Fedora (6.1)

label Fedora (6.1)
kernel /vmlinuz-6.1
fdt /dtb-6.1/board.dtb
append ro root=/dev/sda2
initrd /initramfs-6.1.img
EOF
check_eq "extlinux --devtree replaces the template's fdt" "label Fedora (7)
kernel /vmlinuz-7
fdt /dtb-7/board.dtb
append ro root=/dev/sda2
initrd /initramfs-7.img" "$(G --extlinux -c ext.conf -o - --boot-filesystem=/boot \
  --add-kernel=/boot/vmlinuz-7 --devtree=/boot/dtb-7/board.dtb --initrd=/boot/initramfs-7.img \
  --title 'Fedora (7)' --copy-default | sed -n 4,8p)"
check_eq "extlinux repeated root=: the last one becomes a root line" "append ro root=/dev/sda1 x=1
initrd /initramfs-6.1.img
root /dev/sda3" "$(G --extlinux -c ext.conf -o - --update-kernel=DEFAULT \
  --args='root=/dev/sda1 x=1 root=/dev/sda3' | tail -3)"
done_testing
