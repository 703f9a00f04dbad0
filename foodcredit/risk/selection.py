"""A model chosen by the district's own data (issue 13 §4): candidates compared by rolling-origin backtests.

Candidates: the scorecard (no learning but its cut-offs), a regularised logistic regression at two strengths, and
LightGBM over a small grid whose leaf sizes scale with the number of training rows — fixed settings tuned on one
large world (≥ 150 rows a leaf) leave a district of a few hundred operators with a single leaf, i.e. one score for
everyone.

Rolling origin: for each origin o (the last complete horizon before `until`, then `step_days` earlier each fold),
every candidate is trained on snapshots whose labels end before o and scored on the serious findings of the horizon
after o — the same procedure as a registered model's backtest (training.spec_backtest), so fold 0 *is* the chosen
specification's backtest. The candidate with the best mean AUC over the folds wins; ties go to the simpler one (the
order of the list). Nothing dated on or after `until` is read. A ledger too short for any origin (less than two
horizons plus MIN_HISTORY_DAYS) compares the candidates by 3-fold cross-validation over operators instead, and the
model registered has no backtest (metrics.selection.method says which).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from sklearn.base import clone

from .estimators import LightGBMRiskClassifier, LogisticRiskClassifier
from .features import FEATURE_NAMES
from .training import (
    MIN_HISTORY_DAYS,
    FittedModel,
    _fit,
    cutoff_settings,
    estimator_build,
    labelled_snapshot,
    ledger_firstday,
    model_fit,
    scores_for,
    snapshots_cached,
    training_frame,
)

FOLDS = 3
STEP_DAYS = 91


@dataclass
class Candidate:
    name: str
    kind: str
    estimator: Any


def candidates(*, rows: int) -> list[Candidate]:
    """The candidates for a training frame of `rows` rows (operators × snapshots), simplest first."""
    common = cutoff_settings()
    out = [Candidate("scorecard", "scorecard", estimator_build("scorecard"))]
    out += [Candidate(f"logistic C={c}", "logistic", LogisticRiskClassifier(C=c, **common)) for c in (0.01, 0.03, 0.3)]
    # The booster learns on 3/4 of the rows (the rest calibrates): leaves of about 1/40 and 1/10 of them, never
    # fewer than 5 rows nor more than 150 (the setting tuned on the 5,000-operator demo district).
    # With tens of thousands of rows, deeper trees (15 leaves) join the grid: enough rows to fill them.
    learn = int(rows * 0.75)
    sizes = sorted({int(np.clip(learn / d, 5, 150)) for d in (40, 10)})
    shapes = [(3, 300), (7, 150)] + ([(15, 300)] if learn >= 20_000 else [])
    for leaves, trees in shapes:
        for size in sizes:
            estimator = LightGBMRiskClassifier(
                n_estimators=trees, learning_rate=0.03, num_leaves=leaves, min_child_samples=size, **common
            )
            out.append(Candidate(f"lightgbm {leaves} leaves ≥{size} rows", "lightgbm", estimator))
    return out


def _fold_auc(candidate: Candidate, *, origin: date, horizon: int) -> float | None:
    from sklearn.metrics import roc_auc_score

    frame = training_frame(until=origin, horizon_days=horizon)
    if frame.height == 0 or frame.get_column("label").n_unique() < 2:
        return None
    test = labelled_snapshot(as_of=origin, horizon_days=horizon)
    labels = test.get_column("label").to_numpy()
    if test.height == 0 or len(np.unique(labels)) < 2:
        return None
    estimator = _fit(clone(candidate.estimator), frame)
    if hasattr(estimator, "rescale"):  # the district's level at the origin: features at it, no labels
        estimator.rescale(test.select(FEATURE_NAMES).to_numpy())
    return float(roc_auc_score(labels, scores_for(estimator, test)))


def _cv_aucs(candidate: Candidate, frame: pl.DataFrame, k: int = 3) -> list[float | None]:
    """AUC of `candidate` on each of `k` operator folds of `frame` (its latest snapshot), trained on the others."""
    from sklearn.metrics import roc_auc_score

    fold = (frame.get_column("operator_id").to_numpy() * 2654435761 // 7) % k
    latest = (frame.get_column("snapshot") == frame.get_column("snapshot").max()).to_numpy()
    out: list[float | None] = []
    for j in range(k):
        train, test = frame.filter(pl.Series(fold != j)), frame.filter(pl.Series((fold == j) & latest))
        labels = test.get_column("label").to_numpy()
        if train.get_column("label").n_unique() < 2 or len(np.unique(labels)) < 2:
            out.append(None)
            continue
        estimator = _fit(clone(candidate.estimator), train)
        if hasattr(estimator, "rescale"):
            estimator.rescale(frame.filter(pl.Series(latest)).select(FEATURE_NAMES).to_numpy())
        out.append(float(roc_auc_score(labels, scores_for(estimator, test))))
    return out


def model_select(*, until: date, horizon_days: int | None = None, folds: int = FOLDS) -> FittedModel:
    """Compare the candidates on rolling origins before `until`, fit the best on everything before `until`, and
    return it with the comparison in its metrics ('selection') and fold 0 as its backtest."""
    horizon = horizon_days or settings.RISK_HORIZON_DAYS
    with snapshots_cached():
        rows = training_frame(until=until, horizon_days=horizon).height
        if rows == 0:
            raise ValueError("not enough history before this date to train a model")
        pool = candidates(rows=rows)
        # An origin whose newest training snapshot would have less than MIN_HISTORY_DAYS of ledger behind it is
        # left out (a model trained on no history says nothing about the candidate); fold 0 is always tried.
        first = ledger_firstday(before=until)
        origins = [until - timedelta(days=horizon + 1 + k * STEP_DAYS) for k in range(folds)]
        origins = [o for o in origins if first and (o - timedelta(days=horizon + 1) - first).days >= MIN_HISTORY_DAYS]
        # Too short a ledger for any backtest (less than two horizons and MIN_HISTORY_DAYS): the candidates are
        # compared by cross-validation over operators instead, on the training frame at `until` (still nothing
        # dated on or after it). A model trained on an empty history would otherwise favour the one that does not
        # learn (the scorecard) over every model that could.
        method = "rolling_origin" if origins else "operator_cv"
        frame = training_frame(until=until, horizon_days=horizon) if not origins else None
        table: list[dict[str, Any]] = []
        for candidate in pool:
            if frame is not None:
                aucs = _cv_aucs(candidate, frame)
            else:
                aucs = [_fold_auc(candidate, origin=o, horizon=horizon) for o in origins]
            valid = [a for a in aucs if a is not None]
            table.append(
                {
                    "name": candidate.name,
                    "kind": candidate.kind,
                    "fold_aucs": [None if a is None else round(a, 4) for a in aucs],
                    "mean_auc": round(float(np.mean(valid)), 4) if valid else None,
                }
            )
        scored = [i for i, row in enumerate(table) if row["mean_auc"] is not None]
        # Without any fold, the logistic model: it needs the fewest rows to learn something.
        best = max(scored, key=lambda i: (table[i]["mean_auc"], -i)) if scored else 1
        chosen = pool[best]
        fitted = model_fit(kind=chosen.kind, until=until, horizon_days=horizon, template=chosen.estimator)
        fold0 = table[best]["fold_aucs"][0] if origins else None
        backtest = None
        if fold0 is not None:
            test = labelled_snapshot(as_of=origins[0], horizon_days=horizon)
            backtest = {
                "as_of": origins[0].isoformat(),
                "horizon_days": horizon,
                "auc": fold0,
                "operators": test.height,
                "positives": int(test.get_column("label").sum()),
            }
    fitted.metrics["backtest"] = backtest
    fitted.metrics["selection"] = {
        "chosen": chosen.name,
        "method": method,
        "origins": [o.isoformat() for o in origins],
        "horizon_days": horizon,
        "training_rows": rows,
        "candidates": table,
    }
    return fitted
