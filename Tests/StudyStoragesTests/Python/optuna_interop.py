"""The Python side of Atelier's Optuna interop tests: real Optuna 5.1 and optuna-dashboard.

    python optuna_interop.py dump URL STUDY            every trial as Optuna reads it (JSON on stdout)
    python optuna_interop.py write URL STUDY N         Optuna creates STUDY and runs N trials (+1 enqueued)
    python optuna_interop.py work URL STUDY N SPACE    Optuna joins STUDY and runs N trials (a worker);
                                                       SPACE "rich" (write's) or "worker" (StudyStorageWorker's)
    python optuna_interop.py dashboard URL STUDY       start optuna-dashboard on the storage, fetch its JSON
    python optuna_interop.py hang URL STUDY            an Optuna worker with heartbeats (1 s) that never finishes
    python optuna_interop.py fail-stale URL STUDY G    Optuna's fail_stale_trials with grace period G s

Floats are written as strings of their repr ("0.1", "inf", "nan"), so the Swift side reads them
bit for bit (Foundation's JSON parser rounds some decimals on Linux).
"""

import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def number(x):
    return repr(x) if isinstance(x, float) else x


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return number(value)


def dump(url, name):
    study = optuna.load_study(study_name=name, storage=url)
    trials = []
    for t in study.get_trials(deepcopy=False):
        trials.append({
            "number": t.number,
            "state": t.state.name,
            "values": plain(t.values),
            "params": plain(t.params),
            "paramTypes": {k: type(v).__name__ for k, v in t.params.items()},
            "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
            "intermediate": {str(k): number(v) for k, v in t.intermediate_values.items()},
            "userAttrs": plain(t.user_attrs),
            "start": t.datetime_start.isoformat(sep=" ") if t.datetime_start else None,
            "complete": t.datetime_complete.isoformat(sep=" ") if t.datetime_complete else None,
        })
    print(json.dumps({"directions": [d.name for d in study.directions], "trials": trials}))


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    units = trial.suggest_int("units", 16, 256, step=16)
    optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd", None, 3, 2.5, True])
    trial.set_user_attr("optimizer", str(optimizer))
    for step in range(3):
        trial.report(x * x + step, step)
    if trial.number % 5 == 3:
        raise optuna.TrialPruned()
    return x * x + math.log10(lr) ** 2 + units / 256


def worker_objective(trial):
    """The space and objective of Atelier's StudyStorageWorker, so both can share a study."""
    x = trial.suggest_float("x", -10, 10)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    trial.suggest_int("units", 16, 256)
    trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    return x * x + math.log10(lr) ** 2


def seeded_objective(trial):
    """The space of Atelier's "same seed, same trials" test: continuous numbers and a categorical.
    (Integers and steps repeat values, and NumPy's argsort orders equal values differently on
    AVX-512 machines, which changes Optuna's own proposals from one machine to another.)"""
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    width = trial.suggest_float("width", 1.0, 100000.0, log=True)
    optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    drop = trial.suggest_float("drop", 0.0, 10.0)
    momentum = trial.suggest_float("momentum", 0.0, 1.0)
    return ((math.log10(lr) + 3) ** 2 + 0.1 * (math.log2(width) - 8) ** 2
            + 0.5 * ["adam", "sgd", "rmsprop"].index(optimizer) + (drop - 2.5) ** 2 / 10 + (momentum - 0.9) ** 2)


def seeded(url, name, seed, count):
    study = optuna.create_study(study_name=name, storage=url, load_if_exists=True,
                                sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(seeded_objective, n_trials=count)
    print(json.dumps({"trials": len(study.trials)}))


def write(url, name, count):
    study = optuna.create_study(study_name=name, storage=url, direction="minimize",
                                sampler=optuna.samplers.RandomSampler(seed=0))
    study.set_user_attr("owner", "optuna")
    study.optimize(objective, n_trials=count, catch=(ValueError,))
    study.enqueue_trial({"x": 1.25, "lr": 0.001, "units": 64, "optimizer": "sgd"})
    print(json.dumps({"trials": len(study.trials)}))


def work(url, name, count, space):
    study = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler())
    numbers = []

    def recorded(trial):
        numbers.append(trial.number)
        return objective(trial) if space == "rich" else worker_objective(trial)

    study.optimize(recorded, n_trials=count)
    print(json.dumps({"numbers": numbers}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, deadline):
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def dashboard(url, name):
    port = free_port()
    executable = os.path.join(os.path.dirname(sys.executable), "optuna-dashboard")
    server = subprocess.Popen([executable, url, "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        base = f"http://127.0.0.1:{port}"
        studies = fetch(base + "/api/studies", deadline)
        details = {}
        for summary in studies["study_summaries"]:
            if summary["study_name"] != name:
                continue
            study = fetch(f"{base}/api/studies/{summary['study_id']}", deadline)
            details[summary["study_name"]] = {
                "trials": [{"number": t["number"], "state": t["state"],
                            "values": t.get("values"),
                            "params": {p["name"]: p["param_external_value"] for p in t["params"]},
                            "intermediate": {str(v["step"]): v["value"] for v in t["intermediate_values"]}}
                           for t in study["trials"]],
            }
        print(json.dumps({"studies": [s["study_name"] for s in studies["study_summaries"]], "details": details}))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def heartbeat_storage(url, grace):
    return optuna.storages.RDBStorage(url, heartbeat_interval=1, grace_period=grace)


def hang(url, name):
    study = optuna.load_study(study_name=name, storage=heartbeat_storage(url, 2))

    def forever(trial):
        trial.suggest_float("x", -10, 10)
        print(json.dumps({"number": trial.number}), flush=True)
        while True:
            time.sleep(1)

    study.optimize(forever, n_trials=1)


def fail_stale(url, name, grace):
    study = optuna.load_study(study_name=name, storage=heartbeat_storage(url, grace))
    before = {t.number for t in study.get_trials(states=(optuna.trial.TrialState.FAIL,))}
    optuna.storages.fail_stale_trials(study)
    after = {t.number for t in study.get_trials(states=(optuna.trial.TrialState.FAIL,))}
    print(json.dumps({"numbers": sorted(after - before)}))


if __name__ == "__main__":
    command, url = sys.argv[1], sys.argv[2]
    if command == "dump":
        dump(url, sys.argv[3])
    elif command == "write":
        write(url, sys.argv[3], int(sys.argv[4]))
    elif command == "work":
        work(url, sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif command == "seeded":
        seeded(url, sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif command == "dashboard":
        dashboard(url, sys.argv[3])
    elif command == "hang":
        hang(url, sys.argv[3])
    elif command == "fail-stale":
        fail_stale(url, sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(f"unknown command {command}")
