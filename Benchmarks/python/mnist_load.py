#!/usr/bin/env python3
"""Reference for atelier-bench mnist-load: MNIST train images, gzip -> float32 in [0, 1].

The way the seeds load MNIST: Python's gzip, then np.frombuffer(...).astype(np.float32) / 255.
Prints every run and the median (after one warm-up run, as the Swift side does).
Usage: python3 Benchmarks/python/mnist_load.py [path/to/train-images-idx3-ubyte.gz] [runs, default 5]
atelier-bench mnist-load calls it with runs=1 once per round, alternating with the Swift loader,
so that both see the same machine load.
"""
import gzip
import statistics
import sys
import time

import numpy as np

path = sys.argv[1] if len(sys.argv) > 1 else "datasets/mnist/train-images-idx3-ubyte.gz"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def load():
    with open(path, "rb") as f:
        raw = gzip.decompress(f.read())
    images = np.frombuffer(raw, dtype=np.uint8, offset=16).astype(np.float32) / 255
    return images.reshape(-1, 784)


images = load()  # warm-up (page cache)
assert images.shape == (60000, 784), images.shape
times = []
for _ in range(runs):
    start = time.perf_counter()
    load()
    times.append(time.perf_counter() - start)
print("runs " + " ".join(f"{t:.4f}" for t in times))
print(f"median_seconds {statistics.median(times):.4f}")
print(f"checksum {float(images.sum()):.2f}")
