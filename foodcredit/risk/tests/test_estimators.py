"""Two models, one interface: fit returns self, fitted attributes end in `_`, scores are higher = riskier."""

import numpy as np
import pytest

from foodcredit.risk.estimators import LightGBMRiskClassifier, ScorecardClassifier
from foodcredit.risk.features import FEATURE_NAMES, SECTOR_CODES


def _matrix(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = np.zeros((n, len(FEATURE_NAMES)))
    X[:, FEATURE_NAMES.index("sector_code")] = rng.integers(0, 3, n)
    X[:, FEATURE_NAMES.index("business_type_risk")] = rng.integers(1, 5, n)
    X[:, FEATURE_NAMES.index("years_in_business")] = rng.uniform(0, 10, n)
    X[:, FEATURE_NAMES.index("licence_valid")] = 1
    nc = rng.poisson(0.4, n)
    X[:, FEATURE_NAMES.index("nonconform_adj_decayed")] = nc
    X[:, FEATURE_NAMES.index("nonconform_3y")] = nc
    y = (rng.random(n) < 0.05 + 0.2 * np.minimum(nc, 2)).astype(int)
    return X, y


def test_scorecard_points_follow_the_bands():
    X = np.zeros((1, len(FEATURE_NAMES)))
    X[0, FEATURE_NAMES.index("sector_code")] = SECTOR_CODES["catering"]
    X[0, FEATURE_NAMES.index("business_type_risk")] = 4  # open band: 26
    X[0, FEATURE_NAMES.index("years_in_business")] = 0.5  # below 1: 6
    X[0, FEATURE_NAMES.index("licence_valid")] = 1  # 0
    X[0, FEATURE_NAMES.index("nonconform_adj_decayed")] = 1.0  # [0.8, 1.5): 11
    X[0, FEATURE_NAMES.index("sample_fail_decayed")] = 2.0  # open band: 14
    card = ScorecardClassifier(indicators="v1")
    assert card.risk_score(X)[0] == pytest.approx(26 + 6 + 11 + 14)
    assert card.contributions(X)[0, FEATURE_NAMES.index("sample_fail_decayed")] == 14


@pytest.mark.parametrize("estimator", [ScorecardClassifier(), LightGBMRiskClassifier(n_estimators=30)])
def test_fit_returns_self_with_fitted_attributes(estimator):
    X, y = _matrix()
    assert estimator.fit(X, y) is estimator
    assert set(estimator.cutoffs_) == {"A", "B", "C"}
    proba = estimator.predict_proba(X)
    assert proba.shape == (len(y), 2) and np.allclose(proba.sum(axis=1), 1)
    assert estimator.contributions(X).shape == X.shape
    assert set(estimator.predict_class(X)) <= {"A", "B", "C", "D"}


def test_lightgbm_is_monotone_in_nonconformities():
    X, y = _matrix(n=1500)
    model = LightGBMRiskClassifier(n_estimators=60).fit(X, y)
    row = X[:1].repeat(6, axis=0)
    for k in range(6):
        row[k, FEATURE_NAMES.index("nonconform_adj_decayed")] = k
        row[k, FEATURE_NAMES.index("nonconform_3y")] = k
    scores = model.risk_score(row)
    assert np.all(np.diff(scores) >= -1e-9)
