"""Planning services: plans (commit → snapshot → draw → reveal), versions, results into the ledger, triggers."""

from datetime import date, timedelta
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from foodcredit.collection import services as collection_services
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests.factories import OperatorFactory, inspection_add
from foodcredit.inspections.models import Inspection
from foodcredit.operators.models import Operator
from foodcredit.planning import rules, selectors, services
from foodcredit.planning.models import Plan, PlanSnapshot, Task, TaskInspector, Trigger
from foodcredit.risk.tests.factories import run_make

from .conftest import AS_OF, inspector_make, plan_kwargs

pytestmark = pytest.mark.django_db


def test_plan_create_draws_tasks_with_inspectors_audit_and_reveals_the_seed(operators, inspectors, regulator):
    plan = services.plan_create(**plan_kwargs(regulator))
    assert plan.status == Plan.Status.PUBLISHED and plan.seed_revealed
    assert plan.seed_commitment == rules.seed_commitment(plan.seed)
    assert plan.task_count == Task.objects.filter(plan=plan).count() == 30  # 50 % of 60, class B for everyone
    assert plan.object_count == 60 and plan.inspector_count == 8 and len(plan.snapshot_sha256) == 64
    for task in Task.objects.filter(plan=plan):
        assert task.inspectors.count() == 2 and task.risk_class == "B" and task.status == Task.Status.ASSIGNED
    loads = pl.DataFrame(list(TaskInspector.objects.filter(task__plan=plan).values("inspector_id")))
    assert loads.group_by("inspector_id").len()["len"].max() <= 20
    # Audit: commit, snapshot, draw on the plan; one row per task in the same transaction.
    actions = list(
        AuditEvent.objects.filter(object_type="plan", object_id=str(plan.pk))
        .order_by("occurred_at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["commit", "snapshot", "draw", "publish"]
    task_rows = AuditEvent.objects.filter(object_type="planning_task", action="create")
    assert task_rows.count() == 30 and {e.actor_id for e in task_rows} == {regulator.pk}
    some = Task.objects.filter(plan=plan).first()
    assert task_rows.get(object_id=str(some.pk)).changes["operator"] == [None, some.operator_id]


def test_seed_commitment_is_published_before_the_snapshot(operators, inspectors, regulator):
    plan = services.plan_commit(**plan_kwargs(regulator))
    assert plan.status == Plan.Status.COMMITTED and not plan.snapshot_sha256 and not plan.seed_revealed
    drawn = services.plan_draw(plan=plan, actor=regulator)
    assert drawn.committed_at < drawn.snapshot_at <= drawn.drawn_at


def test_the_seed_is_sealed_in_the_database_until_the_draw(operators, inspectors, regulator):
    from django.db import connection

    seed = "c0ffee" + "0" * 58
    plan = services.plan_commit(**plan_kwargs(regulator, seed=seed))
    with connection.cursor() as cursor:  # what a database reader sees: no seed in any column, nor in the audit
        cursor.execute("SELECT * FROM planning_plan WHERE id = %s", [plan.pk])
        assert not any(seed in str(value) for value in cursor.fetchone())
    assert not AuditEvent.objects.filter(object_type="plan", changes__icontains=seed).exists()
    drawn = services.plan_draw(plan=plan, actor=regulator)
    assert (drawn.seed, drawn.seed_sealed, drawn.seed_revealed) == (seed, "", True)
    assert rules.seed_commitment(drawn.seed) == drawn.seed_commitment
    assert selectors.plan_verify(plan=drawn).ok


def test_a_sealed_seed_altered_in_the_database_cannot_be_drawn(operators, inspectors, regulator):
    plan = services.plan_commit(**plan_kwargs(regulator))
    other = services.plan_commit(**plan_kwargs(regulator, seed="ab" * 32))
    Plan.objects.filter(pk=plan.pk).update(seed_sealed=other.seed_sealed)  # a valid seal, not the committed seed
    with pytest.raises(DomainError) as exc:
        services.plan_draw(plan=plan, actor=regulator)
    assert exc.value.code == "planning.seed_mismatch"
    Plan.objects.filter(pk=plan.pk).update(seed_sealed="not a seal")
    with pytest.raises(DomainError) as exc:
        services.plan_draw(plan=plan, actor=regulator)
    assert exc.value.code == "planning.seed_unreadable"
    plan.refresh_from_db()
    assert plan.status == Plan.Status.COMMITTED and not Task.objects.filter(plan=plan).exists()


def test_migration_seals_the_clear_seeds_of_plans_not_drawn_yet(operators, inspectors, regulator):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("foodcredit.planning.migrations.0002_plan_seed_sealed")
    seed = "c0ffee" + "0" * 58
    waiting, drawn = (services.plan_commit(**plan_kwargs(regulator, seed=seed)) for _ in range(2))
    drawn = services.plan_draw(plan=drawn, actor=regulator)
    Plan.objects.filter(pk=waiting.pk).update(seed=seed, seed_sealed="")  # as stored before the migration
    migration.seeds_seal(apps, None)
    waiting.refresh_from_db()
    assert waiting.seed == "" and waiting.seed_sealed and Plan.objects.get(pk=drawn.pk).seed == seed
    assert services.plan_draw(plan=waiting, actor=regulator).seed == seed
    migration.seeds_unseal(apps, None)  # nothing left to unseal: the plan is drawn
    assert Plan.objects.get(pk=waiting.pk).seed == seed


def test_plan_verify_reproduces_the_draw(operators, inspectors, regulator):
    plan = services.plan_create(**plan_kwargs(regulator))
    # The directory changes after the draw: verification uses the frozen snapshot, not today's directory.
    OperatorFactory.create_batch(5)
    out = StringIO()
    call_command("plan_verify", str(plan.pk), stdout=out)
    assert "verified" in out.getvalue() and "objects: identical" in out.getvalue()
    # A tampered task is detected.
    task = Task.objects.filter(plan=plan).first()
    TaskInspector.objects.filter(task=task).first().delete()
    with pytest.raises(CommandError, match="verification failed"):
        call_command("plan_verify", str(plan.pk), stdout=StringIO())


def test_same_seed_and_directory_give_the_same_plan(operators, inspectors, regulator):
    a = services.plan_create(**plan_kwargs(regulator))
    b = services.plan_create(**plan_kwargs(regulator))
    assert a.snapshot_sha256 == b.snapshot_sha256
    ops = [list(Task.objects.filter(plan=p).order_by("seq").values_list("operator_id", flat=True)) for p in (a, b)]
    assert ops[0] == ops[1]
    links = [
        sorted(TaskInspector.objects.filter(task__plan=p).values_list("task__seq", "inspector_id")) for p in (a, b)
    ]
    assert links[0] == links[1]


def test_published_plan_cannot_be_redrawn_only_revised(operators, inspectors, regulator):
    plan = services.plan_create(**plan_kwargs(regulator))
    with pytest.raises(ConflictError) as err:
        services.plan_draw(plan=plan, actor=regulator)
    assert err.value.code == "planning.already_drawn"
    with pytest.raises(DomainError):
        services.plan_revise(plan=plan, actor=regulator, as_of=AS_OF, reason=" ")
    new = services.plan_revise(plan=plan, actor=regulator, as_of=AS_OF, reason="名额调整", ratios={"B": 0.2})
    plan.refresh_from_db()
    assert (new.version, new.previous, plan.status) == (2, plan, Plan.Status.SUPERSEDED)
    assert new.task_count == 12 and new.seed != plan.seed
    assert not Task.objects.filter(plan=plan).exclude(status=Task.Status.CANCELLED).exists()
    assert AuditEvent.objects.filter(object_type="planning_task", action="cancel").count() == 30
    assert AuditEvent.objects.get(object_type="plan", object_id=str(plan.pk), action="supersede").changes["reason"] == [
        None,
        "名额调整",
    ]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ratios": {"B": 1.2}}, "planning.bad_ratio"),
        ({"ratios": {"B": -0.5}}, "planning.bad_ratio"),
        ({"scope": {"streets": ["鱼嘴镇"]}}, "planning.empty_scope"),
        ({"inspector_cap": 1}, "planning.cap_exceeded"),
        ({"period_end": date(2025, 10, 1)}, "planning.bad_period"),
    ],
)
def test_bad_input_leaves_nothing_half_created(operators, inspectors, regulator, overrides, code):
    with pytest.raises(DomainError) as err:
        services.plan_create(**plan_kwargs(regulator, **overrides))
    assert err.value.code == code
    assert not Plan.objects.exists() and not Task.objects.exists() and not PlanSnapshot.objects.exists()
    assert not TaskInspector.objects.exists()
    assert not AuditEvent.objects.filter(object_type__in=["plan", "planning_task"]).exists()


def test_too_few_qualified_inspectors_leaves_nothing(operators, regulator):
    inspector_make(1, sectors=["catering", "circulation"])
    inspector_make(2, sectors=["catering"])  # circulation has only one qualified inspector
    with pytest.raises(DomainError) as err:
        services.plan_create(**plan_kwargs(regulator))
    assert err.value.code == "planning.too_few_inspectors" and err.value.context["sector"] == "circulation"
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_unavailable_unverified_and_conflicted_inspectors_are_never_drawn(operators, inspectors, regulator):
    services.inspector_profile_set(inspector=inspectors[0], sectors=["catering"], available=False, actor=regulator)
    inspectors[1].verified = False
    inspectors[1].save()
    conflicted = operators[0]
    for inspector in inspectors[2:6]:  # leaves two unconflicted available inspectors (6 and 7)
        services.inspector_conflict_declare(
            inspector=inspector, operator=conflicted, kind="relative", note="配偶", actor=regulator
        )
    plan = services.plan_create(**plan_kwargs(regulator, ratios={"B": 1.0}, inspector_cap=30))
    drawn = set(TaskInspector.objects.filter(task__plan=plan).values_list("inspector_id", flat=True))
    assert inspectors[0].pk not in drawn and inspectors[1].pk not in drawn
    task = Task.objects.get(plan=plan, operator=conflicted)
    assigned = set(task.inspectors.values_list("pk", flat=True))
    assert len(assigned) == 2 and not assigned & {i.pk for i in inspectors[:6]}


def test_exclusions_closed_recently_inspected_and_observation_period(operators, inspectors, regulator):
    closed = OperatorFactory(status=Operator.Status.DEREGISTERED)
    recent = OperatorFactory()
    inspection_add(recent, on=AS_OF - timedelta(days=10))
    observed = OperatorFactory(new_business_form=True, registered_on=AS_OF - timedelta(days=200))
    old_new_form = OperatorFactory(new_business_form=True, registered_on=AS_OF - timedelta(days=800))
    frame = selectors.object_directory_frame(
        scope=selectors.Scope([], [], []), as_of=AS_OF, exclude_inspected_within_days=90, observation_months=12
    )
    ids = set(frame["operator_id"].to_list())
    assert closed.pk not in ids and recent.pk not in ids and observed.pk not in ids
    assert old_new_form.pk in ids and operators[0].pk in ids


def test_scope_and_street_quotas(operators, inspectors, regulator):
    plan = services.plan_create(
        **plan_kwargs(regulator, scope={"streets": ["五里店街道"]}, ratios={"B": 1.0}, street_quotas={"五里店街道": 7})
    )
    streets = set(Task.objects.filter(plan=plan).values_list("operator__street", flat=True))
    assert plan.task_count == 7 and streets == {"五里店街道"}


def test_task_result_record_files_an_inspection_in_the_ledger_with_its_deadline(operators, inspectors, regulator):
    plan = services.plan_create(**plan_kwargs(regulator))
    task = Task.objects.filter(plan=plan).first()
    inspector_user = _inspector_user(task)
    task = services.task_result_record(
        task=task,
        result="nonconform",
        findings="冷藏温度超标，联系人13812345678",
        inspected_on=date(2025, 11, 10),
        actor=inspector_user,
        as_of=date(2025, 11, 10),
    )
    inspection = Inspection.objects.get(pk=task.inspection_id)
    assert (inspection.kind, inspection.result, inspection.operator_id) == ("random", "nonconform", task.operator_id)
    assert set(inspection.inspectors.all()) == set(task.inspectors.all())
    entry = LedgerEntry.objects.get(ref_kind="inspection", ref_id=inspection.pk)
    assert entry.facts["result"] == "nonconform"
    assert task.status == Task.Status.RECORDED and task.publish_due_on == date(2025, 12, 8)
    assert AuditEvent.objects.get(object_type="planning_task", object_id=str(task.pk), action="record_result")
    # Overdue: not on the deadline, the day after it.
    assert not selectors.task_is_overdue(task=task, as_of=date(2025, 12, 8))
    assert selectors.task_is_overdue(task=task, as_of=date(2025, 12, 9))
    assert list(selectors.task_list(for_user=regulator, as_of=date(2025, 12, 9), overdue_only=True)) == [task]
    task = services.task_result_publish(task=task, actor=inspector_user, as_of=date(2025, 12, 8))
    assert task.status == Task.Status.PUBLISHED
    assert not selectors.task_list(for_user=regulator, as_of=date(2026, 3, 1), overdue_only=True).exists()
    with pytest.raises(ConflictError):
        services.task_result_record(
            task=task,
            result="conform",
            findings="",
            inspected_on=date(2025, 11, 10),
            actor=inspector_user,
            as_of=date(2025, 11, 10),
        )


def _inspector_user(task):
    from foodcredit.accounts.models import User
    from foodcredit.credit.tests.factories import UserFactory

    return UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=task.inspectors.first().cert_no)


def test_inspector_scope_is_its_tasks_and_their_operators(operators, inspectors, regulator, station):
    plan = services.plan_create(**plan_kwargs(regulator))
    task = Task.objects.filter(plan=plan).first()
    user = _inspector_user(task)
    mine = set(selectors.task_scope(for_user=user).values_list("pk", flat=True))
    assert task.pk in mine
    assert mine == set(Task.objects.filter(inspectors__cert_no=user.inspector_cert_no).values_list("pk", flat=True))
    from foodcredit.operators.selectors import operator_scope

    assert task.operator in operator_scope(for_user=user)
    assert set(selectors.task_scope(for_user=station).values_list("operator__street", flat=True)) == {"五里店街道"}


def _complaint_frame(uscc: str, *, verification: str, on: date) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_id": [f"TS-{uscc}-{verification}"],
            "uscc": [uscc],
            "received_on": [on],
            "channel": ["12315"],
            "kind": ["complaint"],
            "category": ["食品安全"],
            "verification": [verification],
            "_row": [1],
        }
    )


def test_verified_complaint_triggers_a_targeted_task_at_once(operators, inspectors, django_capture_on_commit_callbacks):
    observed = OperatorFactory(new_business_form=True, registered_on=timezone.localdate() - timedelta(days=30))
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        collection_services.records_write(
            kind="complaints",
            frame=_complaint_frame(observed.uscc, verification="true", on=today),
            source_name="12315平台",
        )
    trigger = Trigger.objects.get(operator=observed)
    task = Task.objects.get(trigger=trigger)
    assert trigger.kind == Trigger.Kind.COMPLAINT and task.kind == Task.Kind.TARGETED
    assert task.status == Task.Status.ASSIGNED and task.inspectors.count() == 2
    assert AuditEvent.objects.filter(object_type="trigger", object_id=str(trigger.pk)).exists()
    # Idempotent: the same entry announced again fires nothing new.
    services.triggers_detect(operator_ids=[observed.pk], as_of=today)
    assert Trigger.objects.count() == 1 and Task.objects.filter(kind=Task.Kind.TARGETED).count() == 1


def test_unverified_complaint_and_passed_sample_trigger_nothing(
    operators, inspectors, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        collection_services.records_write(
            kind="complaints",
            frame=_complaint_frame(operators[0].uscc, verification="untrue", on=today),
            source_name="12315平台",
        )
    assert not Trigger.objects.exists()


def test_failed_sample_triggers_and_waits_unassigned_without_inspectors(operators, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    frame = pl.DataFrame(
        {
            "source_id": ["CJ-1"],
            "uscc": [operators[0].uscc],
            "sampled_on": [today],
            "product": ["凉拌菜"],
            "food_category": ["餐饮食品"],
            "conclusion": ["fail"],
            "failed_items": ["菌落总数"],
            "failure_kind": ["microbial"],
            "_row": [1],
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        collection_services.records_write(kind="sampling", frame=frame, source_name="抽检监测系统")
    task = Task.objects.get(trigger__kind=Trigger.Kind.SAMPLING)
    assert task.status == Task.Status.UNASSIGNED and task.inspectors.count() == 0


def test_facilitation_flags_follow_the_class_and_default_to_b_without_one(operators):
    flags = selectors.facilitation_flags(operator=operators[0], as_of=AS_OF)
    assert (flags.risk_class, flags.green_channel, flags.lenient_acceptance) == ("B", False, True)
    run_make(AS_OF - timedelta(days=3), [(operators[0], "D")])
    flags = selectors.facilitation_flags(operator=operators[0], as_of=AS_OF)
    assert (flags.risk_class, flags.lenient_acceptance, flags.notify_commit) == ("D", False, False)


def test_plan_strata_follow_the_current_classes(operators, inspectors, regulator):
    """A classified operator is drawn in its class's stratum; the unclassified stay in the default class B."""
    run_make(AS_OF - timedelta(days=3), [(operators[0], "D"), (operators[1], "A")])
    run_make(AS_OF + timedelta(days=1), [(operators[0], "A")])  # after the plan's date: not used
    objects = selectors.object_directory_frame(
        scope=selectors.Scope([], [], []), as_of=AS_OF, exclude_inspected_within_days=0, observation_months=12
    )
    classes = dict(zip(objects["operator_id"].to_list(), objects["risk_class"].to_list(), strict=True))
    assert (classes[operators[0].pk], classes[operators[1].pk]) == ("D", "A")
    assert {classes[o.pk] for o in operators[2:]} == {"B"}
    plan = services.plan_create(**plan_kwargs(regulator, ratios={"A": 0.0, "B": 0.0, "C": 0.0, "D": 1.0}))
    assert list(Task.objects.filter(plan=plan).values_list("operator_id", "risk_class")) == [(operators[0].pk, "D")]


def test_class_jump_to_d_triggers_through_the_ledger_event(operators, inspectors, django_capture_on_commit_callbacks):
    from foodcredit.credit.services import entry_append

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_append(
            operator=operators[1],
            kind=LedgerEntry.Kind.CLASS_CHANGE,
            occurred_on=today,
            ref_kind="class_result",
            ref_id=1,
            facts={"risk_class": "D", "previous": "B"},
        )
    trigger = Trigger.objects.get(ref_kind="ledger_entry", ref_id=entry.pk)
    assert trigger.kind == Trigger.Kind.CLASS_JUMP and trigger.task.inspectors.count() == 2


def test_receiver_ignores_kinds_that_cannot_trigger(operators, monkeypatch):
    from foodcredit.planning import receivers

    calls = []
    monkeypatch.setattr(receivers.tasks.triggers_detect, "delay", lambda ids: calls.append(ids))
    receivers.ledger_entry_appended_received(sender=None, operator_ids=[operators[0].pk], kinds=["inspections"])
    receivers.ledger_entry_appended_received(sender=None, operator_ids=[operators[0].pk], kinds=["complaints"])
    assert calls == [[operators[0].pk]]


def test_alert_trigger_and_a_chosen_seed_must_be_hex(operators, inspectors, regulator):
    trigger = services.trigger_create(
        operator=operators[2],
        kind=Trigger.Kind.ALERT,
        occurred_on=AS_OF,
        ref_kind="alert",
        ref_id=7,
        actor=regulator,
        as_of=AS_OF,
    )
    assert trigger.task.kind == Task.Kind.TARGETED and trigger.task.status == Task.Status.ASSIGNED
    with pytest.raises(DomainError) as err:
        services.plan_commit(**plan_kwargs(regulator, seed="lucky"))
    assert err.value.code == "planning.bad_seed"
