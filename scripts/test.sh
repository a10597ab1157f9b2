#!/usr/bin/env bash
# Sets up the machine (idempotent), builds the package and its tests (debug) and runs the whole
# test suite (Swift Testing). Ends with a plain "tests: N passed, N failed" line.
# The study-storage tests need PostgreSQL and Optuna: scripts/test-services.sh starts the one and
# prepares a venv with the other (cached in ~/.cache/atelier/pyenv), and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh
log=$(mktemp)
trap 'rm -f "$log"; stop_test_services' EXIT
start_test_services
swift build --build-tests
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
