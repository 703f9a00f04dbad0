"""Planning API (/api/v1/planning/…): directories, plans, tasks and results; the public side under /public/.

Thin: check the input shape and the caller's right, fetch with selectors (404 outside scope), call one service.
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from foodcredit.inspections import services as inspection_services
from foodcredit.operators import selectors as operator_selectors

from . import selectors, services
from .schemas import (
    ConflictIn,
    ConflictWithdrawIn,
    FacilitationOut,
    FrequencyClassOut,
    FrequencyFilter,
    FrequencyPageOut,
    FrequencyRowOut,
    InspectorIn,
    InspectorOut,
    InspectorProfileIn,
    InspectorVerifyIn,
    ObjectFilter,
    ObjectOut,
    ObjectPageOut,
    PlanIn,
    PlanOut,
    PlanReviseIn,
    PublicObjectOut,
    PublicPlanOut,
    PublicResultOut,
    ResultIn,
    TaskAssignIn,
    TaskCloseIn,
    TaskOut,
)
from .selectors import frequency as frequency_selectors

router = Router(tags=["planning"])
MAX_OFFSET = 10_000_000  # paging past this is a mistake (and past 2^63 a database error): 422


class Page(LimitOffsetPagination):
    """django-ninja's limit/offset pages ({"items": […], "count": N}), bounded: at most 1000 rows a page."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


# ── directories ───────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/objects", response=ObjectPageOut, operation_id="planning_objects", summary="检查对象名录库")
def object_list(request: HttpRequest, filters: Query[ObjectFilter]) -> ObjectPageOut:
    """Active operators in the caller's scope, by street, sector, type and class."""
    as_of = timezone.localdate()
    scope = selectors.Scope(
        streets=[filters.street] if filters.street else [],
        sectors=[filters.sector] if filters.sector else [],
        business_types=[filters.business_type] if filters.business_type else [],
    )
    found = selectors.object_directory(
        for_user=request.user, scope=scope, risk_class=filters.risk_class or "", as_of=as_of
    )
    page = list(found[: filters.limit])
    classes = selectors.risk_classes_of(operator_ids=[o.pk for o in page], as_of=as_of)
    items = [
        ObjectOut(
            uscc=o.uscc,
            name=o.name,
            street=o.street,
            sector=o.sector,
            business_type=o.business_type,
            risk_class=classes[o.pk],
            new_business_form=o.new_business_form,
        )
        for o in page
    ]
    return ObjectPageOut(count=found.count(), items=items)


@router.get(
    "/frequency",
    response=FrequencyPageOut,
    operation_id="planning_frequency",
    summary="检查频次到期清单",
)
def frequency_list(request: HttpRequest, filters: Query[FrequencyFilter]) -> FrequencyPageOut:
    """Active operators in the caller's scope whose class's minimum on-site frequency calls for an inspection,
    most overdue and riskiest first — days overdue (counted up to a year) × the class's minimum inspections a year, as
    selectors/frequency.py explains (with `overdue=false`, all of them with their next due day); per class, how many."""
    if not selectors.can_see_frequency(user=request.user):
        raise HttpError(403, "forbidden")
    scope = selectors.Scope(
        streets=[filters.street] if filters.street else [],
        sectors=[filters.sector] if filters.sector else [],
        business_types=[],
    )
    due = frequency_selectors.frequency_due(for_user=request.user, scope=scope, as_of=timezone.localdate())
    rows = due.rows
    if filters.risk_class:
        rows = rows.filter(rows["risk_class"] == filters.risk_class)
    if filters.overdue:
        rows = rows.filter(rows["overdue_days"] >= 0)
    page = rows.slice(filters.offset, filters.limit)
    return FrequencyPageOut(
        as_of=due.as_of,
        classes={cls: FrequencyClassOut(interval_days=days, **due.summary[cls]) for cls, days in due.intervals.items()},
        count=rows.height,
        items=[FrequencyRowOut(**row) for row in page.select(list(FrequencyRowOut.model_fields)).to_dicts()],
    )


@router.get(
    "/inspectors",
    response=list[InspectorOut],
    operation_id="planning_inspectors",
    summary="执法检查人员名录库",
)
@paginate(Page)
def inspector_list(request: HttpRequest) -> object:
    """Inspectors with qualified sectors, availability and number of declared conflicts (regulators)."""
    return selectors.inspector_directory(for_user=request.user)


def _inspector(request: HttpRequest, inspector_id: int) -> object:
    """An inspector of the caller's directory (404 otherwise), with its profile and conflict count."""
    return selectors.inspector_get(inspector_id=inspector_id, for_user=request.user)


@router.post("/inspectors", response={201: InspectorOut}, operation_id="planning_inspector_add")
def inspector_add(request: HttpRequest, payload: InspectorIn) -> Status[object]:
    """Add an inspector by 执法证号 (unverified until someone who has seen the certificate verifies it)."""
    if not selectors.can_manage_inspectors(user=request.user):
        raise HttpError(403, "forbidden")
    inspector = inspection_services.inspector_add(
        cert_no=payload.cert_no, name=payload.name, department_code=payload.department_code, actor=request.user
    )
    return Status(201, _inspector(request, inspector.pk))


@router.post("/inspectors/{inspector_id}/verify", response=InspectorOut, operation_id="planning_inspector_verify")
def inspector_verify(request: HttpRequest, inspector_id: int, payload: InspectorVerifyIn) -> object:
    """Verify an inspector against the 执法证 (the holder's name must match the directory)."""
    inspector = selectors.inspector_get(inspector_id=inspector_id, for_user=request.user)
    if not selectors.can_manage_inspectors(user=request.user):
        raise HttpError(403, "forbidden")
    inspection_services.inspector_verify(inspector=inspector, name=payload.name, note=payload.note, actor=request.user)
    return _inspector(request, inspector_id)


@router.put("/inspectors/{inspector_id}/profile", response=InspectorOut, operation_id="planning_inspector_profile")
def inspector_profile_set(request: HttpRequest, inspector_id: int, payload: InspectorProfileIn) -> object:
    """Set an inspector's qualified sectors and availability."""
    inspector = selectors.inspector_get(inspector_id=inspector_id, for_user=request.user)
    if not selectors.can_manage_inspectors(user=request.user):
        raise HttpError(403, "forbidden")
    services.inspector_profile_set(
        inspector=inspector, sectors=list(payload.sectors), available=payload.available, actor=request.user
    )
    return _inspector(request, inspector_id)


@router.post("/inspectors/{inspector_id}/conflicts", response={201: None}, operation_id="planning_conflict_declare")
def conflict_declare(request: HttpRequest, inspector_id: int, payload: ConflictIn) -> Status[None]:
    """Declare an inspector's conflict of interest with an operator (回避)."""
    inspector = selectors.inspector_get(inspector_id=inspector_id, for_user=request.user)
    if not selectors.can_manage_inspectors(user=request.user):
        raise HttpError(403, "forbidden")
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=request.user)
    services.inspector_conflict_declare(
        inspector=inspector, operator=operator, kind=payload.kind, note=payload.note, actor=request.user
    )
    return Status(201, None)


@router.post(
    "/inspectors/{inspector_id}/conflicts/{conflict_id}/withdraw",
    response={204: None},
    operation_id="planning_conflict_withdraw",
)
def conflict_withdraw(
    request: HttpRequest, inspector_id: int, conflict_id: int, payload: ConflictWithdrawIn
) -> Status[None]:
    """Withdraw a declared conflict of interest, with the reason."""
    conflict = selectors.conflict_get(inspector_id=inspector_id, conflict_id=conflict_id, for_user=request.user)
    if not selectors.can_manage_inspectors(user=request.user):
        raise HttpError(403, "forbidden")
    services.inspector_conflict_withdraw(conflict=conflict, reason=payload.reason, actor=request.user)
    return Status(204, None)


# ── plans ─────────────────────────────────────────────────────────────────────────────────────────────────────


@router.post("/plans", response={201: PlanOut}, operation_id="planning_plan_create", summary="制定抽查计划")
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[object]:
    """Commit a seed; with `draw` (default) also freeze the snapshot, draw and reveal the seed in one go."""
    if not selectors.can_plan(user=request.user):
        raise HttpError(403, "forbidden")
    kwargs = {
        "name": payload.name,
        "period_start": payload.period_start,
        "period_end": payload.period_end,
        "scope": {"streets": payload.streets, "sectors": payload.sectors, "business_types": payload.business_types},
        "as_of": timezone.localdate(),
        "actor": request.user,
        "ratios": payload.ratios,
        "min_frequency": payload.min_frequency,
        "street_quotas": payload.street_quotas,
        "exclude_inspected_within_days": payload.exclude_inspected_within_days,
        "observation_months": payload.observation_months,
        "inspectors_per_task": payload.inspectors_per_task,
        "inspector_cap": payload.inspector_cap,
    }
    plan = services.plan_create(**kwargs) if payload.draw else services.plan_commit(**kwargs)  # type: ignore[arg-type]
    return Status(201, plan)


@router.post("/plans/{plan_id}/draw", response=PlanOut, operation_id="planning_plan_draw")
def plan_draw(request: HttpRequest, plan_id: int) -> object:
    """Draw a committed plan (its seed commitment was published before this snapshot is frozen); it then waits
    for review and publication."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    if not selectors.can_plan(user=request.user):
        raise HttpError(403, "forbidden")
    return services.plan_draw(plan=plan, actor=request.user)


@router.post("/plans/{plan_id}/publish", response=PlanOut, operation_id="planning_plan_publish")
def plan_publish(request: HttpRequest, plan_id: int) -> object:
    """Publish a drawn plan after review: the seed is revealed, its objects public, its tasks sent out."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    if not selectors.can_plan(user=request.user):
        raise HttpError(403, "forbidden")
    return services.plan_publish(plan=plan, actor=request.user)


@router.post("/plans/{plan_id}/revise", response={201: PlanOut}, operation_id="planning_plan_revise")
def plan_revise(request: HttpRequest, plan_id: int, payload: PlanReviseIn) -> Status[object]:
    """A new version of a published plan (the old one is superseded, audited)."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    if not selectors.can_plan(user=request.user):
        raise HttpError(403, "forbidden")
    changes = payload.dict(exclude_none=True, exclude={"reason"})
    new = services.plan_revise(
        plan=plan, actor=request.user, as_of=timezone.localdate(), reason=payload.reason, **changes
    )
    return Status(201, new)


@router.get("/plans", response=list[PlanOut], operation_id="planning_plans")
@paginate(Page)
def plan_list(request: HttpRequest) -> object:
    """Plans in the caller's scope, newest first."""
    return selectors.plan_scope(for_user=request.user)


@router.get("/plans/{plan_id}", response=PlanOut, operation_id="planning_plan")
def plan_get(request: HttpRequest, plan_id: int) -> object:
    return selectors.plan_get(plan_id=plan_id, for_user=request.user)


# ── tasks and results ─────────────────────────────────────────────────────────────────────────────────────────


@router.get("/tasks", response=list[TaskOut], operation_id="planning_tasks", summary="检查任务")
@paginate(Page)
def task_list(request: HttpRequest, overdue: bool = False, plan_id: int | None = None) -> object:
    """The caller's tasks (an inspector: its own), newest first; `overdue` keeps the overdue ones."""
    return selectors.task_list(for_user=request.user, as_of=timezone.localdate(), overdue_only=overdue, plan_id=plan_id)


@router.get("/tasks/{task_id}", response=TaskOut, operation_id="planning_task")
def task_get(request: HttpRequest, task_id: int) -> object:
    return selectors.task_get(task_id=task_id, for_user=request.user)


@router.post(
    "/tasks/{task_id}/result",
    response=TaskOut,
    operation_id="planning_task_result",
    summary="录入检查结果",
)
def task_result(request: HttpRequest, task_id: int, payload: ResultIn) -> object:
    """An assigned inspector records the result; it is filed as an inspection in the credit ledger."""
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    if not selectors.can_record_result(user=request.user, task=task):
        raise HttpError(403, "forbidden")
    services.task_result_record(
        task=task,
        result=payload.result,
        findings=payload.findings,
        inspected_on=payload.inspected_on,
        actor=request.user,
        as_of=timezone.localdate(),
        publish=payload.publish,
    )
    return selectors.task_get(task_id=task.pk, for_user=request.user)


@router.post("/tasks/{task_id}/publish", response=TaskOut, operation_id="planning_task_publish")
def task_publish(request: HttpRequest, task_id: int) -> object:
    """Publish a recorded result (一公开)."""
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    if not selectors.can_publish_result(user=request.user, task=task):
        raise HttpError(403, "forbidden")
    services.task_result_publish(task=task, actor=request.user, as_of=timezone.localdate())
    return selectors.task_get(task_id=task.pk, for_user=request.user)


@router.post("/tasks/{task_id}/assign", response=TaskOut, operation_id="planning_task_assign")
def task_assign(request: HttpRequest, task_id: int, payload: TaskAssignIn) -> object:
    """Assign or reassign a task's inspectors (≥ 2, qualified, unconflicted; a reassignment needs a reason)."""
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    if not selectors.can_assign_task(user=request.user):
        raise HttpError(403, "forbidden")
    services.task_assign(task=task, inspector_ids=payload.inspector_ids, reason=payload.reason, actor=request.user)
    return selectors.task_get(task_id=task.pk, for_user=request.user)


@router.post("/tasks/{task_id}/close", response=TaskOut, operation_id="planning_task_close")
def task_close(request: HttpRequest, task_id: int, payload: TaskCloseIn) -> object:
    """Close (撤销) a task that will not be carried out, with the reason."""
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    if not selectors.can_assign_task(user=request.user):
        raise HttpError(403, "forbidden")
    services.task_close(task=task, reason=payload.reason, actor=request.user)
    return selectors.task_get(task_id=task.pk, for_user=request.user)


@router.get("/facilitation/{uscc}", response=FacilitationOut, operation_id="planning_facilitation")
def facilitation(request: HttpRequest, uscc: str) -> FacilitationOut:
    """Facilitation and strictness flags of an operator in scope (class A green channel, class D no 容缺受理)."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    flags = selectors.facilitation_flags(operator=operator, as_of=timezone.localdate())
    return FacilitationOut(**flags.__dict__)


# ── the public side (一公开): anonymous, allow-listed, masked ─────────────────────────────────────────────────


@router.get("/public/plans", auth=None, response=list[PublicPlanOut], operation_id="planning_public_plans")
@paginate(Page)
def public_plans(request: HttpRequest) -> object:
    """Plans: the seed commitment at once; the snapshot hash and the seed once drawn."""
    return selectors.plans_public()


@router.get(
    "/public/plans/{plan_id}/objects", auth=None, response=list[PublicObjectOut], operation_id="planning_public_objects"
)
@paginate(Page)
def public_objects(request: HttpRequest, plan_id: int) -> object:
    """The drawn objects of a plan, after the draw (registration data: public)."""
    return selectors.plan_objects_public(plan=selectors.plan_get_public(plan_id=plan_id))


@router.get("/public/results", auth=None, response=list[PublicResultOut], operation_id="planning_public_results")
@paginate(Page)
def public_results(request: HttpRequest) -> object:
    """Published results; findings scrubbed of ID and phone numbers; inspectors by name and 执法证号 (officials in office)."""
    return selectors.results_public()
