"""the API layer's part: a logged-in user's malformed requests are 4xx that say why, not 500s —
a JSON body sent as multipart/form-data, a street quota past 2^63."""

import pytest
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in():
    """A logged-in regulator's browser: CSRF checked, which reads a form body before the API reads it as JSON."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/office/login/")  # the CSRF cookie, as the login page gives it
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    return client


@pytest.mark.parametrize(
    "path",
    ["/api/v1/planning/plans", "/api/v1/imports/operators", "/api/v1/eligibility/persons", "/api/v1/lists/abnormal"],
)
def test_a_json_body_sent_as_multipart_is_a_400(client_in, path):
    body = '{"name": "x", "period_start": "2025-01-01", "period_end": "2025-01-31", "draw": false}'
    response = client_in.post(path, body, content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 400
    assert response.json()["code"] == "request.malformed"


@pytest.mark.parametrize("quota", [2**63, 2**64 + 1, -1])
def test_a_street_quota_out_of_range_is_a_422(client_in, quota):
    body = {
        "name": "x",
        "period_start": "2025-01-01",
        "period_end": "2025-01-31",
        "street_quotas": {"观音桥街道": quota},
        "draw": False,
    }
    response = client_in.post("/api/v1/planning/plans", body, content_type="application/json")
    assert response.status_code == 422
