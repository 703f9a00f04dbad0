"""Tests that can fail (issue 13 §7): a planted signal the chosen model must find, a one-class or chance-level model
refused whatever the reason given, and class D finding serious problems well above a uniform draw."""

import datetime as dt

import numpy as np
import pytest

from foodcredit.core.errors import DomainError
from foodcredit.risk import backtest, registry, selection, services, training
from foodcredit.risk.estimators import LightGBMRiskClassifier
from foodcredit.risk.models import RiskModel

from .world import world_frames, world_write

UNTIL = dt.date(2025, 6, 1)
AUC_FLOOR = 0.68  # the planted world's logistic and LightGBM backtests reach 0.71–0.73; chance is 0.5


@pytest.fixture
def planted(db):
    """400 operators whose hidden effect (sd 2 on the log-odds) drives ~12 inspections' results each."""
    frames = world_frames(operators=400, seed=11, effect_sd=2.0, visits=12, base=-4.0)
    world_write(frames)
    return frames


def test_the_chosen_model_finds_a_planted_signal_and_class_d_finds_3x_uniform(planted):
    fitted = selection.model_select(until=UNTIL, folds=2)
    table = fitted.metrics["selection"]["candidates"]
    assert {row["kind"] for row in table} == {"scorecard", "logistic", "lightgbm"}
    chosen = next(row for row in table if row["name"] == fitted.metrics["selection"]["chosen"])
    assert chosen["mean_auc"] == max(row["mean_auc"] for row in table if row["mean_auc"] is not None)
    assert fitted.metrics["backtest"]["auc"] >= AUC_FLOOR
    assert max(fitted.metrics["class_shares"].values()) <= registry.MAX_CLASS_SHARE
    model = services.model_register(fitted=fitted, actor=None)
    assert model.status == RiskModel.Status.ACTIVE and model.kind == fitted.kind

    # The same specification judged a year on: class D's operators had a serious finding ≥ 3× as often as all.
    as_of = dt.date(2024, 11, 1)
    report, _ = backtest.backtest_run(as_of=as_of, horizon_days=365, kind=fitted.kind)
    assert report["auc"] >= AUC_FLOOR
    following = report["class_following_plan"]
    assert following["per_class"]["D"]["operators"] >= 5
    assert following["class_d_vs_random"] >= 3.0


def test_a_one_class_model_is_refused_even_with_a_reason(district):
    """Settings tuned on a large world (≥ 150 rows a leaf) on 120 operators: one leaf, one score, one class."""
    fitted = training.model_fit(kind="lightgbm", until=UNTIL, template=LightGBMRiskClassifier())
    assert max(fitted.metrics["class_shares"].values()) > registry.MAX_CLASS_SHARE
    model = services.model_register(fitted=fitted, actor=None)
    assert model.status == RiskModel.Status.CANDIDATE  # the first model, yet not activated
    with pytest.raises(DomainError) as exc:
        services.model_activate(model=model, actor=None, force_reason="先用着")
    assert exc.value.code == "risk.model_constant" and exc.value.context["share"] > 0.95
    with pytest.raises(DomainError) as exc:
        services.classification_start(as_of=UNTIL, actor=None)
    assert exc.value.code == "risk.no_model"


def test_a_chance_level_model_is_refused_even_with_a_reason(district):
    """On the 120-operator world the signal is too weak for the default logistic model: its backtest is < 0.55."""
    first = services.model_register(fitted=training.model_fit(kind="scorecard", until=UNTIL), actor=None)
    fitted = training.model_fit(kind="logistic", until=UNTIL)
    fitted.metrics["backtest"] = training.spec_backtest(kind="logistic", until=UNTIL)
    assert fitted.metrics["backtest"]["auc"] < registry.MIN_BACKTEST_AUC
    assert max(fitted.metrics["class_shares"].values()) <= registry.MAX_CLASS_SHARE
    model = services.model_register(fitted=fitted, actor=None)
    with pytest.raises(DomainError) as exc:
        services.model_activate(model=model, actor=None, force_reason="试运行")
    assert exc.value.code == "risk.model_weak"
    model.refresh_from_db()
    assert model.status == RiskModel.Status.CANDIDATE and first.pk != model.pk


def test_leaf_sizes_follow_the_training_rows():
    small = [c.estimator.min_child_samples for c in selection.candidates(rows=300) if c.kind == "lightgbm"]
    large = [c.estimator.min_child_samples for c in selection.candidates(rows=600_000) if c.kind == "lightgbm"]
    assert max(small) < 30 and min(small) >= 5
    assert min(large) == 150
    assert np.all(np.asarray(small) < 150)
