"""Assignment, closing, publication and the inspector directory's writes: the rules and their stable codes."""

import pytest
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.collection import services as collection_services
from foodcredit.collection.tests import frames
from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests.factories import DepartmentFactory, UserFactory
from foodcredit.inspections import services as inspection_services
from foodcredit.inspections.models import Inspector
from foodcredit.planning import services
from foodcredit.planning.models import Plan, Task

from .conftest import plan_kwargs

pytestmark = pytest.mark.django_db
BASE = "/api/v1/planning"


@pytest.fixture
def waiting(operators, inspectors):
    """A trigger task that waits 待分派 (every inspector away when it fired), inspectors back afterwards."""
    sectors = ["catering", "circulation", "production"]
    for inspector in inspectors:
        services.inspector_profile_set(inspector=inspector, sectors=sectors, available=False, actor=None)
    trigger = services.trigger_create(
        operator=operators[0],
        kind="complaint",
        occurred_on=timezone.localdate(),
        ref_kind="t",
        ref_id=1,
        actor=None,
        as_of=timezone.localdate(),
    )
    for inspector in inspectors:
        services.inspector_profile_set(inspector=inspector, sectors=sectors, available=True, actor=None)
    return trigger.task


def codes(call) -> str:
    with pytest.raises(DomainError) as err:
        call()
    return err.value.code


def test_assignment_needs_two_eligible_inspectors_and_a_reason_to_reassign(waiting, inspectors, operators):
    a, b, c, d = inspectors[:4]
    assert codes(lambda: services.task_assign(task=waiting, inspector_ids=[a.pk, a.pk], actor=None)) == (
        "planning.too_few_per_task"
    )
    services.inspector_conflict_declare(inspector=c, operator=operators[0], kind="relative", actor=None)
    services.inspector_profile_set(inspector=d, sectors=["production"], available=True, actor=None)  # not catering
    for pair in ([a.pk, c.pk], [a.pk, d.pk]):
        assert codes(lambda pair=pair: services.task_assign(task=waiting, inspector_ids=pair, actor=None)) == (
            "planning.inspector_not_eligible"
        )
    task = services.task_assign(task=waiting, inspector_ids=[a.pk, b.pk], actor=None)
    assert task.status == Task.Status.ASSIGNED and sorted(task.inspectors.values_list("pk", flat=True)) == [a.pk, b.pk]
    e = inspectors[4]
    assert codes(lambda: services.task_assign(task=task, inspector_ids=[a.pk, e.pk], actor=None)) == (
        "planning.reason_required"
    )
    services.task_assign(task=task, inspector_ids=[a.pk, e.pk], reason="李某回避", actor=None)
    event = AuditEvent.objects.filter(object_type="planning_task", object_id=str(task.pk)).latest("pk")
    assert (event.action, event.changes["inspectors"]) == ("reassign", [[a.pk, b.pk], [a.pk, e.pk]])


def test_closing_and_what_cannot_be_assigned_or_closed(waiting, inspectors):
    services.task_close(task=waiting, reason="经营主体已注销", actor=None)
    assert Task.objects.get(pk=waiting.pk).status == Task.Status.CANCELLED
    assert codes(lambda: services.task_close(task=waiting, reason="x", actor=None)) == "planning.task_not_closable"
    pair = [i.pk for i in inspectors[:2]]
    assert codes(lambda: services.task_assign(task=waiting, inspector_ids=pair, actor=None)) == (
        "planning.task_not_assignable"
    )
    assert codes(lambda: services.task_close(task=waiting, reason=" ", actor=None)) == "planning.reason_required"


def test_unverified_or_unknown_inspectors_cannot_be_assigned(waiting, inspectors):
    newcomer = inspection_services.inspector_add(cert_no="500105202599999", name="新人", department_code="", actor=None)
    services.inspector_profile_set(inspector=newcomer, sectors=["catering"], available=True, actor=None)
    pair = [inspectors[0].pk, newcomer.pk]
    assert codes(lambda: services.task_assign(task=waiting, inspector_ids=pair, actor=None)) == (
        "planning.inspector_not_eligible"
    )
    assert codes(lambda: inspection_services.inspector_verify(inspector=newcomer, name="新 人", actor=None)) == (
        "inspections.name_mismatch"
    )
    inspection_services.inspector_verify(inspector=newcomer, name="新人", actor=None)
    services.task_assign(task=waiting, inspector_ids=pair, actor=None)


def test_inspector_add_completes_an_imported_entry_and_refuses_a_taken_number(operators):
    # An import names inspectors by 执法证号 only: the directory entry it creates carries the number as its name.
    collection_services.records_write(
        kind="inspections", frame=frames.inspections([operators[0].uscc]), source_name="执法办案系统"
    )
    imported = Inspector.objects.get(cert_no="50010520190001")
    assert imported.name == "50010520190001" and not imported.verified
    completed = inspection_services.inspector_add(
        cert_no="50010520190001", name="吴六", department_code="jb", actor=None
    )
    assert completed.pk == imported.pk and completed.name == "吴六" and not completed.verified
    assert (
        codes(
            lambda: inspection_services.inspector_add(
                cert_no="50010520190001", name="别人", department_code="", actor=None
            )
        )
        == "inspections.cert_no_taken"
    )
    assert (
        codes(lambda: inspection_services.inspector_add(cert_no="ab-1", name="x", department_code="", actor=None))
        == "inspections.bad_cert_no"
    )


def test_api_codes_and_scope(client, waiting, inspectors, operators, regulator):
    client.force_login(regulator)
    url = f"{BASE}/tasks/{waiting.pk}/assign"
    one = client.post(url, {"inspector_ids": [inspectors[0].pk]}, content_type="application/json")
    assert one.status_code == 422
    plan = services.plan_commit(**plan_kwargs(regulator))
    refused = client.post(f"{BASE}/plans/{plan.pk}/publish")
    assert refused.status_code == 409 and refused.json()["code"] == "planning.not_drawn"
    # A station regulator: a task outside its streets is 404 for assignment and closing.
    station = UserFactory(role=User.Role.STATION_REGULATOR, department=DepartmentFactory(streets=["寸滩街道"]))
    client.force_login(station)
    pair = [i.pk for i in inspectors[:2]]
    assert client.post(url, {"inspector_ids": pair}, content_type="application/json").status_code == 404
    close = client.post(f"{BASE}/tasks/{waiting.pk}/close", {"reason": "x"}, content_type="application/json")
    assert close.status_code == 404
    # An inspector may not assign (in scope of nothing to hand out: 404 for a task not its own).
    client.force_login(UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=inspectors[0].cert_no))
    assert client.post(url, {"inspector_ids": pair}, content_type="application/json").status_code == 404
    assert Task.objects.get(pk=waiting.pk).status == Task.Status.UNASSIGNED
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.COMMITTED
