# Reference values frozen into Tests/MetricsTests/BinaryMetricsTests.swift, Tests/FeatureSelectionTests/RelevanceScoreTests.swift
# and Tests/FraudTests/LogisticRegressionTests.swift (scikit-learn 1.9.1, numpy 2.4.6). Run: python3 fraud_fixtures.py
import numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score, precision_recall_curve
from sklearn.feature_selection import mutual_info_classif, f_classif
from sklearn.linear_model import LogisticRegression
rng = np.random.default_rng(7)
y = (rng.random(30) < 0.35).astype(int)
s = np.round(rng.random(30) + 0.3*y, 1)
print("labels", list(map(int,y)))
print("scores", list(map(float,s)))
print("auc", repr(roc_auc_score(y, s)), "ap", repr(average_precision_score(y, s)))
# MI fixture: unique continuous values
n=60
yy = np.array([0]*40+[1]*20)
x1 = np.round(rng.normal(0,1,n) + 1.5*yy, 4)
x2 = np.round(rng.normal(0,1,n), 4)
X = np.stack([x1,x2],1)
print("x1", list(map(float,x1)))
print("x2", list(map(float,x2)))
print("mi", [repr(v) for v in mutual_info_classif(X, yy, random_state=0)])
print("F", [repr(v) for v in f_classif(X, yy)[0]])
# logistic fixture
Xl = np.round(rng.normal(0,1,(20,2)),3)
yl = (Xl[:,0] - 0.5*Xl[:,1] + 0.7*rng.normal(0,1,20) > 0).astype(int)
m = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000).fit(Xl, yl)
print("Xl", list(map(float,Xl.ravel())))
print("yl", list(map(int,yl)))
print("coef", [repr(v) for v in m.coef_[0]], "intercept", repr(m.intercept_[0]))
