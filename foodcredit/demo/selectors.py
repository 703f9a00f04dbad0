"""Reads for the demo commands: whether the district is empty, and the frames the oracle report needs.

The oracle reads the record tables directly, set-based (one query per table, only the rows that matter); it is a
development tool over the simulated truth, not a domain reading another's records for business use.
"""

from datetime import date, timedelta
from typing import Any

import polars as pl
from dateutil.relativedelta import relativedelta

from foodcredit.inspections.models import Inspection
from foodcredit.operators.models import Operator
from foodcredit.penalties.models import Penalty
from foodcredit.sampling.models import SamplingTest

from .models import LatentRisk, SeedRun


def operators_exist() -> bool:
    """Whether any operator is registered (seed_demo --if-empty does nothing then)."""
    return Operator.objects.exists()


def seed_run_latest() -> SeedRun | None:
    """The last seeding, if any."""
    return SeedRun.objects.order_by("-seeded_at", "-pk").first()


def _frame(rows: Any, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def oracle_frames(*, as_of: date, horizon_days: int) -> dict[str, pl.DataFrame]:
    """Operators, latent risk and serious-finding candidates for `oracle_auc` over (as_of, as_of + horizon]."""
    until = as_of + timedelta(days=horizon_days)
    # A latent-risk row covers at most 12 months, so rows starting 11 months before the horizon can overlap it.
    earliest = as_of.replace(day=1) + relativedelta(months=1) - relativedelta(months=11)
    return {
        "operators": _frame(
            Operator.objects.filter(registered_on__lte=as_of).values_list("uscc", "registered_on"),
            {"uscc": pl.String(), "registered_on": pl.Date()},
        ),
        "latent": _frame(
            LatentRisk.objects.filter(month__gte=earliest, month__lte=until).values_list(
                "operator_uscc", "month", "months", "risk"
            ),
            {"operator_uscc": pl.String(), "month": pl.Date(), "months": pl.Int64(), "risk": pl.Float64()},
        ),
        "inspections": _frame(
            Inspection.objects.filter(
                result=Inspection.Result.NONCONFORM, inspected_on__gt=as_of, inspected_on__lte=until
            ).values_list("operator__uscc", "inspected_on", "result"),
            {"uscc": pl.String(), "inspected_on": pl.Date(), "result": pl.String()},
        ),
        "sampling": _frame(
            SamplingTest.objects.filter(
                conclusion=SamplingTest.Conclusion.FAIL, sampled_on__gt=as_of, sampled_on__lte=until
            ).values_list("operator__uscc", "sampled_on", "conclusion"),
            {"uscc": pl.String(), "sampled_on": pl.Date(), "conclusion": pl.String()},
        ),
        "penalties": _frame(
            Penalty.objects.filter(decided_on__gt=as_of, decided_on__lte=until).values_list(
                "operator__uscc", "decided_on", "kinds"
            ),
            {"uscc": pl.String(), "decided_on": pl.Date(), "kinds": pl.List(pl.String())},
        ),
    }
