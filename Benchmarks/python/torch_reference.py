"""PyTorch reference for Atelier's neural-network benchmarks (NeuralNetBenchmarks.swift).

Same models, batch sizes, optimizers and default PyTorch initialisation as `atelier-bench nn-*`,
on the same MNIST IDX files (datasets/mnist), 2 threads. Prints seconds per epoch (training only,
data already in memory as float32 tensors) and the test metric after each epoch.

    pip install torch numpy
    python3 Benchmarks/python/torch_reference.py [shallow mlp lenet5 cnn3 autoencoder conv1d lenet5-fashion] \
        [--epochs 1] [--limit N]
"""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(2)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def read_idx(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(dataset):
    folder = os.path.join(ROOT, "datasets", dataset)
    if dataset == "fashion-mnist" and not os.path.isdir(folder):
        folder = "/usr/share/datasets/fashion-mnist"
    def pair(prefix):
        x = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32) / 255
        y = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
        return torch.from_numpy(x.copy()), torch.from_numpy(y.copy())
    return pair("train"), pair("t10k")


def make(name):
    if name == "shallow":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 10)), "flat"
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 977), nn.ReLU(), nn.Linear(977, 878), nn.ReLU(),
                             nn.Linear(878, 10)), "flat"
    if name == "lenet5":
        return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84),
                             nn.ReLU(), nn.Linear(84, 10)), "image"
    if name == "cnn3":
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(1152, 128), nn.ReLU(), nn.Linear(128, 10)), "image"
    if name == "autoencoder":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 32),
                             nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 784), nn.Sigmoid()), "flat"
    if name == "conv1d":
        return nn.Sequential(nn.Conv1d(1, 16, 5), nn.ReLU(), nn.MaxPool1d(4), nn.Conv1d(16, 32, 5), nn.ReLU(),
                             nn.MaxPool1d(4), nn.Flatten(), nn.Linear(32 * 47, 64), nn.ReLU(), nn.Linear(64, 10)), "sequence"
    raise SystemExit(f"unknown model {name}")


CONFIG = {  # batch, optimizer factory
    "shallow": (32, lambda p: torch.optim.SGD(p, lr=0.01)),
    "mlp": (100, lambda p: torch.optim.Adam(p, lr=5e-4)),
    "lenet5": (64, lambda p: torch.optim.Adam(p, lr=1e-3)),
    "cnn3": (64, lambda p: torch.optim.Adam(p, lr=1e-3)),
    "autoencoder": (128, lambda p: torch.optim.Adam(p, lr=1e-3)),
    "conv1d": (64, lambda p: torch.optim.Adam(p, lr=1e-3)),
}


def run(name, epochs, limit, seed=0):
    dataset = "fashion-mnist" if name.endswith("-fashion") else "mnist"
    model_name = name.replace("-fashion", "")
    (x, y), (tx, ty) = load(dataset)
    if limit:
        x, y = x[:limit], y[:limit]
    torch.manual_seed(seed)
    model, kind = make(model_name)
    shape = {"flat": (-1, 784), "image": (-1, 1, 28, 28), "sequence": (-1, 1, 784)}[kind]
    x, tx = x.reshape(shape), tx.reshape(shape)
    batch, optimizer_factory = CONFIG[model_name]
    optimizer = optimizer_factory(model.parameters())
    autoencoder = model_name == "autoencoder"
    loss_fn = nn.MSELoss() if autoencoder else nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(x), generator=generator)
        for i in range(0, len(x), batch):
            index = order[i:i + batch]
            xb = x[index]
            target = xb.reshape(len(index), -1) if autoencoder else y[index]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), target)
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            out = torch.cat([model(tx[i:i + 1000]) for i in range(0, len(tx), 1000)])
            if autoencoder:
                metric = f"test MSE {loss_fn(out, tx.reshape(len(tx), -1)).item():.4f}"
            else:
                metric = f"test accuracy {(out.argmax(1) == ty).float().mean().item() * 100:.2f} %"
        print(f"torch {name} batch {batch} epoch {epoch}  {seconds:.4f} s/epoch  {metric}", flush=True)
    if model_name == "lenet5" and dataset == "mnist":
        with torch.no_grad():
            model(tx[:1000])
            times = []
            for _ in range(5):
                start = time.perf_counter()
                for i in range(0, len(tx), 1000):
                    model(tx[i:i + 1000])
                times.append(time.perf_counter() - start)
        print(f"torch lenet5 inference batch 1000  {len(tx) / sorted(times)[2]:.0f} images/s", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="*", default=["shallow", "mlp", "lenet5", "cnn3", "autoencoder", "conv1d", "lenet5-fashion"])
    parser.add_argument("--epochs", type=int, default=int(os.environ.get("ATELIER_NN_EPOCHS", "1")))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=int(os.environ.get("ATELIER_NN_LIMIT", "0")) or None)
    arguments = parser.parse_args()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}", flush=True)
    for model_name in arguments.models:
        run(model_name, arguments.epochs, arguments.limit, arguments.seed)
