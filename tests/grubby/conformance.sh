#!/usr/bin/env bash
# The shared conformance cases (taken from grubby 8.40's own test suite).
. "$(dirname "$0")/testlib.bash"
runner=$(dirname "$FIXTURES")/run
if [ ! -x "$runner" ]; then
  skip "conformance cases not found at $runner"
else
  out=$("$runner" "$GRUBBY" 2>&1)
  last=$(tail -n1 <<<"$out")
  if [[ $last =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then ok "conformance: $last"
  else fail "conformance: $last"; grep '^FAIL' <<<"$out" | head -20 | sed 's/^/# /'; fi
fi
done_testing
