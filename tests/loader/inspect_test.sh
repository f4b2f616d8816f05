#!/usr/bin/env bash
# bootchain inspect on the cases where evidence is missing or wrong: no kernel
# config (verdicts that need it are unknown, never yes), a payload that does
# not decompress (every verdict no, with the decompressor's message), a
# compressed file that is not a kernel, --json errors, the version read from
# the image, and the layout (verdicts first, notes behind --verbose).
# Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
BC=$BIN/bootchain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
verdict() { grep -E "^  $2 " <<<"$1" | sed -E "s/^  $2 +//"; }

seq 1 5000 | gzip -c >"$tmp/data.gz"
out=$("$BC" inspect "$tmp/data.gz" 2>&1); rc=$?
check "a gzip file that is not a kernel is named as such" \
	bash -c '[ $0 -eq 1 ] && grep -q "data.gz: gzip data, not a Linux kernel image: a hypervisor image?" <<<"$1"' "$rc" "$out"
"$BC" inspect --json "$tmp/data.gz" >"$tmp/err.json" 2>/dev/null; rc=$?
check "--json prints a JSON error object on failure" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert sys.argv[2] == "1" and d["file"].endswith("data.gz") and "not a Linux kernel" in d["error"]' "$tmp/err.json" "$rc"
"$BC" inspect --json "$tmp/missing" >"$tmp/miss.json" 2>/dev/null
check "--json error object for a missing file" python3 -c '
import json, sys; d = json.load(open(sys.argv[1])); assert "No such file" in d["error"]' "$tmp/miss.json"

amd64=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | head -1)
if [ -z "$amd64" ]; then
	for i in $(seq 10); do skip "linux-image-amd64 not installed"; done
	done_testing; exit
fi
want=${amd64##*/vmlinuz-}
# a copy with another name and no config-V beside it (Debian builds no IKCONFIG)
cp "$amd64" "$tmp/kernel.img"
out=$("$BC" inspect "$tmp/kernel.img")
check_eq "the version is read from the image, not the file name" "$want" \
	"$(sed -nE 's/^version: +//p' <<<"$out")"
check_eq "without a config, bare metal still yes" "yes" "$(verdict "$out" "bare metal")"
for way in "Xen PV dom0" "Xen PVH dom0" "our hypervisor"; do
	check "without a config, $way is unknown with the reason" \
		grep -qE "^  $way +unknown: kernel config not found, CONFIG_[A-Z0-9_]+ unknown: .*config-$want: No such file" <<<"$out"
done
check_eq "text output leads with the verdicts" "verdicts (Xen 4.17):" "$(sed -n 3p <<<"$out")"
check_eq "bchv's verdict says dom0 is contained only on SVM+NPT hosts, uncontained with dom0=native" \
	"dom0 is contained only on AMD SVM hosts with nested paging (NPT); elsewhere bchv starts it only with dom0=native, uncontained" \
	"$(grep -A1 '^  our hypervisor ' <<<"$out" | sed -n '2s/^ *//p')"
"$BC" inspect --json "$tmp/kernel.img" >"$tmp/kernel.json"
check "--json: bchv's verdict has the same host condition, the others none" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))["verdicts"]
assert v["bootchain_hv"]["host"].startswith("dom0 is contained only on AMD SVM hosts with nested paging (NPT)"), v
assert "dom0=native, uncontained" in v["bootchain_hv"]["host"]
assert all(v[k]["host"] is None for k in ("bare_metal", "xen_pv_dom0", "xen_pvh_dom0")), v' "$tmp/kernel.json"
check "the note dump is behind --verbose" bash -c \
	'! grep -q "^  PHYS32_ENTRY " <<<"$0" && "$1" inspect --verbose "$2" | grep -q "^  PHYS32_ENTRY "' \
	"$out" "$BC" "$tmp/kernel.img"

# flip bytes in the middle of the payload: the xz decoder must refuse it
python3 - "$amd64" "$tmp/broken.img" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
setup = (d[0x1f1] or 4) + 1
off, length = struct.unpack_from('<II', d, 0x248)
start = setup * 512 + off + length // 2
for i in range(64):
    d[start + i] ^= 0x5a
open(sys.argv[2], 'wb').write(d)
PY
out=$("$BC" inspect --config "/boot/config-$want" "$tmp/broken.img")
check "a payload that does not decompress makes every verdict no with the message" \
	bash -c '[ $(grep -cE "^  .* no: the payload does not decompress: xz: " <<<"$0") -eq 4 ] &&
		! grep -q "contained only" <<<"$0"' "$out"
done_testing
