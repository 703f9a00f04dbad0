"""Plans and tasks as the caller may read them (scoped per role), loads, trigger candidates."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from foodcredit.accounts.models import User
from foodcredit.credit.models import LedgerEntry
from foodcredit.inspections import selectors as inspection_selectors
from foodcredit.inspections.models import Inspector

from .. import rules
from ..models import Plan, Task, TaskInspector, Trigger
from .classes import Reader

R = User.Role


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
        # A drawn plan's tasks reach their inspectors when the plan is published, not while it is reviewed.
        return tasks.filter(inspectors__cert_no=for_user.inspector_cert_no).exclude(plan__status=Plan.Status.DRAWN)
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


def plan_task_counts(*, plan: Plan) -> dict[str, int]:
    """A drawn plan's tasks per risk class (the review's figures)."""
    rows = Task.objects.filter(plan=plan).values("risk_class").annotate(n=Count("id"))
    return {r["risk_class"]: r["n"] for r in rows}
