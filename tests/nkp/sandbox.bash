# Sandbox roots for new-kernel-pkg tests (sourced by tests/nkp/*.sh).
#
# Layout made by make_sandbox R V (what new-kernel-pkg --root=R reads):
#   R/boot/vmlinuz-V            symlink to the real /boot/vmlinuz-V (or a stand-in file)
#   R/boot/xen.gz               symlink to /boot/xen-4.17-amd64.gz (or a small stand-in)
#   R/lib/modules/V/            a real directory of symlinks to /lib/modules/V/*, so
#                               depmod/rmmoddep inside R never touch the host's files
#   R/etc/sysconfig/kernel      HYPERVISOR empty
#   R/etc/dracut.conf.d/        a small, fast, non-hostonly gzip image (dracut's own
#                               configuration, read by new-kernel-pkg's dracut wrapper)
#   R/etc/os-release, R/etc/fstab (root=UUID=...)
#   R/boot/grub/grub.conf       GRUB legacy, with one other entry
#   R/boot/grub2/grub.cfg       GRUB 2, with one other entry (Fedora's path; grubby 8.40 and
#                               new-kernel-pkg found it through /etc/grub2.cfg)

# The installed Debian kernel version, or empty.
real_kernel_version() {
  local k
  for k in /boot/vmlinuz-*-amd64; do
    [ -e "$k" ] || continue
    case $k in *cloud*) continue ;; esac
    k=${k#/boot/vmlinuz-}
    [ -d "/lib/modules/$k" ] && { echo "$k"; return; }
  done
}

make_sandbox() {
  local R=$1 V=$2
  mkdir -p "$R/boot/grub" "$R/boot/grub2" "$R/etc/sysconfig" "$R/etc/dracut.conf.d" "$R/lib/modules/$V"
  if [ -e "/boot/vmlinuz-$V" ]; then ln -s "/boot/vmlinuz-$V" "$R/boot/vmlinuz-$V"
  else echo "stand-in kernel $V" > "$R/boot/vmlinuz-$V"; fi
  if [ -e /boot/xen-4.17-amd64.gz ]; then ln -s /boot/xen-4.17-amd64.gz "$R/boot/xen.gz"
  else echo "test stand-in for xen.gz" | gzip > "$R/boot/xen.gz"; fi
  if [ -d "/lib/modules/$V" ]; then
    local f
    for f in "/lib/modules/$V"/*; do ln -s "$f" "$R/lib/modules/$V/"; done
  fi
  echo 'HYPERVISOR=' > "$R/etc/sysconfig/kernel"
  printf 'hostonly="no"\ncompress="gzip"\ndracutmodules+=" base "\n' > "$R/etc/dracut.conf.d/10-small.conf"
  printf 'NAME="Test OS"\nVERSION="1 (sandbox)"\n' > "$R/etc/os-release"
  printf 'UUID=0a1b2c3d / ext4 defaults 0 1\n' > "$R/etc/fstab"
  cat > "$R/boot/grub/grub.conf" <<'CONF'
default=0
timeout=5
title Other Linux (5.0.0)
	root (hd0,0)
	kernel /boot/vmlinuz-5.0.0 ro root=UUID=0a1b2c3d quiet
	initrd /boot/initramfs-5.0.0.img
CONF
  cat > "$R/boot/grub2/grub.cfg" <<'CONF'
set default=0
set timeout=5
menuentry 'Other Linux (5.0.0)' --class os {
	load_video
	insmod ext2
	linux /boot/vmlinuz-5.0.0 ro root=UUID=0a1b2c3d quiet
	initrd /boot/initramfs-5.0.0.img
}
CONF
  echo stand-in > "$R/boot/vmlinuz-5.0.0"
  echo stand-in > "$R/boot/initramfs-5.0.0.img"
}

# The lines of the GRUB legacy entry titled like $2 in config $1.
legacy_entry() { awk -v t="$2" '/^title /{p = index($0, t) > 0} p' "$1"; }
# The GRUB 2 menuentry whose title contains $2 in config $1.
grub2_entry() { awk -v t="$2" '/^menuentry /{p = index($0, t) > 0} p; p && /^}/{p = 0}' "$1"; }
