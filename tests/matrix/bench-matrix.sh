#!/usr/bin/env bash
# Benchmark of the boot matrix (run by `make bench`): the wall time of each cell from
# QEMU start to the marker, and of the whole matrix. BENCH_MATRIX=default (the default
# matrix: BIOS, grub2 config; goal 10 minutes on 2 cores) or quick (goal 3 minutes).
# BENCH_MATRIX_COLD=1 rebuilds initramfs images and media instead of using the cache.
set -u
: "${BUILD:=build}" "${BIN:=$BUILD/bin}"
kind=${BENCH_MATRIX:-default}
case $kind in
default) args=() goal=600 ;;
quick) args=(--quick) goal=180 ;;
*) echo "bench-matrix: BENCH_MATRIX must be default or quick, not '$kind'" >&2; exit 2 ;;
esac
[ "${BENCH_MATRIX_COLD:-0}" = 1 ] && args+=(--no-cache)
out=$BUILD/bench/matrix-$kind
mkdir -p "$out"
start=$(date +%s.%N)
"$BIN/bootchain" matrix "${args[@]}" --output "$out" --no-progress >"$out.txt" 2>&1
status=$?
wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
echo "bench matrix ($kind): per cell, QEMU start to marker"
awk -F'\t' 'NR > 1 { printf "  %-48s %-6s %8s s to marker, %7s s cell (initramfs %s, medium %s)\n",
	$1, $2, ($3 < 0 ? "-" : $3), $4, $5, $6 }' "$out/results.tsv"
printf 'bench matrix (%s): whole matrix %.1f s (goal %d s): %s\n' "$kind" "$wall" "$goal" \
	"$(awk -v w="$wall" -v g="$goal" 'BEGIN { print (w <= g) ? "within goal" : "OVER GOAL" }')"
[ "$status" -eq 0 ] || echo "bench matrix ($kind): the matrix had failing cells (status $status), see $out/report.md"
exit 0
