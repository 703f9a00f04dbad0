"""The two directories: inspection objects (检查对象名录库) and inspectors (执法检查人员名录库)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet
from django.http import Http404

from foodcredit.accounts.models import User
from foodcredit.inspections import selectors as inspection_selectors
from foodcredit.inspections.models import Inspector
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk.frames import rows_frame

from .. import rules
from ..models import InspectorConflict
from .classes import Reader, risk_classes_attach

R = User.Role


@dataclass(frozen=True)
class Scope:
    """A plan's scope: empty lists mean no restriction."""

    streets: list[str]
    sectors: list[str]
    business_types: list[str]

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Scope:
        return cls(
            streets=list(value.get("streets") or []),
            sectors=list(value.get("sectors") or []),
            business_types=list(value.get("business_types") or []),
        )


def _scoped(operators: QuerySet[Operator], scope: Scope) -> QuerySet[Operator]:
    operators = operators.filter(status=Operator.Status.ACTIVE)
    if scope.streets:
        operators = operators.filter(street__in=scope.streets)
    if scope.sectors:
        operators = operators.filter(sector__in=scope.sectors)
    if scope.business_types:
        operators = operators.filter(business_type__in=scope.business_types)
    return operators


def object_directory(*, for_user: Reader, scope: Scope, risk_class: str = "", as_of: date) -> QuerySet[Operator]:
    """Active operators in the caller's scope, filtered by street, sector, type and class."""
    operators = _scoped(operator_selectors.operator_scope(for_user=for_user), scope)
    if risk_class:
        # The same class source as risk_classes_attach, as a filter in SQL (a page and its count, not a frame).
        operators = risk_selectors.operators_of_class(
            operators=operators, risk_class=risk_class, as_of=as_of, default=settings.PLANNING_DEFAULT_RISK_CLASS
        )
    return operators.order_by("pk")


def _frame(queryset: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A values_list query straight into a polars frame (no model instances): COPY … TO STDOUT on PostgreSQL."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            cur.execute(sql, params)
            return rows_frame(cur.fetchall(), schema)
        buf = io.BytesIO()
        with cur.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for block in copy:
                buf.write(block)
    if not buf.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    buf.seek(0)
    raw = pl.read_csv(buf, has_header=False, new_columns=list(schema), schema=dict.fromkeys(schema, pl.Utf8))
    casts = []
    for name, dtype in schema.items():
        col = pl.col(name)
        if dtype == pl.Boolean:
            casts.append((col == "t").alias(name))
        elif dtype == pl.Date:
            casts.append(col.str.to_date("%Y-%m-%d").alias(name))
        else:
            casts.append(col.cast(dtype).alias(name))
    return raw.select(casts)


def object_directory_frame(
    *, scope: Scope, as_of: date, exclude_inspected_within_days: int, observation_months: int
) -> pl.DataFrame:
    """The objects a plan draws from, set-based: active operators in scope, minus those inspected within N days and
    new business forms of class A/B inside their observation period. Columns: rules.OBJECT_SCHEMA."""
    operators = _scoped(Operator.objects.all(), scope)
    if exclude_inspected_within_days:
        since = as_of - timedelta(days=exclude_inspected_within_days)
        operators = operators.exclude(pk__in=inspection_selectors.inspection_operator_ids_since(since=since))
    frame = _frame(
        operators.values_list("id", "uscc", "street", "sector", "new_business_form", "registered_on"),
        {
            "operator_id": pl.Int64,
            "uscc": pl.Utf8,
            "street": pl.Utf8,
            "sector": pl.Utf8,
            "new_business_form": pl.Boolean,
            "registered_on": pl.Date,
        },
    )
    frame = risk_classes_attach(frame=frame, as_of=as_of)
    observed = (
        pl.col("new_business_form")
        & pl.col("risk_class").is_in(["A", "B"])
        & (pl.lit(as_of) <= pl.col("registered_on").dt.offset_by(f"{observation_months}mo"))
    )
    return frame.filter(~observed).select(list(rules.OBJECT_SCHEMA))


# ── the inspector directory (执法检查人员名录库) ──────────────────────────────────────────────────────────────


def inspector_directory(*, for_user: Reader) -> QuerySet[Inspector]:
    """Inspectors with their planning profile and number of declared conflicts; regulators only."""
    if not isinstance(for_user, User) or for_user.role not in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        return Inspector.objects.none()
    return (
        Inspector.objects.select_related("planning_profile")
        .annotate(conflict_count=Count("planning_conflicts"))
        .order_by("pk")
    )


def inspector_directory_frame() -> pl.DataFrame:
    """Inspectors who can be drawn: verified, with a 执法证号, available, qualified for at least one sector."""
    rows = Inspector.objects.filter(verified=True, cert_no__isnull=False, planning_profile__available=True).values_list(
        "id", "planning_profile__sectors"
    )
    frame = pl.DataFrame(
        [(pk, ",".join(sorted(s for s in (sectors or []) if s in rules.SECTORS))) for pk, sectors in rows],
        schema={"inspector_id": pl.Int64, "sectors": pl.Utf8},
        orient="row",
    )
    return frame.filter(pl.col("sectors") != "")


def conflict_frame() -> pl.DataFrame:
    """Every declared conflict (inspector, operator)."""
    return _frame(
        InspectorConflict.objects.values_list("inspector_id", "operator_id"),
        {"inspector_id": pl.Int64, "operator_id": pl.Int64},
    )


def inspector_conflicts_with(*, operator_id: int) -> set[int]:
    """Inspectors who declared a conflict with this operator."""
    return set(InspectorConflict.objects.filter(operator_id=operator_id).values_list("inspector_id", flat=True))


def inspectors_eligible(*, operator: Operator) -> list[int]:
    """Inspectors who may be assigned to a task at this operator: drawable (verified, 执法证号, available), qualified
    for its sector and without a declared conflict with it, fewest open tasks first (ids)."""
    directory = inspector_directory_frame()
    qualified = directory.filter(pl.col("sectors").str.split(",").list.contains(operator.sector))
    conflicted = inspector_conflicts_with(operator_id=operator.pk)
    return [int(i) for i in qualified["inspector_id"].to_list() if i not in conflicted]


def inspector_get(*, inspector_id: int, for_user: Reader) -> Inspector:
    """One inspector of the caller's directory (with profile and conflict count); Http404 otherwise."""
    inspector = inspector_directory(for_user=for_user).filter(pk=inspector_id).first()
    if inspector is None:
        raise Http404("inspector not found")
    return inspector


def inspector_conflicts(*, inspector: Inspector, for_user: Reader) -> QuerySet[InspectorConflict]:
    """An inspector's declared conflicts with operators the caller can read."""
    operators = operator_selectors.operator_scope(for_user=for_user)
    return (
        InspectorConflict.objects.filter(inspector=inspector, operator__in=operators)
        .select_related("operator")
        .order_by("-pk")
    )


def conflict_get(*, inspector_id: int, conflict_id: int, for_user: Reader) -> InspectorConflict:
    """One declared conflict of an inspector in the caller's directory, at an operator in scope; Http404 otherwise."""
    inspector = inspector_get(inspector_id=inspector_id, for_user=for_user)
    conflict = inspector_conflicts(inspector=inspector, for_user=for_user).filter(pk=conflict_id).first()
    if conflict is None:
        raise Http404("conflict not found")
    return conflict
