#!/usr/bin/env bash
# CLI tests of bootchain decompress / extract / inspect against the reference
# tools and the Debian kernels. Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
BC=$BIN/bootchain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# sample input: text with repeats plus some binary
{ for i in $(seq 1 3000); do echo "line $i of the bootchain sample: ${i}${i}${i}"; done
  head -c 20000 /dev/urandom; } >"$tmp/sample"

# le32 SIZE as 4 raw bytes (the kernel build's size_append)
le32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
	$(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }

# fmt compressor reference-decompressor: checks ours against the reference tool,
# on the plain stream and with the 4-byte size trailer appended
check_format() {
	local fmt=$1 comp=$2 ref=$3 tool=${2%% *}
	if ! command -v "$tool" >/dev/null; then skip "$fmt: $tool not installed"; skip "$fmt trailer"; return; fi
	$comp <"$tmp/sample" >"$tmp/s.$fmt"
	$ref <"$tmp/s.$fmt" >"$tmp/ref.$fmt"
	{ cat "$tmp/s.$fmt"; le32 "$(stat -c %s "$tmp/sample")"; } >"$tmp/t.$fmt"
	if ! "$BC" decompress "$tmp/s.$fmt" >"$tmp/out.$fmt" 2>"$tmp/err.$fmt"; then
		if grep -q 'not implemented' "$tmp/err.$fmt"; then
			skip "$fmt: $(cat "$tmp/err.$fmt")"; skip "$fmt trailer: decoder missing"; return
		fi
		fail "decompress $fmt: $(cat "$tmp/err.$fmt")"
	else
		check "decompress $fmt matches $ref" cmp -s "$tmp/out.$fmt" "$tmp/ref.$fmt"
	fi
	if "$BC" decompress <"$tmp/t.$fmt" >"$tmp/out2.$fmt" 2>"$tmp/err.$fmt"; then
		check "decompress $fmt from stdin ignores the size trailer" cmp -s "$tmp/out2.$fmt" "$tmp/sample"
	else
		fail "decompress $fmt with trailer: $(cat "$tmp/err.$fmt")"
	fi
}

check_format gzip "gzip -9 -n -c" "gzip -dc"
check_format xz "xz --check=crc32 --x86 --lzma2=dict=1MiB -c" "xz -dc --single-stream"
check_format lzma "xz --format=lzma -9 -c" "xz --format=lzma -dc"
check_format bzip2 "bzip2 -9 -c" "bzip2 -dc"
check_format lzo "lzop -9 -c" "lzop -dc"
check_format lz4 "lz4 -l -9 -c" "lz4 -dc"
check_format zstd "zstd -19 -q -c" "zstd -dc -q"

# errors name the file and exit non-zero
out=$("$BC" decompress "$tmp/sample" 2>&1 >/dev/null); rc=$?
check "decompress of an uncompressed file fails" [ $rc -ne 0 ]
check "and says which file and why" grep -q "$tmp/sample: not a stream in a known format" <<<"$out"
if [ -n "$(ls /boot/vmlinuz-*-amd64 2>/dev/null)" ]; then
	out=$("$BC" decompress "$(ls /boot/vmlinuz-*-amd64 | head -1)" 2>&1 >/dev/null)
	check "decompress of a bzImage points to extract" grep -q "bzImage kernel.*bootchain extract" <<<"$out"
else
	skip "no kernel in /boot"
fi
out=$("$BC" decompress "$tmp/missing" 2>&1); rc=$?
check "decompress of a missing file fails clearly" \
	bash -c '[ $0 -ne 0 ] && grep -q "missing: No such file" <<<"$1"' "$rc" "$out"
head -c 2000 "$tmp/s.gzip" >"$tmp/cut.gz"
out=$("$BC" decompress "$tmp/cut.gz" 2>&1 >/dev/null); rc=$?
check "decompress of a truncated stream fails" [ $rc -ne 0 -a -n "$out" ]

# extract and inspect on the Debian kernels
amd64=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | head -1)
cloud=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | head -1)

check_extract() {
	local k=$1 name=$2
	if [ -z "$k" ]; then skip "extract $name: kernel not installed"; skip "$name"; skip "$name"; return; fi
	if ! "$BC" extract "$k" >"$tmp/vmlinux.$name" 2>"$tmp/err"; then
		if grep -q 'not implemented' "$tmp/err"; then
			skip "extract $name: $(cat "$tmp/err")"; skip "extract $name readelf"; skip "extract $name size"; return
		fi
		fail "extract $name: $(cat "$tmp/err")"; fail "extract $name readelf"; fail "extract $name size"; return
	fi
	check_eq "extract $name writes an ELF" "7f454c46" "$(head -c4 "$tmp/vmlinux.$name" | od -An -tx1 | tr -d ' \n')"
	check "extract $name output is an x86-64 ELF readelf accepts" \
		bash -c "readelf -h '$tmp/vmlinux.$name' | grep -q 'X86-64'"
	check_eq "extract $name size is the payload's decompressed size" \
		"$("$BC" inspect "$k" | sed -nE 's/^payload:.* ([0-9]+) bytes decompressed$/\1/p')" \
		"$(stat -c %s "$tmp/vmlinux.$name")"
}
check_extract "$amd64" amd64
check_extract "$cloud" cloud
"$BC" extract -o "$tmp/x" "$tmp/sample" 2>"$tmp/err"; rc=$?
check "extract of a non-kernel fails naming the file" \
	bash -c '[ $0 -ne 0 ] && grep -q "sample: not a Linux kernel image" "$1"' "$rc" "$tmp/err"

verdict() { grep -E "^  $2 " <<<"$1" | sed -E "s/^  $2 +//"; }

if [ -n "$amd64" ]; then
	out=$("$BC" inspect "$amd64")
	check "inspect amd64 shows the boot protocol" grep -q '^format: *bzImage, boot protocol 2\.' <<<"$out"
	check "inspect amd64 names the xz payload" grep -q '^payload: *xz, ' <<<"$out"
	check_eq "inspect amd64 bare metal" "yes" "$(verdict "$out" "bare metal")"
	pv=$(verdict "$out" "Xen PV dom0")
	if [[ $pv == unknown* ]]; then skip "amd64 PV verdict: $pv"; else check_eq "inspect amd64 Xen PV dom0" "yes" "$pv"; fi
	if [[ $pv != unknown* ]]; then
		check "inspect --verbose amd64 lists the PHYS32_ENTRY note" grep -q '^  PHYS32_ENTRY  *0x' <<<"$("$BC" inspect --verbose "$amd64")"
		check "inspect amd64 shows the ELF entry" grep -q '^ELF entry: *0x' <<<"$out"
	fi
	"$BC" inspect --json "$amd64" >"$tmp/amd64.json"
	check "inspect --json is valid JSON with verdicts" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["format"]=="bzImage" and d["compression"]=="xz"
assert d["verdicts"]["bare_metal"]["answer"]=="yes"
assert d["config"]["CONFIG_XEN_DOM0"]=="y"
if d["xen_notes"] is not None:
    assert d["pvh_entry"].startswith("0x")
    assert any(n["name"]=="PHYS32_ENTRY" for n in d["xen_notes"])
    assert d["verdicts"]["xen_pv_dom0"]["answer"]=="yes"' "$tmp/amd64.json"
	out=$("$BC" inspect --xen 4.1 "$amd64")
	check "inspect --xen 4.1 says Xen 4.1 cannot decompress xz" \
		grep -q 'Xen PV dom0 *no: .*Xen 4.1 cannot decompress a xz payload' <<<"$out"
else
	skip "linux-image-amd64 not installed"
fi

if [ -n "$cloud" ]; then
	out=$("$BC" inspect "$cloud")
	check_eq "inspect cloud bare metal" "yes" "$(verdict "$out" "bare metal")"
	check "inspect cloud: PV dom0 no, lacks dom0 support" \
		grep -q '^  Xen PV dom0 *no: lacks dom0 support: CONFIG_XEN_DOM0 is not set' <<<"$out"
	check "inspect cloud: PVH dom0 no, lacks dom0 support" \
		grep -q '^  Xen PVH dom0 *no: lacks dom0 support' <<<"$out"
	check "inspect cloud names the lz4 payload" grep -q '^payload: *lz4, ' <<<"$out"
else
	skip "linux-image-cloud-amd64 not installed"
fi

if [ -s "$tmp/vmlinux.amd64" ]; then
	out=$("$BC" inspect "$tmp/vmlinux.amd64")
	check "inspect on an ELF vmlinux: not bare-metal bootable" \
		grep -q '^  bare metal *no: an ELF vmlinux' <<<"$out"
	out=$("$BC" extract -o "$tmp/again" "$tmp/vmlinux.amd64" 2>&1); rc=$?
	check "extract of an ELF says it is already one" \
		bash -c '[ $0 -ne 0 ] && grep -q "already an ELF vmlinux" <<<"$1"' "$rc" "$out"
	"$BC" extract -o "$tmp/vmlinux.o" "$amd64"
	check "extract -o writes the same vmlinux as stdout" cmp -s "$tmp/vmlinux.o" "$tmp/vmlinux.amd64"
else
	skip "no extracted vmlinux to inspect"; skip "extract of an ELF"; skip "extract -o"
fi

out=$("$BC" inspect "$tmp/sample" 2>&1); rc=$?
check "inspect of a non-kernel fails naming the file" \
	bash -c '[ $0 -ne 0 ] && grep -q "sample: not a Linux kernel image" <<<"$1"' "$rc" "$out"
out=$("$BC" inspect /bin/sh 2>&1); rc=$?
check "inspect of a program ELF fails: not a kernel" \
	bash -c '[ $0 -ne 0 ] && grep -q "/bin/sh: not a usable ELF kernel" <<<"$1"' "$rc" "$out"
"$BC" inspect >/dev/null 2>&1; rc=$?
check_eq "inspect without a file is a usage error" 2 "$rc"

done_testing
