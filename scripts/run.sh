#!/usr/bin/env bash
# Sets up the machine (idempotent), builds Atelier in release mode and runs the main job:
# the report batch on the shipped data.
#   bash scripts/run.sh                          # quick profile (~1-2 min) into runs/reports/
#   bash scripts/run.sh --profile full --out reports   # the full run kept in the repository
# Any arguments replace the defaults and are passed to `atelier report all`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --product atelier
if [ $# -eq 0 ]; then set -- --profile quick --seed 0 --out runs/reports; fi
.build/release/atelier report all "$@"
out=runs/reports
prev=""
for a in "$@"; do [ "$prev" = "--out" ] && out="$a"; prev="$a"; done
echo "Open $out/index.html"
