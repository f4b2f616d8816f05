#!/usr/bin/env bash
# What bootchain decompress does with bytes after the last stream, against
# each format's own tool on the same file: gzip -dc, lzop -dc, bzip2 -dc,
# xz -dc (.xz and .lzma), zstd -dc and lz4 -dc (frame and legacy). Each
# outcome is one of: ok (silent), warn (a warning, exit 0), warn2 (a warning,
# exit 2: gzip's and lzop's "trailing garbage"), error. When both succeed the
# bytes must match too. Then lzop files of several streams, as lzop -dc reads
# them. Differences kept on purpose (see bootchain(1)): every error exits 1,
# an error writes nothing, and the kernel's size trailer is accepted.
# Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
BC=$BIN/bootchain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

{ seq 1 3000; head -c 3000 /dev/urandom; } >a
tails=('' 'garbage' '\0\0\0\0' '\0\0\0\0\0' '\0' 'X' '\0X' '\x1f' '\x1f\x8b' 'B' 'BZ' 'BZh'
       '\x89LZ' '\x04\x22\x4d' '\x50\x2a\x4d\x18\x02\0\0\0ab' '\x02\x21\x4c\x18')
# format  tool-to-compress  tool-to-decompress
formats=("gzip|gzip -c|gzip -dc" "lzop|lzop -c|lzop -dc" "bzip2|bzip2 -c|bzip2 -dc"
	 "xz|xz -c|xz -dc" "lzma|xz --format=lzma -c|xz -dc" "zstd|zstd -q -c|zstd -dc"
	 "lz4|lz4 -q -c|lz4 -dc" "lz4 legacy|lz4 -l -q -c|lz4 -dc")

# outcome FORMAT RC ERRFILE: the class of a run (a reference tool's 2 is a
# warning only for gzip and lzop; bzip2 and lz4 also exit non-zero on errors)
outcome() {
	if [ "$2" = 0 ]; then [ -s "$3" ] && echo warn || echo ok
	elif [ "$2" = 2 ] && [[ $1 == gzip || $1 == lzop || $1 == ours ]]; then echo warn2
	else echo error; fi
}

for f in "${formats[@]}"; do
	IFS='|' read -r name comp decomp <<<"$f"
	if ! command -v "${comp%% *}" >/dev/null; then
		for t in "${tails[@]}"; do skip "${comp%% *} missing"; done
		continue
	fi
	$comp <a >a.z
	for t in "${tails[@]}"; do
		{ cat a.z; printf "$t"; } >t.z
		$decomp <t.z >ref.out 2>ref.err; ref=$(outcome "${name%% *}" $? ref.err)
		"$BC" decompress t.z >our.out 2>our.err; ours=$(outcome ours $? our.err)
		label="$name + '$t': $ref like ${decomp%% *}"
		if [ "$ref" != "$ours" ]; then
			fail "$label (ours: $ours: $(head -c 200 our.err))"
		elif [ "$ours" != error ] && ! cmp -s ref.out our.out; then
			fail "$label, but the bytes differ"
		elif [ "$ours" = error ] && [ -s our.out ]; then
			fail "$label, but it wrote output"
		else
			ok "$label"
		fi
	done
done

if command -v lzop >/dev/null; then
	seq 1 20000 >b; printf 'x' >c
	lzop -c a >a.lzo; lzop -c b >b.lzo; lzop -9 -c c >c.lzo; printf "" | lzop -c >e.lzo
	cat a.lzo b.lzo e.lzo c.lzo >multi.lzo
	lzop -dc multi.lzo >ref.out 2>/dev/null
	check_eq "lzop reference decodes every stream" "$(cat a b c | md5sum)" "$(md5sum <ref.out)"
	"$BC" decompress multi.lzo >our.out 2>our.err; rc=$?
	check_eq "lzop: four streams (one empty) decode like lzop -dc, exit 0" "0 $(md5sum <ref.out)" \
		"$rc $(md5sum <our.out)"
	{ cat a.lzo; head -c 100 b.lzo; } >cut.lzo
	"$BC" decompress cut.lzo >our.out 2>our.err; rc=$?
	check "lzop: a second stream cut short is an error" \
		test "$rc" = 1 -a ! -s our.out -a -n "$(grep "cut.lzo: lzo" our.err)"
	{ cat a.lzo b.lzo; printf 'garbage'; } >junk.lzo
	"$BC" decompress junk.lzo >our.out 2>our.err; rc=$?
	check_eq "lzop: garbage after two streams: both decoded, warning, exit 2" \
		"2 $(cat a b | md5sum)" "$rc $(md5sum <our.out)"
else for i in 1 2 3 4; do skip "lzop missing"; done; fi

done_testing
