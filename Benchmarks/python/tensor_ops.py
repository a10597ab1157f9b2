#!/usr/bin/env python3
"""Reference for atelier-bench tensor-ops: NumPy element-wise ops and reductions on a float32
[60000, 784] matrix (uniform in [0, 1), the size of MNIST train), median of 5 after a warm-up.
Prints one `name seconds` line per operation, named as the Swift side names them.
"""
import statistics
import time

import numpy as np

rng = np.random.default_rng(0)
x = rng.random((60000, 784), dtype=np.float32)
row = rng.random(784, dtype=np.float32)
column = rng.random((60000, 1), dtype=np.float32)

operations = {
    "x+row": lambda: x + row,
    "x/column": lambda: x / column,
    "x*2": lambda: x * 2,
    "sum": lambda: x.sum(dtype=np.float64),
    "sum(axis:0)": lambda: x.sum(axis=0),
    "sum(axis:1)": lambda: x.sum(axis=1),
    "max(axis:1)": lambda: x.max(axis=1),
    "argmax(axis:1)": lambda: x.argmax(axis=1),
}
for name, body in operations.items():
    body()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    print(f"{name} {statistics.median(times):.5f}")
