"""Objections in the browser's pages: a business user objects from its credit file with evidence, the district's
queue and workbench tile count the same rows, the district accepts and corrects (or rejects) on the objection's page,
the business user sees the outcome, and the correction is on the internal and the public file."""

import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.objections.models import Objection

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TILE = re.compile(r'<a class="tile[^"]*" href="([^"]+)" data-count="(\d*)"')
LIST_COUNT = re.compile(r'class="list-count" data-count="(\d+)"')


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def operator(db):
    return f.OperatorFactory(name="江北异议测试餐饮有限公司")


@pytest.fixture
def other_operator(db):
    return f.OperatorFactory(street="五里店街道", address="重庆市江北区五里店街道五简路2号")


@pytest.fixture
def entry(operator) -> LedgerEntry:
    return f.inspection_add(operator, on=date(2025, 6, 1), result="nonconform", findings="后厨冷藏温度超标")


def _login(role, **fields):
    client = Client()
    client.force_login(f.UserFactory(role=role, **fields))
    return client


def _object(client: Client, entry: LedgerEntry, reason: str = "检查当日冷藏柜在除霜，读数有误") -> Objection:
    answer = client.post(
        f"/office/entries/{entry.pk}/objection/",
        {"reason": reason, "attachments": [SimpleUploadedFile("记录.png", PNG, content_type="image/png")]},
    )
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    return Objection.objects.get(ref_kind=entry.ref_kind, ref_id=entry.ref_id, status__in=Objection.OPEN)


def test_business_objects_from_its_credit_file_and_follows_it(operator, entry):
    business = _login(User.Role.BUSINESS, operator_usccs=[operator.uscc])
    file_page = business.get(f"/office/operators/{operator.uscc}/").content.decode()
    assert f"/office/entries/{entry.pk}/objection/" in file_page and "提出异议" in file_page
    objection = _object(business, entry)
    page = business.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "已提交" in page and "2025-07-03" in page and "记录.png" in page  # 3 working days from Monday 30 June
    download = business.get(f"/office/objections/{objection.pk}/files/{objection.attachments.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert "attachment" in download["Content-Disposition"]
    assert "受理" not in re.sub(r"受理期限", "", page)  # no accept button for the business user


def test_objection_form_names_a_bad_attachment_and_keeps_nothing(operator, entry):
    business = _login(User.Role.BUSINESS, operator_usccs=[operator.uscc])
    answer = business.post(
        f"/office/entries/{entry.pk}/objection/",
        {"reason": "读数有误", "attachments": [SimpleUploadedFile("图.svg", b"<svg onload=alert(1)>")]},
    )
    assert answer.status_code == 400
    assert "附件“图.svg”须为JPEG、PNG照片或PDF文书（objection.attachment_type）" in answer.content.decode()
    assert not Objection.objects.exists()


def test_other_businesses_and_other_roles_find_nothing(operator, entry, other_operator):
    objection = _object(_login(User.Role.BUSINESS, operator_usccs=[operator.uscc]), entry)
    stranger = _login(User.Role.BUSINESS, operator_usccs=[other_operator.uscc])
    assert stranger.get(f"/office/objections/{objection.pk}/").status_code == 404
    assert stranger.get(f"/office/objections/{objection.pk}/files/{objection.attachments.get().pk}/").status_code == 404
    assert stranger.get(f"/office/entries/{entry.pk}/objection/").status_code == 404
    assert "江北异议测试" not in stranger.get("/office/objections/").content.decode()
    assert _login(User.Role.INSPECTOR).get("/office/objections/").status_code == 403


def test_workbench_tile_counts_the_queue_rows(operator, entry, other_operator):
    _object(_login(User.Role.BUSINESS, operator_usccs=[operator.uscc]), entry)
    other = f.inspection_add(other_operator, on=date(2025, 6, 2), result="nonconform")
    _object(_login(User.Role.BUSINESS, operator_usccs=[other_operator.uscc]), other)
    district = _login(User.Role.DISTRICT_REGULATOR)
    tiles = dict(TILE.findall(district.get("/office/").content.decode().replace("&amp;", "&")))
    assert tiles["/office/objections/?status=open"] == "2"
    shown = LIST_COUNT.search(district.get("/office/objections/?status=open").content.decode())
    assert shown is not None and shown.group(1) == "2"
    assert tiles["/office/objections/?overdue=1"] == "0"
    with time_machine.travel("2025-07-04 10:00 +0800", tick=False):  # past the acceptance deadline (3 July)
        district = _login(User.Role.DISTRICT_REGULATOR)  # a new session: the idle one timed out
        tiles = dict(TILE.findall(district.get("/office/").content.decode().replace("&amp;", "&")))
        assert tiles["/office/objections/?overdue=1"] == "2"


def test_district_accepts_and_corrects_and_the_correction_is_on_both_files(operator, entry):
    business = _login(User.Role.BUSINESS, operator_usccs=[operator.uscc])
    objection = _object(business, entry)
    district = _login(User.Role.DISTRICT_REGULATOR)
    assert district.post(f"/office/objections/{objection.pk}/accept/").status_code == 302
    page = district.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "已受理" in page and 'name="outcome"' in page
    refused = district.post(f"/office/objections/{objection.pk}/", {"outcome": "correct", "note": ""})
    assert refused.status_code == 400
    note = "经核实为除霜时段读数，检查结论予以更正"
    decided = district.post(f"/office/objections/{objection.pk}/", {"outcome": "correct", "note": note})
    assert decided.status_code == 302
    outcome = business.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "异议成立，已更正" in outcome and note in outcome
    assert note in business.get(f"/office/operators/{operator.uscc}/").content.decode()
    public = Client().get(f"/operators/{operator.uscc}/").content.decode()
    assert f"已更正（2025-06-30，异议申诉）：{note}" in public
    entry.refresh_from_db()
    assert entry.superseded_by_id is not None
    assert AuditEvent.objects.filter(object_type="objection", object_id=str(objection.pk)).count() == 3


def test_district_rejects_with_reason_and_the_business_reads_it(operator, entry):
    business = _login(User.Role.BUSINESS, operator_usccs=[operator.uscc])
    objection = _object(business, entry)
    district = _login(User.Role.DISTRICT_REGULATOR)
    district.post(f"/office/objections/{objection.pk}/accept/")
    reason = "温度记录仪数据连续完整，异议不成立"
    assert (
        district.post(f"/office/objections/{objection.pk}/", {"outcome": "reject", "note": reason}).status_code == 302
    )
    page = business.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "异议不成立" in page and reason in page and "不予更正的理由" in page
    assert business.post(f"/office/objections/{objection.pk}/accept/").status_code == 403  # its own, not its step
