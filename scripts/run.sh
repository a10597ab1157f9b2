#!/usr/bin/env bash
# Sets up the machine (idempotent), builds Atelier in release mode and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --product atelier
.build/release/atelier dataset info "$@"
