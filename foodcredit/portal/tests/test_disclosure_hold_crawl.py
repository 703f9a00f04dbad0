"""不予公示 end to end: records written through the production writers, the district marks some of them on the office
credit file (the page's form), then every public output is crawled — credit page and its timeline pages, search,
both rosters, typical cases, plans and results, the public APIs, each open-data set as CSV and XLSX, the public PDF
report — and the held records are on none of them, while an unheld twin of each is (the crawl can fail), and the
internal file still shows them with the mark. Lifting a mark makes the record public again."""

import io
import json
from datetime import date
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import DisclosureHold, LedgerEntry, ListEntry
from foodcredit.credit.tests.factories import (
    DepartmentFactory,
    UserFactory,
    inspection_add,
    licence_add,
    make_uscc,
    operator_register,
    penalty_add,
    record_of,
)
from foodcredit.creditreport.tests.pdf_reading import pdf_text
from foodcredit.portal.open_data import DATASETS

pytestmark = pytest.mark.django_db

NAME = "江北公示标注测试餐饮有限公司"
LISTED_NAME = "江北名录标注测试商行"
DAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        cache.clear()  # the district figures are cached per day
        yield


@pytest.fixture
def regulator() -> User:
    return User.objects.create_user(username="hold-reg", password="x" * 12, role=User.Role.DISTRICT_REGULATOR)


@pytest.fixture
def world(regulator) -> dict[str, Any]:
    """Two operators with one held and one unheld record of each kind the public sees."""
    operator = operator_register(uscc=make_uscc(4101), name=NAME)
    listed = operator_register(uscc=make_uscc(4102), name=LISTED_NAME)
    other_listed = operator_register(uscc=make_uscc(4103), name="江北名录对照商行")
    held_inspection = inspection_add(operator, on=DAY, result="nonconform", findings="隐私甲未成年人就餐记录")
    shown_inspection = inspection_add(operator, on=DAY, result="nonconform", findings="后厨地面积水对照")
    held_penalty = penalty_add(operator, on=date(2025, 6, 2), violation="商业秘密配方相关违法行为")
    shown_penalty = penalty_add(operator, on=date(2025, 6, 3), violation="经营超过保质期的食品对照")
    held_licence = licence_add(operator, on=date(2024, 1, 1), number="JY15001059990001")
    shown_licence = licence_add(operator, on=date(2024, 1, 2), number="JY15001059990002")
    commitments = [
        _entry(
            "commitment",
            credit_services.commitment_record(
                operator=operator,
                kind="registration",
                made_on=DAY,
                text=text,
                actor=None,
            ).pk,
        )
        for text in ("保密承诺内容甲", "公开承诺内容乙")
    ]
    listings = [
        credit_services.abnormal_list_add(
            operator=who,
            cause=ListEntry.Cause.ANNUAL_REPORT,
            legal_basis="企业信息公示暂行条例第八条",
            decision_no=no,
            decided_on=date(2025, 5, 1),
            department="江北区市场监督管理局",
            actor=regulator,
        )
        for who, no in ((listed, "江北市监异〔2025〕801号"), (other_listed, "江北市监异〔2025〕802号"))
    ]
    cases = [
        credit_services.case_study_publish(
            title=title,
            body="案情",
            exposure="",
            operator=operator,
            penalty_decision_no=record_of(entry).decision_no,
            published_on=date(2025, 6, 20),
            actor=regulator,
        )
        for title, entry in (("保密案例标题甲", held_penalty), ("公开案例标题乙", shown_penalty))
    ]
    held = [held_inspection, held_penalty, held_licence, commitments[0], _entry("list_entry", listings[0].pk)]
    return {
        "operator": operator,
        "held": held,
        "listing": listings[0],
        "cases": cases,
        "secrets": [
            "隐私甲未成年人就餐记录",
            record_of(held_penalty).decision_no,
            "商业秘密配方",
            "JY15001059990001",
            "保密承诺内容甲",
            "江北市监异〔2025〕801号",
            "保密案例标题甲",
        ],
        "controls": [
            "后厨地面积水对照",
            record_of(shown_penalty).decision_no,
            "JY15001059990002",
            "公开承诺内容乙",
            "江北市监异〔2025〕802号",
            "公开案例标题乙",
        ],
        "shown": [shown_inspection, shown_penalty, shown_licence],
    }


def _entry(ref_kind: str, ref_id: int) -> LedgerEntry:
    return LedgerEntry.objects.get(ref_kind=ref_kind, ref_id=ref_id, superseded_by__isnull=True)


def _text(answer: Any) -> str:
    assert answer.status_code == 200, (answer.request, answer.status_code)
    if answer["Content-Type"].startswith("application/json"):
        return json.dumps(answer.json(), ensure_ascii=False)
    if answer["Content-Type"].startswith("application/pdf"):
        return pdf_text(answer.content)
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    if answer["Content-Type"].startswith("text/csv"):
        return body.decode("utf-8-sig")
    if "spreadsheetml" in answer["Content-Type"]:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
    return body.decode()


def public_outputs(uscc: str) -> str:
    """Every public output where these operators' records can appear, as one text."""
    client = Client()
    pages = [
        _text(client.get("/")),
        _text(client.get("/", {"q": NAME})),
        _text(client.get("/", {"list_kind": "abnormal"})),
        _text(client.get(f"/operators/{uscc}/")),
        _text(client.get(f"/operators/{uscc}/timeline/")),
        _text(client.get(f"/api/v1/operators/{uscc}/credit-file")),
        _text(client.get(f"/api/v1/public/operators/{uscc}")),
        _text(client.get("/api/v1/public/cases")),
        _text(client.get("/api/v1/public/search", {"list_kind": "abnormal"})),
        _text(client.get("/api/v1/planning/public/results")),
        _text(client.get("/cases/")),
        _text(client.get("/plans/")),
        _text(client.post(f"/operators/{uscc}/report.pdf")),
        *[_text(client.get(f"/lists/{kind}/")) for kind in ("serious", "abnormal")],
    ]
    for key, dataset in DATASETS.items():
        for fmt in ("csv", "xlsx"):
            params = {"street": "观音桥街道"} if dataset.by_street else {}
            pages.append(_text(client.get(f"/open-data/{key}.{fmt}", params)))
    return "\n".join(pages)


def _hold_through_the_office_page(client: Client, entry: LedgerEntry) -> None:
    form = client.get(f"/office/entries/{entry.pk}/hold/")
    assert form.status_code == 200 and "不予公示依据" in form.content.decode()
    answer = client.post(
        f"/office/entries/{entry.pk}/hold/",
        {"ground": DisclosureHold.Ground.PERSONAL_PRIVACY, "ground_note": "涉及未成年人个人信息，依法不予公开"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]


def test_held_records_leave_every_public_output_and_stay_on_the_internal_file(world, regulator):
    uscc = world["operator"].uscc
    before = public_outputs(uscc)
    assert LISTED_NAME in _text(Client().get("/", {"list_kind": "abnormal"}))
    assert [s for s in world["secrets"] if s not in before] == []  # all public before the marks: the crawl sees them
    office = Client()
    office.force_login(regulator)
    for entry in world["held"]:
        _hold_through_the_office_page(office, entry)

    after = public_outputs(uscc)
    assert [s for s in world["secrets"] if s in after] == []
    assert [c for c in world["controls"] if c not in after] == []  # the unheld twins are still there
    # Searching by list status: the held listing's operator is not "on the list" in public (it is still a
    # registered operator: its name stays in the operators' data set).
    on_the_list = _text(Client().get("/", {"list_kind": "abnormal"})) + _text(
        Client().get("/api/v1/public/search", {"list_kind": "abnormal"})
    )
    assert LISTED_NAME not in on_the_list and "江北名录对照商行" in on_the_list
    internal = office.get(f"/office/operators/{uscc}/").content.decode()
    assert "隐私甲未成年人就餐记录" in internal and "JY15001059990001" in internal
    assert internal.count("涉及未成年人个人信息，依法不予公开") >= 3  # the mark shown on the held entries
    event = AuditEvent.objects.filter(action="disclosure_hold", object_type="disclosure_hold").first()
    assert event is not None and event.actor == regulator
    assert event.changes["public"] == [True, False] and event.changes["ground"] == [None, "personal_privacy"]


def test_lifting_the_mark_makes_the_record_public_again_and_is_audited(world, regulator):
    uscc = world["operator"].uscc
    office = Client()
    office.force_login(regulator)
    entry = world["held"][0]
    _hold_through_the_office_page(office, entry)
    assert "隐私甲未成年人就餐记录" not in office.get(f"/operators/{uscc}/").content.decode()
    hold = DisclosureHold.objects.get(ref_kind="inspection", ref_id=entry.ref_id)

    refused = office.post(f"/office/disclosure-holds/{hold.pk}/", {"removal_note": ""})
    assert refused.status_code == 400 and "撤销理由" in refused.content.decode()
    lifted = office.post(f"/office/disclosure-holds/{hold.pk}/", {"removal_note": "当事人已成年，依法公开"})
    assert lifted.status_code == 302
    assert "隐私甲未成年人就餐记录" in Client().get(f"/operators/{uscc}/").content.decode()
    event = AuditEvent.objects.get(action="disclosure_hold_remove", object_id=str(hold.pk))
    assert event.changes["public"] == [False, True] and event.changes["removal_note"] == [
        None,
        "当事人已成年，依法公开",
    ]


def test_only_the_district_marks_and_registration_is_never_held(world, regulator):
    operator = world["operator"]
    station = UserFactory(
        role=User.Role.STATION_REGULATOR, department=DepartmentFactory(code="station-gyq", streets=["观音桥街道"])
    )
    client = Client()
    client.force_login(station)
    entry = world["shown"][0]
    # The station reads the file of its street but does not mark: the rules table keeps it with the district.
    assert client.get(f"/office/entries/{entry.pk}/hold/").status_code == 200
    assert client.post(f"/office/entries/{entry.pk}/hold/", {"ground": "minor", "ground_note": "x"}).status_code == 403
    business = UserFactory(role=User.Role.BUSINESS, operator_usccs=[operator.uscc])
    client.force_login(business)
    assert client.get(f"/office/entries/{entry.pk}/hold/").status_code == 404
    office = Client()
    office.force_login(regulator)
    registration = _entry("operator", operator.pk)
    answer = office.post(f"/office/entries/{registration.pk}/hold/", {"ground": "minor", "ground_note": "理由"})
    assert answer.status_code == 400 and "disclosure_hold.registration" in answer.content.decode()
    assert not DisclosureHold.objects.exists()
