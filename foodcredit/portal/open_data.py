"""Open data (数据开放): what the portal shows, as CSV and XLSX downloads, each with its data dictionary.

Only public content: operators' registration facts (no legal representative, phone or address), the two lists'
rosters in their disclosure periods, and typical cases with free text masked. Operators come one street at a time:
a file a person can open (Excel stops at 1,048,576 rows) and that a request can build in seconds.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from foodcredit.core.masking import mask_free_text
from foodcredit.credit.models import ListEntry
from foodcredit.credit.selectors import lists as list_selectors
from foodcredit.operators.models import STREETS, Operator

Rows = Iterable[tuple[Any, ...]]


@dataclass(frozen=True)
class Column:
    """One field of a dataset: its header, its type and what it means (the data dictionary)."""

    name: str
    label: Any
    kind: Any
    meaning: Any


@dataclass(frozen=True)
class Dataset:
    """A downloadable table of public content."""

    key: str
    title: Any
    description: Any
    columns: list[Column]
    rows: Callable[..., Rows]
    by_street: bool = False


def _operators(*, street: str, as_of: date) -> Rows:
    sectors = dict(Operator.Sector.choices)
    statuses = dict(Operator.Status.choices)
    for uscc, name, sector, business_type, street_, registered_on, status in (
        Operator.objects.filter(street=street)
        .order_by("pk")
        .values_list("uscc", "name", "sector", "business_type", "street", "registered_on", "status")
        .iterator(chunk_size=5000)
    ):
        yield (
            uscc,
            name,
            sectors.get(sector, sector),
            business_type,
            street_,
            registered_on,
            statuses.get(status, status),
        )


def _roster(list_kind: str) -> Callable[..., Rows]:
    def rows(*, street: str = "", as_of: date) -> Rows:
        for operator, m in list_selectors.list_roster_public(list_kind=list_kind, as_of=as_of):
            yield operator.uscc, operator.name, m.cause_label, m.decision_no, m.decided_on, m.department, m.ends_on

    return rows


def _cases(*, street: str = "", as_of: date) -> Rows:
    for case in list_selectors.case_studies_public():
        yield (
            case.published_on,
            mask_free_text(case.title),
            case.operator.name if case.operator else "",
            case.operator.uscc if case.operator else "",
            case.penalty_decision_no,
            mask_free_text(case.body),
        )


USCC = Column("uscc", _("统一社会信用代码"), _("文本（18位）"), _("经营主体的统一社会信用代码（GB 32100-2015）"))
NAME = Column("name", _("主体名称"), _("文本"), _("登记的主体名称"))
ROSTER_COLUMNS = [
    USCC,
    NAME,
    Column("cause", _("列入事由"), _("文本"), _("列入的法定事由")),
    Column("decision_no", _("决定书文号"), _("文本"), _("列入决定书的文号")),
    Column("decided_on", _("列入日期"), _("日期（YYYY-MM-DD）"), _("作出列入决定的日期")),
    Column("department", _("作出决定部门"), _("文本"), _("作出列入决定的部门（谁列入、谁移出）")),
    Column("ends_on", _("公示期至"), _("日期（YYYY-MM-DD），可为空"), _("公示期届满之日；经营异常名录无固定期限")),
]

DATASETS = {
    d.key: d
    for d in [
        Dataset(
            "operators",
            _("食品经营主体登记信息"),
            _("按街道（镇）分文件的经营主体登记信息，不含个人信息。"),
            [
                USCC,
                NAME,
                Column("sector", _("业态"), _("文本：生产、流通、餐饮"), _("食品生产、销售或餐饮服务")),
                Column("business_type", _("主体类型"), _("文本"), _("经营主体的细分类型")),
                Column("street", _("所属街道"), _("文本"), _("经营场所所在的街道（镇）")),
                Column("registered_on", _("成立日期"), _("日期（YYYY-MM-DD）"), _("登记成立的日期")),
                Column("status", _("登记状态"), _("文本：存续、注销、吊销"), _("登记机关记载的状态")),
            ],
            _operators,
            by_street=True,
        ),
        Dataset(
            "abnormal",
            _("经营异常名录"),
            _("公示期内列入经营异常名录的经营主体。"),
            ROSTER_COLUMNS,
            _roster(ListEntry.ListKind.ABNORMAL),
        ),
        Dataset(
            "serious",
            _("严重违法失信名单"),
            _("公示期内列入严重违法失信名单的经营主体。"),
            ROSTER_COLUMNS,
            _roster(ListEntry.ListKind.SERIOUS),
        ),
        Dataset(
            "cases",
            _("典型案例"),
            _("已发布的典型案例，个人信息已脱敏。"),
            [
                Column("published_on", _("发布日期"), _("日期（YYYY-MM-DD）"), _("案例发布的日期")),
                Column("title", _("标题"), _("文本"), _("案例标题")),
                Column("operator_name", _("涉及经营主体"), _("文本，可为空"), _("案例涉及的经营主体名称")),
                Column("operator_uscc", _("统一社会信用代码"), _("文本，可为空"), _("涉及经营主体的信用代码")),
                Column("penalty_decision_no", _("处罚决定书文号"), _("文本，可为空"), _("相关行政处罚决定书文号")),
                Column("body", _("案情与处理"), _("文本"), _("案情与处理结果（已脱敏）")),
            ],
            _cases,
        ),
    ]
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else value
    # A text cell starting with = + - @ would be a formula in a spreadsheet (CSV injection): quote it as text.
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def csv_chunks(dataset: Dataset, *, street: str, as_of: date) -> Iterator[str]:
    """The dataset as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese), row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([str(c.label) for c in dataset.columns])
    for n, row in enumerate(dataset.rows(street=street, as_of=as_of), start=1):
        writer.writerow([_cell(v) for v in row])
        if n % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(dataset: Dataset, *, street: str, as_of: date) -> bytes:
    """The dataset as one XLSX sheet (openpyxl's write-only mode: rows go out without a model of the sheet)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(dataset.title)[:31])
    sheet.append([str(c.label) for c in dataset.columns])
    for row in dataset.rows(street=street, as_of=as_of):
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def streets() -> list[str]:
    """The streets and towns an operators file can be asked for."""
    return list(STREETS)
