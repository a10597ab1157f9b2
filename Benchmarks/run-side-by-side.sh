#!/usr/bin/env bash
# Runs the main benchmarks and their Python references one after the other on this machine, so the
# figures in BENCHMARKS.md come from one session. Release build only. Takes about 15 minutes.
# Needs: pip install torch scikit-learn openTSNE matplotlib pandas
# Usage: bash Benchmarks/run-side-by-side.sh [LOG]
set -uo pipefail
cd "$(dirname "$0")/.."
log=${1:-runs/benchmarks-$(date -u +%Y%m%dT%H%MZ).log}
mkdir -p "$(dirname "$log")"
swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --product atelier-bench >&2
swift build -c release -Xswiftc -target-cpu -Xswiftc haswell --product atelier >&2
B=.build/release/atelier-bench
section() { echo; echo "## $*"; echo "# $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
{
  echo "# $(date -u) $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  section foundation;  $B sgemm mnist-load
                       python3 Benchmarks/python/mnist_load.py datasets/mnist/train-images-idx3-ubyte.gz 5
  section plotting;    $B plot-scatter plot-gallery plot-line plot-cli-scatter
                       python3 Benchmarks/python/plot_reference.py --repetitions 5 --mnist datasets/mnist
  section analysis;    $B kmeans-10k kmeans-70k silhouette-10k pca-70k tsne-10k-fft
                       python3 Benchmarks/python/sklearn_reference.py kmeans-10k kmeans-70k silhouette-10k pca-70k
                       $B kmeans-10k-seeds kmeans-70k-seeds pca-70k
                       python3 Benchmarks/python/sklearn_reference.py kmeans-10k-seeds kmeans-70k-seeds pca-70k
  section fraud;       .build/release/atelier fraud synth --rows 284807 --seed 0 --out runs/bench-creditcard.csv >/dev/null
                       sh Benchmarks/python/fraud_read_side_by_side.sh runs/bench-creditcard.csv 3
  section neuralnet   # each model alternating with PyTorch, two rounds, so both tools share the same window
  for round in 1 2; do
    for model in shallow mlp lenet5 cnn3 autoencoder; do
      ATELIER_NN_EPOCHS=1 $B nn-$model
      python3 Benchmarks/python/torch_reference.py $model --epochs 1
    done
  done
  $B nn-lenet5-inference
  section done
} 2>&1 | tee "$log"
