"""The planning services check the write rules themselves (accounts.permissions), whatever door calls them: 谁检查、
谁录入 holds for a direct call too, plans stay the district's, a station assigns only in its streets — each refusal
writes nothing and leaves an audit row."""

from datetime import date

import pytest

from foodcredit.accounts.models import User
from foodcredit.accounts.permissions import WriteRefusedError
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests.factories import UserFactory
from foodcredit.inspections.models import Inspection
from foodcredit.planning import services
from foodcredit.planning.models import Plan, Task

from .conftest import plan_kwargs

pytestmark = pytest.mark.django_db


def refused_codes(user):
    return [(e.object_type, e.changes["code"][1]) for e in AuditEvent.objects.filter(actor=user, action="refused")]


def test_an_inspector_cannot_record_the_result_of_a_task_not_its_own(operators, inspectors, regulator):
    plan = services.plan_create(**plan_kwargs(regulator))
    tasks = list(Task.objects.filter(plan=plan).prefetch_related("inspectors"))
    own = tasks[0]
    cert_no = own.inspectors.first().cert_no
    other = next(t for t in tasks if cert_no not in {i.cert_no for i in t.inspectors.all()})
    inspector = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=cert_no)
    with pytest.raises(WriteRefusedError) as refused:
        services.task_result_record(
            task=other,
            result="nonconform",
            findings="",
            inspected_on=date(2025, 11, 10),
            actor=inspector,
            as_of=date(2025, 11, 10),
        )
    assert (refused.value.code, refused.value.status) == ("scope.out_of_scope", 404)
    other.refresh_from_db()
    assert (other.status, other.result) == (Task.Status.ASSIGNED, "")
    assert not Inspection.objects.exists()
    assert refused_codes(inspector) == [("task_results", "scope.out_of_scope")]
    # Its own task it records.
    recorded = services.task_result_record(
        task=own,
        result="conform",
        findings="",
        inspected_on=date(2025, 11, 10),
        actor=inspector,
        as_of=date(2025, 11, 10),
    )
    assert recorded.status == Task.Status.RECORDED


def test_a_regulator_publishes_a_result_but_does_not_record_one(operators, inspectors, regulator):
    plan = services.plan_create(**plan_kwargs(regulator))
    task = Task.objects.filter(plan=plan).first()
    with pytest.raises(WriteRefusedError) as refused:
        services.task_result_record(
            task=task,
            result="conform",
            findings="",
            inspected_on=date(2025, 11, 10),
            actor=regulator,
            as_of=date(2025, 11, 10),
        )
    assert refused.value.code == "scope.kind_not_allowed"
    assert refused_codes(regulator) == [("task_results", "scope.kind_not_allowed")]


def test_a_station_neither_plans_nor_assigns_outside_its_streets(operators, inspectors, regulator, station):
    with pytest.raises(WriteRefusedError) as refused:
        services.plan_create(**plan_kwargs(station))
    assert (refused.value.code, refused.value.status) == ("scope.kind_not_allowed", 403)
    assert not Plan.objects.exists()
    plan = services.plan_create(**plan_kwargs(regulator))
    elsewhere = Task.objects.filter(plan=plan).exclude(operator__street__in=station.streets).first()
    before = sorted(elsewhere.inspectors.values_list("pk", flat=True))
    with pytest.raises(WriteRefusedError) as refused:
        services.task_close(task=elsewhere, reason="重复任务", actor=station)
    assert (refused.value.code, refused.value.status) == ("scope.out_of_scope", 404)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Task.Status.ASSIGNED
    assert sorted(elsewhere.inspectors.values_list("pk", flat=True)) == before
    assert refused_codes(station) == [("plans", "scope.kind_not_allowed"), ("tasks", "scope.out_of_scope")]
