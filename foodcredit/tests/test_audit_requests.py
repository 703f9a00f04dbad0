"""SECURITY.md D1, D2; 等保 §8.1.4.3 b: refusals of a logged-in user's requests (400, 403, 404
outside scope, 413, 429) and logouts leave an audit row; rows carry the client address, the actor's role and
department; X-Request-ID is taken from the client only when it looks like a request id; on PostgreSQL the audit
table cannot be truncated.

Anonymous refusals are not audited: a crawler would otherwise write a row per request (they are in the web server's
access log, and throttled)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.core import audit
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests.factories import DepartmentFactory, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    department = DepartmentFactory(code="gyq-station", kind="market_regulation", streets=["观音桥街道"])
    return UserFactory(role=User.Role.STATION_REGULATOR, department=department)


def _client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_logged_in_users_refusals_are_audited_with_address_role_and_department(station):
    outside = OperatorFactory(street="五里店街道")
    client = _client(station)
    assert client.get(f"/office/operators/{outside.uscc}/", REMOTE_ADDR="10.7.7.7").status_code == 404
    assert client.get("/api/v1/risk/public/operators/x", REMOTE_ADDR="10.7.7.7").status_code in (404, 422)
    assert client.get("/office/?q=%00", REMOTE_ADDR="10.7.7.7").status_code == 400
    rows = AuditEvent.objects.filter(action="request_refused").order_by("pk")
    assert rows.count() == 3
    row = rows.first()
    assert (row.actor, row.success, row.object_type) == (station, False, "request")
    assert (row.client_address, row.actor_role, row.actor_department) == (
        "10.7.7.7",
        "station_regulator",
        "gyq-station",
    )
    assert row.changes["status"] == [None, 404] and row.changes["path"] == [None, f"/office/operators/{outside.uscc}/"]
    assert row.changes["method"] == [None, "GET"]


def test_a_forbidden_request_is_audited():
    business = UserFactory(role=User.Role.BUSINESS)
    response = _client(business).get("/office/imports/")
    assert response.status_code == 403
    assert AuditEvent.objects.get(action="request_refused").changes["status"] == [None, 403]


def test_anonymous_refusals_are_not_audited():
    client = Client(raise_request_exception=False)
    for path in ["/operators/nope/", "/api/v1/public/operators/nope", "/?q=%00", "/api/v1/repair-applications"]:
        assert client.get(path).status_code in (400, 401, 404)
    assert not AuditEvent.objects.filter(action="request_refused").exists()


def test_logout_is_audited(station):
    client = _client(station)
    response = client.post("/office/logout/", REMOTE_ADDR="10.8.8.8")
    assert response.status_code == 302
    row = AuditEvent.objects.get(action="logout")
    assert (row.actor, row.object_type, row.object_id, row.client_address) == (
        station,
        "user",
        str(station.pk),
        "10.8.8.8",
    )
    assert row.actor_role == "station_regulator"


def test_audit_rows_written_by_services_carry_the_request_context(station):
    client = _client(station)
    client.get("/office/operators/nope/", REMOTE_ADDR="10.9.9.9", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    row = AuditEvent.objects.get(action="request_refused")
    assert (row.request_id, row.client_address) == ("req-0123456789abcdef", "10.9.9.9")
    outside = audit.record(actor=station, action="create", object_type="test", object_id=1)  # no request: no address
    assert (outside.client_address, outside.actor_role, outside.actor_department) == (
        "",
        "station_regulator",
        "gyq-station",
    )


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("req-0123456789abcdef", True),
        ("3f2b8a9c-4d1e-4f7a-9b2c-1d2e3f4a5b6c", True),
        ("short", False),
        ("x" * 65, False),
        ("<script>alert(1)</script>", False),
        ("abc def ghi jkl", False),
        ("DROP TABLE; --xxxxxxxx", False),
        ("请求编号一二三四五六七八", False),
    ],
)
def test_a_request_id_from_the_client_is_kept_only_when_it_looks_like_one(sent, kept):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=sent)
    rid = response["X-Request-ID"]
    assert (rid == sent) is kept
    assert 8 <= len(rid) <= 64 and rid.replace("-", "").replace("_", "").replace(".", "").isalnum()


@pytest.mark.pg_only("a TRUNCATE trigger: SQLite has neither TRUNCATE nor statement triggers")
def test_the_audit_table_cannot_be_truncated():
    audit.record(actor=None, action="create", object_type="test", object_id=1)
    refused = pytest.raises(DatabaseError, match="audit records cannot be changed or deleted")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        # The test settings allow TRUNCATE for Django's flush between transactional tests; production never does.
        cursor.execute("SET LOCAL foodcredit.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.filter(object_type="test").count() == 1
