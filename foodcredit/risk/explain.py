"""Explanations: the top indicators behind each operator's class as short Chinese sentences with figures.

Vectorised: the contributions (scorecard points or LightGBM per-feature contributions) pick up to three features
per row with numpy; the sentences are built with polars expressions, one branch per feature template.
"""

import re

import numpy as np
import polars as pl

from foodcredit.credit.ledger_codes import FAILURE_KINDS, FAILURE_LABELS

from .features import FEATURE_NAMES, NO_INSPECTION_DAYS
from .indicators import IndicatorSystem

TOP = 3
NOTHING_FOUND = "近3年无监督检查不符合、抽检不合格或警告以外的行政处罚记录"
NO_DRIVER = "未发现明显推高风险的指标"
_FLOATS = ("_decayed", "_adj_", "strictness", "years_in_business", "complaint_surge")


def _is_float(column: str) -> bool:
    return any(part in column for part in _FLOATS) or column.endswith("_adj_3y") or column.endswith("_adj_1y")


def text_columns(features: pl.DataFrame) -> pl.DataFrame:
    """The derived columns sentences may name (failure kinds, rounded years, …)."""

    def kinds(window: str) -> pl.Expr:
        mask = pl.col(f"fail_mask_{window}")
        parts = [pl.when((mask & (1 << i)) != 0).then(pl.lit(FAILURE_LABELS[k])) for i, k in enumerate(FAILURE_KINDS)]
        return pl.concat_str(parts, separator="、", ignore_nulls=True)

    return features.with_columns(
        fail_kinds_1y=kinds("1y"),
        fail_kinds_3y=kinds("3y"),
        years_rounded=pl.col("years_in_business").ceil().clip(1, None),
        years_over_3=(pl.col("years_in_business") >= 3).cast(pl.Float64),
        ever_inspected=(pl.col("days_since_inspection") < NO_INSPECTION_DAYS).cast(pl.Float64),
    )


def _shown(column: str) -> pl.Expr:
    if column in ("fail_kinds_1y", "fail_kinds_3y", "business_type"):
        return pl.col(column).fill_null("")
    if _is_float(column):
        return pl.col(column).round(1).cast(pl.String)
    return pl.col(column).round(0).cast(pl.Int64).cast(pl.String)


def _sentence(feature: str, template: str) -> pl.Expr:
    names = re.findall(r"{(\w+)}", template)
    fmt = re.sub(r"{\w+}", "{}", template)
    return pl.format(fmt, *[_shown(feature if n == "value" else n) for n in names])


def _eligible(frame: pl.DataFrame, system: IndicatorSystem) -> np.ndarray:
    """Rows × FEATURE_NAMES: True where the feature has a sentence and its condition holds."""
    mask = np.zeros((frame.height, len(FEATURE_NAMES)), dtype=bool)
    for j, name in enumerate(FEATURE_NAMES):
        text = system.texts.get(name)
        if text is None:
            continue
        column = text.when.lstrip("!")
        values = frame.get_column(column).fill_null(0).to_numpy()
        mask[:, j] = values == 0 if text.when.startswith("!") else values > 0
    return mask


def explanations(frame: pl.DataFrame, contributions: np.ndarray, system: IndicatorSystem) -> pl.Series:
    """Up to three sentences per row (a list column), strongest first; `contributions` is rows × FEATURE_NAMES.

    Each (row, rank) sentence is formatted once: the picks are laid out long, grouped by feature, formatted with
    that feature's template over just its rows, and gathered back in order.
    """
    frame = text_columns(frame)
    n = frame.height
    scored = np.where(_eligible(frame, system) & (contributions > 0), contributions, -np.inf)
    order = np.argsort(-scored, axis=1, kind="stable")[:, :TOP]
    chosen = np.isfinite(np.take_along_axis(scored, order, axis=1))
    picks = pl.DataFrame(
        {
            "_row": np.repeat(np.arange(n, dtype=np.int64), TOP)[chosen.ravel()],
            "_rank": np.tile(np.arange(TOP, dtype=np.int64), n)[chosen.ravel()],
            "_feature": order.ravel()[chosen.ravel()],
        }
    )
    parts = []
    for j, name in enumerate(FEATURE_NAMES):
        text = system.texts.get(name)
        rows = picks.filter(pl.col("_feature") == j)
        if text is None or rows.height == 0:
            continue
        values = frame[rows.get_column("_row")]
        sentence = values.with_columns(_sentence(name, text.template).alias("_s")).get_column("_s")
        parts.append(rows.with_columns(sentence))
    fallback = pl.when(pl.col("serious_3y") > 0).then(pl.lit(NO_DRIVER)).otherwise(pl.lit(NOTHING_FOUND))
    base = frame.select(pl.int_range(0, n, dtype=pl.Int64).alias("_row"), fallback.alias("_fallback"))
    if not parts:
        return base.select(pl.concat_list("_fallback").alias("explanation")).get_column("explanation")
    grouped = pl.concat(parts).sort("_row", "_rank").group_by("_row", maintain_order=True).agg(pl.col("_s"))
    return (
        base.join(grouped, on="_row", how="left")
        .sort("_row")
        .select(
            pl.when(pl.col("_s").is_not_null())
            .then(pl.col("_s"))
            .otherwise(pl.concat_list(pl.col("_fallback")))
            .alias("explanation")
        )
        .get_column("explanation")
    )
