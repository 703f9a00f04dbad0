"""The back-office repair queue: only the district regulator; overdue flags; accept and grant from the page."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.credit import services
from foodcredit.credit.models import RepairApplication
from foodcredit.credit.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(db):
    operator = f.OperatorFactory()
    entry = f.penalty_add(operator, on=date(2025, 3, 10), amount=Decimal("150000"))
    return services.repair_submit(
        operator=operator,
        target="penalty",
        penalty_entry=entry,
        commitment="守信承诺",
        evidence="缴款凭证",
        submitted_on=date(2026, 3, 30),
        actor=None,
    )


@pytest.mark.parametrize("role", [User.Role.STATION_REGULATOR, User.Role.BUSINESS, User.Role.AUDIT_ADMIN])
def test_repair_queue_is_the_district_regulators(client, application, role):
    client.force_login(f.UserFactory(role=role))
    assert client.get("/office/repairs/").status_code == 403


def test_repair_queue_flags_overdue_and_acts(client, application):
    with time_machine.travel("2026-04-02 10:00 +0800", tick=False):
        client.force_login(f.UserFactory(role=User.Role.DISTRICT_REGULATOR))
        page = client.get("/office/repairs/").content.decode()
        assert "已逾期" in page and "2026-04-01" in page  # accept_by passed
        assert client.post(f"/office/repairs/{application.pk}/accept/").status_code == 302
        page = client.get("/office/repairs/").content.decode()
        assert "已逾期" not in page and "决定期限" in page
        client.post(f"/office/repairs/{application.pk}/grant/")
    application.refresh_from_db()
    assert (application.status, application.decided_on) == (RepairApplication.Status.GRANTED, date(2026, 4, 2))


def test_repair_queue_filters_the_workbench_counts_and_exports(client, application):
    """The workbench's links (?status=open, ?overdue=1) open the list it counted; the export holds what is shown."""
    with time_machine.travel("2026-04-02 10:00 +0800", tick=False):
        client.force_login(f.UserFactory(role=User.Role.DISTRICT_REGULATOR))
        assert "共 1 条" in client.get("/office/repairs/?status=open").content.decode()
        assert "共 1 条" in client.get("/office/repairs/?overdue=1").content.decode()
        assert "共 0 条" in client.get("/office/repairs/?status=granted").content.decode()
        export = client.get("/office/repairs/?overdue=1&_export=csv").content.decode("utf-8-sig")
        assert application.operator.uscc in export and "受理期限 2026-04-01" in export
        client.post(f"/office/repairs/{application.pk}/accept/")
        assert "共 0 条" in client.get("/office/repairs/?overdue=1").content.decode()
