"""The public report form: no login, throttled, a tracking number and a status page; the reporter's name and phone
encrypted at rest and never public; staff move the report on with a reply (audited)."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.accounts.permissions import WriteRefusedError
from foodcredit.collection.models import ImportJob
from foodcredit.complaints.models import Complaint
from foodcredit.core.errors import DomainError
from foodcredit.core.events import ledger_entry_appended
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.operators.models import Operator
from foodcredit.portal import services
from foodcredit.portal.models import PublicReport

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
NAME = "王小明"


def _post(client, **overrides):
    data = {
        "kind": "complaint",
        "category": "foreign_matter",
        "operator_name": "观音桥老火锅店",
        "operator_uscc": "",
        "address": "建新北路1号",
        "happened_on": "2025-09-01",
        "description": "火锅里吃出一根头发",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        **overrides,
    }
    return client.post("/report/", data)


def _tracking(html: str) -> str:
    found = re.search(r'id="tracking-no">([0-9A-Z]+)<', html)
    assert found
    return found.group(1)


def test_report_gets_a_tracking_number_and_a_status_page_without_the_reporter(client):
    assert client.get("/report/").status_code == 200
    response = _post(client)
    assert response.status_code == 200
    number = _tracking(response.content.decode())
    status = client.get("/report/status/", {"no": number.lower()}).content.decode()
    assert "已登记，待审核" in status and number in status
    assert PHONE not in status and NAME not in status and "头发" not in status


def test_reporter_data_is_encrypted_at_rest_and_not_in_the_audit_row(client):
    _post(client)
    report = PublicReport.objects.get()
    assert PHONE not in report.reporter_phone_encrypted and NAME not in report.reporter_name_encrypted
    assert (report.reporter_phone, report.reporter_name) == (PHONE, NAME)
    event = AuditEvent.objects.get(object_type="public_report")
    assert PHONE not in str(event.changes) and NAME not in str(event.changes)


def test_unknown_tracking_number(client):
    assert "没有找到该查询编号" in client.get("/report/status/", {"no": "JB250101XXXXXXXXXX"}).content.decode()


def test_invalid_report_is_refused_field_by_field(client):
    response = _post(client, operator_name="", description="", reporter_phone="abc", operator_uscc="123")
    assert response.status_code == 400
    assert not PublicReport.objects.exists()


INJECTIONS = ["火锅<script>alert('x')</script>店", "火锅' OR '1'='1 --", '火锅"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_inert_in_every_report_field(client, text):
    for field in (
        "operator_name",
        "address",
        "description",
        "reporter_name",
        "operator_uscc",
        "reporter_phone",
        "category",
        "kind",
        "happened_on",
    ):
        html = _post(client, **{field: text}).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    staff_view = [r.operator_name for r in PublicReport.objects.all()]
    assert text in staff_view  # stored as typed (as text), escaped when shown
    assert client.get("/report/status/", {"no": text}).status_code == 200


def test_staff_review_moves_the_report_on_with_a_reply(client):
    officer = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    operator = f.operator_register(uscc=f.make_uscc(5), name="观音桥老火锅店")
    number = _tracking(_post(client).content.decode())
    report = PublicReport.objects.get(tracking_no=number)
    with pytest.raises(DomainError) as refused:
        services.report_review(report=report, status="closed", reply="已处理", actor=officer)
    assert refused.value.code == "report.bad_step"
    with pytest.raises(DomainError) as refused:
        services.report_review(report=report, status="accepted", reply="", actor=officer)
    assert refused.value.code == "report.operator_required"
    services.report_review(report=report, status="accepted", reply="", actor=officer, operator=operator)
    assert "已受理，正在核查" in client.get("/report/status/", {"no": number}).content.decode()
    with pytest.raises(DomainError) as refused:
        services.report_review(report=report, status="closed", reply=" ", actor=officer, verification="true")
    assert refused.value.code == "report.reply_required"
    with pytest.raises(DomainError) as refused:
        services.report_review(report=report, status="closed", reply="已处理", actor=officer)
    assert refused.value.code == "report.verification_required"
    services.report_review(
        report=report, status="closed", reply="经核查属实，已立案处理。", actor=officer, verification="true"
    )
    html = client.get("/report/status/", {"no": number}).content.decode()
    assert "已办结" in html and "经核查属实，已立案处理。" in html and 'id="report-verification">属实<' in html
    reviews = AuditEvent.objects.filter(object_type="public_report").order_by("pk")
    assert [(e.action, e.changes) for e in reviews] == [
        ("create", reviews[0].changes),
        (
            "review",
            {"status": ["received", "accepted"], "complaint": [None, f"{operator.uscc}/门户网站投诉举报/{number}"]},
        ),
        ("review", {"status": ["accepted", "closed"], "verification": ["pending", "true"]}),
    ]


def test_rejected_report_files_nothing_and_the_reporter_reads_the_reason(client):
    officer = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    number = _tracking(_post(client).content.decode())
    report = PublicReport.objects.get(tracking_no=number)
    with pytest.raises(DomainError) as refused:
        services.report_review(report=report, status="rejected", reply="", actor=officer)
    assert refused.value.code == "report.reply_required"
    services.report_review(report=report, status="rejected", reply="不属于市场监管部门职责范围。", actor=officer)
    html = client.get("/report/status/", {"no": number}).content.decode()
    assert "不予受理" in html and "不属于市场监管部门职责范围。" in html
    assert not Complaint.objects.exists() and not LedgerEntry.objects.filter(kind="complaint").exists()


def test_accepted_report_is_a_complaint_on_the_file_as_an_import_writes_it(client, django_capture_on_commit_callbacks):
    """Accepting files the complaint through the import writer: the record, its ledger entry (with the facts the
    detectors read), the record's own audit row and an import job naming the tracking number."""
    officer = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    operator = f.operator_register(uscc=f.make_uscc(6), name="观音桥老火锅店")
    number = _tracking(_post(client, kind="report", category="hygiene").content.decode())
    report = PublicReport.objects.get(tracking_no=number)
    announced: list[dict] = []
    ledger_entry_appended.connect(receiver := lambda **kw: announced.append(kw), weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.report_review(report=report, status="accepted", reply="", actor=officer, operator=operator)
    finally:
        ledger_entry_appended.disconnect(receiver)
    assert [(a["operator_ids"], a["kinds"]) for a in announced] == [([operator.pk], ["complaints"])]  # alerts hear it
    complaint = Complaint.objects.get(source_ref=number)
    assert (complaint.operator, complaint.source.name, complaint.channel) == (operator, "门户网站投诉举报", "online")
    assert (complaint.kind, complaint.category, complaint.verification) == ("report", "经营场所卫生条件差", "pending")
    assert complaint.received_on == timezone.localtime(report.created_at).date()
    entry = LedgerEntry.objects.get(ref_kind="complaint", ref_id=complaint.pk, superseded_by__isnull=True)
    assert entry.operator_id == operator.pk and entry.facts["verification"] == "pending"
    assert AuditEvent.objects.filter(object_type="complaint", object_id=str(complaint.pk), actor=officer).exists()
    assert ImportJob.objects.get(file_name=number).created_by == officer
    services.report_review(
        report=report, status="closed", reply="部分属实，已责令整改。", actor=officer, verification="partly_true"
    )
    current = LedgerEntry.objects.get(ref_kind="complaint", ref_id=complaint.pk, superseded_by__isnull=True)
    assert current.pk != entry.pk and current.facts["verification"] == "partly_true"


def test_station_regulator_files_reports_only_on_operators_of_its_streets(client):
    """Per-object scope: a station regulator cannot accept a report onto an operator outside its streets; the page
    answers as if the code were unknown, and nothing is filed."""
    f.operator_register(uscc=f.make_uscc(7), name="华新街面馆", street="华新街街道")
    inside = f.operator_register(uscc=f.make_uscc(8), name="观音桥老火锅店", street="观音桥街道")
    station = f.UserFactory(role=User.Role.STATION_REGULATOR, department=f.DepartmentFactory(streets=["观音桥街道"]))
    number = _tracking(_post(client).content.decode())
    report = PublicReport.objects.get(tracking_no=number)
    client.force_login(station)
    outside_post = {"status": "accepted", "operator_uscc": f.make_uscc(7), "reply": ""}
    response = client.post(f"/report/queue/{report.pk}/", outside_post)
    assert response.status_code == 400 and "您的辖区内没有统一社会信用代码为" in response.content.decode()
    assert not Complaint.objects.exists()
    with pytest.raises(WriteRefusedError):
        services.report_review(
            report=report,
            status="accepted",
            reply="",
            actor=station,
            operator=Operator.objects.get(uscc=f.make_uscc(7)),
        )
    assert not Complaint.objects.exists()
    response = client.post(f"/report/queue/{report.pk}/", {**outside_post, "operator_uscc": inside.uscc.lower()})
    assert response.status_code == 302 and Complaint.objects.get().operator == inside


def test_report_form_is_throttled_per_client(client, settings):
    settings.THROTTLE_ENABLED = True
    settings.THROTTLE_RULES = [r for r in django_settings.THROTTLE_RULES if r["name"] == "public_report"]
    caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].clear()
    statuses = [_post(client).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert PublicReport.objects.count() == 10


def test_staff_queue_shows_the_reporter_to_regulators_only_and_records_the_review(client):
    number = _tracking(_post(client).content.decode())
    report = PublicReport.objects.get(tracking_no=number)
    assert client.get("/report/queue/").status_code == 302  # to the login page
    client.force_login(f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[]))
    assert client.get("/report/queue/").status_code == 404
    assert client.get(f"/report/queue/{report.pk}/").status_code == 404
    client.force_login(
        f.UserFactory(role=User.Role.STATION_REGULATOR, department=f.DepartmentFactory(streets=["观音桥街道"]))
    )
    assert number in client.get("/report/queue/").content.decode()
    detail = client.get(f"/report/queue/{report.pk}/").content.decode()
    assert PHONE in detail and NAME in detail
    refused = client.post(f"/report/queue/{report.pk}/", {"status": "closed", "reply": "好"})
    assert refused.status_code == 400 and "report.bad_step" in refused.content.decode()
    operator = f.operator_register(uscc=f.make_uscc(9), name="观音桥老火锅店", street="观音桥街道")
    accept = {"status": "accepted", "operator_uscc": operator.uscc, "reply": "已转街道所核查"}
    response = client.post(f"/report/queue/{report.pk}/", accept)
    assert response.status_code == 302
    client.logout()
    html = client.get("/report/status/", {"no": number}).content.decode()
    assert "已受理，正在核查" in html and "已转街道所核查" in html
