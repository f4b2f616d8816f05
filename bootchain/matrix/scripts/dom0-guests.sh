#!/bin/busybox sh
# bootchain dom0 with guests: /init of the dom0 image of the matrix's Xen dom0 cells.
# Starts the Xen toolstack, then runs the guest stages one after the other, each within
# its own time limit, printing for each
#   BOOTCHAIN-STAGE-START name=NAME
#   BOOTCHAIN-STAGE name=NAME verdict=PASS|FAIL|SKIP time=SECONDS detail=TEXT
# and ends like marker.sh: the BOOTCHAIN-MARKER line, then QEMU off through isa-debug-exit.
# Guests: the kernel under test with a small initramfs (guest-marker.sh) as a PV and a PVH
# domU (blkback disk on a loop device, netback vif on a bridge), and a PV domU started by
# PV-GRUB2 from its own disk image. Stage limits come from the kernel command line
# (bootchain.limits=toolstack:60,...), so the matrix owns them.
/bin/busybox --install -s /bin 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /dev /proc /sys /run /tmp
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
# devtmpfs has no /dev/stdin: the hotplug scripts' lock loop needs it
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
IP=/usr/sbin/ip # busybox's sh would run its own ip applet for a plain `ip`
XEN=$(ls -d /usr/lib/xen-*/bin | tail -1)
export PATH=$XEN:$PATH
CON=/var/log/xen/console
cmdline=$(cat /proc/cmdline)
# The guests' kernel arguments: under TCG a guest's boot is the guest stages' main cost.
# quiet: every console line is a hypercall and a write by xenconsoled (panics, oopses and
# errors still show); cryptomgr.notests: the crypto self-tests take seconds and are not
# what a guest stage tests; init_on_alloc=0: no zeroing of every page the guest allocates;
# rodata=off: no read-only remapping and W+X page-table walk (seconds in a PVH guest).
# The slowest initcalls of a guest under TCG (initcall_debug) are none of a guest stage's
# business either: IPv6 (ipv6.disable=1: eth0 only has to come up), kprobe tracing, and
# the KDF and BLAKE2s self-tests (initcall_blacklist=); mitigations=off spares the
# speculation workarounds; xen_scrub_pages=0: the balloon driver hands pages back to Xen
# without zeroing them first.
GUEST_ARGS="console=hvc0 panic=-1 no_timer_check quiet cryptomgr.notests init_on_alloc=0 rodata=off \
ipv6.disable=1 mitigations=off xen_scrub_pages=0 \
initcall_blacklist=init_kprobe_trace,crypto_kdf108_init,blake2s_mod_init"

limit() { # limit NAME: this stage's limit in seconds (from bootchain.limits=)
	l=$(echo "$cmdline" | tr ' ' '\n' | sed -n 's/^bootchain.limits=//p' | tr ',' '\n' |
		sed -n "s/^$1://p")
	echo "${l:-120}"
}
# The clock and the time left are read with shell builtins into variables: under TCG each
# process a PV dom0 starts costs it tens of milliseconds, taken from the guests it serves,
# and the waits below look once a second.
clock() { read -r UPTIME _ </proc/uptime; } # $UPTIME: seconds since boot, e.g. 12.34
elapsed() { awk -v a="$1" -v b="$UPTIME" 'BEGIN { printf "%.1f", b - a }'; }
# step WHAT: dom0's uptime at a step of a stage, for reading where a stage's time goes
step() { clock; echo "BOOTCHAIN-STEP t=$UPTIME $*"; }

# stage NAME FUNCTION [NEEDS...]: run FUNCTION unless a needed stage did not pass.
# FUNCTION sets $detail and returns 0 (PASS) or not (FAIL).
stage() {
	name=$1 fn=$2
	shift 2
	echo "BOOTCHAIN-STAGE-START name=$name"
	for need in "$@"; do
		if ! grep -qx "$need" /tmp/passed 2>/dev/null; then
			echo "BOOTCHAIN-STAGE name=$name verdict=SKIP time=0 detail=not run: $need did not pass"
			return
		fi
	done
	clock
	start=$UPTIME
	deadline=$((${start%.*} + $(limit "$name")))
	detail=
	if $fn; then
		verdict=PASS
		echo "$name" >>/tmp/passed
	else
		verdict=FAIL
	fi
	clock
	echo "BOOTCHAIN-STAGE name=$name verdict=$verdict time=$(elapsed "$start") detail=$detail"
}

# $LEFT: whole seconds left of the stage's limit, at least 1
left() {
	clock
	LEFT=$((deadline - ${UPTIME%.*}))
	[ "$LEFT" -ge 1 ] || LEFT=1
}
# run CMD... within the stage's time left; on failure $detail gets its last line
RUNLOG=/tmp/run.log # its output
run() {
	step "$*"
	left
	timeout "$LEFT" "$@" >"$RUNLOG" 2>&1 && step "$1 $2 done" && return 0
	# the first error is the cause (libxl then reports its clean-up failing too)
	why=$(grep -m1 'error' "$RUNLOG")
	[ -n "$why" ] || why=$(grep -v '^ *$' "$RUNLOG" | tail -1)
	detail="$*: ${why:-no answer within the stage's time limit}"
	grep -v 'domainbuilder: detail' "$RUNLOG" | sed "s/^/[$1] /" | tail -30 # for a reader
	return 1
}
# wait_for GUEST PATTERN: until the guest's console log has PATTERN (within the limit)
wait_for() {
	while left && [ "$LEFT" -gt 1 ]; do
		grep -q "$2" "$CON/guest-$1.log" 2>/dev/null && step "$1: '$2' seen" && return 0
		sleep 1
	done
	detail="$1: no '$2' on its console within the stage's time limit$(guest_trouble "$1")"
	return 1
}
# the guest's last kernel complaint, if any, for a reason
guest_trouble() {
	t=$(grep -E 'Kernel panic|BUG:|Oops|error' "$CON/guest-$1.log" 2>/dev/null | tail -1)
	[ -n "$t" ] && echo " (guest: $t)"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
guest_line() { grep 'BOOTCHAIN-GUEST ' "$CON/guest-$1.log" | tail -1 | tr -d '\r'; }
last_tick() { grep 'BOOTCHAIN-GUEST-TICK' "$CON/guest-$1.log" | tail -1 | tr -d '\r'; }
show_console() { # the guest's console in the serial log, for a reader
	[ -r "$CON/guest-$1.log" ] && sed "s/^/[guest $1] /" "$CON/guest-$1.log" | tail -40
}

toolstack() {
	for m in $(cat /lib/modules/dom0/order); do insmod "/lib/modules/dom0/$m.ko" 2>/dev/null; done
	mkdir -p /proc/xen /var/run/xen /var/run/xenstored /var/lib/xen /var/lib/xenstored \
		/var/log/xen/console /run/xen /var/run/xen-hotplug
	mount -t xenfs xenfs /proc/xen 2>/dev/null
	"$XEN/xenstored" --pid-file /var/run/xenstored.pid >/dev/null 2>&1
	"$XEN/xen-init-dom0" >/tmp/init-dom0.log 2>&1
	"$XEN/xenconsoled" --log=guest --log-dir=$CON >/dev/null 2>&1
	xl=$(xl list 2>&1 | awk 'NR == 2 { print $1 }')
	[ "$xl" = Domain-0 ] && return 0
	detail="xl list: $(xl list 2>&1 | tail -1)"
	return 1
}

# a 16 MiB raw disk whose first bytes are a text the guest reads back, on a loop device
disk_nonce=BOOTCHAIN-BLOCK-$$-$(date +%s)
new_disk() {
	dd if=/dev/zero of="/var/lib/xen/$1.img" bs=1M count=0 seek=16 2>/dev/null
	printf '%s' "$disk_nonce" | dd of="/var/lib/xen/$1.img" conv=notrunc 2>/dev/null
	loop=$(losetup -f) && losetup "$loop" "/var/lib/xen/$1.img" && echo "$loop"
}
network() {
	[ -e /sys/class/net/xenbr0 ] && return 0
	$IP link add xenbr0 type bridge && $IP addr add 10.99.0.1/24 dev xenbr0 &&
		$IP link set xenbr0 up
}
guest_cfg() { # guest_cfg NAME TYPE MEMORY MAC DISK-DEVICE [KERNEL]
	cat >"/etc/xen/$1.cfg" <<CFG
name = "$1"
type = "$2"
memory = $3
maxmem = $3
vcpus = 1
kernel = "${6:-/guest/kernel}"
$([ -z "$6" ] && echo 'ramdisk = "/guest/initrd.gz"')
$([ -z "$6" ] && echo "extra = \"$GUEST_ARGS\"")
disk = [ 'phy:$5,xvda,w' ]
vif = [ 'bridge=xenbr0,mac=$4' ]
on_poweroff = "destroy"
on_crash = "destroy"
CFG
}
create_guest() { # create_guest NAME TYPE MEMORY MAC [KERNEL]
	network || { detail="cannot make the bridge xenbr0"; return 1; }
	if [ -n "$5" ]; then
		disk=$(losetup -f) && losetup "$disk" /guest/pvgrub.img
	else
		disk=$(new_disk "$1")
	fi
	[ -n "$disk" ] || { detail="no loop device for the guest's disk"; return 1; }
	guest_cfg "$1" "$2" "$3" "$4" "$disk" "$5"
	run xl create "/etc/xen/$1.cfg"
}
boot_guest() { create_guest "$@" && check_guest "$1" "$5"; }
# check_guest NAME [PVGRUB]: NAME's marker line; the domid is dom0's
check_guest() {
	domid=$(xl domid "$1" 2>/dev/null)
	wait_for "$1" 'BOOTCHAIN-GUEST ' || return 1
	line=$(guest_line "$1")
	g_hv=$(field "$line" hv) g_disk=$(field "$line" xvda) g_eth=$(field "$line" eth0)
	detail="domid=$domid hv=$g_hv release=$(field "$line" release) xvda=$g_disk eth0=$g_eth"
	[ "$g_hv" = xen ] || { detail="$detail: the guest does not see Xen"; return 1; }
	[ "$g_eth" != none ] || { detail="$detail: the guest has no eth0 (netfront/netback)"; return 1; }
	[ -n "$2" ] || [ "$g_disk" = "$disk_nonce" ] ||
		{ detail="$detail: the guest did not read dom0's block from xvda (blkfront/blkback)"; return 1; }
	return 0
}

# a guest that failed its stage is destroyed: it would only slow the next stages down
ended_badly() {
	show_console "$1"
	[ "$2" = 0 ] && return 0
	xl destroy "$1" >/dev/null 2>&1
	return 1
}

# The PV guest's memory, and what the balloon stage sets it to: xl save writes (and xl
# restore reads back) every page the guest has then, page by page through dom0
PV_MB=192 BALLOON_MB=96
pv_guest() { boot_guest pv pv $PV_MB 00:16:3e:00:00:01; ended_badly pv $?; }

save_restore() {
	before=$(field "$(last_tick pv)" n)
	run xl save pv /var/lib/xen/pv.save || return 1
	run xl restore /var/lib/xen/pv.save || return 1
	rm -f /var/lib/xen/pv.save
	while left && [ "$LEFT" -gt 1 ]; do
		after=$(field "$(last_tick pv)" n)
		if [ -n "$after" ] && [ "$after" -gt $((before + 1)) ]; then
			detail="counter $before at save, $after after restore (domid $(xl domid pv))"
			return 0
		fi
		sleep 1
	done
	detail="the guest's counter stayed at ${after:-$before} after the restore$(guest_trouble pv)"
	return 1
}

balloon() {
	m0=$(field "$(last_tick pv)" mem)
	run xl mem-set pv ${BALLOON_MB}m || return 1
	# the guest's view first, then xl's: each xl run costs dom0 seconds under TCG
	while left && [ "$LEFT" -gt 1 ]; do
		m1=$(field "$(last_tick pv)" mem)
		# the guest gave back at least three quarters of what it was asked to
		if [ -n "$m1" ] && [ "$m1" -le $((m0 - (PV_MB - BALLOON_MB) * 768)) ]; then
			xl_mem=$(xl list pv 2>/dev/null | awk 'NR == 2 { print $3 }')
			[ "${xl_mem:-999}" -le $BALLOON_MB ] || { sleep 1; continue; }
			detail="xl list ${xl_mem} MiB; guest MemTotal $m0 -> $m1 kB"
			return 0
		fi
		sleep 1
	done
	[ -n "$xl_mem" ] || xl_mem=$(xl list pv 2>/dev/null | awk 'NR == 2 { print $3 }')
	detail="after mem-set ${BALLOON_MB}m: xl list ${xl_mem:-?} MiB, guest MemTotal $m0 -> ${m1:-?} kB"
	return 1
}

pvh_guest() { boot_guest pvh pvh 128 00:16:3e:00:00:02; ended_badly pvh $?; }

pvgrub_guest() {
	boot_guest pvgrub pv 192 00:16:3e:00:00:03 /usr/lib/grub-xen/grub-x86_64-xen.bin
	s=$?
	# the command line new-kernel-pkg wrote into the image's /boot/grub/grub.cfg
	if [ $s = 0 ]; then
		case $(guest_line pvgrub) in
		*bootchain.pvgrub=1*) detail="$detail cmdline from the image's grub.cfg" ;;
		*) detail="$detail: not the command line of the image's grub.cfg"; s=1 ;;
		esac
	fi
	ended_badly pvgrub $s || return 1
	left
	l=$LEFT
	[ "$l" -gt 60 ] && l=60
	timeout "$l" xl shutdown -w pvgrub >/dev/null 2>&1 && return 0
	xl destroy pvgrub >/dev/null 2>&1
	detail="$detail; xl shutdown did not end it within $l s (destroyed)"
	return 1
}

guests() { xl list 2>/dev/null | awk 'NR > 2 { print $1 }'; }
# the guests of an `xl list` (in $1) that exist and have not shut down (state flag s)
running() { echo "$1" | awk 'NR > 2 && $5 !~ /s/ { print $1 }'; }
# Every guest is asked at once and waited for by one xl (Xen's events wake it: no
# polling, each xl run costs dom0 seconds under TCG), so their shutdowns and dom0's
# teardown of their devices overlap; one still running after 60 s (or the stage's limit)
# is destroyed.
shutdown_guests() {
	ended= destroyed= asked=$(guests)
	left
	l=$LEFT
	[ "$l" -gt 60 ] && l=60
	[ -z "$asked" ] || timeout "$l" xl shutdown -a -w >/dev/null 2>&1
	left_running=$(running "$(xl list 2>/dev/null)")
	for g in $asked; do
		if echo "$left_running" | grep -qx "$g"; then
			xl destroy "$g" >/dev/null 2>&1
			destroyed="$destroyed $g"
		else
			ended="$ended $g"
		fi
	done
	# a domain is listed a little longer while dom0 tears its devices down
	while rest=$(xl list 2>/dev/null | awk 'NR > 2 { printf " %s", $1 }'); [ -n "$rest" ]; do
		left
		[ "$LEFT" -gt 1 ] || break
		sleep 1
	done
	detail="shut down:${ended:- none}; destroyed after the time limit:${destroyed:- none}"
	[ -n "$rest" ] && detail="$detail; still listed:$rest"
	[ -z "$destroyed" ] && [ -z "$rest" ]
}

hv=none
[ -r /sys/hypervisor/type ] && read -r hv </sys/hypervisor/type
bc_xl=none
if [ "$hv" = xen ]; then
	stage toolstack toolstack
	bc_xl=$(xl list 2>/dev/null | awk 'NR == 2 { print $1 }')
	[ -n "$bc_xl" ] || bc_xl=empty
	stage pv-guest pv_guest toolstack
	stage balloon balloon pv-guest # first: the smaller guest then saves faster
	stage save-restore save_restore pv-guest
	stage pvh-guest pvh_guest toolstack
	# the guests so far end first: on a loaded host, the block hotplug script of a third
	# guest next to two running ones can miss libxl's 40 s limit
	stage shutdown shutdown_guests toolstack
	stage pvgrub-guest pvgrub_guest toolstack
fi
echo "BOOTCHAIN-MARKER hv=$hv release=$(uname -r) xl=$bc_xl cmdline=$cmdline"
sleep 1
printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
sleep 5
poweroff -f 2>/dev/null
