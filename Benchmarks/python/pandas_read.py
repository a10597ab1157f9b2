"""Reference timing for `atelier-bench fraud-read-csv`: pandas.read_csv on the same creditcard.csv.

Usage: python3 Benchmarks/python/pandas_read.py FILE [REPETITIONS]
Prints the median wall-clock seconds of `pandas.read_csv(FILE)` (default C engine, float64,
after one warm-up read), and of the pyarrow engine when pyarrow is installed.
"""
import statistics
import sys
import time

import pandas as pd

path = sys.argv[1]
repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def median_seconds(read):
    read()  # warm-up: the page cache holds the file for every timed run, as for the Swift side
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        frame = read()
        times.append(time.perf_counter() - start)
    return statistics.median(times), frame


seconds, frame = median_seconds(lambda: pd.read_csv(path))
print(f"pandas {pd.__version__} read_csv (C engine, float64): {seconds:.4f} s median of {repetitions}, shape {frame.shape}")
seconds32, _ = median_seconds(lambda: pd.read_csv(path, dtype="float32"))
print(f"pandas read_csv dtype=float32: {seconds32:.4f} s")
try:
    import pyarrow  # noqa: F401
    seconds_arrow, _ = median_seconds(lambda: pd.read_csv(path, engine="pyarrow"))
    print(f"pandas read_csv engine=pyarrow: {seconds_arrow:.4f} s")
except ImportError:
    print("pyarrow not installed: engine=pyarrow not measured")

cpu_start = time.process_time()
for _ in range(repetitions):
    pd.read_csv(path)
print(f"pandas read_csv CPU time: {(time.process_time() - cpu_start) / repetitions:.4f} s per read (mean of {repetitions})")
