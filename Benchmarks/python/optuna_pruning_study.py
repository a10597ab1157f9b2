"""The pruning study of Benchmarks/studies/pruning.sh, with Optuna 5.1 and PyTorch instead of Atelier.

Same protocol: the shallow network 784-h-10 on the first 10,000 MNIST training images (stratified
9,000 fit / 1,000 validation), 40 trials of 10 epochs, TPE(seed), the validation accuracy reported
after every epoch, the same space as Benchmarks/studies/pruning-space.json, MedianPruner() (Optuna's
defaults) against NopPruner. Prints epochs spent and the best validation accuracy per study: how
much Optuna's own median pruner saves on a study of this kind.

    python3 Benchmarks/python/optuna_pruning_study.py [SEEDS...]      (default 0 1 2)

SAMPLER=random uses RandomSampler(seed) instead of TPESampler(seed), as pruning.sh's SAMPLER.
"""
import gzip, os, struct, sys, time
import numpy as np, optuna, torch
from torch import nn

optuna.logging.set_verbosity(optuna.logging.ERROR)
torch.set_num_threads(2)
root = os.environ.get("MNIST_DIR", os.path.join(os.path.dirname(__file__), "../../datasets/mnist"))

def idx(name):
    with gzip.open(os.path.join(root, name)) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)

x = idx("train-images-idx3-ubyte.gz")[:10000].reshape(-1, 784).astype(np.float32) / 255
y = idx("train-labels-idx1-ubyte.gz")[:10000].astype(np.int64)
rng = np.random.default_rng(0)
val = np.concatenate([rng.permutation(np.flatnonzero(y == c))[: round(0.1 * np.sum(y == c))] for c in range(10)])
fit = np.setdiff1d(np.arange(len(y)), val)
xf, yf, xv, yv = map(torch.from_numpy, (x[fit], y[fit], x[val], y[val]))

def objective(trial, epochs_used):
    lr = trial.suggest_float("learningRate", 1e-4, 1e-1, log=True)
    batch = trial.suggest_int("batchSize", 16, 256, log=True)
    hidden = trial.suggest_int("hidden", 64, 1024, log=True)
    kind = trial.suggest_categorical("optimizer", ["adam", "sgd"])
    torch.manual_seed(trial.number)
    model = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    opt = (torch.optim.Adam if kind == "adam" else torch.optim.SGD)(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, 11):
        order = torch.randperm(len(xf))
        for i in range(0, len(xf), batch):
            b = order[i:i + batch]
            opt.zero_grad()
            loss_fn(model(xf[b]), yf[b]).backward()
            opt.step()
        with torch.no_grad():
            acc = (model(xv).argmax(1) == yv).float().mean().item()
        epochs_used[0] += 1
        trial.report(acc, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return acc

print("| pruner | seed | complete | pruned | epochs | saved | best validation accuracy | seconds |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for seed in [int(s) for s in sys.argv[1:]] or [0, 1, 2]:
    for name, pruner in [("none", optuna.pruners.NopPruner()), ("median", optuna.pruners.MedianPruner())]:
        used, start = [0], time.perf_counter()
        sampler = (optuna.samplers.RandomSampler if os.environ.get("SAMPLER") == "random" else optuna.samplers.TPESampler)(seed=seed)
        study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
        study.optimize(lambda t: objective(t, used), n_trials=40)
        states = [t.state.name for t in study.trials]
        print(f"| {name} | {seed} | {states.count('COMPLETE')} | {states.count('PRUNED')} | {used[0]} | "
              f"{100 * (1 - used[0] / 400):.0f} % | {100 * study.best_value:.2f} % | {time.perf_counter() - start:.0f} |", flush=True)
