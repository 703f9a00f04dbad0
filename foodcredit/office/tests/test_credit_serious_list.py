"""THE serious list from real data, in the browser's forms: a penalty file imported through the collection door
(CSV, the CLI) with the source's own violation wording → 未分类 → the text mapped to a listable type on the queue page →
a listing candidate → propose → upper-level approval → decision → the public page shows the listing. No ledger fact
is written by hand: every step is a production writer, and every browser step is an audit row."""

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent, Source
from foodcredit.credit.models import LedgerEntry, ListEntry
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests.imported import HEADERS  # the exchange format's penalty columns

pytestmark = pytest.mark.django_db
TEXT = "在食品中添加罂粟壳"  # the source's own wording of 添加非食用物质
SOURCE = "江北区行政执法办案系统"


def penalty_file(tmp_path: Path, operator, *, decision_no: str, violation: str) -> Path:
    path = tmp_path / f"{decision_no}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerow(
            [
                decision_no,
                operator.uscc,
                "2025-03-10",
                violation,
                "《中华人民共和国食品安全法》第一百二十三条",
                "罚款、没收违法所得",
                "131300",
                "普通程序",
                "从重",
            ]
        )
    return path


def audited(action: str, object_type: str, actor: User) -> bool:
    return AuditEvent.objects.filter(action=action, object_type=object_type, actor=actor).exists()


@override_settings(SERIOUS_LIST_UPPER_APPROVAL_REQUIRED=True)
def test_an_imported_penalty_reaches_the_public_serious_list(client, tmp_path):
    operator = f.OperatorFactory(name="观音桥老火锅")
    district = f.UserFactory(role=User.Role.DISTRICT_REGULATOR, department=f.DepartmentFactory(name="江北区市场监管局"))
    call_command("violation_types_load", stdout=StringIO())
    with time_machine.travel("2025-03-11 10:00 +0800", tick=False):
        path = penalty_file(tmp_path, operator, decision_no="渝江北市监罚〔2025〕88号", violation=TEXT)
        call_command("import_records", str(path), kind="penalties", source=SOURCE, stdout=StringIO())
    assert not LedgerEntry.objects.get(kind="penalty").facts["listable_serious"]  # 未分类 on arrival

    with time_machine.travel("2025-03-12 10:00 +0800", tick=False):
        client.force_login(district)
        queue = client.get("/office/violations/queue/").content.decode()
        assert TEXT in queue and "未分类" in queue
        assert "渝江北市监罚〔2025〕88号" not in client.get("/office/lists/candidates/").content.decode()
        source = Source.objects.get(name=SOURCE)
        mapped = client.post(
            "/office/violations/queue/map/",
            {"source": source.pk, "text": TEXT, "code": "FSL123-NON-FOOD-SUBSTANCE"},
        )
        assert mapped.status_code == 302, mapped.content.decode()
        assert TEXT not in client.get("/office/violations/queue/").content.decode()
        candidates = client.get("/office/lists/candidates/").content.decode()
        assert "渝江北市监罚〔2025〕88号" in candidates
        candidate = LedgerEntry.objects.get(kind="penalty", superseded_by__isnull=True)
        proposed = client.post(
            f"/office/lists/candidates/{candidate.pk}/propose/",
            {
                "serious_reasons": "明知罂粟壳为非食用物质仍长期添加于火锅底料，涉案数量大",
                "notice_served_on": "2025-03-12",
                "legal_basis": "《市场监督管理严重违法失信名单管理办法》第五条",
                "department": "江北区市场监管局",
            },
        )
        assert proposed.status_code == 302, proposed.content.decode()
    entry = ListEntry.objects.get(operator=operator)
    assert entry.status == ListEntry.Status.AWAITING_APPROVAL
    with time_machine.travel("2025-03-18 10:00 +0800", tick=False):
        client.force_login(district)  # a new day, a new login (sessions end after 30 idle minutes)
        page = client.get(f"/office/lists/{entry.pk}/").content.decode()
        assert "待批准" in page
        approved = client.post(
            f"/office/lists/{entry.pk}/approve/",
            {
                "approve-approved_on": "2025-03-18",
                "approve-approved_by": "重庆市市场监督管理局",
            },
        )
        assert approved.status_code == 302
    with time_machine.travel("2025-03-20 10:00 +0800", tick=False):
        client.force_login(district)
        decided = client.post(
            f"/office/lists/{entry.pk}/decide/",
            {
                "decide-decision_no": "渝江北市监列严〔2025〕1号",
                "decide-decided_on": "2025-03-20",
            },
        )
        assert decided.status_code == 302
        page = client.get(f"/office/lists/{entry.pk}/").content.decode()
        # The procedure's dates: disclosed on GSXT within 20 working days, early removal after a year, out after 3.
        assert "公示期限" in page and "2025-04-18" in page
        assert "2026-03-20" in page and "2028-03-20" in page and "行政复议" in page
    entry.refresh_from_db()
    assert (entry.status, entry.decided_on) == (ListEntry.Status.LISTED, date(2025, 3, 20))
    for action, object_type in [
        ("map", "violation_mapping"),
        ("classify", "penalty"),
        ("propose", "list_entry"),
        ("approve", "list_entry"),
        ("list", "list_entry"),
    ]:
        assert audited(action, object_type, district), (action, object_type)

    client.logout()
    with time_machine.travel("2025-04-01 10:00 +0800", tick=False):
        public = client.get(f"/operators/{operator.uscc}/").content.decode()
        api = client.get(f"/api/v1/public/operators/{operator.uscc}").json()
    assert "严重违法失信名单" in public and "渝江北市监列严〔2025〕1号" in public
    assert [(m["list_kind"], m["decision_no"]) for m in api["lists"]] == [("serious", "渝江北市监列严〔2025〕1号")]
