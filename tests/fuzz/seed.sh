#!/usr/bin/env bash
# seed.sh NAME DIR MAKE_SEEDS: fill the corpus DIR of fuzz target NAME with a few
# small generated samples (compressed with the reference tools for the
# decompressor targets, built by MAKE_SEEDS for the image parsers).
set -eu
name=${1#fuzz_} dir=$2 make_seeds=$3
mkdir -p "$dir"
sample() { printf 'bootchain fuzz seed %s\n' $(seq 1 200); printf 'abcabcabcabc%.0s' $(seq 1 50); }
compress() {   # compressor command; skipped quietly when the tool is missing
	command -v "${1%% *}" >/dev/null || return 0
	sample | $1 >"$dir/seed-$2"
	printf '' | $1 >"$dir/empty-$2"
}
case $name in
gzip)  compress "gzip -9 -n -c" gz ;;
xz)    compress "xz --check=crc32 --x86 --lzma2 -c" xz ;;
lzma)  compress "xz --format=lzma -c" lzma ;;
bzip2) compress "bzip2 -9 -c" bz2 ;;
lzo)   compress "lzop -9 -c" lzo ;;
lz4)   compress "lz4 -l -9 -c" lz4 ;;
zstd)  compress "zstd -19 -q -c" zst ;;
*)     "$make_seeds" "$name" "$dir" ;;
esac
