#!/usr/bin/env python3
"""matplotlib reference timings for the Plotting benchmarks (issue 3).

Times render + save only (imports and data generation excluded), median of N runs, for the same
figures `atelier-bench plot-*` draws:
  scatter: 70,000 points, 10 classes (one scatter call per class, with labels), legend, 1600x1600 PNG
  gallery: 8 x 18 MNIST training digits, gray, 3240x1920 PNG (the seeds' plot_gallery)
  line:    2 curves x 20 points, legend, 640x480 PNG

Usage:
  plot_reference.py [--repetitions N] [--mnist DIR]        -> JSON medians on stdout
  plot_reference.py --csv-scatter IN.csv OUT.png           -> one whole process: CSV in, PNG out
                                                              (what `atelier plot scatter` does)
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time


def csv_scatter(path, out):
    import numpy as np
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    x, y, label = data[:, 0], data[:, 1], data[:, 2].astype(int)
    fig, ax = plt.subplots(figsize=(10, 7.5), dpi=120)  # 1200x900, as atelier's default
    for k in np.unique(label):
        mask = label == k
        ax.scatter(x[mask], y[mask], s=9, alpha=0.7, label=str(k))  # 3-pt markers, as --size 3
    ax.legend(title="label", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(os.path.basename(path))
    fig.savefig(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--mnist", default=None)
    parser.add_argument("--csv-scatter", nargs=2, metavar=("CSV", "PNG"))
    arguments = parser.parse_args()
    if arguments.csv_scatter:
        csv_scatter(*arguments.csv_scatter)
        return

    started = time.perf_counter()
    import numpy as np
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import_seconds = time.perf_counter() - started

    out = "/tmp/atelier-plot-reference"
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)

    # scatter: ten Gaussian clusters on a ring.
    n = 70_000
    labels = np.arange(n) % 10
    angles = labels / 10 * 2 * np.pi
    x = 30 * np.cos(angles) + 6 * rng.standard_normal(n)
    y = 30 * np.sin(angles) + 6 * rng.standard_normal(n)

    def scatter():
        fig, ax = plt.subplots(figsize=(16, 16), dpi=100)
        for k in range(10):
            mask = labels == k
            ax.scatter(x[mask], y[mask], s=4, alpha=0.7, label=f"digit {k}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.set_title("t-SNE of 70,000 points")
        fig.savefig(f"{out}/scatter.png")
        plt.close(fig)

    # gallery: 8 x 18 digits.
    mnist = arguments.mnist or os.path.join(os.path.dirname(__file__), "..", "..", "datasets", "mnist")
    with gzip.open(os.path.join(mnist, "train-images-idx3-ubyte.gz")) as handle:
        raw = handle.read()
    images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 28, 28)[:144] / 255.0

    def gallery():
        fig = plt.figure(figsize=(32.4, 19.2), dpi=100)
        for index in range(144):
            ax = fig.add_subplot(8, 18, index + 1)
            ax.imshow(images[index], cmap="gray")
            ax.set_xticks(())
            ax.set_yticks(())
        fig.savefig(f"{out}/gallery.png")
        plt.close(fig)

    epochs = np.arange(1, 21)

    def line():
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.plot(epochs, 2.2 * np.exp(-epochs / 4), label="train")
        ax.plot(epochs, 2.2 * np.exp(-epochs / 4) + 0.05, label="validation")
        ax.legend()
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        fig.savefig(f"{out}/line.png")
        plt.close(fig)

    results = {"import_seconds": import_seconds, "matplotlib": matplotlib.__version__,
               "python": sys.version.split()[0]}
    for name, body in [("scatter", scatter), ("gallery", gallery), ("line", line)]:
        body()  # warm-up (font cache, first figure)
        times = []
        for _ in range(arguments.repetitions):
            start = time.perf_counter()
            body()
            times.append(time.perf_counter() - start)
        results[name] = statistics.median(times)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
