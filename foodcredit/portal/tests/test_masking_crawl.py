"""The masking corpus planted through the import door and the typical-case API, then every public page and API answer
and every business-facing page of that operator crawled: no ID or phone number of the corpus appears, and the public
identifiers planted beside them survive (DOMAIN.md Part I §4)."""

import io
import json
from typing import Any

import openpyxl
import pytest
import time_machine
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.collection import services as collection
from foodcredit.collection.models import ImportJob
from foodcredit.core.tests import masking_corpus as corpus
from foodcredit.credit.tests.factories import make_uscc
from foodcredit.creditreport.tests.pdf_reading import pdf_attachment, pdf_text
from foodcredit.portal.open_data import DATASETS

pytestmark = pytest.mark.django_db

USCC = make_uscc(777)
NAME = "江北掩码测试餐饮有限公司"
PHONE = "13700002222"  # the operator's own phone: its business users see it, the public does not
ADDRESS_PHONE = "136-5555-6666"  # written into its registered address: likewise
# Secrets and public identifiers alternate, so that a mask that eats its neighbours shows up as a false mask.
PIECES = [v for pair in zip(corpus.SECRETS, corpus.PUBLIC * 2, strict=False) for v in (pair[0].written, pair[1])]


def _chunks(values: list[str], limit: int) -> list[str]:
    """The planted text cut into values of at most `limit` characters, no value split."""
    out: list[str] = []
    current: list[str] = []
    for v in values:
        if current and len(corpus.planted_text([*current, v])) > limit:
            out.append(corpus.planted_text(current))
            current = []
        current.append(v)
    if current:
        out.append(corpus.planted_text(current))
    return out


def _import(kind: str, records: list[dict[str, Any]], actor: User) -> None:
    collection.source_register(name="掩码测试来源", kinds=[kind], actor=None)  # registering is its own step
    job, _ran = collection.import_json(
        kind=kind, source_name="掩码测试来源", records=records, skip_bad_rows=False, actor=actor
    )
    assert job.status == ImportJob.Status.COMMITTED, job.errors


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def planted() -> list[str]:
    """Every free-text field an import or a typical case can carry, filled with the corpus. Returns the public
    identifiers planted."""
    regulator = User.objects.create_user(username="reg-mask", password="x" * 12, role=User.Role.DISTRICT_REGULATOR)
    _import(
        "operators",
        [
            {
                "uscc": USCC,
                "name": NAME,
                "legal_rep": "王五",
                "legal_rep_id_no": corpus.ID18[0],
                "phone": PHONE,
                "address": f"重庆市江北区观音桥街道建新北路1号（联系电话{ADDRESS_PHONE}）",
                "street": "观音桥街道",
                "sector": "餐饮",
                "business_type": "小型餐馆",
                "registered_on": "2020-01-01",
                "status": "存续",
                "new_business_form": "否",
            }
        ],
        regulator,
    )
    text = corpus.planted_text(PIECES)
    _import(
        "inspections",
        [
            {
                "source_id": "M-I-1",
                "uscc": USCC,
                "inspected_on": "2025-06-01",
                "kind": "日常检查",
                "result": "不符合",
                "findings": text,
                "inspectors": "张三",
            },
        ],
        regulator,
    )
    _import(
        "sampling",
        [
            {
                "source_id": f"M-S-{i}",
                "uscc": USCC,
                "sampled_on": "2025-06-02",
                "product": product,
                "food_category": "",
                "conclusion": "不合格",
                "failed_items": text,
                "failure_kind": "微生物",
            }
            for i, product in enumerate(_chunks(PIECES, 200))
        ],
        regulator,
    )
    _import(
        "penalties",
        [
            {
                "decision_no": f"渝江北市监罚〔2025〕9{i:02d}号",
                "uscc": USCC,
                "decided_on": "2025-06-03",
                "violation": violation,
                "legal_basis": text,
                "kinds": "罚款",
                "amount": "5000",
                "procedure": "普通程序",
                "circumstance": "一般",
            }
            for i, violation in enumerate(_chunks(PIECES, 300))
        ],
        regulator,
    )
    _import(
        "complaints",
        [
            {
                "source_id": f"M-C-{i}",
                "uscc": USCC,
                "received_on": "2025-06-04",
                "channel": "12315",
                "kind": "投诉",
                "category": category,
                "verification": "属实",
            }
            for i, category in enumerate(_chunks(PIECES, 100))
        ],
        regulator,
    )
    client = Client()
    client.force_login(regulator)
    for title in _chunks(PIECES, 200):
        answer = client.post(
            "/api/v1/cases",
            {"title": title, "body": text, "exposure": text[:2000], "uscc": USCC, "penalty_decision_no": ""},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
    return [p for p in corpus.PUBLIC if p in text]


def _text(answer: Any) -> str:
    assert answer.status_code == 200, (answer.request, answer.status_code)
    if answer["Content-Type"].startswith("application/json"):
        return json.dumps(answer.json(), ensure_ascii=False)
    return answer.content.decode()


def _timeline_pages(client: Client, url: str) -> list[str]:
    pages = [_text(client.get(url))]
    while "cursor=" in pages[-1] and len(pages) < 20:
        cursor = pages[-1].split("cursor=")[1].split('"')[0].split("&")[0]
        pages.append(_text(client.get(url, {"cursor": cursor})))
    return pages


def _api_pages(client: Client, url: str, params: dict[str, str]) -> list[str]:
    pages: list[str] = []
    cursor = None
    while len(pages) < 20:
        answer = client.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        pages.append(_text(answer))
        cursor = answer.json().get("next_cursor")
        if not cursor:
            break
    return pages


def _report_pdf(client: Client, url: str) -> list[str]:
    """A credit report (PDF) as its reader extracts it: the text of its pages and the content it carries."""
    answer = client.post(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return [pdf_text(answer.content), pdf_attachment(answer.content).decode()]


def _assert_clean(pages: list[str], planted: list[str]) -> None:
    everything = "\n".join(pages)
    leaked = [(s.what, s.written) for s in corpus.leaks(everything)]
    assert leaked == []
    # The planted public identifiers are shown where the text is shown, as written.
    assert corpus.false_masks(everything, planted) == []


def test_public_pages_and_api_show_no_planted_id_or_phone(planted, client):
    pages = [
        _text(client.get("/", {"q": NAME})),
        *_timeline_pages(client, f"/operators/{USCC}/"),
        *_timeline_pages(client, f"/operators/{USCC}/timeline/"),
        *_api_pages(client, f"/api/v1/operators/{USCC}/credit-file", {}),
        *_api_pages(client, f"/api/v1/public/operators/{USCC}", {}),
        _text(client.get("/api/v1/public/cases")),
        _text(client.get("/api/v1/planning/public/results")),
    ]
    report = _report_pdf(client, f"/operators/{USCC}/report.pdf")
    _assert_clean(report, planted)  # the report alone carries the planted text, masked like the page
    pages += report
    # Inspections, sampling, penalties and cases are disclosed: their text is on these pages.
    assert "样品" in "".join(pages) and "发现问题" in "".join(pages)
    _assert_clean(pages, planted)
    assert PHONE not in "".join(pages) and "55556666" not in "".join(pages).replace("-", "")


def test_business_facing_pages_show_no_planted_id_or_phone(planted):
    user = User.objects.create_user(
        username="biz-mask", password="x" * 12, role=User.Role.BUSINESS, operator_usccs=[USCC]
    )
    client = Client()
    client.force_login(user)
    pages = [
        *_timeline_pages(client, f"/office/operators/{USCC}/"),
        *_timeline_pages(client, f"/office/operators/{USCC}/timeline/"),
        *_api_pages(client, f"/api/v1/operators/{USCC}/credit-file", {"view": "internal"}),
        # The pages where a business applies for credit repair of its penalties and makes commitments.
        _text(client.get("/office/repairs/mine/")),
        _text(client.get("/office/repairs/new/")),
        _text(client.get("/office/commitments/")),
    ]
    report = _report_pdf(client, f"/office/operators/{USCC}/report.pdf")
    _assert_clean(report, planted)
    pages += report
    # The complaint's category is shown to the reported business: masked.
    assert "投诉举报" in "".join(pages)
    _assert_clean(pages, planted)


def _download_text(answer: Any) -> str:
    """A download's text: CSV as it streams, XLSX read cell by cell."""
    assert answer.status_code == 200, (answer.request, answer.status_code)
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    if answer["Content-Type"].startswith("text/csv"):
        return body.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)


def test_rosters_cases_plans_search_and_every_download_show_no_planted_id_or_phone(planted, client):
    """The portal's other public outputs — both rosters, typical cases, plans, the public search API and each open-data
    set as CSV and XLSX — carry the same text through the same mask."""
    pages = [_text(client.get(f"/lists/{kind}/")) for kind in ("serious", "abnormal")] + [
        _text(client.get("/cases/")),
        _text(client.get("/plans/")),
        _text(client.get("/api/v1/public/search", {"q": NAME})),
        _text(client.get("/open-data/")),
    ]
    for key, dataset in DATASETS.items():
        for fmt in ("csv", "xlsx"):
            params = {"street": "观音桥街道"} if dataset.by_street else {}
            pages.append(_download_text(client.get(f"/open-data/{key}.{fmt}", params)))
    everything = "\n".join(pages)
    assert "观音桥" in everything and NAME in everything  # the planted operator is in what was read
    assert [(s.what, s.written) for s in corpus.leaks(everything)] == []
    assert PHONE not in everything
