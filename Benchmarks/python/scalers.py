#!/usr/bin/env python3
"""Reference for atelier-bench scalers: scikit-learn's StandardScaler and MinMaxScaler on MNIST
train as float32 [60000, 784], fit + transform, median of 5 after a warm-up.

Usage: python3 Benchmarks/python/scalers.py IMAGES_GZ [ATELIER_STANDARD.npy ATELIER_MINMAX.npy]
With the two .npy files written by atelier-bench, also prints the largest absolute difference
between Atelier's and scikit-learn's transformed matrices (the oracle check).
"""
import gzip
import statistics
import sys
import time

import numpy as np
from sklearn.preprocessing import MinMaxScaler, StandardScaler

with open(sys.argv[1], "rb") as f:
    x = np.frombuffer(gzip.decompress(f.read()), dtype=np.uint8, offset=16).astype(np.float32).reshape(-1, 784) / 255


def median_seconds(body):
    body()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


standard = StandardScaler().fit(x).transform(x)
minmax = MinMaxScaler().fit(x).transform(x)
print(f"standard_seconds {median_seconds(lambda: StandardScaler().fit(x).transform(x)):.4f}")
print(f"minmax_seconds {median_seconds(lambda: MinMaxScaler().fit(x).transform(x)):.4f}")
if len(sys.argv) > 3:
    print(f"standard_max_abs_difference {np.abs(np.load(sys.argv[2]) - standard).max():.3g}")
    print(f"minmax_max_abs_difference {np.abs(np.load(sys.argv[3]) - minmax).max():.3g}")
