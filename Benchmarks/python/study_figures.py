"""A 10,000-trial study written by Optuna 5.1 into SQLite, for the study-figures benchmark, and
Optuna's own times and importances on it.

    python Benchmarks/python/study_figures.py make DB          # writes study "figures10k" into sqlite:///DB
    python Benchmarks/python/study_figures.py importance DB    # Optuna's default (PED-ANOVA) importances, JSON
    python Benchmarks/python/study_figures.py plots DB [REPS]  # optuna.visualization.matplotlib times (needs matplotlib)

Five parameters: lr (log float), units (int), layers (int), optimizer (categorical), dropout
(float); accuracy-like objective maximised; MedianPruner on 5 reported steps, so some trials are
pruned with intermediate values. Random sampler: TPE over 10,000 trials would take hours in Python.
"""
import json
import math
import sys
import time

import optuna

STUDY = "figures10k"


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    units = trial.suggest_int("units", 16, 256)
    layers = trial.suggest_int("layers", 1, 4)
    optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    dropout = trial.suggest_float("dropout", 0.0, 0.5)
    final = (0.99 - 0.02 * (math.log10(lr) + 3) ** 2 - 0.002 * abs(units - 128) / 128
             - 0.003 * abs(layers - 2) - {"adam": 0.0, "sgd": 0.004, "rmsprop": 0.001}[optimizer] - 0.004 * dropout)
    for step in range(1, 6):
        value = final - 0.3 * 0.6 ** step
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return final


def make(db):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    memory = optuna.create_study(study_name=STUDY, direction="maximize",
                                 sampler=optuna.samplers.RandomSampler(seed=0),
                                 pruner=optuna.pruners.MedianPruner(n_startup_trials=50, n_warmup_steps=1))
    memory.optimize(objective, n_trials=10_000)
    # Optuna's own schema and writes, without an fsync per commit (the copy takes minutes otherwise).
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}")
    import sqlalchemy
    sqlalchemy.event.listen(storage.engine, "connect",
                            lambda connection, _: connection.execute("PRAGMA synchronous=OFF"))
    with storage.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    optuna.copy_study(from_study_name=STUDY, from_storage=memory._storage, to_storage=storage)
    states = [t.state.name for t in memory.trials]
    print(json.dumps({state: states.count(state) for state in set(states)}))


def importance(db):
    study = optuna.load_study(study_name=STUDY, storage=f"sqlite:///{db}")
    start = time.perf_counter()
    result = optuna.importance.get_param_importances(study)
    seconds = time.perf_counter() - start
    print(json.dumps({"importances": result, "seconds": seconds}))


def plots(db, repetitions):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from optuna.visualization import matplotlib as vis
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    import warnings
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    study = optuna.load_study(study_name=STUDY, storage=f"sqlite:///{db}")
    study.trials
    print(f"load {time.perf_counter() - start:.3f} s")
    kinds = {
        "history": lambda: vis.plot_optimization_history(study),
        "parallel": lambda: vis.plot_parallel_coordinate(study),
        "slice": lambda: vis.plot_slice(study),
        "contour": lambda: vis.plot_contour(study, params=["lr", "units"]),
        "importance": lambda: vis.plot_param_importances(study),
        "intermediate": lambda: vis.plot_intermediate_values(study),
        "states": lambda: vis.plot_timeline(study),
    }
    for name, draw in kinds.items():
        times = []
        for _ in range(repetitions):
            start = time.perf_counter()
            axes = draw()
            figure = axes.flat[0].figure if hasattr(axes, "flat") else axes.figure
            figure.savefig(f"/tmp/optuna-{name}.png", dpi=100)
            plt.close("all")
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"optuna plot {name:<14} {times[len(times) // 2]:8.3f} s  (median of {repetitions}, render to PNG included)")


if __name__ == "__main__":
    command, db = sys.argv[1], sys.argv[2]
    if command == "make":
        make(db)
    elif command == "importance":
        importance(db)
    else:
        plots(db, int(sys.argv[3]) if len(sys.argv) > 3 else 3)
