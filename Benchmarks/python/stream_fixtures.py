# Fixtures for Tests/StudiesTests/SamplerStreamTests.swift: the trials Optuna 5.1's seeded
# RandomSampler and TPESampler propose, printed as Swift literals (internal representation:
# numbers as they are, categoricals as the index of the choice).
#   /work/pyenv/bin/python Benchmarks/python/stream_fixtures.py > Tests/StudiesTests/SamplerStreamFixtures.swift
# The mixed space's numerical parameters have thousands of values, so that no two trials share
# one: NumPy's argsort breaks ties in a machine-dependent order (AVX-512 sorts are not stable),
# which decides which of two equal kernel centres gets which width, on Optuna's side only.
import math
import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
CHOICES = ["sgd", "adam", "rmsprop"]


def hartmann6(t):
    x = np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(6)])
    return float(-np.sum(ALPHA * np.exp(-np.sum(A * (x - P) ** 2, axis=1))))


def mixed(t):
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    units = t.suggest_int("units", 1, 100000, log=True)
    opt = t.suggest_categorical("opt", CHOICES)
    drop = t.suggest_float("drop", 0.0, 10.0, step=0.001)
    batch = t.suggest_int("batch", 16, 80000, step=8)
    return ((math.log10(lr) + 3) ** 2 + 0.1 * (math.log2(units) - 8) ** 2 + {"sgd": 1.0, "adam": 0.0, "rmsprop": 0.5}[opt]
            + (drop - 2.5) ** 2 / 10 + ((batch - 4000) / 20000) ** 2)


def rows(study, names):
    out = []
    for t in study.trials:
        row = []
        for n in names:
            v = t.params[n]
            row.append(float(CHOICES.index(v)) if isinstance(v, str) else float(v))
        out.append(row)
    return out


def lit(rows):
    return "[\n" + "".join("        [" + ", ".join(repr(v) for v in r) + "],\n" for r in rows) + "    ]"


print("// Made by Benchmarks/python/stream_fixtures.py with optuna", optuna.__version__, "and numpy", np.__version__)
print("enum SamplerStreamFixtures {")
mixed_names = ["lr", "units", "opt", "drop", "batch"]
s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3)); s.optimize(mixed, n_trials=20)
print("    /// RandomSampler(seed=3), 20 trials of the mixed space, columns", mixed_names)
print("    static let randomMixed: [[Double]] =", lit(rows(s, mixed_names)))
s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=3)); s.optimize(mixed, n_trials=40)
print("    /// TPESampler(seed=3), 40 trials of the mixed space")
print("    static let tpeMixed: [[Double]] =", lit(rows(s, mixed_names)))
s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=5, multivariate=False)); s.optimize(mixed, n_trials=30)
print("    /// TPESampler(seed=5, multivariate=False), 30 trials of the mixed space (every value sampled alone)")
print("    static let independentMixed: [[Double]] =", lit(rows(s, mixed_names)))


def dependent(t):
    """A dynamic space: widths exist only for the layers a trial has, so TPE samples lr, layers and
    width0 jointly and width1, width2 alone (continuous widths: no ties)."""
    lr = t.suggest_float("lr", 1e-4, 1e-1, log=True)
    layers = t.suggest_categorical("layers", [1, 2, 3])
    widths = [t.suggest_float(f"width{i}", 16.0, 512.0, log=True) for i in range(layers)]
    return (math.log10(lr) + 2) ** 2 + sum((math.log2(w) - 7 + i) ** 2 for i, w in enumerate(widths)) / 10 + 0.1 * layers


dep_names = ["lr", "layers", "width0", "width1", "width2"]
s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=2)); s.optimize(dependent, n_trials=40)
out = []
for t in s.trials:
    out.append([float(t.params["lr"]), float([1, 2, 3].index(t.params["layers"]))]
               + [float(t.params[n]) if n in t.params else float("nan") for n in dep_names[2:]])
print("    /// TPESampler(seed=2), 40 trials of a dependent space (NaN: the trial has no such width)")
print("    static let tpeDependent: [[Double]] =", lit(out).replace("nan", ".nan"))


def curve(t):
    """prune.py's crossing learning curves with a deterministic wiggle: a pruned study."""
    lr = t.suggest_float("lr", 1e-4, 1.0, log=True)
    reg = t.suggest_float("reg", 0.0, 1.0)
    u = math.log10(lr) + 2
    floor = 0.05 + 0.10 * u * u + 0.20 * (reg - 0.3) ** 2
    tau = 1 + 10 * 10 ** (-u / 2)
    loss = 0.0
    for step in range(1, 11):
        loss = floor + (2.3 - floor) * math.exp(-step / tau) + 0.02 * math.sin(7.0 * step + 50.0 * reg + 3.0 * u)
        t.report(loss, step)
        if t.should_prune():
            raise optuna.TrialPruned()
    return loss


s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=4), pruner=optuna.pruners.MedianPruner())
s.optimize(curve, n_trials=60)
out = [[float(t.params["lr"]), float(t.params["reg"]), 1.0 if t.state == optuna.trial.TrialState.PRUNED else 0.0,
        float(t.last_step), float(t.value)] for t in s.trials]
print("    /// TPESampler(seed=4) with MedianPruner(), 60 trials of learning curves: lr, reg,")
print("    /// pruned (1) or complete (0), last step reported, value (a pruned trial's is its last report)")
print("    static let tpeMedianPruned: [[Double]] =", lit(out))


h_names = [f"x{i}" for i in range(6)]
s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0)); s.optimize(hartmann6, n_trials=100)
print("    /// TPESampler(seed=0), 100 trials of Hartmann-6, columns x0...x5")
print("    static let tpeHartmann: [[Double]] =", lit(rows(s, h_names)))
print("    static let tpeHartmannBest =", repr(s.best_value))
print("}")
