#!/usr/bin/env bash
# Bad input is a one-line error before anything boots: missing or corrupt kernel,
# a hypervisor that is not a multiboot image, missing QEMU or GRUB2 tools, bad options.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
bc=$BIN/bootchain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out

# run the matrix expecting failure: status 2, one line naming FILE and PROBLEM, no boot
expect_error() {
	local name=$1 file=$2 problem=$3; shift 3
	local err rc
	err=$(PATH=${MX_PATH:-$PATH} "$bc" matrix --output "$out" --no-progress "$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
	   [[ $err == *"$file"* ]] && [[ $err == *"$problem"* ]] && [ ! -e "$out/logs/"*serial.log ]; then
		ok "$name"
	else
		fail "$name"; printf '#   status %s: %s\n' "$rc" "$err"
	fi
}

expect_error "missing kernel" "$tmp/nope" "cannot open kernel" --kernel "$tmp/nope"
head -c 5000 /dev/urandom >"$tmp/corrupt"
expect_error "corrupt kernel" "$tmp/corrupt" "not a Linux bzImage" --kernel "$tmp/corrupt"
# the first real kernel (a stray vmlinuz-* that is no kernel would fail every check)
kernel=
for k in /boot/vmlinuz-*; do
	"$bc" inspect "$k" >/dev/null 2>&1 && { kernel=$k; break; }
done
if [ -n "$kernel" ]; then
	gzip -c /etc/os-release >"$tmp/fake-xen.gz"
	expect_error "hypervisor that is not multiboot" "$tmp/fake-xen.gz" "not a multiboot image" \
		--kernel "$kernel" --hypervisor "$tmp/fake-xen.gz"
	expect_error "missing hypervisor file" "$tmp/none.gz" "cannot open hypervisor" \
		--kernel "$kernel" --hypervisor "$tmp/none.gz"
	# a PATH with everything but QEMU
	mkdir -p "$tmp/bin"
	for t in grub-mkrescue xorriso mformat dracut; do
		p=$(command -v $t) && ln -s "$p" "$tmp/bin/$t"
	done
	MX_PATH=$tmp/bin expect_error "missing QEMU" "qemu-system-x86_64" "not found" --kernel "$kernel"
	rm "$tmp/bin/grub-mkrescue"; ln -s /bin/true "$tmp/bin/qemu-system-x86_64"
	MX_PATH=$tmp/bin expect_error "missing grub-mkrescue" "grub-mkrescue" "not found" --kernel "$kernel"
	expect_error "missing install tools" "$tmp/new-kernel-pkg" "not found" \
		--kernel "$kernel" --tools "$tmp" --data "$here/../../bootchain/matrix/scripts"
	mkdir -p "$tmp/tools"
	ln -s "$(cd "$BIN" && pwd)/new-kernel-pkg" "$(cd "$BIN" && pwd)/grubby" "$tmp/tools/"
	expect_error "missing dom0 probe" "$tmp/tools/../libexec/bootchain/dom0-probe" \
		"dom0 probe not found" --kernel "$kernel" --tools "$tmp/tools" --data "$here/../../bootchain/matrix/scripts"
	BOOTCHAIN_OVMF=$tmp/OVMF.fd expect_error "missing UEFI firmware" "$tmp/OVMF.fd" \
		"UEFI firmware missing" --kernel "$kernel" --firmware uefi
	# --list: cells and stages, nothing booted; --firmware is repeatable
	list=$("$bc" matrix --list --output "$out" --kernel "$kernel" --hypervisor xen-pv \
		--firmware bios --firmware uefi --config grub2 2>&1)
	check_eq "--list exits 0" 0 $?
	if [[ $list == *"-xen-pv-bios-grub2"*"  toolstack"*"  pv-guest"*"  pvgrub-guest"* &&
	      $list == *"-xen-pv-uefi-grub2"* && $list == *"2 cells, 16 stages"* ]] &&
	   ! ls "$out/logs/"*serial.log >/dev/null 2>&1; then
		ok "--list names both firmwares' cells and their stages, and boots nothing"
	else
		fail "--list names both firmwares' cells and their stages, and boots nothing"
		printf '%s\n' "$list" | sed 's/^/#   /'
	fi
	list=$("$bc" matrix --list --no-guests --output "$out" --kernel "$kernel" --hypervisor xen-pv \
		--firmware bios --config grub2 2>&1)
	check_eq "--no-guests leaves boot and toolstack" "1 cells, 2 stages" "$(printf '%s\n' "$list" | tail -1)"
	expect_error "root without a config" "$tmp/boot/grub2/grub.cfg" "no boot-loader config" \
		--root "$tmp"
	# the bls config style: UEFI cells of bare metal and Xen PV and PVH; bchv's skipped
	list=$("$bc" matrix --list --output "$out" --kernel "$kernel" --hypervisor none --hypervisor xen-pv \
		--hypervisor xen-pvh --hypervisor bchv --firmware bios --firmware uefi --config bls 2>&1)
	if [[ $list == *"-none-uefi-bls"*"-xen-pv-uefi-bls"*"-xen-pvh-uefi-bls"* &&
	      $list == *"-bchv-uefi-bls  [SKIP: not planned: bchv is a multiboot2 image"* &&
	      $list == *"4 cells,"* ]]; then
		ok "--config bls: UEFI cells for bare metal, Xen PV and PVH, bchv's skipped saying why"
	else
		fail "--config bls: UEFI cells for bare metal, Xen PV and PVH, bchv's skipped saying why"
		printf '%s\n' "$list" | sed 's/^/#   /'
	fi
	# the GRUB-less styles serve guests too: the same dom0 image, the same stages
	list=$("$bc" matrix --list --output "$out" --kernel "$kernel" --hypervisor xen-pv \
		--hypervisor xen-pvh --firmware uefi --config xen-efi --config bls 2>&1)
	if [[ $list == *"-xen-pv-uefi-xen-efi"$'\n'"  boot"$'\n'"  toolstack"$'\n'"  pv-guest"* &&
	      $list == *"-xen-pv-uefi-bls"$'\n'"  boot"$'\n'"  toolstack"$'\n'"  pv-guest"* &&
	      $list == *"-xen-pvh-uefi-xen-efi"*"  pvgrub-guest"* &&
	      $list == *"-xen-pvh-uefi-bls"$'\n'"  boot"$'\n'"  toolstack"$'\n'"  pv-guest"* &&
	      $list == *"4 cells, 32 stages"* ]]; then
		ok "--config xen-efi and bls: Xen dom0 cells list the toolstack and guest stages"
	else
		fail "--config xen-efi and bls: Xen dom0 cells list the toolstack and guest stages"
		printf '%s\n' "$list" | sed 's/^/#   /'
	fi
	expect_error "bls where it cannot be" "--config bls" "needs --firmware uefi" \
		--kernel "$kernel" --firmware bios --config bls
	expect_error "root without BLS entries" "$tmp/boot/loader/entries" "no boot-loader config" \
		--root "$tmp" --firmware uefi --config bls
else
	skip "no /boot/vmlinuz-* for the hypervisor, QEMU and tool checks"
fi
expect_error "unknown firmware" "coreboot" "unknown firmware" --firmware coreboot
expect_error "unknown option" "--frobnicate" "unknown" --frobnicate
"$bc" matrix --help | grep -q -- "--hypervisor"
check_eq "--help prints the options and exits 0" "0" "$?"
done_testing
