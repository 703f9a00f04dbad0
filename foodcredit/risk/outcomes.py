"""What happened after a date: the serious findings and the inspections of the horizon that label a snapshot."""

from datetime import date, timedelta

import polars as pl

from foodcredit.credit.ledger_codes import FAIL_LAST, Signal

from .frames import day, read_frame
from .ledger_pass import LEDGER
from .penalties import penalties_frame

S = Signal


def outcomes_after(*, as_of: date, horizon_days: int) -> pl.DataFrame:
    """Serious findings dated in (as_of, as_of + horizon]: per operator, whether any and the date of the first.

    A serious finding: an inspection 不符合, a sampling test 不合格, or a penalty other than a warning only.
    """
    until = as_of + timedelta(days=horizon_days)
    records = read_frame(
        f"""SELECT operator_id, occurred_on FROM {LEDGER}
            WHERE superseded_by_id IS NULL AND occurred_on > {day(as_of)} AND occurred_on <= {day(until)}
              AND (signal = {S.INSPECTION_NONCONFORM} OR signal BETWEEN {S.SAMPLE_FAIL} AND {FAIL_LAST})""",
        {"operator_id": pl.Int64(), "occurred_on": pl.Date()},
    )
    penalties = penalties_frame(after=as_of + timedelta(days=1), before=until + timedelta(days=1)).filter(
        pl.col("serious")
    )
    return (
        pl.concat([records, penalties.select("operator_id", "occurred_on")])
        .group_by("operator_id")
        .agg(first_serious_on=pl.col("occurred_on").min(), serious_count=pl.len())
        .with_columns(serious=pl.lit(1))
    )


def inspections_after(*, as_of: date, horizon_days: int) -> pl.DataFrame:
    """Inspections dated in (as_of, as_of + horizon]: operator, date, and whether the result was 不符合."""
    until = as_of + timedelta(days=horizon_days)
    return read_frame(
        f"""SELECT operator_id, occurred_on,
                   CASE WHEN signal = {S.INSPECTION_NONCONFORM} THEN 1 ELSE 0 END AS nonconform
            FROM {LEDGER}
            WHERE signal BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM} AND superseded_by_id IS NULL
              AND occurred_on > {day(as_of)} AND occurred_on <= {day(until)}""",
        {"operator_id": pl.Int64(), "occurred_on": pl.Date(), "nonconform": pl.Int64()},
    )
