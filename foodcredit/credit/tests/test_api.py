"""Credit-file API: the role table (DOMAIN.md Part I §5) walked for own and other operators, 404s, allow-lists."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from foodcredit.accounts.models import User

from . import factories as f

pytestmark = pytest.mark.django_db
R = User.Role
TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def world(operator, other_operator):
    """Two operators: `operator` in 观音桥街道, inspected by the inspector, acted for by the business user."""
    inspector = f.inspector_create(cert_no="50010520250001")
    f.inspection_add(operator, on=date(2025, 5, 1), inspectors=(inspector,))
    f.inspection_add(other_operator, on=date(2025, 5, 2))
    station = f.DepartmentFactory(code="gyq", streets=["观音桥街道", "华新街街道"])
    users = {
        R.DISTRICT_REGULATOR: f.UserFactory(role=R.DISTRICT_REGULATOR),
        R.STATION_REGULATOR: f.UserFactory(role=R.STATION_REGULATOR, department=station),
        R.INSPECTOR: f.UserFactory(role=R.INSPECTOR, inspector_cert_no="50010520250001"),
        R.BUSINESS: f.UserFactory(role=R.BUSINESS, operator_usccs=[operator.uscc]),
        R.OTHER_DEPARTMENT: f.UserFactory(role=R.OTHER_DEPARTMENT),
        R.ASSOCIATION: f.UserFactory(role=R.ASSOCIATION),
        R.SYSTEM_ADMIN: f.UserFactory(role=R.SYSTEM_ADMIN),
        R.SECURITY_ADMIN: f.UserFactory(role=R.SECURITY_ADMIN),
        R.AUDIT_ADMIN: f.UserFactory(role=R.AUDIT_ADMIN),
    }
    return {"own": operator, "other": other_operator, "users": users}


def _url(operator, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/operators/{operator.uscc}/credit-file?{query}"


# role → (own operator, other operator) status codes of view=internal
ROLE_TABLE = {
    R.DISTRICT_REGULATOR: (200, 200),
    R.STATION_REGULATOR: (200, 404),
    R.INSPECTOR: (200, 404),
    R.BUSINESS: (200, 404),
    R.OTHER_DEPARTMENT: (404, 404),
    R.ASSOCIATION: (404, 404),
    R.SYSTEM_ADMIN: (404, 404),
    R.SECURITY_ADMIN: (404, 404),
    R.AUDIT_ADMIN: (404, 404),
    None: (404, 404),  # anonymous
}


@pytest.mark.parametrize(("role", "expected"), ROLE_TABLE.items())
def test_credit_file_get_role_table(client, world, role, expected):
    if role is not None:
        client.force_login(world["users"][role])
    got = tuple(client.get(_url(world[which], view="internal")).status_code for which in ("own", "other"))
    assert got == expected
    # Everyone, logged in or not, gets the public view of any operator.
    assert all(client.get(_url(world[which], view="public")).status_code == 200 for which in ("own", "other"))


def test_credit_file_get_anonymous_internal_is_404(client, operator):
    response = client.get(_url(operator, view="internal"))
    assert response.status_code == 404


def test_credit_file_get_business_user_reading_another_operator_is_404(client, world):
    client.force_login(world["users"][R.BUSINESS])
    assert client.get(_url(world["other"], view="internal")).status_code == 404
    assert client.get(_url(world["own"], view="internal")).status_code == 200


def test_credit_file_get_unknown_operator_is_404(client):
    assert client.get("/api/v1/operators/91500105MA0000000X/credit-file?view=public").status_code == 404


def test_credit_file_get_public_output_is_an_allow_list(client, operator):
    f.complaint_add(operator, on=date(2025, 5, 1))
    f.penalty_add(operator, on=date(2025, 4, 1), amount=Decimal("5000"))
    body = client.get(_url(operator, view="public")).json()
    assert set(body) == {"operator", "view", "entries", "next_cursor"}
    assert set(body["operator"]) == {
        "uscc",
        "name",
        "legal_rep",
        "phone",
        "address",
        "street",
        "sector_label",
        "business_type",
        "status_label",
        "registered_on",
        "licences",
    }
    assert body["operator"]["phone"] == "138****5678"
    assert body["operator"]["legal_rep"] == "张**"
    assert [e["kind"] for e in body["entries"]] == ["penalty", "registration"]  # the complaint is never public
    assert set(body["entries"][0]) == {"kind", "kind_label", "occurred_on", "summary", "detail", "source", "windows"}
    assert body["entries"][0]["windows"] is None


def test_credit_file_get_internal_output(client, world):
    client.force_login(world["users"][R.DISTRICT_REGULATOR])
    body = client.get(_url(world["own"], view="internal")).json()
    assert body["view"] == "internal"
    assert body["operator"]["phone"] == "13812345678" and body["operator"]["legal_rep"] == "张三丰"
    windows = body["entries"][0]["windows"]
    assert {w["channel"] for w in windows} == {"district_portal", "gsxt"}


def test_credit_file_get_filters_and_cursor(client, world):
    client.force_login(world["users"][R.DISTRICT_REGULATOR])
    operator = world["own"]
    f.licences_add(operator, days=[date(2024, 1, 1)] * 60)
    f.sampling_add(operator, on=date(2025, 2, 1))
    body = client.get(_url(operator, view="internal", kind="inspection") + "&kind=sampling_test").json()
    assert [e["kind"] for e in body["entries"]] == ["inspection", "sampling_test"]
    body = client.get(_url(operator, view="internal", date_from="2025-01-01", date_to="2025-03-01")).json()
    assert [e["kind"] for e in body["entries"]] == ["sampling_test"]
    first = client.get(_url(operator, view="internal")).json()
    rest = client.get(_url(operator, view="internal", cursor=first["next_cursor"])).json()
    # 60 licences, the inspection, the sampling test and the registration: 63 entries.
    assert (len(first["entries"]), len(rest["entries"]), rest["next_cursor"]) == (50, 13, None)


def test_credit_file_get_bad_input(client, operator):
    assert client.get(_url(operator, view="public", cursor="bogus")).status_code == 400
    assert client.get(_url(operator, view="public", kind="nonsense")).status_code == 422
    assert client.get(_url(operator, view="everything")).status_code == 422


def test_operator_search_stays_in_scope(client, world):
    assert client.get("/api/v1/operators?q=江北").status_code == 401
    client.force_login(world["users"][R.STATION_REGULATOR])
    found = client.get("/api/v1/operators?q=江北").json()
    assert [o["uscc"] for o in found] == [world["own"].uscc]
    assert client.get(f"/api/v1/operators?q={world['other'].uscc}").json() == []
    client.force_login(world["users"][R.AUDIT_ADMIN])
    assert client.get("/api/v1/operators?q=江北").json() == []


def test_openapi_schema_lists_the_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    operation = schema["paths"]["/api/v1/operators/{uscc}/credit-file"]["get"]
    assert operation["operationId"] == "credit_file_get"
    assert "security" not in operation or operation["security"] in ([], [{}])
    assert schema["paths"]["/api/v1/operators"]["get"]["operationId"] == "operator_search"
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(schema)))
    assert refs and refs <= set(schema["components"]["schemas"])
