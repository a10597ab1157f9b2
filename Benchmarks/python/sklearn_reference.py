#!/usr/bin/env python3
"""Reference timings for the analysis benchmarks (issue 5): scikit-learn and openTSNE on MNIST.

Same tasks and data as `atelier-bench kmeans-10k ... tsne-70k` (MNIST scaled to [0, 1] as
float32; "70k" is train then test). Run with both cores:

    pip install scikit-learn openTSNE threadpoolctl
    python3 Benchmarks/python/sklearn_reference.py [TASK ...]

Tasks: kmeans-10k kmeans-70k kmeans-70k-ninit10 silhouette-10k silhouette-70k pca-70k
       kmeans-10k-seeds kmeans-70k-seeds (random_state 0...4, median and range; the same as
       `atelier-bench kmeans-10k-seeds kmeans-70k-seeds`; add -elkan for scikit-learn's elkan)
       kmeans-same-init (Lloyd from Atelier's seedings, after `atelier-bench kmeans-export-init`)
       tsne-10k-sklearn tsne-10k-opentsne tsne-70k-opentsne   (default: all but the slow 70k ones
       silhouette-70k and tsne-70k-opentsne, which must be named).
When /tmp/atelier-analysis/kmeans10k-labels.txt (written by `atelier-bench kmeans-10k`) exists,
silhouette-10k also scores Atelier's own labelling, to compare the two silhouettes on the same labels.
"""
import gzip
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.environ.get("ATELIER_MNIST_DIR", os.path.join(HERE, "..", "..", "datasets", "mnist"))
OUT = os.environ.get("ATELIER_BENCH_OUT", "/tmp/atelier-analysis")


def idx(name):
    with gzip.open(os.path.join(MNIST, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def test_set():
    x = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    return x, idx("t10k-labels-idx1-ubyte.gz").astype(int)


def all_set():
    xtr = idx("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    xte, yte = test_set()
    return np.vstack([xtr, xte]), np.concatenate([idx("train-labels-idx1-ubyte.gz").astype(int), yte])


def knn_accuracy(embedding, labels, k=10):
    """Leave-one-out k-NN accuracy, majority vote, ties to the smallest label."""
    from sklearn.neighbors import NearestNeighbors
    _, ind = NearestNeighbors(n_neighbors=k + 1).fit(embedding).kneighbors(embedding)
    neighbours = labels[ind[:, 1:]]
    votes = np.zeros((len(labels), labels.max() + 1), dtype=int)
    for j in range(k):
        np.add.at(votes, (np.arange(len(labels)), neighbours[:, j]), 1)
    return float(np.mean(votes.argmax(axis=1) == labels))


_cpu_mark = [time.process_time()]


def report(task, seconds, note=""):
    """Prints wall seconds and the process CPU seconds since the previous report (all threads)."""
    cpu = time.process_time()
    print(f"{task:<28} {seconds:9.3f} s  (cpu since last report {cpu - _cpu_mark[0]:.2f} s)  {note}", flush=True)
    _cpu_mark[0] = cpu


def kmeans(x, n_init, seed=0, algorithm="lloyd"):
    from sklearn.cluster import KMeans
    start = time.perf_counter()
    model = KMeans(n_clusters=10, n_init=n_init, algorithm=algorithm, random_state=seed).fit(x)
    return time.perf_counter() - start, model


def kmeans_seeds(name, x, algorithm):
    """One fit per random_state 0...4 (10k: median of 3 fits each); then median and range."""
    walls, iterations, inertias = [], [], []
    for seed in range(5):
        runs = [kmeans(x, 1, seed, algorithm) for _ in range(3 if len(x) <= 10_000 else 1)]
        t = sorted(r[0] for r in runs)[len(runs) // 2]
        m = runs[0][1]
        walls.append(t); iterations.append(m.n_iter_); inertias.append(m.inertia_)
        report(f"{name} {algorithm} seed {seed}", t, f"inertia {m.inertia_:.0f}; {m.n_iter_} iterations")
    med = lambda v: sorted(v)[len(v) // 2]
    report(f"{name} {algorithm} median", med(walls),
           f"range {min(walls):.3f}-{max(walls):.3f} s; iterations median {med(iterations)} ({min(iterations)}-{max(iterations)}); "
           f"inertia median {med(inertias):.0f} ({min(inertias):.0f}-{max(inertias):.0f})")


def main(tasks):
    from sklearn import __version__ as sklearn_version
    from threadpoolctl import threadpool_info
    print(f"scikit-learn {sklearn_version}, numpy {np.__version__}, cpus {os.cpu_count()}, "
          + ", ".join(f"{i['internal_api']} {i.get('architecture', '')} x{i['num_threads']}" for i in threadpool_info()))
    if "kmeans-10k" in tasks:
        x, _ = test_set()
        t, m = kmeans(x, 1)
        report("kmeans-10k", t, f"inertia {m.inertia_:.0f}; {m.n_iter_} iterations")
    if "kmeans-70k" in tasks:
        x, _ = all_set()
        t, m = kmeans(x, 1)
        report("kmeans-70k", t, f"inertia {m.inertia_:.0f}; {m.n_iter_} iterations")
    for size, loader in [("10k", test_set), ("70k", all_set)]:
        for algorithm in ["lloyd", "elkan"]:
            task = f"kmeans-{size}-seeds" + ("" if algorithm == "lloyd" else "-elkan")
            if task in tasks:
                kmeans_seeds(f"kmeans-{size}", loader()[0], algorithm)
    if "kmeans-same-init" in tasks:
        # scikit-learn's Lloyd from Atelier's k-means++ seed points (`atelier-bench kmeans-export-init`):
        # equal iteration counts and inertias mean the same iterations and stopping rule.
        from sklearn.cluster import KMeans
        for size, loader in [("10k", test_set), ("70k", all_set)]:
            x = loader()[0]
            for seed in range(5):
                path = os.path.join(OUT, f"kmeans{size}-seed{seed}-init.txt")
                if not os.path.exists(path):
                    continue
                init = x[np.loadtxt(path, dtype=int)]
                start = time.perf_counter()
                m = KMeans(n_clusters=10, n_init=1, init=init, algorithm="lloyd").fit(x)
                report(f"kmeans-{size} atelier init {seed}", time.perf_counter() - start,
                       f"inertia {m.inertia_:.0f}; {m.n_iter_} iterations")
    if "kmeans-70k-ninit10" in tasks:
        x, _ = all_set()
        t, m = kmeans(x, 10)
        report("kmeans-70k-ninit10", t, f"inertia {m.inertia_:.0f}")
    if "silhouette-10k" in tasks:
        from sklearn.metrics import silhouette_score
        x, _ = test_set()
        _, m = kmeans(x, 1)
        start = time.perf_counter()
        s = silhouette_score(x, m.labels_)
        report("silhouette-10k", time.perf_counter() - start, f"score {s:.6f} (scikit-learn's k-means labels)")
        path = os.path.join(OUT, "kmeans10k-labels.txt")
        if os.path.exists(path):
            labels = np.loadtxt(path, dtype=int)
            report("silhouette-10k atelier labels", 0, f"score {silhouette_score(x, labels):.6f} (Atelier's labels, {path})")
    if "silhouette-70k" in tasks:
        from sklearn.metrics import silhouette_samples
        x, _ = all_set()
        _, m = kmeans(x, 1)
        start = time.perf_counter()
        s = float(np.mean(silhouette_samples(x, m.labels_)))
        report("silhouette-70k", time.perf_counter() - start, f"score {s:.6f}")
        path = os.path.join(OUT, "kmeans70k-labels.txt")
        if os.path.exists(path):
            labels = np.loadtxt(path, dtype=int)
            report("silhouette-70k atelier labels", 0, f"score {float(np.mean(silhouette_samples(x, labels))):.6f}")
    if "pca-70k" in tasks:
        from sklearn.decomposition import PCA
        x, _ = all_set()
        times = []
        for _ in range(5):
            start = time.perf_counter()
            p = PCA(n_components=50, svd_solver="covariance_eigh").fit(x)
            times.append(time.perf_counter() - start)
        report("pca-70k", sorted(times)[2], f"fit, median of 5; explained variance {p.explained_variance_ratio_.sum():.4f}")
    for task, n, impl in [("tsne-10k-sklearn", 10_000, "sklearn"), ("tsne-10k-opentsne", 10_000, "opentsne"),
                          ("tsne-70k-opentsne", None, "opentsne")]:
        if task not in tasks:
            continue
        from sklearn.decomposition import PCA
        x, y = test_set() if n else all_set()
        start = time.perf_counter()
        reduced = PCA(n_components=50, svd_solver="covariance_eigh").fit_transform(x)
        if impl == "sklearn":
            from sklearn.manifold import TSNE
            model = TSNE(perplexity=30, init="pca", random_state=0, n_jobs=2)
            embedding = model.fit_transform(reduced)
            kl = model.kl_divergence_
        else:
            from openTSNE import TSNE
            embedding = TSNE(perplexity=30, n_jobs=2, random_state=0, verbose=False).fit(reduced)
            kl = embedding.kl_divergence
            embedding = np.asarray(embedding)
        elapsed = time.perf_counter() - start
        report(task, elapsed, f"KL {kl:.4f}; 10-NN accuracy {knn_accuracy(embedding, y):.4f}")


if __name__ == "__main__":
    default = ["kmeans-10k", "kmeans-70k", "kmeans-70k-ninit10", "silhouette-10k", "pca-70k",
               "tsne-10k-sklearn", "tsne-10k-opentsne"]
    main(sys.argv[1:] or default)
