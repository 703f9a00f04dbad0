"""At most one open repair application per (operator, record): ten parallel identical
applications made ten open applications. The service refuses a second one (409), the database refuses it too
(a partial unique index, for the race the service check cannot see), and an Idempotency-Key replays the first."""

import json
import threading
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.credit.models import LedgerEntry, RepairApplication

from . import factories as f

A = RepairApplication
OPEN = [A.Status.SUBMITTED, A.Status.ACCEPTED]


def _setup():
    operator = f.OperatorFactory()
    entry = f.penalty_add(operator, on=date(2025, 3, 10), amount=Decimal("150000"))
    decision_no = f.record_of(entry).decision_no
    business = f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[operator.uscc])
    return operator, business, decision_no


def _body(operator, decision_no) -> str:
    return json.dumps(
        {
            "uscc": operator.uscc,
            "target": "penalty",
            "penalty_decision_no": decision_no,
            "commitment": "守信承诺",
            "evidence": "缴款凭证",
        }
    )


@pytest.mark.django_db
@time_machine.travel("2026-03-10 10:00 +0800", tick=False)
def test_ten_identical_applications_leave_one_open(client):
    operator, business, decision_no = _setup()
    client.force_login(business)
    codes = [
        client.post("/api/v1/repair-applications", _body(operator, decision_no), content_type="application/json")
        for _ in range(10)
    ]
    assert [r.status_code for r in codes] == [201] + [409] * 9
    assert codes[1].json()["code"] == "repair.already_open"
    assert A.objects.filter(operator=operator, status__in=OPEN).count() == 1


@pytest.mark.django_db
@time_machine.travel("2026-03-10 10:00 +0800", tick=False)
def test_an_idempotency_key_replays_the_first_application(client):
    operator, business, decision_no = _setup()
    client.force_login(business)
    headers = {"HTTP_IDEMPOTENCY_KEY": "9f1c2d3e-repair-1"}
    url, body = "/api/v1/repair-applications", _body(operator, decision_no)
    first = client.post(url, body, content_type="application/json", **headers)
    again = client.post(url, body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert A.objects.filter(operator=operator).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_application():
    """The race the service check cannot see (both read 'none open', both insert): the partial unique index."""
    operator, _business, _decision_no = _setup()
    entry = LedgerEntry.objects.get(operator=operator, kind=LedgerEntry.Kind.PENALTY)  # not its registration
    values = {
        "operator": operator,
        "target": A.Target.PENALTY,
        "penalty_entry": entry,
        "submitted_on": date(2026, 3, 10),
        "commitment": "守信承诺",
        "evidence": "缴款凭证",
        "status": A.Status.SUBMITTED,
    }
    A.objects.create(**values)
    A.objects.create(**{**values, "status": A.Status.REFUSED})  # closed ones are not limited
    with pytest.raises(IntegrityError), transaction.atomic():
        A.objects.create(**values)


@pytest.mark.pg_only("ten real concurrent transactions need PostgreSQL (SQLite serialises every writer)")
@pytest.mark.django_db(transaction=True)
@time_machine.travel("2026-03-10 10:00 +0800", tick=False)
def test_ten_parallel_applications_leave_one_open():
    operator, business, decision_no = _setup()
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def apply() -> None:
        client = Client()
        client.force_login(business)
        barrier.wait()
        response = client.post(
            "/api/v1/repair-applications", _body(operator, decision_no), content_type="application/json"
        )
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=apply) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 9
    assert A.objects.filter(operator=operator, status__in=OPEN).count() == 1


@pytest.mark.pg_only("ten real concurrent transactions need PostgreSQL (SQLite serialises every writer)")
@pytest.mark.django_db(transaction=True)
@time_machine.travel("2026-03-10 10:00 +0800", tick=False)
def test_ten_parallel_retries_with_one_key_return_one_application():
    operator, business, decision_no = _setup()
    barrier = threading.Barrier(10)
    answers: list[tuple[int, int]] = []

    def apply() -> None:
        client = Client()
        client.force_login(business)
        barrier.wait()
        response = client.post(
            "/api/v1/repair-applications",
            _body(operator, decision_no),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="retry-7f3a",
        )
        answers.append((response.status_code, response.json().get("id", 0)))
        connection.close()

    threads = [threading.Thread(target=apply) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {code for code, _ in answers} <= {200, 201} and len({pk for _, pk in answers}) == 1
    assert A.objects.filter(operator=operator).count() == 1
