#!/usr/bin/env bash
# Shards from the command line, nothing booted: a bad --shard is a one-line error before
# any boot; --list --shard K/N shows slices that together are the plan's cells, each
# once, the same every time; `matrix merge` refuses what is not a shard output.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
bc=$BIN/bootchain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# status 2, one line on stderr naming PROBLEM, no output directory filled
expect_error() {
	local name=$1 problem=$2; shift 2
	local err rc
	err=$("$bc" "$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == *"$problem"* ]] &&
	   ! ls "$tmp"/out/logs/*.serial.log >/dev/null 2>&1 && [ ! -e "$tmp/out/shard.txt" ]; then
		ok "$name"
	else
		fail "$name"; printf '#   status %s: %s\n' "$rc" "$err"
	fi
}

for bad in 0/2 3/2 2/0 x 1/ /2 1/2/3 1/257 -1/2; do
	expect_error "--shard $bad is refused" "--shard wants K/N" matrix --shard "$bad" --output "$tmp/out"
done
expect_error "--shard needs a value" "incomplete option" matrix --output "$tmp/out" --shard
expect_error "merge without directories" "no shard directories" matrix merge -o "$tmp/out"
expect_error "merge of a directory that is no matrix output" "$tmp: not a matrix output" \
	matrix merge -o "$tmp/out" "$tmp"
expect_error "merge of a missing directory" "$tmp/nope: not a matrix output" \
	matrix merge -o "$tmp/out" "$tmp/nope"
expect_error "merge with an unknown option" "unknown" matrix merge --frobnicate "$tmp"
"$bc" matrix merge --help | grep -q -- "-o, --output DIR"
check_eq "matrix merge --help exits 0" 0 $?
"$bc" matrix --help | grep -q -- "--shard K/N"
check_eq "matrix --help names --shard" 0 $?

kernel=
for k in /boot/vmlinuz-*; do
	"$bc" inspect "$k" >/dev/null 2>&1 && { kernel=$k; break; }
done
if [ -z "$kernel" ]; then
	skip "no /boot/vmlinuz-* for the slices of a real plan"
	done_testing; exit
fi
# the default plan of this machine in 1, 3 and 4 shards: each cell once
cells() { grep -v '^  ' | grep -Ev '^(shard [0-9]+/[0-9]+:|[0-9]+ cells, )' | sed 's/  \[.*//'; }
"$bc" matrix --list --output "$tmp/out" | cells | sort >"$tmp/all"
for n in 1 3 4; do
	: >"$tmp/union"
	for k in $(seq "$n"); do
		"$bc" matrix --list --shard "$k/$n" --output "$tmp/out" >"$tmp/slice.$k"
		cells <"$tmp/slice.$k" >>"$tmp/union"
	done
	check "$n shards: every cell of the plan in exactly one slice" \
		cmp -s "$tmp/all" <(sort "$tmp/union")
	check "$n shards: each slice says its share" grep -q "^shard $n/$n: [0-9]* of $(wc -l <"$tmp/all") cells, expected" "$tmp/slice.$n"
done
"$bc" matrix --list --shard 2/3 --output "$tmp/out" >"$tmp/again"
"$bc" matrix --list --shard 2/3 --output "$tmp/out" >"$tmp/again2"
check "the same slice twice" cmp -s "$tmp/again" "$tmp/again2"
check "--list --shard boots nothing and records nothing" \
	sh -c "! ls '$tmp/out/logs/'*.log >/dev/null 2>&1 && [ ! -e '$tmp/out/shard.txt' ]"
done_testing
