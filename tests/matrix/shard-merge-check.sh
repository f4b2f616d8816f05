#!/usr/bin/env bash
# Checks a merged matrix output against the plan it was cut from:
#   tests/matrix/shard-merge-check.sh MERGED-DIR [PLAN OPTIONS...]
# results.tsv must hold exactly the cells and stages `bootchain matrix --list OPTIONS`
# names, each with the verdict the plan expects (PASS, or the XFAIL/SKIP --list shows);
# junit.xml must be well-formed XML with one testcase a stage and no failure; report.md
# must have its table (a row a kernel/firmware/config, a column a hypervisor) and every
# cell. Prints what differs and exits 1; 0 when all holds.
set -u
: "${BUILD:=build}" "${BIN:=$BUILD/bin}"
dir=${1:?usage: shard-merge-check.sh MERGED-DIR [PLAN OPTIONS...]}
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
complain() { echo "shard-merge-check: $*" >&2; bad=1; }

if ! "$BIN/bootchain" matrix --list "$@" --output "$tmp/list-out" >"$tmp/list" 2>"$tmp/list.err"; then
	echo "shard-merge-check: bootchain matrix --list $*: $(tail -1 "$tmp/list.err")" >&2
	exit 1
fi
# cell<TAB>stage<TAB>expected verdict, from the listing
awk '/^[0-9]+ cells, [0-9]+ stages$/ { next }
	/^  / { st = $1; v = /\[XFAIL:/ ? "XFAIL" : "PASS"; if (st == "boot") v = cv
		print cell "\t" st "\t" v; next }
	{ cell = $1; cv = /  \[XFAIL:/ ? "XFAIL" : /  \[SKIP:/ ? "SKIP" : "PASS"
	  if (cv == "SKIP") print cell "\tboot\tSKIP" }' "$tmp/list" | sort >"$tmp/want"
[ -s "$tmp/want" ] || complain "--list $* named no cells"
[ -f "$dir/results.tsv" ] || { echo "shard-merge-check: $dir/results.tsv: missing" >&2; exit 1; }
awk -F'\t' 'NR > 1 { print $1 "\t" $2 "\t" $3 }' "$dir/results.tsv" | sort >"$tmp/got"
if ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
	complain "$dir/results.tsv: not the plan's cells and stages with their expected verdicts:"
	sed 's/^/  /' "$tmp/diff" >&2
fi
stages=$(wc -l <"$tmp/want")

if ! xmllint --noout "$dir/junit.xml" 2>"$tmp/xml.err"; then
	complain "$dir/junit.xml: not well-formed: $(head -1 "$tmp/xml.err")"
else
	cases=$(xmllint --xpath 'count(//testcase)' "$dir/junit.xml")
	fails=$(xmllint --xpath 'count(//testcase/failure)' "$dir/junit.xml")
	[ "$cases" = "$stages" ] || complain "$dir/junit.xml: $cases testcases, the plan has $stages stages"
	[ "$fails" = 0 ] || complain "$dir/junit.xml: $fails failures"
fi

md=$dir/report.md
header=$(grep -m1 '^| kernel | firmware | config |' "$md")
if [ -z "$header" ]; then
	complain "$md: no table header"
else
	cols=$(awk -F'|' '{ print NF }' <<<"$header")
	# a row a kernel/firmware/config: a cell's name without its hypervisor column
	rows=$(cut -f1 "$tmp/want" | awk -v h="$header" 'BEGIN { n = split(h, f, " [|] ?") }
		{ for (i = 4; i <= n; i++) { l = f[i]; gsub(/ *[|] *$/, "", l)
			if (l != "" && sub("-" l "-(bios|uefi)-", "|", $0)) break }
		  print }' | sort -u | wc -l)
	got_rows=$(awk -F'|' -v c="$cols" '/^\| / && !/^\| kernel \|/ && !/^\| --- / { if (NF != c) bad = 1; n++ }
		END { print (bad ? -1 : n + 0) }' "$md")
	[ "$got_rows" = "$rows" ] || complain "$md: $got_rows table rows of $cols columns, want $rows"
fi
for cell in $(cut -f1 "$tmp/want" | sort -u); do
	grep -q "^- \*\*$cell\*\* " "$md" || complain "$md: cell $cell is not listed"
done
[ $bad = 0 ] && echo "shard-merge-check: $dir holds the $stages stages of the plan ($*), as expected"
exit $bad
