"""Reads for planning: the two directories, plans, tasks (scoped per role), the public side, facilitation."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from foodcredit.accounts.models import User
from foodcredit.credit.models import LedgerEntry
from foodcredit.inspections import selectors as inspection_selectors
from foodcredit.inspections.models import Inspector
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk.frames import rows_frame

from .. import rules
from ..models import InspectorConflict, Plan, Task, TaskInspector, Trigger

Reader = User | AnonymousUser
R = User.Role


# ── the class source ──────────────────────────────────────────────────────────────────────────────────────────


def risk_classes_attach(*, frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Add `risk_class` to a frame with `operator_id`: THE one source of classes for planning.

    The operator's class in risk's latest classification on or before `as_of` (overrides in force applied), one
    join for the whole frame; operators without a class yet count as PLANNING_DEFAULT_RISK_CLASS.
    """
    return risk_selectors.classes_attach(frame=frame, as_of=as_of, default=settings.PLANNING_DEFAULT_RISK_CLASS)


def risk_classes_of(*, operator_ids: list[int], as_of: date) -> dict[int, str]:
    """Classes of a page of operators (through the same source)."""
    frame = risk_classes_attach(
        frame=pl.DataFrame({"operator_id": operator_ids}, schema={"operator_id": pl.Int64}), as_of=as_of
    )
    return dict(zip(frame["operator_id"].to_list(), frame["risk_class"].to_list(), strict=True))


def risk_class_of(*, operator_id: int, as_of: date) -> str:
    """One operator's class (through the same source)."""
    frame = risk_classes_attach(frame=pl.DataFrame({"operator_id": [operator_id]}), as_of=as_of)
    return str(frame["risk_class"][0])


def facilitation_flags(*, operator: Operator, as_of: date) -> rules.Facilitation:
    """Facilitation and strictness for an operator (class A green channel; class D no 容缺受理/告知承诺).

    For licence handling and the planning API; an operator without a class counts as the default class.
    """
    return rules.facilitation_for(risk_class_of(operator_id=operator.pk, as_of=as_of))


# ── the inspection-object directory (检查对象名录库) ──────────────────────────────────────────────────────────


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


# ── plans and tasks ───────────────────────────────────────────────────────────────────────────────────────────


def plan_scope(*, for_user: Reader) -> QuerySet[Plan]:
    """Plans are read by regulators (district: all; station: all, they carry them out in their streets)."""
    if not isinstance(for_user, User) or for_user.role not in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        return Plan.objects.none()
    return Plan.objects.order_by("-pk")


def plan_get(*, plan_id: int, for_user: Reader) -> Plan:
    """One plan in scope; Http404 otherwise."""
    plan = plan_scope(for_user=for_user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("plan not found")
    return plan


def task_scope(*, for_user: Reader) -> QuerySet[Task]:
    """Tasks the caller may read: district all; station its streets; an inspector its own tasks."""
    tasks = Task.objects.select_related("operator", "plan", "trigger").prefetch_related("inspectors").order_by("-pk")
    if not isinstance(for_user, User) or not for_user.is_authenticated or not for_user.is_active:
        return tasks.none()
    if for_user.role == R.DISTRICT_REGULATOR:
        return tasks
    if for_user.role == R.STATION_REGULATOR:
        return tasks.filter(operator__street__in=for_user.streets) if for_user.streets else tasks.none()
    if for_user.role == R.INSPECTOR and for_user.inspector_cert_no:
        return tasks.filter(inspectors__cert_no=for_user.inspector_cert_no)
    return tasks.none()


def task_get(*, task_id: int, for_user: Reader) -> Task:
    """One task in scope; Http404 otherwise (existence does not leak)."""
    task = task_scope(for_user=for_user).filter(pk=task_id).first()
    if task is None:
        raise Http404("task not found")
    return task


def _overdue_q(as_of: date) -> Q:
    late_published = Q(published_on__isnull=False, publish_due_on__lt=F("published_on"))
    unpublished = Q(published_on__isnull=True, publish_due_on__lt=as_of)
    return late_published | unpublished


def task_list(
    *, for_user: Reader, as_of: date, overdue_only: bool = False, plan_id: int | None = None
) -> QuerySet[Task]:
    """Tasks in scope, newest first; `overdue_only` keeps those past their publication deadline."""
    tasks = task_scope(for_user=for_user)
    if plan_id is not None:
        tasks = tasks.filter(plan_id=plan_id)
    if overdue_only:
        tasks = tasks.filter(_overdue_q(as_of))
    return tasks


def task_is_overdue(*, task: Task, as_of: date) -> bool:
    """The overdue flag of one task (the rule, for display)."""
    return rules.task_overdue(due_on=task.publish_due_on, published_on=task.published_on, as_of=as_of)


def task_inspector_ids(*, task: Task) -> list[int]:
    """The task's inspectors' ids (uses the prefetched set when there is one)."""
    return sorted(i.pk for i in task.inspectors.all())


def inspector_of_user(*, user: Reader) -> Inspector | None:
    """The directory entry of an inspector user (by 执法证号)."""
    if not isinstance(user, User) or user.role != R.INSPECTOR:
        return None
    return inspection_selectors.inspector_by_cert_no(cert_no=user.inspector_cert_no)


def inspector_open_loads(*, inspector_ids: list[int]) -> dict[int, int]:
    """Open tasks per inspector (for balancing targeted tasks)."""
    open_statuses = [Task.Status.ASSIGNED, Task.Status.RECORDED]
    rows = (
        TaskInspector.objects.filter(inspector_id__in=inspector_ids, task__status__in=open_statuses)
        .values("inspector_id")
        .annotate(n=Count("id"))
    )
    loads = dict.fromkeys(inspector_ids, 0)
    loads.update({r["inspector_id"]: r["n"] for r in rows})
    return loads


def trigger_candidates(*, operator_ids: list[int], since: date) -> list[LedgerEntry]:
    """Current ledger entries that are triggers (verified complaint, failed sample, class jump to C/D) and have
    not fired yet."""
    entries = LedgerEntry.objects.filter(
        operator_id__in=operator_ids, occurred_on__gte=since, superseded_by__isnull=True
    ).filter(
        Q(kind=LedgerEntry.Kind.COMPLAINT, facts__verification__in=["true", "partly_true"])
        | Q(kind=LedgerEntry.Kind.SAMPLING_TEST, facts__conclusion="fail")
        | Q(kind=LedgerEntry.Kind.CLASS_CHANGE, facts__risk_class__in=["C", "D"])
    )
    fired = set(
        Trigger.objects.filter(ref_kind="ledger_entry", ref_id__in=entries.values("pk")).values_list(
            "ref_id", flat=True
        )
    )
    return [e for e in entries.select_related("operator").order_by("pk") if e.pk not in fired]


# ── the public side (一公开) ──────────────────────────────────────────────────────────────────────────────────


def plans_public() -> QuerySet[Plan]:
    """Plans as published: committed ones show only the seed commitment, drawn ones everything."""
    return Plan.objects.exclude(status=Plan.Status.SUPERSEDED).order_by("-pk")


def plan_get_public(*, plan_id: int) -> Plan:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise Http404("plan not found")
    return plan


def plan_objects_public(*, plan: Plan) -> QuerySet[Task]:
    """The drawn objects of a plan — only once the draw is published."""
    if plan.status == Plan.Status.COMMITTED:
        return Task.objects.none()
    return Task.objects.filter(plan=plan).select_related("operator").order_by("seq")


def results_public() -> QuerySet[Task]:
    """Published results of random and targeted inspections."""
    return (
        Task.objects.filter(status=Task.Status.PUBLISHED)
        .select_related("operator", "plan")
        .prefetch_related("inspectors")
        .order_by("-published_on", "-pk")
    )


# ── verification ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Verification:
    """What plan_verify found."""

    snapshot_matches: bool  # the stored listing hashes to the published snapshot hash
    seed_matches: bool  # the revealed seed hashes to the published commitment
    objects_match: bool
    inspectors_match: bool
    tasks: int

    @property
    def ok(self) -> bool:
        return self.snapshot_matches and self.seed_matches and self.objects_match and self.inspectors_match


def plan_verify(*, plan: Plan) -> Verification:
    """Re-run the draw from the revealed seed and the frozen snapshot and compare with the stored tasks."""
    listing = rules.snapshot_decompress(bytes(plan.snapshot.content))
    snapshot = rules.snapshot_parse(listing)
    draw = rules.draw_run(snapshot=snapshot, seed=plan.seed)
    operator_ids = snapshot.objects["operator_id"].to_numpy()[draw.object_rows]
    stored = Task.objects.filter(plan=plan).order_by("seq")
    stored_ops = list(stored.values_list("operator_id", flat=True))
    links = TaskInspector.objects.filter(task__plan=plan).values_list("task__seq", "inspector_id")
    stored_pairs = sorted((int(seq or 0), int(i)) for seq, i in links)
    drawn_pairs = sorted((seq + 1, int(i)) for seq, row in enumerate(draw.inspector_ids.tolist()) for i in row)
    return Verification(
        snapshot_matches=snapshot.sha256 == plan.snapshot_sha256,
        seed_matches=rules.seed_commitment(plan.seed) == plan.seed_commitment,
        objects_match=stored_ops == [int(o) for o in operator_ids],
        inspectors_match=stored_pairs == drawn_pairs,
        tasks=len(stored_ops),
    )


# ── who may change what (DOMAIN.md Part I §5) ─────────────────────────────────────────────────────────────────


def can_plan(*, user: Reader) -> bool:
    """Plans are made and revised by district regulators."""
    return isinstance(user, User) and user.is_authenticated and user.role == R.DISTRICT_REGULATOR


def can_manage_inspectors(*, user: Reader) -> bool:
    """The inspector directory's planning data is kept by regulators."""
    return isinstance(user, User) and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)


def can_see_frequency(*, user: Reader) -> bool:
    """The minimum-frequency list schedules routine inspections: regulators (a station sees its streets)."""
    return isinstance(user, User) and user.is_authenticated and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)


def can_record_result(*, user: Reader, task: Task) -> bool:
    """谁检查、谁录入: only an inspector assigned to the task records its result."""
    inspector = inspector_of_user(user=user)
    return inspector is not None and task.inspectors.filter(pk=inspector.pk).exists()


def can_publish_result(*, user: Reader, task: Task) -> bool:
    """The task's inspectors publish; regulators who can read the task may publish for them."""
    if isinstance(user, User) and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        return True
    return can_record_result(user=user, task=task)
