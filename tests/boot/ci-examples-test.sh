#!/usr/bin/env bash
# The CI examples in tests/matrix/ (GitLab CI, GitHub Actions) as their runners would
# read them: valid YAML; N shard jobs whose commands, with each job's K and N put in,
# cut the default plan into slices that together hold every cell once (run here with
# --list, nothing booted); outputs under the artifact path the merge job reads; a merge
# command and a make target that exist.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
top=$(cd "$here/../.." && pwd)
bc=$BIN/bootchain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! python3 -c 'import yaml' 2>/dev/null; then
	skip "needs python3 with yaml (package python3-yaml)"
	done_testing; exit
fi

# One line a shard job: K, N, its MATRIX_ARGS; then "merge CMD" and "artifacts PATH".
python3 - "$top/tests/matrix/gitlab-ci-shards.yml" "$top/tests/matrix/github-shards.yml" >"$tmp/jobs" <<'PY' 2>"$tmp/py.err"
import re, shlex, sys, yaml
def args_of(line):
    m = re.search(r'MATRIX_ARGS="([^"]*)"', line)
    return m.group(1)
gl = yaml.safe_load(open(sys.argv[1]))
shard, report = gl["matrix-shard"], gl["matrix-report"]
n = shard["parallel"]
cmd = [l for l in shard["script"] if "make matrix" in l][0]
for k in range(1, n + 1):
    a = args_of(cmd).replace("$CI_NODE_INDEX", str(k)).replace("$CI_NODE_TOTAL", str(n))
    print("gitlab", k, n, a)
print("gitlab-merge", [l for l in report["script"] if "matrix merge" in l][0])
print("gitlab-make", [l for l in report["script"] if l.startswith("make ")][0])
print("gitlab-artifacts", shard["artifacts"]["paths"][0])
print("gitlab-needs", report["needs"][0], report["when"], report["artifacts"]["reports"]["junit"])
gh = yaml.safe_load(open(sys.argv[2]))["jobs"]
shards = gh["shard"]["strategy"]["matrix"]["shard"]
cmd = [s["run"] for s in gh["shard"]["steps"] if "make matrix" in s.get("run", "")][0]
up = [s for s in gh["shard"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")][0]
for k in shards:
    a = args_of(cmd).replace("${{ matrix.shard }}", str(k)).replace("${{ strategy.job-total }}", str(len(shards)))
    print("github", k, len(shards), a)
    print("github-upload", up["with"]["path"].splitlines()[0].replace("${{ matrix.shard }}", str(k)))
down = [s for s in gh["merge"]["steps"] if s.get("uses", "").startswith("actions/download-artifact")][0]
print("github-merge", [s["run"] for s in gh["merge"]["steps"] if "matrix merge" in s.get("run", "")][0])
print("github-download", down["with"]["path"], down["with"]["pattern"], gh["merge"]["needs"], gh["merge"]["if"])
PY
check "both examples are YAML with the jobs they name" test -s "$tmp/jobs"
sed 's/^/# /' "$tmp/py.err"
field() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$tmp/jobs"; }
check_eq "GitLab: the report job needs the shards, runs always and reports JUnit" \
	"matrix-shard always build/matrix/junit.xml" "$(field gitlab-needs)"
check_eq "GitLab: the merge reads the shards' artifacts" \
	"build/bin/bootchain matrix merge -o build/matrix build/shards/*" "$(field gitlab-merge)"
check_eq "GitHub: the merge reads the downloaded artifacts" \
	"build/bin/bootchain matrix merge -o build/matrix build/shards/*" "$(field github-merge)"
check_eq "GitHub: each artifact is downloaded into a directory of build/shards, after all shards" \
	"build/shards matrix-shard-* shard always()" "$(field github-download)"
check "the merge jobs' make target exists" make -s -C "$top" -n "$(field gitlab-make | cut -d' ' -f2)"
check_eq "GitLab: artifacts hold every shard's output" "build/shards/" "$(field gitlab-artifacts)"

if ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
	skip "no /boot/vmlinuz-*: the slices of the default plan need kernels"
	done_testing; exit
fi
cells() { grep -v '^  ' | grep -Ev '^(shard [0-9]+/[0-9]+:|[0-9]+ cells, )' | sed 's/  \[.*//'; }
"$bc" matrix --list --output "$tmp/out" | cells | sort >"$tmp/all"
for ci in gitlab github; do
	: >"$tmp/union"
	ok=yes
	while read -r _ k n args; do
		eval "set -- $args"
		"$bc" matrix "$@" --list >"$tmp/slice" 2>"$tmp/err" || { ok=no; cat "$tmp/err"; }
		grep -q "^shard $k/$n: " "$tmp/slice" || ok=no
		cells <"$tmp/slice" >>"$tmp/union"
		# the output must land where the artifacts are taken from
		[[ $args == *"--output build/shards/$k"* ]] || ok=no
	done < <(awk -v c="$ci" '$1 == c' "$tmp/jobs")
	check "$ci: the shard jobs' commands run, each its own slice" test $ok = yes
	check "$ci: together the slices are the default plan, each cell once" \
		cmp -s "$tmp/all" <(sort "$tmp/union")
done
check_eq "GitHub: each shard uploads its own output directory" \
	"build/shards/1 build/shards/2 build/shards/3 build/shards/4" "$(field github-upload | tr '\n' ' ' | sed 's/ $//')"
done_testing
