"""Planning API: who may do what, scoping (404 outside), results through the API, the public side."""

from datetime import timedelta

import pytest
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import UserFactory
from foodcredit.planning import services
from foodcredit.planning.models import Plan, Task
from foodcredit.risk import services as risk_services
from foodcredit.risk.tests.factories import run_make

from .conftest import plan_kwargs

pytestmark = pytest.mark.django_db
BASE = "/api/v1/planning"


@pytest.fixture
def plan(operators, inspectors, regulator):
    return services.plan_create(**plan_kwargs(regulator))


def _client(client, user):
    client.force_login(user)
    return client


def test_district_regulator_creates_a_plan_and_an_inspector_may_not(client, operators, inspectors, regulator):
    body = {
        "name": "2025年第四季度双随机",
        "period_start": "2025-11-01",
        "period_end": "2025-12-31",
        "ratios": {"B": 0.2},
        "inspector_cap": 20,
    }
    inspector = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=inspectors[0].cert_no)
    assert _client(client, inspector).post(f"{BASE}/plans", body, content_type="application/json").status_code == 403
    response = _client(client, regulator).post(f"{BASE}/plans", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "published" and data["task_count"] == 12 and len(data["seed"]) == 64


def test_bad_ratio_is_a_clear_400_and_creates_nothing(client, operators, inspectors, regulator):
    body = {"name": "x", "period_start": "2025-11-01", "period_end": "2025-12-31", "ratios": {"B": 1.5}}
    response = _client(client, regulator).post(f"{BASE}/plans", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "planning.bad_ratio"
    assert "抽查比例须在0至1之间" in response.json()["message"]
    assert not Plan.objects.exists()


def test_committed_plan_hides_its_seed_until_drawn(client, operators, inspectors, regulator):
    body = {"name": "x", "period_start": "2025-11-01", "period_end": "2025-12-31", "draw": False}
    data = _client(client, regulator).post(f"{BASE}/plans", body, content_type="application/json").json()
    assert data["seed"] is None and data["snapshot_sha256"] == "" and len(data["seed_commitment"]) == 64
    public = client.get(f"{BASE}/public/plans").json()["items"][0]
    assert public["seed"] is None and public["seed_commitment"] == data["seed_commitment"]
    assert client.get(f"{BASE}/public/plans/{data['id']}/objects").json() == {"items": [], "count": 0}
    drawn = client.post(f"{BASE}/plans/{data['id']}/draw").json()
    assert drawn["status"] == "drawn" and drawn["seed"] and drawn["snapshot_sha256"]
    assert client.get(f"{BASE}/public/plans/{data['id']}/objects").json()["count"] == 0  # under review
    assert client.get(f"{BASE}/public/plans").json()["items"][0]["seed"] is None
    published = client.post(f"{BASE}/plans/{data['id']}/publish").json()
    assert published["status"] == "published" and published["seed"]
    assert client.get(f"{BASE}/public/plans/{data['id']}/objects").json()["count"] == published["task_count"]
    assert client.post(f"{BASE}/plans/{data['id']}/draw").status_code == 409


def test_inspector_sees_only_its_tasks_and_records_a_result(client, plan):
    task = Task.objects.filter(plan=plan).first()
    inspector = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=task.inspectors.first().cert_no)
    other = Task.objects.filter(plan=plan).exclude(inspectors__cert_no=inspector.inspector_cert_no).first()
    c = _client(client, inspector)
    ids = {t["id"] for t in c.get(f"{BASE}/tasks").json()["items"]}
    assert task.pk in ids and other.pk not in ids
    assert c.get(f"{BASE}/tasks/{other.pk}").status_code == 404
    today = timezone.localdate()
    body = {"result": "basically_conform", "findings": "台账不全", "inspected_on": str(today), "publish": True}
    assert c.post(f"{BASE}/tasks/{other.pk}/result", body, content_type="application/json").status_code == 404
    response = c.post(f"{BASE}/tasks/{task.pk}/result", body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "published" and data["result"] == "basically_conform" and not data["overdue"]
    # The inspector can now read the operator's credit file (its task's operator is in its scope).
    assert c.get(f"/api/v1/operators/{task.operator.uscc}/credit-file?view=internal").status_code == 200


def test_regulator_in_scope_may_not_record_a_result(client, plan, station):
    task = Task.objects.filter(plan=plan, operator__street="五里店街道").first()
    body = {"result": "conform", "inspected_on": str(timezone.localdate())}
    response = _client(client, station).post(f"{BASE}/tasks/{task.pk}/result", body, content_type="application/json")
    assert response.status_code == 403


def test_future_inspection_date_is_rejected(client, plan):
    task = Task.objects.filter(plan=plan).first()
    inspector = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=task.inspectors.first().cert_no)
    body = {"result": "conform", "inspected_on": str(timezone.localdate() + timedelta(days=3))}
    response = _client(client, inspector).post(f"{BASE}/tasks/{task.pk}/result", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "planning.future_date"


def test_public_side_lists_plans_objects_and_results_with_findings_masked(client, plan):
    task = Task.objects.filter(plan=plan).first()
    inspector = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=task.inspectors.first().cert_no)
    services.task_result_record(
        task=task,
        result="nonconform",
        findings="负责人电话13812345678，冷藏温度超标",
        inspected_on=timezone.localdate(),
        actor=inspector,
        as_of=timezone.localdate(),
        publish=True,
    )
    client.logout()
    plans = client.get(f"{BASE}/public/plans").json()["items"]
    assert plans[0]["seed"] == plan.seed and set(plans[0]) == {
        "id",
        "name",
        "version",
        "status",
        "period_start",
        "period_end",
        "ratios",
        "seed_commitment",
        "snapshot_sha256",
        "seed",
        "task_count",
    }
    objects = client.get(f"{BASE}/public/plans/{plan.pk}/objects?limit=1000").json()["items"]
    assert len(objects) == plan.task_count and set(objects[0]) == {"uscc", "name", "street"}
    result = client.get(f"{BASE}/public/results").json()["items"][0]
    assert "13812345678" not in result["findings"] and "138****5678" in result["findings"]
    # Officials acting in office are public by name and 执法证号, as on the portal's plan page.
    drawn = {(i.name, i.cert_no) for i in task.inspectors.all()}
    assert {(i["name"], i["cert_no"]) for i in result["inspectors"]} == drawn and drawn
    # Internal endpoints stay closed to anonymous callers.
    assert client.get(f"{BASE}/tasks").status_code == 401


def test_inspector_directory_profile_and_conflicts(client, operators, inspectors, regulator):
    c = _client(client, regulator)
    listed = c.get(f"{BASE}/inspectors").json()["items"]
    assert len(listed) == 8 and listed[0]["sectors"] == ["catering", "circulation", "production"]
    response = c.put(
        f"{BASE}/inspectors/{inspectors[0].pk}/profile",
        {"sectors": ["catering"], "available": False},
        content_type="application/json",
    )
    assert response.json()["available"] is False
    body = {"uscc": operators[0].uscc, "kind": "former_employer", "note": "2019年前在该企业任职"}
    assert (
        c.post(f"{BASE}/inspectors/{inspectors[0].pk}/conflicts", body, content_type="application/json").status_code
        == 201
    )
    assert (
        c.post(f"{BASE}/inspectors/{inspectors[0].pk}/conflicts", body, content_type="application/json").status_code
        == 409
    )
    assert c.get(f"{BASE}/inspectors").json()["items"][0]["conflict_count"] == 1


def test_object_directory_filters(client, operators, regulator):
    c = _client(client, regulator)
    data = c.get(f"{BASE}/objects?street=五里店街道&sector=circulation").json()
    assert data["count"] == 30 and {o["street"] for o in data["items"]} == {"五里店街道"}
    assert c.get(f"{BASE}/objects?risk_class=B").json()["count"] == 60
    assert c.get(f"{BASE}/objects?risk_class=D").json()["count"] == 0  # no classification yet: everyone is B
    flags = c.get(f"{BASE}/facilitation/{operators[0].uscc}").json()
    assert flags == {"risk_class": "B", "green_channel": False, "lenient_acceptance": True, "notify_commit": True}


def test_object_directory_filters_by_the_current_class(client, operators, regulator):
    today = timezone.localdate()
    run_make(today - timedelta(days=30), [(operators[0], "D"), (operators[1], "A"), (operators[2], "B")])
    risk_services.class_override(
        operator=operators[2], risk_class="C", reason="约谈后仍未整改", valid_from=today, days=30, actor=None
    )
    c = _client(client, regulator)
    found = {cls: c.get(f"{BASE}/objects?risk_class={cls}").json() for cls in "ABCD"}
    assert {cls: body["count"] for cls, body in found.items()} == {"A": 1, "B": 57, "C": 1, "D": 1}
    assert [(o["uscc"], o["risk_class"]) for o in found["D"]["items"]] == [(operators[0].uscc, "D")]
    assert [(o["uscc"], o["risk_class"]) for o in found["C"]["items"]] == [(operators[2].uscc, "C")]
    flags = c.get(f"{BASE}/facilitation/{operators[1].uscc}").json()
    assert flags == {"risk_class": "A", "green_channel": True, "lenient_acceptance": True, "notify_commit": True}
