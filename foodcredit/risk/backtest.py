"""Backtest: train strictly before as-of, evaluate on what happened after it (Chicago's honest evaluation).

Figures: AUC; precision and recall of class D and of C+D; lift of the top decile; calibration (table and PNG);
class distribution and migration matrix; serious findings per 100 inspections when inspections follow the classes
vs uniform random selection; Chicago's "days earlier"; and, on a seeded district, the oracle's AUC.
"""

import struct
import zlib
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from sklearn.metrics import roc_auc_score

from . import rules
from .features import FEATURE_NAMES, features_as_of
from .outcomes import inspections_after
from .training import FittedModel, labelled_snapshot, model_fit, scores_for

Oracle = Callable[..., pl.DataFrame | None]
_oracles: list[Oracle] = []


def oracle_register(oracle: Oracle) -> None:
    """A world that knows the truth behind its records (the demo district, DemoConfig.ready) offers its oracle:
    a callable(as_of=, horizon_days=) -> frame (uscc, label, oracle_score), or None when it has nothing."""
    _oracles[:] = [oracle]


def oracle_registered() -> Oracle | None:
    """The registered oracle, if any (risk_backtest compares the model with it)."""
    return _oracles[0] if _oracles else None


def _precision_recall(labels: np.ndarray, chosen: np.ndarray) -> dict[str, float | int]:
    hits = int((labels & chosen).sum())
    return {
        "operators": int(chosen.sum()),
        "precision": round(hits / max(int(chosen.sum()), 1), 4),
        "recall": round(hits / max(int(labels.sum()), 1), 4),
    }


def calibration_table(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Equal-count bins of predicted probability: mean prediction vs observed share."""
    order = np.argsort(probabilities, kind="stable")
    table = []
    for part in np.array_split(order, bins):
        if part.size:
            table.append(
                {
                    "predicted": round(float(probabilities[part].mean()), 4),
                    "observed": round(float(labels[part].mean()), 4),
                    "operators": int(part.size),
                }
            )
    return table


def days_earlier(inspections: pl.DataFrame, scores: pl.DataFrame) -> dict[str, float | int]:
    """Chicago: put the inspections that really happened after as-of in order of predicted risk onto the same dates;
    the mean number of days by which the 不符合 findings would have come sooner."""
    frame = inspections.join(scores, on="operator_id", how="inner")
    if frame.height == 0 or frame.get_column("nonconform").sum() == 0:
        return {"inspections": frame.height, "findings": 0, "mean_days_earlier": 0.0}
    dates = frame.get_column("occurred_on").sort()
    reordered = frame.sort(["score", "occurred_on", "operator_id"], descending=[True, False, False]).with_columns(
        new_on=dates
    )
    found = reordered.filter(pl.col("nonconform") == 1)
    gained = (found.get_column("occurred_on") - found.get_column("new_on")).dt.total_days()
    return {
        "inspections": frame.height,
        "findings": found.height,
        "mean_days_earlier": round(float(gained.mean() or 0.0), 1),  # type: ignore[arg-type]
    }


def class_following(labels: np.ndarray, classes: np.ndarray) -> dict[str, Any]:
    """Serious findings per 100 inspections when 双随机 follows the classes (DOMAIN.md Part I §8 ratios) vs the same
    number of operators drawn uniformly at random (the base rate). An operator counts as found when it had a serious
    finding in the horizon."""
    ratios = settings.PLANNING_SAMPLING_RATIOS if hasattr(settings, "PLANNING_SAMPLING_RATIOS") else {}
    ratios = {c: float(ratios.get(c, d)) for c, d in zip(rules.CLASSES, (0.03, 0.10, 0.30, 0.60), strict=True)}
    inspected = found = 0.0
    per_class = {}
    for c in rules.CLASSES:
        members = classes == c
        n, hits = int(members.sum()), int(labels[members].sum())
        per_class[c] = {"operators": n, "serious": hits, "per_100": round(100 * hits / max(n, 1), 2)}
        inspected += ratios[c] * n
        found += ratios[c] * hits
    base = 100 * float(labels.mean()) if labels.size else 0.0
    following = 100 * found / max(inspected, 1e-9)
    d_rate = per_class["D"]["per_100"]
    return {
        "ratios": ratios,
        "per_class": per_class,
        "uniform_random_per_100": round(base, 2),
        "following_classes_per_100": round(following, 2),
        "following_vs_random": round(following / base, 2) if base else None,
        "class_d_vs_random": round(d_rate / base, 2) if base else None,
    }


def per_100_inspections(inspections: pl.DataFrame, classes: pl.DataFrame) -> dict[str, Any]:
    """不符合 per 100 inspections that really happened after as-of, at operators of each class and overall."""
    frame = inspections.join(classes, on="operator_id", how="inner")
    overall = 100 * float(frame.get_column("nonconform").mean() or 0.0) if frame.height else 0.0  # type: ignore[arg-type]
    out: dict[str, Any] = {"all": {"inspections": frame.height, "per_100": round(overall, 2)}}
    for name, members in (("D", ["D"]), ("C+D", ["C", "D"])):
        part = frame.filter(pl.col("risk_class").is_in(members))
        rate = 100 * float(part.get_column("nonconform").mean() or 0.0) if part.height else 0.0  # type: ignore[arg-type]
        out[name] = {
            "inspections": part.height,
            "per_100": round(rate, 2),
            "vs_all": round(rate / overall, 2) if overall else None,
        }
    return out


def backtest_run(
    *, as_of: date, horizon_days: int, kind: str = "lightgbm", oracle: Oracle | None = None, plot: Path | None = None
) -> tuple[dict[str, Any], FittedModel]:
    """Train on records before `as_of`, evaluate on the horizon after it; returns the report and the fitted model."""
    fitted = model_fit(kind=kind, until=as_of, horizon_days=horizon_days)
    estimator = fitted.estimator
    snapshot = labelled_snapshot(as_of=as_of, horizon_days=horizon_days)
    X = snapshot.select(FEATURE_NAMES).to_numpy()
    labels = snapshot.get_column("label").to_numpy().astype(bool)
    scores = scores_for(estimator, snapshot)
    probabilities = estimator.predict_proba(X)[:, 1]
    classes = rules.classes_from_scores(scores, estimator.cutoffs_)
    auc = float(roc_auc_score(labels, scores))
    top = scores >= np.quantile(scores, 0.9)
    base = float(labels.mean())
    # Migration: the same model's classes a horizon earlier (features as of that date) → classes at as-of.
    before = features_as_of(as_of=as_of - timedelta(days=horizon_days)).filter(
        pl.col("operator_id").is_in(snapshot.get_column("operator_id").implode())
    )
    before_classes = pl.DataFrame(
        {
            "operator_id": before.get_column("operator_id"),
            "from": rules.classes_from_scores(scores_for(estimator, before), estimator.cutoffs_),
        }
    )
    now_classes = pl.DataFrame({"operator_id": snapshot.get_column("operator_id"), "risk_class": classes})
    moved = now_classes.join(before_classes, on="operator_id", how="inner")
    migration = {
        f: {t: int(moved.filter((pl.col("from") == f) & (pl.col("risk_class") == t)).height) for t in rules.CLASSES}
        for f in rules.CLASSES
    }
    inspections = inspections_after(as_of=as_of, horizon_days=horizon_days)
    score_frame = pl.DataFrame({"operator_id": snapshot.get_column("operator_id"), "score": scores})
    calibration = calibration_table(probabilities, labels)
    report: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "horizon_days": horizon_days,
        "model": {"kind": kind, "trained_until": as_of.isoformat(), "training": fitted.metrics},
        "population": {
            "operators": int(labels.size),
            "with_serious_finding": int(labels.sum()),
            "base_rate": round(base, 4),
        },
        "auc": round(auc, 4),
        "class_d": _precision_recall(labels, classes == "D"),
        "class_c_or_d": _precision_recall(labels, np.isin(classes, ["C", "D"])),
        "top_decile_lift": round(float(labels[top].mean()) / base, 2) if base else None,
        "calibration": calibration,
        "class_distribution": {c: int((classes == c).sum()) for c in rules.CLASSES},
        "cutoffs": estimator.cutoffs_,
        "migration_from_previous_horizon": migration,
        "per_100_inspections": per_100_inspections(inspections, now_classes),
        "class_following_plan": class_following(labels, classes),
        "days_earlier": days_earlier(inspections, score_frame),
    }
    if oracle is not None:
        report["oracle"] = oracle_compare(oracle=oracle, as_of=as_of, horizon_days=horizon_days, estimator=estimator)
    if plot is not None:
        calibration_png(calibration, plot)
        report["calibration_png"] = str(plot)
    return report, fitted


def oracle_compare(*, oracle: Oracle, as_of: date, horizon_days: int, estimator: Any) -> dict[str, Any] | None:
    """The oracle's AUC and the model's AUC on exactly the oracle's operators and labels, and their ratio."""
    table = oracle(as_of=as_of, horizon_days=horizon_days)
    if table is None or table.height == 0:
        return None
    # Operators registered on as-of itself have no features yet (features read strictly before it): left out.
    features = features_as_of(as_of=as_of)
    scored = pl.DataFrame({"uscc": features.get_column("uscc"), "model_score": scores_for(estimator, features)})
    joined = table.join(scored, on="uscc", how="inner")
    labels = joined.get_column("label").to_numpy().astype(bool)
    oracle_auc = float(roc_auc_score(labels, joined.get_column("oracle_score").to_numpy()))
    model_auc = float(roc_auc_score(labels, joined.get_column("model_score").to_numpy()))
    return {
        "operators": joined.height,
        "positives": int(labels.sum()),
        "oracle_auc": round(oracle_auc, 4),
        "model_auc": round(model_auc, 4),
        "share_of_oracle": round(model_auc / oracle_auc, 4),
    }


def _png(pixels: np.ndarray) -> bytes:
    """A truecolour PNG from an H×W×3 uint8 array (pure numpy + zlib)."""
    height, width, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def calibration_png(table: list[dict[str, float]], path: Path) -> None:
    """Reliability diagram: predicted (x) vs observed (y) per bin, with the diagonal. matplotlib if importable."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
    xs = [row["predicted"] for row in table]
    ys = [row["observed"] for row in table]
    top = max([*xs, *ys, 0.05]) * 1.1
    if plt is not None:
        fig, ax = plt.subplots(figsize=(5, 5))
        ax.plot([0, top], [0, top], color="grey", linestyle="--")
        ax.plot(xs, ys, marker="o")
        ax.set_xlabel("predicted")
        ax.set_ylabel("observed")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        return
    size, margin = 400, 40
    img = np.full((size, size, 3), 255, dtype=np.uint8)
    span = size - 2 * margin

    def at(x: float, y: float) -> tuple[int, int]:
        return int(margin + x / top * span), int(size - margin - y / top * span)

    img[size - margin, margin : size - margin] = 0  # x axis
    img[margin : size - margin, margin] = 0  # y axis
    for t in np.linspace(0, top, 400):
        px, py = at(t, t)
        img[py, px] = (160, 160, 160)
    points = [at(x, y) for x, y in zip(xs, ys, strict=True)]
    for (x0, y0), (x1, y1) in pairwise(points):
        for t in np.linspace(0, 1, 200):
            img[int(y0 + (y1 - y0) * t), int(x0 + (x1 - x0) * t)] = (31, 78, 140)
    for px, py in points:
        img[max(py - 3, 0) : py + 4, max(px - 3, 0) : px + 4] = (192, 57, 43)
    path.write_bytes(_png(img))
