#!/usr/bin/env bash
# Installs, idempotently, every system package Atelier needs. Does nothing when all are present.
# libsqlite3-dev (GRDB links the system SQLite), libpq-dev (the PostgreSQL study storage) and
# postgresql (the server the storage tests run against; scripts/test-services.sh starts it).
set -euo pipefail
packages=(libopenblas-dev libcairo2-dev libpng-dev zlib1g-dev libdeflate-dev pkg-config fonts-dejavu-core dataset-fashion-mnist
          libsqlite3-dev libpq-dev postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
