# Optuna 5.1's own TPE with n_ei_candidates 24 (its default) and 96 on Hartmann-6, best@100 over
# held-out seeds: the check that the gain of more candidates (atelier-bench study-quality-wide)
# belongs to the algorithm, not to Atelier's implementation.
#   python3 Benchmarks/python/optuna_candidates.py [FIRST_SEED] [SEEDS]     (defaults 1000 100)
import sys, time, numpy as np, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
def hartmann6(t):
    x = np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(6)])
    return float(-np.sum(ALPHA * np.exp(-np.sum(A * (x - P) ** 2, axis=1))))
first = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
for candidates in (24, 96):
    best, t0 = [], time.perf_counter()
    for seed in range(first, first + count):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed, n_ei_candidates=candidates))
        study.optimize(hartmann6, n_trials=100)
        best.append(study.best_value)
    b = np.sort(best)
    print(f"Hartmann6 optuna {optuna.__version__} n_ei_candidates={candidates:3d}: median {np.median(b):.4f} "
          f"[{np.quantile(b, 0.25):.4f}, {np.quantile(b, 0.75):.4f}] mean {b.mean():.4f}  "
          f"(seeds {first}..{first + count - 1}, {time.perf_counter() - t0:.0f} s)", flush=True)
