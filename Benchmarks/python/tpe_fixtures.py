# Fixtures for Tests/StudiesTests/TPEOracleTests.swift: Optuna 5.1's _ParzenEstimator and TPE split
# on fixed observations, printed as Swift literals.
#   /work/pyenv/bin/python Benchmarks/python/tpe_fixtures.py
import math
import numpy as np
import optuna
from optuna.distributions import FloatDistribution as F, IntDistribution as I, CategoricalDistribution as C
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights, _split_trials
from optuna.samplers._tpe import probability_distributions as pd

optuna.logging.set_verbosity(optuna.logging.ERROR)
print("// optuna", optuna.__version__)
params = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                    weights=default_weights, multivariate=True)
space = {"x": F(-5, 10), "lr": F(1e-5, 1e-1, log=True), "units": I(16, 512), "layers": I(1, 64, log=True),
         "drop": F(0.0, 0.5, step=0.1), "opt": C(["sgd", "adam", "rmsprop"])}
rng = np.random.RandomState(7)
n = 30
obs = {"x": rng.uniform(-5, 10, n), "lr": np.exp(rng.uniform(math.log(1e-5), math.log(1e-1), n)),
       "units": rng.randint(16, 513, n).astype(float), "layers": np.round(np.exp(rng.uniform(0, math.log(64), n))),
       "drop": rng.randint(0, 6, n) * 0.1, "opt": rng.randint(0, 3, n).astype(float)}
def lit(a): return "[" + ", ".join(repr(float(v)) for v in a) + "]"
print("static let observations: [String: [Double]] = [")
for k, v in obs.items(): print(f'    "{k}": {lit(v)},')
print("]")
pe = _ParzenEstimator(obs, space, params)
m = pe._mixture_distribution
print("static let weights: [Double] =", lit(m.weights))
for name, d in zip(space, m.distributions):
    if isinstance(d, pd._BatchedCategoricalDistributions):
        print(f"static let {name}Probabilities: [Double] =", lit(d.weights.ravel()))
    else:
        print(f"static let {name}Mus: [Double] =", lit(d.mu))
        print(f"static let {name}Sigmas: [Double] =", lit(d.sigma))
pts = {"x": np.array([-5.0, -1.2, 3.3, 9.99]), "lr": np.array([1e-5, 3e-4, 0.01, 0.09]),
       "units": np.array([16.0, 100.0, 300.0, 512.0]), "layers": np.array([1.0, 3.0, 17.0, 64.0]),
       "drop": np.array([0.0, 0.1, 0.3, 0.5]), "opt": np.array([0.0, 1.0, 2.0, 1.0])}
print("static let points: [String: [Double]] = [")
for k, v in pts.items(): print(f'    "{k}": {lit(v)},')
print("]")
print("static let logDensities: [Double] =", lit(pe.log_pdf(pts)))
# Six observations with no tied value in any numerical parameter: numpy's argsort (x86-simd-sort on
# AVX-512 machines) orders ties arbitrarily, which hands tied kernels each other's widths; without
# ties the joint densities can be compared exactly.
r6 = np.random.RandomState(11)
small = {"x": r6.uniform(-5, 10, 6), "lr": np.exp(r6.uniform(math.log(1e-5), math.log(1e-1), 6)),
         "units": r6.choice(np.arange(16, 513), 6, replace=False).astype(float),
         "layers": r6.choice(np.arange(1, 65), 6, replace=False).astype(float),
         "drop": r6.permutation(6) * 0.1, "opt": r6.randint(0, 3, 6).astype(float)}
print("static let smallObservations: [String: [Double]] = [")
for k, v in small.items(): print(f'    "{k}": {lit(v)},')
print("]")
pe_small = _ParzenEstimator(small, space, params)
print("static let smallLogDensities: [Double] =", lit(pe_small.log_pdf(pts)))
# Many observations: the ramped weights and the clipped widths.
big = {"x": np.random.RandomState(3).uniform(-5, 10, 200)}
pe2 = _ParzenEstimator(big, {"x": F(-5, 10)}, params)
print("static let bigObservations: [Double] =", lit(big["x"]))
print("static let bigWeights: [Double] =", lit(pe2._mixture_distribution.weights))
print("static let bigSigmas: [Double] =", lit(pe2._mixture_distribution.distributions[0].sigma))
print("static let bigLogDensities: [Double] =", lit(pe2.log_pdf({"x": np.array([-4.9, 0.0, 2.5, 7.7])})))
# The split of COMPLETE, PRUNED and RUNNING trials (minimize, then maximize).
study = optuna.create_study()
trials = []
vals = [3.0, 1.0, None, 2.0, 1.0, None, 5.0, None, 0.5, 4.0, None, 2.5]
for i, v in enumerate(vals):
    if v is not None:
        t = optuna.trial.create_trial(value=v, params={}, distributions={})
    elif i in (2, 7):
        t = optuna.trial.create_trial(state=optuna.trial.TrialState.PRUNED, params={}, distributions={},
                                      intermediate_values={0: 9.0, 1: float(i)} if i == 2 else {0: 1.0})
    else:
        t = optuna.trial.create_trial(state=optuna.trial.TrialState.RUNNING, params={}, distributions={})
    study.add_trial(t)
frozen = study.get_trials(deepcopy=False)
for nb in (3, 6, 9):
    b, a = _split_trials(study, frozen, nb)
    print(f"// minimize n_below {nb}: below {[t.number for t in b]} above {[t.number for t in a]}")
study2 = optuna.create_study(direction="maximize")
for t in frozen: study2.add_trial(optuna.trial.create_trial(state=t.state, value=t.value, params={}, distributions={}, intermediate_values=t.intermediate_values))
frozen2 = study2.get_trials(deepcopy=False)
for nb in (3, 6, 9):
    b, a = _split_trials(study2, frozen2, nb)
    print(f"// maximize n_below {nb}: below {[t.number for t in b]} above {[t.number for t in a]}")
