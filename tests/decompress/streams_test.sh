#!/usr/bin/env bash
# bootchain decompress on every stream a user may hand it, against the
# reference tools: concatenated gzip members, bzip2 and xz streams (xz stream
# padding valid and invalid), zstd frames with skippable frames anywhere,
# .lzma files with any valid header, lz4 frames (with skippable frames) and
# cut-short legacy lz4, and a zstd block with zero sequences in the 2-byte count form.
# Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
BC=$BIN/bootchain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

seq 1 20000 >a
{ seq 5 30000 | tac; head -c 30000 /dev/urandom; } >b
cat a b >ab
have() { command -v "$1" >/dev/null; }
# same NAME FILE REFCMD...: ours and the reference both succeed with the same bytes
same() {
	local name=$1 file=$2; shift 2
	if ! "$@" <"$file" >ref.out 2>/dev/null; then fail "$name: the reference tool rejects it"; return; fi
	if "$BC" decompress "$file" >our.out 2>err; then
		check "$name" cmp -s our.out ref.out
	else
		fail "$name: $(cat err)"
	fi
}
# rejects NAME FILE PATTERN: ours fails, says PATTERN, and names the file
rejects() {
	"$BC" decompress "$3" >/dev/null 2>err && { fail "$1: accepted"; return; }
	check "$1" grep -q "$3: .*$2" err
}

if have gzip; then
	gzip -c a >a.gz; gzip -c b >b.gz; cat a.gz b.gz >ab.gz
	same "gzip: two members decode like zcat" ab.gz gzip -dc
	check_eq "gzip: both members' bytes" "$(md5sum <ab)" "$(md5sum <our.out)"
else skip "gzip missing"; skip "gzip missing"; fi

if have bzip2; then
	bzip2 -c a >a.bz2; bzip2 -c b >b.bz2; cat a.bz2 b.bz2 a.bz2 >aba.bz2
	same "bzip2: three streams decode like bzcat" aba.bz2 bzip2 -dc
else skip "bzip2 missing"; fi

if have xz; then
	xz -c a >a.xz; xz -c b >b.xz
	{ cat a.xz; head -c 8 /dev/zero; cat b.xz; head -c 4 /dev/zero; } >pad.xz
	same "xz: streams with valid stream padding decode like xzcat" pad.xz xz -dc
	{ cat a.xz; head -c 3 /dev/zero; cat b.xz; } >badpad.xz
	xz -dc badpad.xz >/dev/null 2>&1 && fail "xz: reference accepts bad padding?" || ok "xz: reference rejects padding of 3 bytes"
	rejects "xz: stream padding of 3 bytes is an error" "padding is not a multiple of four" badpad.xz
	{ cat a.xz; echo junk; } >junk.xz
	rejects "xz: garbage after the stream is an error, like xz" "neither padding nor an .xz stream" junk.xz
	xz --check=none -c a >none.xz; same "xz: check None" none.xz xz -dc
	xz --check=crc64 --block-size=20000 -c ab >blocks.xz; same "xz: many blocks, CRC64" blocks.xz xz -dc
	xz -T2 --block-size=30000 -c ab >mt.xz; same "xz: sizes in block headers (multithreaded xz)" mt.xz xz -dc
	xz -c </dev/null >empty.xz; same "xz: empty stream (no blocks)" empty.xz xz -dc
	xz --check=sha256 -c ab >sha.xz; same "xz: SHA-256 check" sha.xz xz -dc
	python3 -c "import sys; d = bytearray(open('sha.xz', 'rb').read()); d[-44] ^= 1; open('shabad.xz', 'wb').write(d)"
	rejects "xz: a wrong SHA-256 is an error" "SHA-256 mismatch" shabad.xz
	# .lzma: any header liblzma accepts for a file
	for opts in lc=0,lp=0,pb=0,dict=4KiB lc=1,lp=3,pb=4,dict=3MiB lc=4,lp=0,pb=2,dict=48MiB; do
		xz --format=lzma --lzma1=$opts -c ab >o.lzma
		same "lzma: properties and dictionary $opts" o.lzma xz --format=lzma -dc
	done
	# a known size in the header, the data still closed by the end marker
	python3 - ab o.lzma k.lzma <<'PY'
import struct, sys, os
d = bytearray(open(sys.argv[2], 'rb').read())
d[5:13] = struct.pack('<Q', os.path.getsize(sys.argv[1]))
open(sys.argv[3], 'wb').write(d)
PY
	same "lzma: known size in the header, then an end marker" k.lzma xz --format=lzma -dc
	check_eq "lzma: known size decodes to the bytes" "$(md5sum <ab)" "$(md5sum <our.out)"
else for i in $(seq 1 15); do skip "xz missing"; done; fi

if have zstd; then
	zstd -q -c a >a.zst; zstd -q -c --no-check --no-content-size b >b.zst
	skippable() { printf '\x5a\x2a\x4d\x18\x05\x00\x00\x00hello'; }
	{ skippable; cat a.zst; skippable; cat b.zst; skippable; } >frames.zst
	same "zstd: frames with skippable frames first, between and last" frames.zst zstd -dc
	{ skippable; printf '\x5a\x2a\x4d\x18\x09\x00'; } >cutskip.zst
	rejects "zstd: a cut skippable frame is an error" "skippable frame" cutskip.zst
	{ cat a.zst; echo junk; } >junk.zst
	rejects "zstd: garbage after the frame is an error, like zstd" "not a zstd frame" junk.zst
	zstd -q -c </dev/null >empty.zst; same "zstd: empty frame" empty.zst zstd -dc
	head -c 3000000 /dev/zero | zstd -q -c >zeros.zst; same "zstd: RLE blocks (zeros)" zeros.zst zstd -dc
	head -c 300000 /dev/urandom | zstd -q -c >raw.zst; same "zstd: raw blocks (random data)" raw.zst zstd -dc
	zstd -q -B4096 --no-check -c ab >small.zst; same "zstd: many small jobs, no checksum" small.zst zstd -dc
	zstd -q -19 --long=24 -c ab >long.zst; same "zstd: long window" long.zst zstd -dc --long=24
	# a compressed block of raw literals whose sequence count is 0 in its
	# 2-byte form (0x80 0x00), followed by the modes byte (predefined tables)
	python3 - <<'PY'
import struct
lit = b"hello world " * 20
n = len(lit)
body = bytes([((n & 15) << 4) | (1 << 2), n >> 4]) + lit + bytes([0x80, 0x00, 0x00])
bh = (len(body) << 3) | (2 << 1) | 1
open('zseq.zst', 'wb').write(struct.pack('<I', 0xFD2FB528) + bytes([0, 0]) + struct.pack('<I', bh)[:3] + body)
PY
	same "zstd: zero sequences in the 2-byte count form" zseq.zst zstd -dc
else for i in $(seq 1 9); do skip "zstd missing"; done; fi

if have lz4; then
	for opts in "" "-BD" "--content-size -B4" "--no-frame-crc -BX -B5" "-9 -BD -B7 --content-size"; do
		lz4 -q $opts -c ab >frame.lz4
		same "lz4 frame format ${opts:-(defaults)}" frame.lz4 lz4 -dc
	done
	lz4 -q -c a >fa.lz4; lz4 -q -c b >fb.lz4
	{ cat fa.lz4; printf '\x50\x2a\x4d\x18\x03\x00\x00\x00abc'; cat fb.lz4; } >frames.lz4
	same "lz4: frames with a skippable frame between them decode like lz4 -dc" frames.lz4 lz4 -dc
	head -c $(($(stat -c %s fa.lz4) - 6)) fa.lz4 >cutframe.lz4
	rejects "lz4: a cut frame is an error" "input ends" cutframe.lz4
	python3 -c "d = bytearray(open('fa.lz4', 'rb').read()); d[-3] ^= 1; open('badsum.lz4', 'wb').write(d)"
	rejects "lz4: a wrong content checksum is an error" "content checksum mismatch" badsum.lz4
	head -c 9000000 /dev/urandom >big; cat ab >>big
	lz4 -l -q -c big >big.lz4
	python3 - <<'PY'
import struct
d = open('big.lz4', 'rb').read()
n = struct.unpack('<I', d[4:8])[0]
open('cut4.lz4', 'wb').write(d[:8 + n + 4])     # the next block's size, no data
open('cut9.lz4', 'wb').write(d[:8 + n + 9])
PY
	rejects "lz4: legacy file cut after a block size is an error" "input ends inside a block" cut4.lz4
	rejects "lz4: legacy file cut inside a block is an error" "input ends inside a block" cut9.lz4
	{ cat big.lz4; perl -e 'print pack("V", -s "big")'; } >trailer.lz4
	"$BC" decompress trailer.lz4 >our.out 2>err
	check "lz4: the kernel's size trailer is accepted silently" bash -c 'cmp -s our.out big && [ ! -s err ]'
else for i in $(seq 1 12); do skip "lz4 missing"; done; fi

done_testing
