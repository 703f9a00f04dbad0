"""Minimum on-site frequency per class (DOMAIN.md Part I §8): which operators are due or overdue for an inspection.

Random plans alone cannot reach a class's minimum frequency (rules.frequency_shortfall); the rest comes from routine
inspections, and this is their list: every active operator in the caller's scope with its class, its latest on-site
inspection of any kind, the day its class's interval runs out from that inspection (from its registration if it was
never inspected) and by how many days that day has passed. New business forms of class A/B in their observation
period are left out (trigger-based supervision only). Set-based: one query for the operators, one for the latest
inspections, the classes through planning's one class source, the rest in polars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.conf import settings

from foodcredit.inspections import selectors as inspection_selectors
from foodcredit.operators import selectors as operator_selectors

from .. import rules
from . import Reader, Scope, _frame, _scoped, risk_classes_attach

OPERATOR_SCHEMA = {
    "operator_id": pl.Int64,
    "uscc": pl.Utf8,
    "name": pl.Utf8,
    "street": pl.Utf8,
    "sector": pl.Utf8,
    "new_business_form": pl.Boolean,
    "registered_on": pl.Date,
}


# The list's order (most overdue and riskiest first): priority = days overdue, counted up to one year, × the class's
# minimum inspections a year (A 0.5, B 1, C 2, D 3); equal priorities, the longer overdue first. At equal days a D
# comes before an A, and an operator never inspected since a registration decades ago does not outrank every
# riskier one: past a year, the class decides. Not yet due: days left ÷ the same number (a D due in 30 days comes
# before an A due in 30 days).
PRIORITY_DAYS_CAP = 365


@dataclass(frozen=True)
class FrequencyDue:
    """The frequency list: one row per operator (highest priority first) and, per class, operators and overdue ones."""

    as_of: date
    intervals: dict[str, int]  # days between on-site inspections, per class
    rows: pl.DataFrame  # OPERATOR_SCHEMA + risk_class, last_inspected_on, due_on, never_inspected, overdue_days,
    # priority (the order, see PRIORITY_DAYS_CAP)
    summary: dict[str, dict[str, int]]  # {class: {"operators": n, "overdue": k}}


def frequency_due(
    *, for_user: Reader, scope: Scope, as_of: date, observation_months: int | None = None
) -> FrequencyDue:
    """Operators in `for_user`'s scope and `scope`, with when their class's minimum frequency next calls for an
    on-site inspection (`overdue_days` ≥ 0: due or overdue on `as_of`)."""
    intervals = rules.frequency_interval_days(settings.PLANNING_MIN_FREQUENCY_PER_YEAR)
    if observation_months is None:
        period = settings.PLANNING_OBSERVATION_PERIOD
        observation_months = period.months + 12 * period.years
    operators = _scoped(operator_selectors.operator_scope(for_user=for_user), scope)
    frame = _frame(
        operators.values_list(*[c if c != "operator_id" else "id" for c in OPERATOR_SCHEMA]), OPERATOR_SCHEMA
    )
    last = _frame(
        inspection_selectors.inspection_last_dates(as_of=as_of), {"operator_id": pl.Int64, "last_inspected_on": pl.Date}
    )
    frame = risk_classes_attach(frame=frame, as_of=as_of).join(last, on="operator_id", how="left")
    observed = (
        pl.col("new_business_form")
        & pl.col("risk_class").is_in(["A", "B"])
        & (pl.lit(as_of) <= pl.col("registered_on").dt.offset_by(f"{observation_months}mo"))
    )
    interval = pl.col("risk_class").replace_strict(intervals, default=None, return_dtype=pl.Int64)
    weight = pl.col("risk_class").replace_strict(
        {c: float(v) for c, v in settings.PLANNING_MIN_FREQUENCY_PER_YEAR.items()}, default=0.0, return_dtype=pl.Float64
    )
    due_on = pl.coalesce("last_inspected_on", "registered_on") + pl.duration(days=interval)
    rows = (
        frame.filter(~observed)
        .with_columns(due_on=due_on, never_inspected=pl.col("last_inspected_on").is_null())
        .filter(pl.col("due_on").is_not_null())
        .with_columns(overdue_days=(pl.lit(as_of) - pl.col("due_on")).dt.total_days())
        .with_columns(
            priority=pl.when(pl.col("overdue_days") >= 0)
            .then(pl.col("overdue_days").clip(upper_bound=PRIORITY_DAYS_CAP) * weight)
            .otherwise(pl.col("overdue_days") / weight)
        )
        .sort(["priority", "overdue_days", "operator_id"], descending=[True, True, False])
    )
    counted = rows.group_by("risk_class").agg(operators=pl.len(), overdue=(pl.col("overdue_days") >= 0).sum())
    summary = {cls: {"operators": 0, "overdue": 0} for cls in rules.CLASSES} | {
        r["risk_class"]: {"operators": int(r["operators"]), "overdue": int(r["overdue"])} for r in counted.to_dicts()
    }
    return FrequencyDue(as_of=as_of, intervals=intervals, rows=rows, summary=summary)
