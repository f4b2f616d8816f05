#!/usr/bin/env bash
# Benchmark of the boot matrix (run by `make bench`): the time of each stage of each cell
# (the boot: QEMU start to the marker; guest stages: as dom0 measured them), each cell's
# guest stages together with their breakdown, and the whole matrix, each against its goal
# with the ratio (time / goal; at most 1.00 is within the goal). BENCH_MATRIX=default (the
# default matrix, guest stages included; goal 15 minutes on 2 cores with a warm cache) or
# quick (goal 4 minutes); the guest stages of one cell have a goal of 90 s. The host's load
# average before and after is printed too: other QEMU runs on the machine slow every figure.
# BENCH_MATRIX_COLD=1 rebuilds initramfs images and media instead of using the cache.
set -u
: "${BUILD:=build}" "${BIN:=$BUILD/bin}"
kind=${BENCH_MATRIX:-default}
case $kind in
default) args=() goal=900 ;;
quick) args=(--quick) goal=240 ;;
*) echo "bench-matrix: BENCH_MATRIX must be default or quick, not '$kind'" >&2; exit 2 ;;
esac
guest_goal=90
[ "${BENCH_MATRIX_COLD:-0}" = 1 ] && args+=(--no-cache)
out=$BUILD/bench/matrix-$kind
mkdir -p "$out"
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)
start=$(date +%s.%N)
"$BIN/bootchain" matrix "${args[@]}" --output "$out" --no-progress >"$out.txt" 2>&1
status=$?
wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
echo "bench matrix ($kind): load average before $load_before, after $(load) ($(nproc) cores)"
echo "bench matrix ($kind): per stage (boot: QEMU start to marker)"
awk -F'\t' 'NR > 1 { printf "  %-48s %-13s %-6s %8s s (cell %7s s, initramfs %s, medium %s)\n",
	$1, $2, $3, ($4 < 0 ? "-" : $4), $5, $6, $7 }' "$out/results.tsv"
# the guest stages of a cell: every stage after toolstack, in the order dom0 ran them
awk -F'\t' -v goal="$guest_goal" '
NR > 1 && $2 != "boot" && $2 != "toolstack" && $4 >= 0 {
	if (!($1 in t)) order[++n] = $1
	t[$1] += $4
	parts[$1] = parts[$1] sprintf("%s%s %.1f", parts[$1] == "" ? "" : ", ", $2, $4)
}
END {
	for (i = 1; i <= n; i++) {
		c = order[i]
		printf "bench matrix: guest stages of %s: %.1f s (goal %d s, %.2fx): %s\n", c, t[c],
			goal, t[c] / goal, t[c] <= goal ? "within goal" : "OVER GOAL"
		printf "  breakdown: %s\n", parts[c]
	}
}' "$out/results.tsv"
awk -v k="$kind" -v w="$wall" -v g="$goal" 'BEGIN {
	printf "bench matrix (%s): whole matrix %.1f s (goal %d s, %.2fx): %s\n", k, w, g, w / g,
		w <= g ? "within goal" : "OVER GOAL" }'
[ "$status" -eq 0 ] || echo "bench matrix ($kind): the matrix had failing stages (status $status), see $out/report.md"
exit 0
