"""The oracle: how well the hidden latent risk ranks operators by whether they have a serious finding.

One definition for the generated frames (tests) and for the database (`seed_oracle_report`):
- population: operators registered on or before as-of and in business in the first month after it;
- score: the mean latent risk over the horizon's months (months whose first day falls in (as-of, as-of + horizon]);
- outcome: a serious finding in (as-of, as-of + horizon]: an inspection 不符合, a sampling test 不合格, or a
  penalty whose kinds are more than a warning.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from sklearn.metrics import roc_auc_score


@dataclass(frozen=True)
class OracleResult:
    """The oracle AUC with the sizes it was computed on."""

    auc: float
    operators: int
    positives: int
    months: int


def _month_number(col: str) -> pl.Expr:
    return pl.col(col).dt.year().cast(pl.Int64) * 12 + pl.col(col).dt.month().cast(pl.Int64) - 1


def serious_usccs(
    *, inspections: pl.DataFrame, sampling: pl.DataFrame, penalties: pl.DataFrame, after: date, until: date
) -> pl.Series:
    """USCCs with a serious finding dated in (after, until]."""

    def within(col: str) -> pl.Expr:
        return (pl.col(col) > after) & (pl.col(col) <= until)

    found = [
        inspections.filter(within("inspected_on") & (pl.col("result") == "nonconform")).select("uscc"),
        sampling.filter(within("sampled_on") & (pl.col("conclusion") == "fail")).select("uscc"),
        penalties.filter(within("decided_on") & pl.col("kinds").list.eval(pl.element() != "警告").list.any()).select(
            "uscc"
        ),
    ]
    return pl.concat(found).get_column("uscc").unique()


def oracle_table(
    *,
    operators: pl.DataFrame,
    latent: pl.DataFrame,
    inspections: pl.DataFrame,
    sampling: pl.DataFrame,
    penalties: pl.DataFrame,
    as_of: date,
    horizon_days: int = 365,
) -> pl.DataFrame:
    """uscc, oracle_score (the mean latent risk over the horizon), label (a serious finding in it), by uscc.

    Frames: operators (uscc, registered_on); latent (operator_uscc, month, months, risk); inspections (uscc,
    inspected_on, result); sampling (uscc, sampled_on, conclusion); penalties (uscc, decided_on, kinds).
    """
    until = as_of + timedelta(days=horizon_days)
    first, last = _horizon_months(as_of, until)
    rows = latent.with_columns(start=_month_number("month")).with_columns(
        lo=pl.max_horizontal(pl.col("start"), pl.lit(first)),
        hi=pl.min_horizontal(pl.col("start") + pl.col("months").cast(pl.Int64) - 1, pl.lit(last)),
        covers_first=(pl.col("start") <= first) & (pl.col("start") + pl.col("months").cast(pl.Int64) > first),
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
    found = serious_usccs(inspections=inspections, sampling=sampling, penalties=penalties, after=as_of, until=until)
    return (
        operators.filter(pl.col("registered_on") <= as_of)
        .join(scores, left_on="uscc", right_on="operator_uscc", how="inner")
        .select("uscc", "oracle_score", label=pl.col("uscc").is_in(found.implode()).cast(pl.Int64))
        .sort("uscc")
    )


def _horizon_months(as_of: date, until: date) -> tuple[int, int]:
    """The first and last month numbers of the horizon: the month after as-of's month to until's month."""
    return as_of.year * 12 + as_of.month, until.year * 12 + until.month - 1


def oracle_auc(*, as_of: date, horizon_days: int = 365, **frames: pl.DataFrame) -> OracleResult:
    """AUC of the mean latent risk over the horizon against a serious finding in it (see the module doc)."""
    table = oracle_table(**frames, as_of=as_of, horizon_days=horizon_days)
    labels = table.get_column("label").to_numpy().astype(bool)
    if labels.all() or not labels.any():
        raise ValueError("the oracle needs operators with and without a serious finding in the horizon")
    auc = float(roc_auc_score(labels, table.get_column("oracle_score").to_numpy()))
    first, last = _horizon_months(as_of, as_of + timedelta(days=horizon_days))
    return OracleResult(auc=auc, operators=len(table), positives=int(labels.sum()), months=last - first + 1)


def oracle_now_table(*, latent: pl.DataFrame, as_of: date, **frames: pl.DataFrame) -> pl.DataFrame:
    """The oracle a classifier could at best be on `as_of` (issue 13 §6): the same population and labels as
    `oracle_table`, scored by the latent risk of the month that contains `as_of` — not by the months after it."""
    table = oracle_table(latent=latent, as_of=as_of, **frames)  # type: ignore[arg-type]
    month = as_of.year * 12 + as_of.month - 1
    now = (
        latent.with_columns(start=_month_number("month"))
        .filter((pl.col("start") <= month) & (pl.col("start") + pl.col("months").cast(pl.Int64) > month))
        .group_by("operator_uscc")
        .agg(oracle_now=pl.col("risk").mean())
    )
    return table.join(now, left_on="uscc", right_on="operator_uscc", how="inner")
