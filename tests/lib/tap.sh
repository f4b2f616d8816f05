# Tiny TAP helpers for shell tests: source it, call ok/fail/skip, end with done_testing.
# BIN and BUILD come from the environment (make check sets them).
: "${BUILD:=build}" "${BIN:=$BUILD/bin}"
BIN=$(cd "$BIN" 2>/dev/null && pwd || echo "$BIN")
_tap_n=0 _tap_failed=0
ok()   { _tap_n=$((_tap_n+1)); echo "ok $_tap_n - $*"; }
fail() { _tap_n=$((_tap_n+1)); _tap_failed=$((_tap_failed+1)); echo "not ok $_tap_n - $*"; }
skip() { _tap_n=$((_tap_n+1)); echo "ok $_tap_n # skip $*"; }
# check NAME CMD...: passes when CMD exits 0
check() { local n=$1; shift; if "$@"; then ok "$n"; else fail "$n"; fi; }
# check_eq NAME EXPECTED ACTUAL
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"; fi; }
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; }
