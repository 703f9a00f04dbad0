"""Bad requests found by schemathesis (SECURITY.md C1) are 400s that say why, never 500s: NUL characters, a multipart
body without a boundary, a model refusing a value in a service."""

import pytest

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(client):
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    return client


def test_a_nul_character_in_a_query_is_a_400(client_in):
    response = client_in.get("/api/v1/planning/frequency", {"street": "观音桥\x00街道"})
    assert response.status_code == 400
    assert response.json()["code"] == "request.nul_character" and response.json()["context"] == {"where": "query"}


def test_a_nul_character_in_a_json_body_is_a_400_but_an_escaped_backslash_is_not(client_in):
    nul = '{"uscc": "x", "cause": "annual_report", "legal_basis": "a\\u0000", "decision_no": "1", "decided_on": "2025-01-01", "department": "d"}'
    response = client_in.post("/api/v1/lists/abnormal", nul, content_type="application/json")
    assert response.status_code == 400 and response.json()["context"] == {"where": "body"}
    text = nul.replace("a\\u0000", "a\\\\u0000")  # a backslash, then the letters u0000: ordinary text
    assert client_in.post("/api/v1/lists/abnormal", text, content_type="application/json").json().get("code") != (
        "request.nul_character"
    )


def test_a_multipart_body_without_a_boundary_is_a_400():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check reads the body first
    client.get("/office/login/")  # the CSRF cookie, as the login page gives it
    token = client.cookies["csrftoken"].value
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    response = client.post(
        "/api/v1/planning/plans", b"{}", content_type="multipart/form-data", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400 and response.json()["code"] == "request.malformed"


def test_a_value_a_model_refuses_is_a_400_naming_the_field(client_in):
    body = {"name": "", "period_start": "2025-01-01", "period_end": "2025-01-31", "draw": False}
    response = client_in.post("/api/v1/planning/plans", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "name" in response.json()["context"]["fields"]


def test_forbidden_is_a_403_and_an_offset_out_of_range_a_422(client):
    from foodcredit.credit.tests.factories import OperatorFactory

    own = OperatorFactory()
    client.force_login(UserFactory(role=User.Role.BUSINESS, operator_usccs=[own.uscc]))
    response = client.get(f"/api/v1/risk/operators/{own.uscc}")  # its own operator: in scope, the class is internal
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get("/api/v1/planning/public/results", {"offset": 2**64}).status_code == 422
    assert client.get("/api/v1/planning/public/results", {"offset": 5}).status_code == 200


def test_an_observation_period_of_three_million_years_is_a_422_not_a_crash(client_in):
    body = {"name": "x", "period_start": "2025-01-01", "period_end": "2025-01-31", "observation_months": 38682718}
    response = client_in.post("/api/v1/planning/plans", body, content_type="application/json")
    assert response.status_code == 422
