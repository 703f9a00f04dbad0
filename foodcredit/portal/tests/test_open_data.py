"""Open data: CSV and XLSX of public content only, with a data dictionary."""

import csv
import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from foodcredit.accounts.models import User
from foodcredit.credit import services
from foodcredit.credit.models import ListEntry
from foodcredit.credit.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-09-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def world():
    officer = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    a = f.operator_register(uscc=f.make_uscc(81), name="观音桥老火锅店", street="观音桥街道", phone="13912345678")
    b = f.operator_register(uscc=f.make_uscc(82), name='=HYPERLINK("http://x")小面', street="观音桥街道")
    c = f.operator_register(uscc=f.make_uscc(83), name="寸滩烧烤", street="寸滩街道")
    services.abnormal_list_add(
        operator=c,
        cause=ListEntry.Cause.UNREACHABLE,
        legal_basis="《企业信息公示暂行条例》第十七条",
        decision_no="渝江北市监异〔2025〕11号",
        decided_on=date(2025, 7, 1),
        department="江北区市场监管局",
        actor=officer,
    )
    return a, b, c


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_operators_of_one_street_as_csv_without_personal_data(client, world):
    a, b, c = world
    response = client.get("/open-data/operators.csv", {"street": "观音桥街道"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["统一社会信用代码", "主体名称", "业态", "主体类型", "所属街道", "成立日期", "登记状态"]
    assert [r[0] for r in rows[1:]] == [a.uscc, b.uscc]
    assert rows[2][1].startswith("'=")  # a formula-looking name stays text in a spreadsheet
    flat = str(rows)
    assert "13912345678" not in flat and "张三丰" not in flat and c.uscc not in flat


def test_roster_as_xlsx(client, world):
    response = client.get("/open-data/abnormal.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == (world[2].uscc, "寸滩烧烤", "通过登记的住所或者经营场所无法联系", "渝江北市监异〔2025〕11号")
    assert len(rows) == 2


def test_unknown_dataset_format_or_street_is_404(client, world):
    assert client.get("/open-data/nothing.csv").status_code == 404
    assert client.get("/open-data/abnormal.pdf").status_code == 404
    assert client.get("/open-data/operators.csv").status_code == 404
    assert client.get("/open-data/operators.csv", {"street": "<script>"}).status_code == 404


def test_open_data_page_has_the_data_dictionary(client, world):
    html = client.get("/open-data/").content.decode()
    assert "数据字典" in html and "registered_on" in html and "/open-data/serious.csv" in html
