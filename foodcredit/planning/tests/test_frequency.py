"""The minimum-frequency list: intervals per class, due days from the last on-site inspection, exclusions, scope."""

from datetime import date, timedelta

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import DepartmentFactory, OperatorFactory, UserFactory, inspection_add
from foodcredit.operators.models import Operator
from foodcredit.planning import rules, selectors
from foodcredit.planning.selectors import frequency
from foodcredit.risk.tests.factories import run_make

AS_OF = date(2025, 11, 3)
BASE = "/api/v1/planning"


def test_intervals_follow_the_minimum_frequencies():
    assert rules.frequency_interval_days({"A": 0.5, "B": 1.0, "C": 2.0, "D": 3.0, "E": 0}) == {
        "A": 730,
        "B": 365,
        "C": 183,
        "D": 122,
    }


@pytest.fixture
def district(db):
    ops = {
        "b_recent": OperatorFactory(street="观音桥街道"),
        "b_late": OperatorFactory(street="观音桥街道"),
        "d_late": OperatorFactory(street="五里店街道"),
        "a_never": OperatorFactory(street="五里店街道", registered_on=AS_OF - timedelta(days=1095)),
        "a_observed": OperatorFactory(new_business_form=True, registered_on=AS_OF - timedelta(days=100)),
        "c_closed": OperatorFactory(status=Operator.Status.DEREGISTERED),
        "unclassified": OperatorFactory(street="五里店街道", registered_on=AS_OF - timedelta(days=30)),
    }
    run_make(
        AS_OF - timedelta(days=10),
        [
            (ops["b_recent"], "B"),
            (ops["b_late"], "B"),
            (ops["d_late"], "D"),
            (ops["a_never"], "A"),
            (ops["a_observed"], "A"),
            (ops["c_closed"], "C"),
        ],
    )
    inspection_add(ops["b_recent"], on=AS_OF - timedelta(days=500))
    inspection_add(ops["b_recent"], on=AS_OF - timedelta(days=100))  # the latest counts
    inspection_add(ops["b_late"], on=AS_OF - timedelta(days=400), kind="special")
    inspection_add(ops["d_late"], on=AS_OF - timedelta(days=130))
    inspection_add(ops["d_late"], on=AS_OF + timedelta(days=5))  # after as-of: not yet
    inspection_add(ops["c_closed"], on=AS_OF - timedelta(days=900))
    return ops


def _rows(due):
    return {r["uscc"]: r for r in due.rows.to_dicts()}


def test_due_days_run_from_the_last_inspection_or_the_registration(district):
    regulator = UserFactory(role=User.Role.DISTRICT_REGULATOR)
    due = frequency.frequency_due(for_user=regulator, scope=selectors.Scope([], [], []), as_of=AS_OF)
    rows = _rows(due)
    ops = district
    assert ops["a_observed"].uscc not in rows and ops["c_closed"].uscc not in rows  # observation period; closed
    expect = {
        "b_late": ("B", 35),
        "d_late": ("D", 8),
        "a_never": ("A", 365),
        "b_recent": ("B", -265),
        "unclassified": ("B", -335),
    }
    assert {k: (rows[ops[k].uscc]["risk_class"], rows[ops[k].uscc]["overdue_days"]) for k in expect} == expect
    assert rows[ops["d_late"].uscc]["last_inspected_on"] == AS_OF - timedelta(days=130)
    assert rows[ops["a_never"].uscc]["last_inspected_on"] is None
    assert [r["uscc"] for r in due.rows.head(3).to_dicts()] == [ops[k].uscc for k in ("a_never", "b_late", "d_late")]
    assert due.summary["B"] == {"operators": 3, "overdue": 1} and due.summary["C"] == {"operators": 0, "overdue": 0}


def test_a_station_sees_its_streets_only(district):
    station = UserFactory(role=User.Role.STATION_REGULATOR, department=DepartmentFactory(streets=["五里店街道"]))
    due = frequency.frequency_due(for_user=station, scope=selectors.Scope([], [], []), as_of=AS_OF)
    assert set(_rows(due)) == {district[k].uscc for k in ("d_late", "a_never", "unclassified")}


@time_machine.travel(AS_OF.isoformat() + " 10:00 +0800", tick=False)
def test_api_lists_the_overdue_first_and_refuses_other_roles(client, district):
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    data = client.get(f"{BASE}/frequency").json()
    assert data["count"] == 3 and [i["overdue_days"] for i in data["items"]] == [365, 35, 8]
    assert data["classes"]["D"] == {"interval_days": 122, "operators": 1, "overdue": 1}
    only_d = client.get(f"{BASE}/frequency?risk_class=D").json()
    assert [i["uscc"] for i in only_d["items"]] == [district["d_late"].uscc]
    everyone = client.get(f"{BASE}/frequency?overdue=false&limit=2&offset=3").json()
    assert everyone["count"] == 5 and len(everyone["items"]) == 2
    client.force_login(UserFactory(role=User.Role.INSPECTOR))
    assert client.get(f"{BASE}/frequency").status_code == 403


@time_machine.travel(AS_OF.isoformat() + " 10:00 +0800", tick=False)
def test_office_page_charts_the_classes_and_lists_the_overdue(client, district):
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    page = client.get("/office/planning/frequency/").content.decode()
    assert district["a_never"].name in page and district["b_recent"].name not in page
    assert 'id="frequency-data"' in page and "从未检查" in page
    client.force_login(UserFactory(role=User.Role.BUSINESS))
    assert client.get("/office/planning/frequency/").status_code == 403
