# Fixtures for Tests/StudiesTests/PrunerOracleTests.swift: Optuna 5.1's pruners on hand-made
# learning curves. Trials run one after another; each reports its curve step by step (steps 1..20)
# and stops at the first step where should_prune() says so. Prints, per pruner and direction, the
# step each trial was pruned at (nil: it ran to the end), as Swift literals.
#   /work/pyenv/bin/python Benchmarks/python/pruner_fixtures.py
import math
import warnings
import optuna
warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)

STEPS = 20
def curve(i):
    floor = 0.1 + 0.07 * ((i * 7) % 11)
    tau = 1.0 + (i * 5) % 9
    values = [floor + (2.0 - floor) * math.exp(-t / tau) + 0.01 * (((i + 1) * (t + 3)) % 5) for t in range(1, STEPS + 1)]
    if i % 4 == 0:  # overfitting: the curve turns up after step 12
        values = [v + 0.03 * max(0, t - 12) for t, v in zip(range(1, STEPS + 1), values)]
    if i == 13:
        values[5:] = [float("nan")] * (STEPS - 5)
    return values
CURVES = [curve(i) for i in range(30)]

PRUNERS = {
    "median": lambda: optuna.pruners.MedianPruner(),
    "medianWarmup": lambda: optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=3, interval_steps=2),
    "percentile25": lambda: optuna.pruners.PercentilePruner(25.0, n_startup_trials=3, n_min_trials=2),
    "halving": lambda: optuna.pruners.SuccessiveHalvingPruner(),
    "halvingFixed": lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource=2, reduction_factor=3),
    "hyperband": lambda: optuna.pruners.HyperbandPruner(),
    "hyperbandFixed": lambda: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=20, reduction_factor=2),
    "patientMedian": lambda: optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(), patience=2),
    "patientAlone": lambda: optuna.pruners.PatientPruner(None, patience=2, min_delta=0.005),
}

print("// optuna", optuna.__version__)
print("static let curves: [[Double]] = [")
for c in CURVES:
    print("    [" + ", ".join("Double.nan" if math.isnan(v) else repr(v) for v in c) + "],")
print("]")
print("static let prunedSteps: [String: [Int?]] = [")
for direction in ("minimize", "maximize"):
    sign = 1.0 if direction == "minimize" else -1.0
    for name, make in PRUNERS.items():
        study = optuna.create_study(study_name="curves", direction=direction, pruner=make(),
                                    sampler=optuna.samplers.RandomSampler(seed=0))
        result = []
        for values in CURVES:
            trial = study.ask()
            pruned_at = None
            for t, v in enumerate(values, start=1):
                trial.report(sign * v, t)
                if trial.should_prune():
                    pruned_at = t
                    break
            if pruned_at is None:
                study.tell(trial, sign * values[-1] if not math.isnan(values[-1]) else float("nan"))
            else:
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            result.append(pruned_at)
        print(f'    "{direction} {name}": [' + ", ".join("nil" if r is None else str(r) for r in result) + "],")
print("]")
