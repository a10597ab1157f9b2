#!/usr/bin/env bash
# Sets up the machine (idempotent), builds the package and its tests (debug) and runs the whole
# test suite (Swift Testing). Ends with a plain "tests: N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
swift test --skip-build --disable-xctest 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
total=$(grep -oE 'Test run with [0-9]+ tests?' "$log" | tail -1 | grep -oE '[0-9]+' || true)
failed=$(grep -cE '^✘ Test .* failed' "$log" || true)
if [ -n "$total" ]; then
  echo "tests: $((total - failed)) passed, $failed failed"
fi
exit "$status"
