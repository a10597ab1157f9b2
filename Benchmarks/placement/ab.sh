#!/usr/bin/env bash
# The dense "slow mode" against the host's vCPU placement (Benchmarks/results/neuralnet.md):
# before and after every autoencoder run, the C ping-pong's median round trip between vCPU 0
# and 1; each round runs the autoencoder with the placement probe on (default) and off.
#
#   bash Benchmarks/placement/ab.sh [ROUNDS]        (release build of atelier first)
set -euo pipefail
cd "$(dirname "$0")/../.."
gcc -O2 -pthread Benchmarks/placement/pingpong.c -o /tmp/atelier-pingpong
A=.build/release/atelier; out=$(mktemp -d)
rt() { /tmp/atelier-pingpong 0.4 | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END{printf "%.0f", a[int(NR/2)]}'; }
ae() { rm -rf "$out/ae"; env "$@" $A train --model autoencoder --batch 64 --epochs 3 --seed 1 --data-dir datasets/mnist \
         --out "$out/ae" 2>>"$out/log.txt" >/dev/null; awk -F, 'NR>1{printf "%.2f ", $7}' "$out/ae/history.csv"; }
echo "round | round trip (ns) | probe on: s/epoch | round trip | probe off: s/epoch | round trip"
for i in $(seq 1 "${1:-16}"); do
  echo "$i | $(rt) | $(ae ATELIER_PLACEMENT_LOG=1) | $(rt) | $(ae ATELIER_PLACEMENT_PROBE=0) | $(rt)"
done
echo "(decisions of the probed runs: $out/log.txt)"
