# Writes Tests/LinearModelsTests/ScikitLearnFixtures.swift: small data sets and what scikit-learn
# fits on them (LinearRegression, Ridge, LogisticRegression binary / multinomial / weighted) and
# its metrics (r2_score, mean_squared_error, log_loss). Features are rounded to 2 decimals and
# then to float32, so the Swift Float literals hold exactly the values scikit-learn saw in float64.
# The logistic fits use tol=1e-12 so scikit-learn's lbfgs stops at the optimum, not 1e-4 short of it.
# Run from the repository root: /work/pyenv/bin/python Benchmarks/python/linear_models_fixtures.py
import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, Ridge, LogisticRegression
from sklearn.metrics import r2_score, mean_squared_error, log_loss

rng = np.random.default_rng(2026)

def f32(a):
    return np.round(a, 2).astype(np.float32).astype(np.float64)

def floats(a):
    return "[" + ", ".join(np.format_float_positional(np.float32(v), unique=True, trim="-") for v in np.ravel(a)) + "]"

def doubles(a):
    return "[" + ", ".join(repr(float(v)) for v in np.ravel(a)) + "]"

def ints(a):
    return "[" + ", ".join(str(int(v)) for v in np.ravel(a)) + "]"

def matrix(a):
    return "[" + ", ".join(doubles(row) for row in a) + "]"

out = []
def emit(name, kind, value):
    out.append(f"    static let {name}: {kind} = {value}")

# Regression: 30 rows, 3 features.
n, p = 30, 3
X = f32(rng.normal(0, 1, (n, p)) * [1.0, 2.0, 0.5] + [0.0, 1.0, -2.0])
y = X @ [1.5, -2.0, 3.0] + 0.7 + rng.normal(0, 0.5, n)
emit("regressionX", "[Float]", floats(X))
emit("regressionY", "[Double]", doubles(y))
ols = LinearRegression().fit(X, y)
emit("olsCoefficients", "[Double]", doubles(ols.coef_))
emit("olsIntercept", "Double", repr(float(ols.intercept_)))
emit("olsR2", "Double", repr(float(ols.score(X, y))))
emit("olsMSE", "Double", repr(float(mean_squared_error(y, ols.predict(X)))))
ols0 = LinearRegression(fit_intercept=False).fit(X, y)
emit("olsNoInterceptCoefficients", "[Double]", doubles(ols0.coef_))
ridge = Ridge(alpha=1.0).fit(X, y)
emit("ridgeCoefficients", "[Double]", doubles(ridge.coef_))
emit("ridgeIntercept", "Double", repr(float(ridge.intercept_)))
ridge25 = Ridge(alpha=25.0).fit(X, y)
emit("ridge25Coefficients", "[Double]", doubles(ridge25.coef_))
emit("ridge25Intercept", "Double", repr(float(ridge25.intercept_)))

# Rank-deficient least squares: column 3 = 2 * column 1 (exact in float), minimum-norm solution.
Xc = X.copy()
Xc[:, 2] = 2 * Xc[:, 0]
olsc = LinearRegression().fit(Xc, y)
emit("collinearCoefficients", "[Double]", doubles(olsc.coef_))
emit("collinearIntercept", "Double", repr(float(olsc.intercept_)))

# More columns than rows: ridge only (kernel form).
Xw = f32(rng.normal(0, 1, (6, 9)))
yw = rng.normal(0, 1, 6)
wide = Ridge(alpha=0.5).fit(Xw, yw)
emit("wideX", "[Float]", floats(Xw))
emit("wideY", "[Double]", doubles(yw))
emit("wideRidgeCoefficients", "[Double]", doubles(wide.coef_))
emit("wideRidgeIntercept", "Double", repr(float(wide.intercept_)))

# Binary logistic regression: 40 rows, 3 features, labels 3 and 8.
n = 40
Xb = f32(rng.normal(0, 1, (n, 3)))
yb = np.where(Xb @ [1.2, -0.8, 0.4] + 0.3 + rng.normal(0, 0.8, n) > 0, 8, 3)
emit("binaryX", "[Float]", floats(Xb))
emit("binaryY", "[Int]", ints(yb))
for C, name in [(1.0, "binaryC1"), (0.1, "binaryC01")]:
    m = LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(Xb, yb)
    emit(name + "Coefficients", "[Double]", doubles(m.coef_[0]))
    emit(name + "Intercept", "Double", repr(float(m.intercept_[0])))
m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(Xb, yb)
proba = m.predict_proba(Xb)
emit("binaryProbabilitiesFirst3", "[[Double]]", matrix(proba[:3]))
emit("binaryAccuracy", "Double", repr(float(m.score(Xb, yb))))
emit("binaryLogLoss", "Double", repr(float(log_loss(yb, proba))))
weights = np.round(rng.uniform(0.2, 3.0, n), 2)
mw = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(Xb, yb, sample_weight=weights)
emit("binaryWeights", "[Double]", doubles(weights))
emit("weightedCoefficients", "[Double]", doubles(mw.coef_[0]))
emit("weightedIntercept", "Double", repr(float(mw.intercept_[0])))

# Multinomial: 60 rows, 2 features, classes 2, 5, 7 around three centres.
centres = np.array([[0, 0], [2, 1], [0.5, 2.5]])
lab = np.repeat([2, 5, 7], 20)
Xm = f32(centres[np.repeat([0, 1, 2], 20)] + rng.normal(0, 0.9, (60, 2)))
ym = lab
mm = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(Xm, ym)
emit("multiX", "[Float]", floats(Xm))
emit("multiY", "[Int]", ints(ym))
emit("multiCoefficients", "[[Double]]", matrix(mm.coef_))
emit("multiIntercepts", "[Double]", doubles(mm.intercept_))
emit("multiProbabilitiesFirst3", "[[Double]]", matrix(mm.predict_proba(Xm)[:3]))
emit("multiAccuracy", "Double", repr(float(mm.score(Xm, ym))))
emit("multiLogLoss", "Double", repr(float(log_loss(ym, mm.predict_proba(Xm)))))
mm2 = LogisticRegression(C=0.05, tol=1e-12, max_iter=100000).fit(Xm, ym)
emit("multiC005Coefficients", "[[Double]]", matrix(mm2.coef_))
emit("multiC005Intercepts", "[Double]", doubles(mm2.intercept_))

# Metrics on fixed numbers.
yt = np.array([3.0, -0.5, 2.0, 7.0, 4.2])
yp = np.array([2.5, 0.0, 2.0, 8.0, 3.9])
emit("metricTargets", "[Double]", doubles(yt))
emit("metricPredictions", "[Double]", doubles(yp))
emit("metricR2", "Double", repr(float(r2_score(yt, yp))))
emit("metricMSE", "Double", repr(float(mean_squared_error(yt, yp))))
pl = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [1.0, 0.0]])
emit("metricProbabilities", "[[Double]]", matrix(pl))
emit("metricLogLossLabels", "[Int]", "[0, 1, 1, 1]")
emit("metricLogLoss", "Double", repr(float(log_loss([0, 1, 1, 1], pl))))

header = f"""// Generated by Benchmarks/python/linear_models_fixtures.py with scikit-learn {sklearn.__version__},
// NumPy {np.__version__}. Do not edit: rerun the script.

/// Data and scikit-learn's fitted values on it (see the script for the calls).
enum ScikitLearnFixtures {{
"""
with open("Tests/LinearModelsTests/ScikitLearnFixtures.swift", "w") as f:
    f.write(header + "\n".join(out) + "\n}\n")
print("wrote", len(out), "fixtures")

# Noise-free make_moons / make_circles (deterministic apart from the shuffle, which is off here):
# Tests/DatasetsTests/ScikitLearnToyFixtures.swift, compared with Toy.moons / Toy.circles as sets.
from sklearn.datasets import make_moons, make_circles
toy = []
for name, (X, y) in [("moons", make_moons(n_samples=11, noise=None, shuffle=False)),
                     ("circles", make_circles(n_samples=11, noise=None, factor=0.8, shuffle=False))]:
    toy.append(f"    static let {name}Points: [[Double]] = " + matrix(X))
    toy.append(f"    static let {name}Labels: [Int] = " + ints(y))
with open("Tests/DatasetsTests/ScikitLearnToyFixtures.swift", "w") as f:
    f.write(f"""// Generated by Benchmarks/python/linear_models_fixtures.py with scikit-learn {sklearn.__version__}.
// Do not edit: rerun the script.

/// scikit-learn's noise-free make_moons and make_circles with 11 samples, unshuffled.
enum ScikitLearnToyFixtures {{
""" + "\n".join(toy) + "\n}\n")
print("wrote toy fixtures")
