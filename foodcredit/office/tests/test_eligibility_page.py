"""The 联合惩戒核查 page: another department's staff check an operator or a person in the browser, and the check is
answered and logged as the API's is (same service, same audit action); who may not ask gets 403."""

from datetime import date

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services as credit_services
from foodcredit.credit.tests import factories as f
from foodcredit.sharing.tests.test_api import serious

pytestmark = pytest.mark.django_db
R = User.Role
ID_NUMBER = "500105198001011234"


def _actions(since: int) -> list[tuple[str, str, bool]]:
    return [
        (e.action, e.object_type, e.changes["found"][1])
        for e in AuditEvent.objects.filter(pk__gt=since, action="eligibility_check").order_by("pk")
    ]


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_a_department_checks_an_operator_and_a_person_as_its_systems_do_through_the_api(client):
    district = f.UserFactory(role=R.DISTRICT_REGULATOR)
    health = f.UserFactory(role=R.OTHER_DEPARTMENT, department=f.DepartmentFactory(code="health", kind="health"))
    listed = f.OperatorFactory()
    serious(listed, district)
    credit_services.person_ban_record(
        id_number=ID_NUMBER,
        name="王某",
        operator=listed,
        basis="licence_revoked",
        decision_no="吊1",
        decided_on=date(2025, 1, 10),
        department="江北区市场监管局",
        actor=district,
    )
    client.force_login(health)
    assert client.get("/office/eligibility/").status_code == 200

    before = _last()
    client.get(f"/api/v1/eligibility/{listed.uscc}")
    via_api = _actions(before)
    before = _last()
    page = client.post("/office/eligibility/", {"check": "operator", "uscc": listed.uscc}).content.decode()
    assert _actions(before) == via_api == [("eligibility_check", "operator", True)]
    assert "严重违法失信名单" in page and "列严1号" in page and listed.name in page
    assert "许可办理绿色通道" not in page  # D at once: no green channel beside the list's restrictions

    before = _last()
    client.post("/api/v1/eligibility/persons", {"id_number": ID_NUMBER}, content_type="application/json")
    via_api = _actions(before)
    before = _last()
    page = client.post("/office/eligibility/", {"check": "person", "id_number": ID_NUMBER}).content.decode()
    assert _actions(before) == via_api == [("eligibility_check", "person", True)]
    assert "不得从事食品生产经营管理工作" in page and "2030-01-10" in page
    assert ID_NUMBER not in page  # the number is not echoed back

    before = _last()
    page = client.post("/office/eligibility/", {"check": "operator", "uscc": "91500105MA5U000000"}).content.decode()
    assert _actions(before) == [("eligibility_check", "operator_uscc", False)] and "没有统一社会信用代码为" in page


@pytest.mark.parametrize("role", [R.BUSINESS, R.INSPECTOR, R.ASSOCIATION, R.SYSTEM_ADMIN, R.AUDIT_ADMIN])
def test_roles_that_may_not_ask_get_403(client, role):
    client.force_login(f.UserFactory(role=role))
    assert client.get("/office/eligibility/").status_code == 403
    assert client.post("/office/eligibility/", {"check": "person", "id_number": ID_NUMBER}).status_code == 403
    assert not AuditEvent.objects.filter(action="eligibility_check").exists()
