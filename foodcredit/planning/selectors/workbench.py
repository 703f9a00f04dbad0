"""Reads for the back office's workbench (工作台): the district at a glance, scoped to the caller.

Classes by street or sector (through planning's one class source: risk's class in force, the default for operators
not classified yet) and the progress of the latest plans. Each figure is what a list shows when it is filtered the
same way (the operator list by street/sector and class, the task list by plan and status).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Count, QuerySet

from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors

from .. import rules
from ..models import Plan
from . import Reader, plan_scope, task_scope


def operators_in_class(*, operators: QuerySet[Operator], risk_class: str, as_of: date) -> QuerySet[Operator]:
    """`operators` narrowed to those of `risk_class` on `as_of` (the class in force; PLANNING_DEFAULT_RISK_CLASS for
    an operator not classified yet) — the operator list's class filter and the charts below count alike."""
    return risk_selectors.operators_of_class(
        operators=operators, risk_class=risk_class, as_of=as_of, default=settings.PLANNING_DEFAULT_RISK_CLASS
    )


def class_counts(*, for_user: Reader, by: str, as_of: date) -> dict[str, dict[str, int]]:
    """{street or sector code: {class: active operators in the caller's scope}}, one query per class."""
    field = {"street": "street", "sector": "sector"}[by]
    active = operator_selectors.operator_scope(for_user=for_user).filter(status=Operator.Status.ACTIVE)
    out: dict[str, dict[str, int]] = {}
    for cls in rules.CLASSES:
        rows = (
            operators_in_class(operators=active, risk_class=cls, as_of=as_of)
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
        )
        for row in rows:
            out.setdefault(row[field], {})[cls] = int(row["n"])
    return out


def plan_progress(*, for_user: Reader, limit: int = 6) -> list[tuple[Plan, dict[str, int]]]:
    """The latest published plans in scope with their tasks in scope per status, oldest of them first."""
    plans = list(plan_scope(for_user=for_user).filter(status=Plan.Status.PUBLISHED)[:limit])
    counts: dict[int, dict[str, int]] = {p.pk: {} for p in plans}
    rows = (
        task_scope(for_user=for_user)
        .filter(plan_id__in=list(counts))
        .order_by()
        .values("plan_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["plan_id"]][row["status"]] = int(row["n"])
    return [(p, counts[p.pk]) for p in reversed(plans)]
