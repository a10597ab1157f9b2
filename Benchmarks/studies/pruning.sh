#!/usr/bin/env bash
# The studies issue's pruning measurement: one real study per pruner (the shallow network on
# MNIST, TPE seed 0, 40 trials of 10 epochs each, early stopping off so that only the pruner
# saves epochs), then the epochs spent and the best validation accuracy of each.
#
#   bash Benchmarks/studies/pruning.sh [LIMIT] [TRIALS] [EPOCHS]     (defaults 60000 40 10)
#
# LIMIT 60000 is all of MNIST's training images: 54,000 fit and 6,000 validation, so the issue's
# 0.2-point tolerance is 12 validation images. (Sessions 6-10 used 10000, whose 1,000 validation
# images make 0.2 points two images, within the spread of one configuration trained twice.)
#
# PRUNERS="none median" picks the pruners (default: all six), SEED=S the sampler seed (default 0),
# SAMPLER=random|tpe the sampler (default tpe),
# SPACE=FILE the search space (default Benchmarks/studies/pruning-space.json; SPACE=default uses
# the model's documented default space, seed 002's ranges).
#
# Needs a release build: swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --product atelier
set -euo pipefail
cd "$(dirname "$0")/../.."
limit=${1:-60000}; trials=${2:-40}; epochs=${3:-10}
seed=${SEED:-0}; sampler=${SAMPLER:-tpe}; space=${SPACE:-Benchmarks/studies/pruning-space.json}
space_flag=(--space "$space"); [ "$space" = default ] && space_flag=()
A=.build/release/atelier
out=$(mktemp -d)
printf '| pruner | trials | complete | pruned | epochs | saved | best validation accuracy | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for pruner in ${PRUNERS:-none median percentile halving hyperband patient}; do
  start=$(date +%s.%N)
  $A study run --storage "sqlite:///$out/$pruner.db" --study shallow --model shallow "${space_flag[@]}" \
     --limit "$limit" --epochs "$epochs" --patience 0 --trials "$trials" --sampler "$sampler" --seed "$seed" --pruner "$pruner" --json > "$out/$pruner.json"
  end=$(date +%s.%N)
  python3 - "$out/$pruner.json" "$pruner" "$start" "$end" "$trials" "$epochs" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); pruner = sys.argv[2]; seconds = float(sys.argv[4]) - float(sys.argv[3])
full = int(sys.argv[5]) * int(sys.argv[6]); c = r["counts"]
print(f"| {pruner} | {r['trials']} | {c['complete']} | {c['pruned']} | {r['epochs']} | {100 * (1 - r['epochs'] / full):.0f} % | "
      f"{100 * r['best']['value']:.2f} % | {seconds:.0f} |")
PY
done
echo "(sampler $sampler, seed $seed, space $space; limit $limit images: $((limit * 9 / 10)) fit, $((limit / 10)) validation; $trials trials x $epochs epochs; databases in $out)"
