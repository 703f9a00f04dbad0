"""Pure rules: cut-offs, classes from scores, overrides in force, the order hard rule > override > model."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from foodcredit.risk import rules

SHARES = {"A": 0.65, "B": 0.25, "C": 0.08, "D": 0.02}


def test_quantile_cutoffs_give_the_configured_shares():
    scores = np.arange(10_000, dtype=float)
    classes = rules.classes_from_scores(scores, rules.quantile_cutoffs(scores, SHARES))
    shares = {c: (classes == c).mean() for c in rules.CLASSES}
    assert shares == pytest.approx(SHARES, abs=0.001)


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0, "A"), (30, "A"), (30.01, "B"), (45, "B"), (45.5, "C"), (60, "C"), (60.1, "D"), (100, "D")],
)
def test_score_bands_put_a_boundary_score_in_the_lower_class(score, expected):
    bands = {"A": 30.0, "B": 45.0, "C": 60.0}
    assert rules.classes_from_scores(np.array([score]), bands)[0] == expected


def test_cutoffs_must_not_decrease():
    with pytest.raises(ValueError):
        rules.classes_from_scores(np.array([1.0]), {"A": 5.0, "B": 4.0, "C": 6.0})


@pytest.mark.parametrize(
    ("as_of", "revoked", "expected"),
    [
        (dt.date(2025, 1, 1), None, True),
        (dt.date(2025, 6, 30), None, True),
        (dt.date(2025, 7, 1), None, False),  # valid_until is exclusive: the override has expired
        (dt.date(2024, 12, 31), None, False),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 1), False),
        (dt.date(2025, 2, 28), dt.date(2025, 3, 1), True),
    ],
)
def test_override_in_force(as_of, revoked, expected):
    assert (
        rules.override_in_force(
            valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 7, 1), revoked_on=revoked, as_of=as_of
        )
        is expected
    )


def test_classes_decide_hard_rule_beats_override_beats_model():
    frame = pl.DataFrame(
        {
            "model_class": ["A", "A", "B", "C"],
            "serious_listed": [True, True, False, False],
            "override_class": ["B", None, "A", None],
        }
    )
    out = rules.classes_decide(frame)
    assert out["risk_class"].to_list() == ["D", "D", "A", "C"]
    assert out["rule"].to_list() == ["serious_list", "serious_list", "override", ""]
