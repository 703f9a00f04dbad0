"""Planning API (/api/v1/planning/…): directories, plans, tasks and results; the public side under /public/.

Thin: check the input shape and the caller's right, fetch with selectors (404 outside scope), call one service.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError

from foodcredit.core.masking import mask_free_text, mask_person_name
from foodcredit.inspections.models import Inspector
from foodcredit.operators import selectors as operator_selectors

from . import rules, selectors, services
from .models import Plan, Task
from .schemas import (
    ConflictIn,
    FacilitationOut,
    FrequencyClassOut,
    FrequencyFilter,
    FrequencyPageOut,
    FrequencyRowOut,
    InspectorOut,
    InspectorProfileIn,
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
    TaskOut,
)
from .selectors import frequency as frequency_selectors

router = Router(tags=["planning"])
MAX_OFFSET = 10_000_000  # paging past this is a mistake (and past 2^63 a database error): 422


def _plan_out(plan: Plan) -> PlanOut:
    return PlanOut(
        id=plan.pk,
        name=plan.name,
        version=plan.version,
        previous_id=plan.previous_id,
        status=plan.status,
        period_start=plan.period_start,
        period_end=plan.period_end,
        scope=plan.scope,
        ratios=plan.ratios,
        min_frequency=plan.min_frequency,
        frequency_shortfall=rules.frequency_shortfall(
            ratios=plan.ratios,
            min_frequency=plan.min_frequency,
            period_start=plan.period_start,
            period_end=plan.period_end,
        ),
        street_quotas=plan.street_quotas,
        inspectors_per_task=plan.inspectors_per_task,
        inspector_cap=plan.inspector_cap,
        seed_commitment=plan.seed_commitment,
        committed_at=plan.committed_at,
        snapshot_sha256=plan.snapshot_sha256,
        snapshot_at=plan.snapshot_at,
        seed=plan.seed if plan.seed_revealed else None,
        algorithm=plan.algorithm,
        object_count=plan.object_count,
        task_count=plan.task_count,
        drawn_at=plan.drawn_at,
    )


def _task_out(task: Task, as_of: object) -> TaskOut:
    return TaskOut(
        id=task.pk,
        plan_id=task.plan_id,
        kind=task.kind,
        status=task.status,
        uscc=task.operator.uscc,
        operator_name=task.operator.name,
        street=task.operator.street,
        risk_class=task.risk_class,
        inspector_ids=selectors.task_inspector_ids(task=task),
        trigger_kind=task.trigger.kind if task.trigger is not None else None,
        inspected_on=task.inspected_on,
        result=task.result,
        findings=task.findings,
        publish_due_on=task.publish_due_on,
        publish_due_estimated=task.publish_due_estimated,
        published_on=task.published_on,
        overdue=selectors.task_is_overdue(task=task, as_of=as_of),  # type: ignore[arg-type]
    )


# ── directories ───────────────────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/objects", response=ObjectPageOut, operation_id="planning_objects", summary="检查对象名录库 / Object directory"
)
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
    summary="检查频次到期清单 / Operators due for an inspection by their class's minimum frequency",
)
def frequency_list(request: HttpRequest, filters: Query[FrequencyFilter]) -> FrequencyPageOut:
    """Active operators in the caller's scope whose class's minimum on-site frequency calls for an inspection,
    most overdue first (with `overdue=false`, all of them with their next due day); per class, how many."""
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
    summary="执法检查人员名录库 / Inspector directory",
)
def inspector_list(request: HttpRequest) -> list[InspectorOut]:
    """Inspectors with qualified sectors, availability and number of declared conflicts (regulators)."""
    out = []
    for inspector in selectors.inspector_directory(for_user=request.user):
        profile = getattr(inspector, "planning_profile", None)
        out.append(
            InspectorOut(
                id=inspector.pk,
                cert_no=inspector.cert_no,
                name=inspector.name,
                department_code=inspector.department_code,
                verified=inspector.verified,
                sectors=profile.sectors if profile else [],
                available=profile.available if profile else False,
                conflict_count=inspector.conflict_count,  # type: ignore[attr-defined]
            )
        )
    return out


@router.put("/inspectors/{inspector_id}/profile", response=InspectorOut, operation_id="planning_inspector_profile")
def inspector_profile_set(request: HttpRequest, inspector_id: int, payload: InspectorProfileIn) -> InspectorOut:
    """Set an inspector's qualified sectors and availability."""
    if not selectors.can_manage_inspectors(user=request.user):
        raise HttpError(403, "forbidden")
    inspector = get_object_or_404(Inspector, pk=inspector_id)
    profile = services.inspector_profile_set(
        inspector=inspector, sectors=list(payload.sectors), available=payload.available, actor=request.user
    )
    return InspectorOut(
        id=inspector.pk,
        cert_no=inspector.cert_no,
        name=inspector.name,
        department_code=inspector.department_code,
        verified=inspector.verified,
        sectors=profile.sectors,
        available=profile.available,
        conflict_count=inspector.planning_conflicts.count(),
    )


@router.post("/inspectors/{inspector_id}/conflicts", response={201: None}, operation_id="planning_conflict_declare")
def conflict_declare(request: HttpRequest, inspector_id: int, payload: ConflictIn) -> Status[None]:
    """Declare an inspector's conflict of interest with an operator (回避)."""
    if not selectors.can_manage_inspectors(user=request.user):
        raise HttpError(403, "forbidden")
    inspector = get_object_or_404(Inspector, pk=inspector_id)
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=request.user)
    services.inspector_conflict_declare(
        inspector=inspector, operator=operator, kind=payload.kind, note=payload.note, actor=request.user
    )
    return Status(201, None)


# ── plans ─────────────────────────────────────────────────────────────────────────────────────────────────────


@router.post(
    "/plans", response={201: PlanOut}, operation_id="planning_plan_create", summary="制定抽查计划 / Create a plan"
)
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[PlanOut]:
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
    return Status(201, _plan_out(plan))


@router.post("/plans/{plan_id}/draw", response=PlanOut, operation_id="planning_plan_draw")
def plan_draw(request: HttpRequest, plan_id: int) -> PlanOut:
    """Draw a committed plan (its seed commitment was published before this snapshot is frozen)."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    if not selectors.can_plan(user=request.user):
        raise HttpError(403, "forbidden")
    return _plan_out(services.plan_draw(plan=plan, actor=request.user))


@router.post("/plans/{plan_id}/revise", response={201: PlanOut}, operation_id="planning_plan_revise")
def plan_revise(request: HttpRequest, plan_id: int, payload: PlanReviseIn) -> Status[PlanOut]:
    """A new version of a published plan (the old one is superseded, audited)."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    if not selectors.can_plan(user=request.user):
        raise HttpError(403, "forbidden")
    changes = payload.dict(exclude_none=True, exclude={"reason"})
    new = services.plan_revise(
        plan=plan, actor=request.user, as_of=timezone.localdate(), reason=payload.reason, **changes
    )
    return Status(201, _plan_out(new))


@router.get("/plans", response=list[PlanOut], operation_id="planning_plans")
def plan_list(request: HttpRequest) -> list[PlanOut]:
    return [_plan_out(p) for p in selectors.plan_scope(for_user=request.user)[:100]]


@router.get("/plans/{plan_id}", response=PlanOut, operation_id="planning_plan")
def plan_get(request: HttpRequest, plan_id: int) -> PlanOut:
    return _plan_out(selectors.plan_get(plan_id=plan_id, for_user=request.user))


# ── tasks and results ─────────────────────────────────────────────────────────────────────────────────────────


@router.get("/tasks", response=list[TaskOut], operation_id="planning_tasks", summary="检查任务 / Tasks in scope")
def task_list(request: HttpRequest, overdue: bool = False, plan_id: int | None = None) -> list[TaskOut]:
    """The caller's tasks (an inspector: its own), newest first, at most 200; `overdue` keeps the overdue ones."""
    as_of = timezone.localdate()
    tasks = selectors.task_list(for_user=request.user, as_of=as_of, overdue_only=overdue, plan_id=plan_id)
    return [_task_out(t, as_of) for t in tasks[:200]]


@router.get("/tasks/{task_id}", response=TaskOut, operation_id="planning_task")
def task_get(request: HttpRequest, task_id: int) -> TaskOut:
    return _task_out(selectors.task_get(task_id=task_id, for_user=request.user), timezone.localdate())


@router.post(
    "/tasks/{task_id}/result",
    response=TaskOut,
    operation_id="planning_task_result",
    summary="录入检查结果 / Record a result",
)
def task_result(request: HttpRequest, task_id: int, payload: ResultIn) -> TaskOut:
    """An assigned inspector records the result; it is filed as an inspection in the credit ledger."""
    as_of = timezone.localdate()
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    if not selectors.can_record_result(user=request.user, task=task):
        raise HttpError(403, "forbidden")
    task = services.task_result_record(
        task=task,
        result=payload.result,
        findings=payload.findings,
        inspected_on=payload.inspected_on,
        actor=request.user,
        as_of=as_of,
        publish=payload.publish,
    )
    return _task_out(selectors.task_get(task_id=task.pk, for_user=request.user), as_of)


@router.post("/tasks/{task_id}/publish", response=TaskOut, operation_id="planning_task_publish")
def task_publish(request: HttpRequest, task_id: int) -> TaskOut:
    """Publish a recorded result (一公开)."""
    as_of = timezone.localdate()
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    if not selectors.can_publish_result(user=request.user, task=task):
        raise HttpError(403, "forbidden")
    services.task_result_publish(task=task, actor=request.user, as_of=as_of)
    return _task_out(selectors.task_get(task_id=task.pk, for_user=request.user), as_of)


@router.get("/facilitation/{uscc}", response=FacilitationOut, operation_id="planning_facilitation")
def facilitation(request: HttpRequest, uscc: str) -> FacilitationOut:
    """Facilitation and strictness flags of an operator in scope (class A green channel, class D no 容缺受理)."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    flags = selectors.facilitation_flags(operator=operator, as_of=timezone.localdate())
    return FacilitationOut(**flags.__dict__)


# ── the public side (一公开): anonymous, allow-listed, masked ─────────────────────────────────────────────────


@router.get("/public/plans", auth=None, response=list[PublicPlanOut], operation_id="planning_public_plans")
def public_plans(request: HttpRequest) -> list[PublicPlanOut]:
    """Plans: the seed commitment at once; the snapshot hash and the seed once drawn."""
    return [
        PublicPlanOut(
            id=p.pk,
            name=p.name,
            version=p.version,
            status=p.status,
            period_start=p.period_start,
            period_end=p.period_end,
            ratios=p.ratios,
            seed_commitment=p.seed_commitment,
            snapshot_sha256=p.snapshot_sha256,
            seed=p.seed if p.seed_revealed else None,
            task_count=p.task_count,
        )
        for p in selectors.plans_public()[:100]
    ]


@router.get(
    "/public/plans/{plan_id}/objects", auth=None, response=list[PublicObjectOut], operation_id="planning_public_objects"
)
def public_objects(
    request: HttpRequest,
    plan_id: int,
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    limit: int = Query(100, ge=1, le=1000),
) -> list[PublicObjectOut]:
    """The drawn objects of a plan, after the draw (registration data: public)."""
    plan = selectors.plan_get_public(plan_id=plan_id)
    tasks = selectors.plan_objects_public(plan=plan)[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 1000)]
    return [PublicObjectOut(uscc=t.operator.uscc, name=t.operator.name, street=t.operator.street) for t in tasks]


@router.get("/public/results", auth=None, response=list[PublicResultOut], operation_id="planning_public_results")
def public_results(
    request: HttpRequest, offset: int = Query(0, ge=0, le=MAX_OFFSET), limit: int = Query(100, ge=1, le=1000)
) -> list[PublicResultOut]:
    """Published results; findings scrubbed of ID and phone numbers, inspectors' names masked (张*)."""
    tasks = selectors.results_public()[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 1000)]
    return [
        PublicResultOut(
            uscc=t.operator.uscc,
            name=t.operator.name,
            plan_id=t.plan_id,
            kind=t.kind,
            inspected_on=t.inspected_on,
            result=t.result,
            findings=mask_free_text(t.findings),
            inspectors=[mask_person_name(i.name) for i in t.inspectors.all()],
            published_on=t.published_on,
        )
        for t in tasks
    ]
