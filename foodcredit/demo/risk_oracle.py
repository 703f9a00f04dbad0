"""The oracle for `risk_backtest` (settings.RISK_BACKTEST_ORACLE): the seeded district's hidden latent risk.

Risk never imports demo (layers point downwards): the backtest finds this callable through the setting, and gets
back only the oracle's population, labels and scores, to compute the model's AUC on exactly the same operators.
"""

from datetime import date, timedelta

import polars as pl

from . import selectors as demo_selectors
from .world.oracle import _month_number, serious_usccs


def oracle_for_backtest(*, as_of: date, horizon_days: int) -> pl.DataFrame | None:
    """uscc, label (a serious finding in the horizon), oracle_score (mean latent risk) — None if nothing is seeded.

    The same population, score and outcome as `demo.world.oracle.oracle_auc` (seed_oracle_report).
    """
    if demo_selectors.seed_run_latest() is None:
        return None
    frames = demo_selectors.oracle_frames(as_of=as_of, horizon_days=horizon_days)
    until = as_of + timedelta(days=horizon_days)
    first, last = as_of.year * 12 + as_of.month, until.year * 12 + until.month - 1
    rows = (
        frames["latent"]
        .with_columns(start=_month_number("month"))
        .with_columns(
            lo=pl.max_horizontal(pl.col("start"), pl.lit(first)),
            hi=pl.min_horizontal(pl.col("start") + pl.col("months").cast(pl.Int64) - 1, pl.lit(last)),
            covers_first=(pl.col("start") <= first) & (pl.col("start") + pl.col("months").cast(pl.Int64) > first),
        )
    )
    scores = (
        rows.filter(pl.col("hi") >= pl.col("lo"))
        .with_columns(weight=(pl.col("hi") - pl.col("lo") + 1).cast(pl.Float64))
        .group_by("operator_uscc")
        .agg(
            oracle_score=(pl.col("risk") * pl.col("weight")).sum() / pl.col("weight").sum(),
            in_business=pl.col("covers_first").any(),
        )
        .filter(pl.col("in_business"))
    )
    found = serious_usccs(
        inspections=frames["inspections"], sampling=frames["sampling"], penalties=frames["penalties"],
        after=as_of, until=until,
    )  # fmt: skip
    return (
        frames["operators"]
        .filter(pl.col("registered_on") <= as_of)
        .join(scores, left_on="uscc", right_on="operator_uscc", how="inner")
        .select("uscc", "oracle_score", label=pl.col("uscc").is_in(found.implode()).cast(pl.Int64))
    )
