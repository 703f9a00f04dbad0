"""Training sets and model fitting: features at past dates, labelled by what happened in the next horizon.

Honest by construction (Chicago's food-inspections-evaluation): every snapshot's features are computed as of its
date, its label looks only at the horizon after it, and the last label ends before `until`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from . import rules
from .estimators import LightGBMRiskClassifier, LogisticRiskClassifier, ScorecardClassifier
from .features import FEATURE_NAMES, features_as_of
from .frames import day, read_frame
from .ledger_pass import LEDGER
from .outcomes import outcomes_after

MIN_HISTORY_DAYS = 180  # a snapshot needs at least this much ledger history before it

_cache: dict[Any, pl.DataFrame] | None = None


@contextmanager
def snapshots_cached() -> Iterator[None]:
    """Within the block, a labelled snapshot or a population is computed once per date (model selection fits many
    candidates on the same dates; the ledger does not change meanwhile)."""
    global _cache
    outer = _cache
    _cache = {} if outer is None else outer
    try:
        yield
    finally:
        _cache = outer


def _cached(key: Any, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    if _cache is None:
        return compute()
    if key not in _cache:
        _cache[key] = compute()
    return _cache[key]


@dataclass
class FittedModel:
    """A fitted estimator with its training window and validation metrics."""

    estimator: Any
    kind: str
    trained_from: date
    trained_until: date
    metrics: dict[str, Any]


def ledger_firstday(*, before: date) -> date | None:
    """The earliest inspection, sampling or penalty date in the ledger before `before`."""
    frame = read_frame(
        f"""SELECT min(occurred_on) AS first FROM {LEDGER}
            WHERE kind IN ('inspection', 'sampling_test', 'penalty') AND occurred_on < {day(before)}""",
        {"first": pl.Date()},
    )
    return frame.item(0, 0) if frame.height else None


def in_business_after(*, as_of: date, features: pl.DataFrame) -> pl.Series:
    """Whether each operator was still in business after as-of: registered as active today, or with any record
    after as-of. Uses later data to define the *population* of an evaluation, never as a feature.
    """
    later = read_frame(
        f"SELECT DISTINCT operator_id FROM {LEDGER} WHERE occurred_on > {day(as_of)}",
        {"operator_id": pl.Int64()},
    ).get_column("operator_id")
    return (features.get_column("status") == "active") | features.get_column("operator_id").is_in(later.implode())


def labelled_snapshot(*, as_of: date, horizon_days: int) -> pl.DataFrame:
    """Features as of `as_of` for operators in business after it, with `label` = a serious finding in the horizon."""
    return _cached(("snapshot", as_of, horizon_days), lambda: _labelled_snapshot(as_of, horizon_days))


def population_at(until: date) -> pl.DataFrame:
    """Features at `until` of the operators in business after it: the population a model classifies next."""

    def compute() -> pl.DataFrame:
        population = features_as_of(as_of=until)
        return population.filter(in_business_after(as_of=until, features=population))

    return _cached(("population", until), compute)


def _labelled_snapshot(as_of: date, horizon_days: int) -> pl.DataFrame:
    features = features_as_of(as_of=as_of)
    features = features.filter(in_business_after(as_of=as_of, features=features))
    outcomes = outcomes_after(as_of=as_of, horizon_days=horizon_days)
    return features.join(outcomes, on="operator_id", how="left").with_columns(
        label=pl.col("serious").fill_null(0), snapshot=pl.lit(as_of)
    )


def training_frame(*, until: date, horizon_days: int, snapshots: int = 3, step_days: int = 91) -> pl.DataFrame:
    """Labelled snapshots whose labels end before `until`, newest first, one every `step_days`."""
    first = ledger_firstday(before=until)
    if first is None:
        return pl.DataFrame()
    frames: list[pl.DataFrame] = []
    for k in range(snapshots):
        as_of = until - timedelta(days=horizon_days + 1 + k * step_days)
        if (as_of - first).days < MIN_HISTORY_DAYS and frames:
            break
        frames.append(labelled_snapshot(as_of=as_of, horizon_days=horizon_days))
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


def cutoff_settings() -> dict[str, Any]:
    """The cut-off parameters in force, for any estimator."""
    return {
        "cutoff_mode": settings.RISK_CUTOFF_MODE,
        "shares": dict(settings.RISK_CLASS_SHARES),
        "bands": dict(settings.RISK_SCORE_BANDS),
    }


def estimator_build(kind: str) -> Any:
    """A new estimator of `kind` with the cut-off settings in force."""
    common = cutoff_settings()
    if kind == "logistic":
        return LogisticRiskClassifier(**common)
    if kind == "scorecard":
        return ScorecardClassifier(indicators=settings.RISK_INDICATORS, **common)
    if kind == "lightgbm":
        return LightGBMRiskClassifier(**common)
    raise ValueError(f"unknown model kind {kind}")


def _fit(estimator: Any, frame: pl.DataFrame) -> Any:
    X = frame.select(FEATURE_NAMES).to_numpy()
    y = frame.get_column("label").to_numpy()
    snapshots = frame.get_column("snapshot").to_numpy() if "snapshot" in frame.columns else None
    if isinstance(estimator, LightGBMRiskClassifier):
        return estimator.fit(X, y, groups=frame.get_column("operator_id").to_numpy(), snapshots=snapshots)
    if isinstance(estimator, LogisticRiskClassifier):
        return estimator.fit(X, y, snapshots=snapshots)
    return estimator.fit(X, y)


def model_fit(
    *, kind: str, until: date, horizon_days: int | None = None, snapshots: int = 3, template: Any = None
) -> FittedModel:
    """Fit a model on the records before `until`; validation AUC on a fifth of the operators held out. `template`,
    an estimator, fits its specification (type and parameters, sklearn.clone) instead of `kind`'s current one."""
    horizon = horizon_days or settings.RISK_HORIZON_DAYS

    def estimator_new() -> Any:
        return clone(template) if template is not None else estimator_build(kind)

    frame = training_frame(until=until, horizon_days=horizon, snapshots=snapshots)
    if frame.height == 0 or frame.get_column("label").n_unique() < 2:
        raise ValueError("not enough history before this date to train a model")
    ids = frame.get_column("operator_id").to_numpy()
    held = (ids * 40503 % 5) == 0
    latest = frame.get_column("snapshot") == frame.get_column("snapshot").max()
    train, test = frame.filter(pl.Series(~held)), frame.filter(pl.Series(held) & latest)
    probe = _fit(estimator_new(), train)
    if hasattr(probe, "rescale"):  # scored relative to the held-out operators' own level at their date
        probe.rescale(test.select(FEATURE_NAMES).to_numpy())
    auc = float(
        roc_auc_score(test.get_column("label").to_numpy(), probe.risk_score(test.select(FEATURE_NAMES).to_numpy()))
    )
    estimator = _fit(estimator_new(), frame)
    # The class shares are meant for the population classified next, scored with all the history before `until`
    # (the training snapshots have less history behind them, hence lower scores): cut-offs from features at `until`.
    population = population_at(until).select(FEATURE_NAMES).to_numpy()
    estimator.cutoffs_refit(population)
    classes = rules.classes_from_scores(estimator.risk_score(population), estimator.cutoffs_)
    first_snapshot: date = frame.get_column("snapshot").min()  # type: ignore[assignment]
    return FittedModel(
        estimator=estimator,
        kind=kind,
        trained_from=first_snapshot - timedelta(days=3 * 365),
        trained_until=until,
        metrics={
            "auc": round(auc, 4),
            "auc_source": "validation (a fifth of operators held out, latest snapshot)",
            "rows": frame.height,
            "positives": int(frame.get_column("label").sum()),
            "snapshots": sorted({d.isoformat() for d in frame.get_column("snapshot").to_list()}),
            # The classes the model gives the population at `until` (activation refuses a near-constant model).
            "class_shares": {c: round(float((classes == c).mean()), 4) for c in rules.CLASSES},
        },
    )


def scores_for(estimator: Any, frame: pl.DataFrame) -> np.ndarray:
    """The estimator's risk scores for a features frame."""
    return np.asarray(estimator.risk_score(frame.select(FEATURE_NAMES).to_numpy()))


def spec_backtest(
    *, kind: str, until: date, horizon_days: int | None = None, template: Any = None
) -> dict[str, Any] | None:
    """The specification's backtest on the last complete horizon before `until`: the same kind (or `template`'s
    specification) trained strictly before as-of = until − horizon − 1 day, evaluated on the serious findings of
    the horizon after it (which ends the day before `until`). None without enough history for it.
    """
    horizon = horizon_days or settings.RISK_HORIZON_DAYS
    as_of = until - timedelta(days=horizon + 1)
    try:
        fitted = model_fit(kind=kind, until=as_of, horizon_days=horizon, template=template)
    except ValueError:
        return None
    return window_auc(fitted.estimator, as_of=as_of, horizon_days=horizon)


def window_auc(estimator: Any, *, as_of: date, horizon_days: int) -> dict[str, Any] | None:
    """`estimator`'s AUC on the operators in business after `as_of` (features as of it), labelled by a serious
    finding in the horizon after it: the window, the AUC and its population. None if the labels are all alike."""
    snapshot = labelled_snapshot(as_of=as_of, horizon_days=horizon_days)
    labels = snapshot.get_column("label").to_numpy()
    if snapshot.height == 0 or len(np.unique(labels)) < 2:
        return None
    return {
        "as_of": as_of.isoformat(),
        "horizon_days": horizon_days,
        "auc": round(float(roc_auc_score(labels, scores_for(estimator, snapshot))), 4),
        "operators": snapshot.height,
        "positives": int(labels.sum()),
    }
