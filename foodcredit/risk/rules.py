"""Pure rules of the classification: cut-offs, class from score, hard rules and overrides (no ORM)."""

from datetime import date

import numpy as np
import polars as pl

from .models import RiskClass

# A (lowest risk) … D: the order that cut-offs and class shares run in.
CLASSES: tuple[str, ...] = tuple(RiskClass.values)
RULE_SERIOUS_LIST = "serious_list"
RULE_OVERRIDE = "override"


def quantile_cutoffs(scores: np.ndarray, shares: dict[str, float]) -> dict[str, float]:
    """Upper score bounds of A, B and C so that the classes take `shares` of `scores` (higher = riskier)."""
    total = sum(shares[c] for c in CLASSES)
    if scores.size == 0 or total <= 0:
        raise ValueError("cut-offs need scores and positive shares")
    cumulative = np.cumsum([shares[c] / total for c in CLASSES[:3]])
    bounds = np.quantile(scores, cumulative, method="higher")
    return {c: float(b) for c, b in zip(CLASSES[:3], bounds, strict=True)}


def classes_from_scores(scores: np.ndarray, cutoffs: dict[str, float]) -> np.ndarray:
    """A if score ≤ cutoffs["A"], B if ≤ cutoffs["B"], C if ≤ cutoffs["C"], D above (a boundary goes down)."""
    if not cutoffs["A"] <= cutoffs["B"] <= cutoffs["C"]:
        raise ValueError("cut-offs must not decrease from A to C")
    index = np.searchsorted([cutoffs["A"], cutoffs["B"], cutoffs["C"]], scores, side="left")
    return np.asarray(CLASSES)[index]


def override_in_force(*, valid_from: date, valid_until: date, revoked_on: date | None, as_of: date) -> bool:
    """An override applies from its first day until (not including) its end, unless revoked before as_of."""
    if revoked_on is not None and revoked_on <= as_of:
        return False
    return valid_from <= as_of < valid_until


def classes_decide(frame: pl.DataFrame) -> pl.DataFrame:
    """Final class per row from model_class, serious_listed (bool) and override_class (nullable).

    On the 严重违法失信名单 → D, whatever else (总局令第44号 measures; DOMAIN.md II §4.2 hard rule); otherwise a
    regulator's override in force; otherwise the model's class. `rule` names what decided.
    """
    listed = pl.col("serious_listed").fill_null(False)
    overridden = pl.col("override_class").is_not_null()
    return frame.with_columns(
        risk_class=pl.when(listed)
        .then(pl.lit("D"))
        .when(overridden)
        .then(pl.col("override_class"))
        .otherwise(pl.col("model_class")),
        rule=pl.when(listed)
        .then(pl.lit(RULE_SERIOUS_LIST))
        .when(overridden)
        .then(pl.lit(RULE_OVERRIDE))
        .otherwise(pl.lit("")),
    )
