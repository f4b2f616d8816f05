#!/bin/busybox sh
# bootchain guest marker: /init of the small initramfs a domU boots from dom0. Loads
# the Xen front-end drivers, then prints one line proving what the guest sees
#   BOOTCHAIN-GUEST hv=<type> release=<uname -r> xvda=<first text of the disk> eth0=<up|down|none> mem=<MemTotal kB> cmdline=<...>
# and then a counter every second (with MemTotal), so dom0 can tell that the guest runs on
# after a save and restore, and sees a balloon change from inside, without waiting long.
/bin/busybox --install -s /bin 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /dev /proc /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sysfs /sys
for m in $(cat /lib/modules/order 2>/dev/null); do insmod "/lib/modules/$m.ko" 2>/dev/null; done
# `xl shutdown` makes the kernel run /sbin/poweroff; busybox's would signal init, which
# is this script: power off at once instead
rm -f /sbin/poweroff
printf '#!/bin/sh\nexec /bin/busybox poweroff -f\n' >/sbin/poweroff
chmod 755 /sbin/poweroff

hv=none
[ -r /sys/hypervisor/type ] && read -r hv </sys/hypervisor/type
i=0
while [ ! -b /dev/xvda ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
xvda=none
[ -b /dev/xvda ] && xvda=$(head -c 64 /dev/xvda | tr -cd 'A-Za-z0-9-')
[ -n "$xvda" ] || xvda=blank
eth0=none
if [ -e /sys/class/net/eth0 ]; then
	ip link set eth0 up 2>/dev/null
	i=0
	while [ "$(cat /sys/class/net/eth0/operstate)" != up ] && [ $i -lt 20 ]; do
		sleep 0.5; i=$((i + 1))
	done
	eth0=$(cat /sys/class/net/eth0/operstate)
fi
# $MEM: MemTotal in kB, read by the shell itself: the tick below runs as long as the guest
# does, and each process a guest starts costs it (and the dom0 serving it) under TCG
mem() {
	while read -r key MEM _; do [ "$key" = MemTotal: ] && return; done </proc/meminfo
}
# a line of its own: with a quiet kernel, nothing ends the boot loader's last
# console line (PV-GRUB2's progress meter) before this one
echo
mem
echo "BOOTCHAIN-GUEST hv=$hv release=$(uname -r) xvda=$xvda eth0=$eth0 mem=$MEM cmdline=$(cat /proc/cmdline)"
n=0
while :; do
	n=$((n + 1))
	mem
	echo "BOOTCHAIN-GUEST-TICK n=$n mem=$MEM"
	sleep 1
done
