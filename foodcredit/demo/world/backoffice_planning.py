"""The planning back office of the demo district, lived in: written through the services after the records are seeded.

`seed_planning_backoffice` completes the inspector directory the imports left (执法证号 only) with the demo's names,
verifies most of them, gives each its sectors, marks two unavailable and declares a few conflicts of interest; hands
out most of the trigger tasks that waited 待分派 (some keep waiting, two are closed); and makes plans in every
state — one published with results recorded and published on the credit files, one drawn and waiting for review,
one committed. Every step is a service call with its audit row; nothing is written to a table directly.

Deterministic: choices follow the directory's order, and the plans' seeds are derived from their names (a demo
needs the same district every time; a real plan's seed is drawn by `plan_commit` and never chosen).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from foodcredit.core.errors import DomainError
from foodcredit.demo.models import InspectorEffect
from foodcredit.inspections import services as inspection_services
from foodcredit.inspections.models import Inspector
from foodcredit.operators.models import STREETS, Operator
from foodcredit.planning import selectors as planning_selectors
from foodcredit.planning import services as planning_services
from foodcredit.planning.models import InspectorConflict, Plan, Task

DEPARTMENT_CODE = "jb-samr"
UNVERIFIED = 3  # the last inspectors of the directory stay unverified: the verification queue has work
UNAVAILABLE = 2  # the two before them are verified but away (leave, training)
CONFLICTS = 4
RESULTS_PER_PLAN = 40
SECTOR_PATTERN = (
    ["catering", "circulation", "production"],
    ["catering", "circulation"],
    ["catering"],
    ["circulation", "production"],
    ["catering", "production"],
)
FINDINGS = ("未发现问题", "从业人员健康证明过期，已责令改正", "进货查验记录不全，已责令改正", "")
RESULTS = ("conform", "basically_conform", "nonconform", "conform")


@dataclass
class PlanningBackofficeSummary:
    """What was written, for seed_demo's report."""

    inspectors_verified: int = 0
    inspectors_unverified: int = 0
    conflicts: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    plans: dict[str, int] = field(default_factory=dict)


def _seed(name: str) -> str:
    return hashlib.sha256(f"foodcredit-demo-plan:{name}".encode()).hexdigest()


def _inspectors(*, actor: Any, summary: PlanningBackofficeSummary) -> list[Inspector]:
    """The directory completed and verified; the first inspector (the demo inspector login's) qualifies for all."""
    names = dict(InspectorEffect.objects.values_list("cert_no", "name"))
    directory = list(Inspector.objects.filter(cert_no__isnull=False).order_by("pk"))
    ready = []
    for i, inspector in enumerate(directory):
        cert_no = str(inspector.cert_no)
        name = names.get(cert_no, inspector.name)
        if inspector.name != name:
            inspector = inspection_services.inspector_add(
                cert_no=cert_no, name=name, department_code=DEPARTMENT_CODE, actor=actor
            )
        if i >= len(directory) - UNVERIFIED:
            summary.inspectors_unverified += 1
            continue
        if not inspector.verified:
            inspector = inspection_services.inspector_verify(
                inspector=inspector, name=name, note="演示：已核对执法证", actor=actor
            )
        summary.inspectors_verified += 1
        away = len(directory) - UNVERIFIED - UNAVAILABLE <= i
        planning_services.inspector_profile_set(
            inspector=inspector, sectors=SECTOR_PATTERN[i % len(SECTOR_PATTERN)], available=not away, actor=actor
        )
        if not away:
            ready.append(inspector)
    return ready


def _conflicts(*, inspectors: list[Inspector], actor: Any, summary: PlanningBackofficeSummary) -> None:
    """A few declared conflicts: inspectors 2, 4, 6, … with an operator of their street's first ones."""
    operators = list(Operator.objects.filter(status=Operator.Status.ACTIVE).order_by("pk")[:CONFLICTS])
    kinds = list(InspectorConflict.Kind.values)
    for n, operator in enumerate(operators):
        inspector = inspectors[(2 * n + 1) % len(inspectors)]
        if InspectorConflict.objects.filter(inspector=inspector, operator=operator).exists():
            continue
        planning_services.inspector_conflict_declare(
            inspector=inspector, operator=operator, kind=kinds[n % len(kinds)], note="演示：本人申报", actor=actor
        )
        summary.conflicts += 1


def _results(*, tasks: list[Task], actor: Any, as_of: date, publish_every: int) -> None:
    """Record a result for each task (inspected in the last weeks), publishing every `publish_every`-th at once."""
    for n, task in enumerate(tasks):
        planning_services.task_result_record(
            task=task,
            result=RESULTS[n % len(RESULTS)],
            findings=FINDINGS[n % len(FINDINGS)],
            inspected_on=as_of - timedelta(days=3 + n % 20),
            actor=actor,
            as_of=as_of,
            publish=n % publish_every == 0,
        )


def _trigger_tasks(*, inspectors: list[Inspector], actor: Any, as_of: date) -> None:
    """Hand out most waiting trigger tasks (the first inspector gets some, for the demo login), close two, leave a
    few waiting; record results on some of those handed out."""
    waiting = list(Task.objects.filter(status=Task.Status.UNASSIGNED).select_related("operator").order_by("pk"))
    # A fifth keep waiting (at least one), two are closed, the rest handed out.
    keep_waiting = max(1, len(waiting) // 5)
    to_close = waiting[: min(2, max(0, len(waiting) - keep_waiting))]
    to_assign = waiting[len(to_close) : max(len(to_close), len(waiting) - keep_waiting)]
    for task in to_close:
        planning_services.task_close(task=task, reason="演示：经营主体已停业，任务撤销", actor=actor)
    assigned = []
    for n, task in enumerate(to_assign):
        eligible = planning_selectors.inspectors_eligible(operator=task.operator)
        first = inspectors[0].pk
        chosen = ([first] if n % 3 == 0 and first in eligible else []) + [i for i in eligible if i != first]
        if len(chosen) < 2:
            continue
        try:
            assigned.append(planning_services.task_assign(task=task, inspector_ids=chosen[:2], actor=actor))
        except DomainError:
            continue
    # Results on every other one handed out to others (the demo inspector's own stay to be done).
    done = [t for t in assigned[1::2] if not t.inspectors.filter(pk=inspectors[0].pk).exists()]
    # Results are the inspectors' to record (谁检查、谁录入); the demo's inspectors have no logins: the system records.
    _results(tasks=done, actor=None, as_of=as_of, publish_every=2)


def _plans(*, actor: Any, as_of: date, summary: PlanningBackofficeSummary) -> None:
    """Three plans: published (results recorded and published), drawn (waiting for review), committed."""
    quarter_start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    common = {"as_of": as_of, "actor": actor, "scope": {"streets": list(STREETS[:3])}}
    published = planning_services.plan_create(
        name=f"{as_of.year}年第{(as_of.month - 1) // 3 + 1}季度观音桥片区双随机抽查",
        period_start=quarter_start - timedelta(days=30),
        period_end=as_of + timedelta(days=35),
        seed=_seed("published"),
        **common,
    )
    tasks = list(Task.objects.filter(plan=published).order_by("seq"))
    # Results on two fifths of its tasks, at most RESULTS_PER_PLAN (each is an import job of one inspection).
    _results(tasks=tasks[: min(RESULTS_PER_PLAN, len(tasks) * 2 // 5)], actor=None, as_of=as_of, publish_every=2)
    drawn = planning_services.plan_commit(
        name=f"{as_of.year}年度大石坝片区餐饮专项抽查",
        period_start=as_of,
        period_end=as_of + timedelta(days=60),
        ratios={"A": 0.02, "B": 0.05, "C": 0.2, "D": 0.5},
        seed=_seed("drawn"),
        **{**common, "scope": {"streets": list(STREETS[3:6]), "sectors": ["catering"]}},
    )
    planning_services.plan_draw(plan=drawn, actor=actor)
    planning_services.plan_commit(
        name=f"{as_of.year + 1}年第一季度全区双随机抽查",
        period_start=date(as_of.year + 1, 1, 1),
        period_end=date(as_of.year + 1, 3, 31),
        seed=_seed("committed"),
        **{**common, "scope": {}},
    )
    summary.plans = {status: Plan.objects.filter(status=status).count() for status in Plan.Status.values}


def seed_planning_backoffice(*, as_of: date, actor: Any) -> PlanningBackofficeSummary:
    """Inspectors verified and qualified, conflicts, trigger tasks handed out, plans in every state with results."""
    summary = PlanningBackofficeSummary()
    # The triggers of the last weeks' records, as the ledger event fires them (each entry once: idempotent). They
    # come before the directory is verified, as in the district the imports left: their tasks wait 待分派.
    active = list(Operator.objects.filter(status=Operator.Status.ACTIVE).values_list("pk", flat=True))
    planning_services.triggers_detect(operator_ids=active, as_of=as_of)
    inspectors = _inspectors(actor=actor, summary=summary)
    if len(inspectors) < 2:
        return summary  # a district too small for 双随机 (fewer than two inspectors)
    _conflicts(inspectors=inspectors, actor=actor, summary=summary)
    _trigger_tasks(inspectors=inspectors, actor=actor, as_of=as_of)
    _plans(actor=actor, as_of=as_of, summary=summary)
    summary.tasks = {status: Task.objects.filter(status=status).count() for status in Task.Status.values}
    return summary
