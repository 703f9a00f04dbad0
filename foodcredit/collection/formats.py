"""The standard exchange format (DOMAIN.md Part I §3) as data: per record kind, its columns in order.

Controlled values are built from the models' TextChoices (label → stored value), so the models stay the one
source of truth; maximum lengths come from the model fields for the same reason.
"""

import dataclasses
import enum
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from django.db import models

from foodcredit.complaints.models import Complaint
from foodcredit.inspections.models import Inspection
from foodcredit.licences.models import Licence
from foodcredit.operators.models import PHONE_MAX_LENGTH, STREETS, Operator
from foodcredit.penalties.models import Penalty
from foodcredit.sampling.models import SamplingTest


class ColumnType(enum.StrEnum):
    """How a cell's text is checked and what it becomes in the validated frame."""

    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"  # one Chinese label → the stored value
    MULTI_CHOICE = "multi_choice"  # labels joined by "、", kept as a list of labels
    DECIMAL = "decimal"  # an amount in yuan, ≥ 0, at most two decimals
    BOOL = "bool"  # 是 / 否
    USCC = "uscc"  # 统一社会信用代码
    LICENCE = "licence"  # 许可证编号, checked against the row's 许可证类型


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of the standard format: the header a clerk types and the field the API uses."""

    header: str
    field: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    # CHOICE: label → stored value; MULTI_CHOICE: label → label.
    choices: Mapping[str, str] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    max_length: int | None = None


@dataclasses.dataclass(frozen=True)
class Format:
    """One record kind's columns, in file order, and the field(s) that identify a record."""

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def by_field(self, name: str) -> Column:
        """The column with this English field name."""
        return next(c for c in self.columns if c.field == name)


def header_key(text: str) -> str:
    """Matching form of a header: full-width folded (NFKC), no whitespace, no required-marker asterisks."""
    return "".join(unicodedata.normalize("NFKC", text).split()).strip("*")


def _labels(choices: type[models.TextChoices]) -> Mapping[str, str]:
    return MappingProxyType({str(label): str(value) for value, label in choices.choices})


def _same(values: list[str]) -> Mapping[str, str]:
    return MappingProxyType({v: v for v in values})


def _max(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


T = ColumnType
_USCC = Column("统一社会信用代码", "uscc", T.USCC, required=True)

FORMATS: Mapping[str, Format] = MappingProxyType(
    {
        "operators": Format(
            "operators",
            (
                _USCC,
                Column("主体名称", "name", required=True, max_length=_max(Operator, "name")),
                Column("法定代表人（负责人）", "legal_rep", required=True, max_length=_max(Operator, "legal_rep")),
                Column("法定代表人证件号码", "legal_rep_id_no"),  # hashed and encrypted: any length fits
                Column("联系电话", "phone", max_length=PHONE_MAX_LENGTH),
                Column("住所", "address", required=True, max_length=_max(Operator, "address")),
                Column("所属街道", "street", T.CHOICE, required=True, choices=_same(STREETS)),
                Column("业态", "sector", T.CHOICE, required=True, choices=_labels(Operator.Sector)),
                Column("主体类型", "business_type", required=True, max_length=_max(Operator, "business_type")),
                Column("成立日期", "registered_on", T.DATE, required=True),
                Column("登记状态", "status", T.CHOICE, required=True, choices=_labels(Operator.Status)),
                Column("是否新业态", "new_business_form", T.BOOL),
            ),
            key=("uscc",),
        ),
        "licences": Format(
            "licences",
            (
                Column("许可证编号", "number", T.LICENCE, required=True, max_length=_max(Licence, "number")),
                _USCC,
                Column("许可证类型", "kind", T.CHOICE, required=True, choices=_labels(Licence.Kind)),
                Column("经营项目", "scope"),
                Column("发证日期", "issued_on", T.DATE, required=True),
                Column("有效期至", "valid_until", T.DATE, required=True),
                Column("许可状态", "status", T.CHOICE, required=True, choices=_labels(Licence.Status)),
            ),
            key=("number",),
        ),
        "inspections": Format(
            "inspections",
            (
                Column("检查编号", "source_id", required=True, max_length=_max(Inspection, "source_ref")),
                _USCC,
                Column("检查日期", "inspected_on", T.DATE, required=True),
                Column("检查类型", "kind", T.CHOICE, required=True, choices=_labels(Inspection.Kind)),
                Column("检查结果", "result", T.CHOICE, required=True, choices=_labels(Inspection.Result)),
                Column("发现问题", "findings"),
                Column("检查人员", "inspectors", max_length=_max(Inspection, "inspectors_text")),
            ),
            key=("source_id",),
        ),
        "sampling": Format(
            "sampling",
            (
                Column("抽检编号", "source_id", required=True, max_length=_max(SamplingTest, "source_ref")),
                _USCC,
                Column("抽样日期", "sampled_on", T.DATE, required=True),
                Column("样品名称", "product", required=True, max_length=_max(SamplingTest, "product")),
                Column("食品类别", "food_category", max_length=_max(SamplingTest, "food_category")),
                Column("检验结论", "conclusion", T.CHOICE, required=True, choices=_labels(SamplingTest.Conclusion)),
                Column("不合格项目", "failed_items"),
                Column("不合格项目类别", "failure_kind", T.CHOICE, choices=_labels(SamplingTest.FailureKind)),
            ),
            key=("source_id",),
        ),
        "penalties": Format(
            "penalties",
            (
                Column("处罚决定书文号", "decision_no", required=True, max_length=_max(Penalty, "decision_no")),
                _USCC,
                Column("处罚决定日期", "decided_on", T.DATE, required=True),
                Column("违法行为类型", "violation", required=True, max_length=_max(Penalty, "violation")),
                Column("处罚依据", "legal_basis"),
                Column("处罚种类", "kinds", T.MULTI_CHOICE, required=True, choices=_same(Penalty.KINDS)),
                Column("罚没金额（元）", "amount", T.DECIMAL),
                Column("程序类型", "procedure", T.CHOICE, required=True, choices=_labels(Penalty.Procedure)),
                Column("情节", "circumstance", T.CHOICE, choices=_labels(Penalty.Circumstance)),
            ),
            key=("decision_no",),
        ),
        "complaints": Format(
            "complaints",
            (
                Column("投诉举报编号", "source_id", required=True, max_length=_max(Complaint, "source_ref")),
                _USCC,
                Column("登记日期", "received_on", T.DATE, required=True),
                Column("渠道", "channel", T.CHOICE, required=True, choices=_labels(Complaint.Channel)),
                Column("类别", "kind", T.CHOICE, required=True, choices=_labels(Complaint.Kind)),
                Column("问题类别", "category", max_length=_max(Complaint, "category")),
                Column("核查结果", "verification", T.CHOICE, choices=_labels(Complaint.Verification)),
            ),
            key=("source_id",),
        ),
    }
)

# 是 / 否 in files; true / false (any case) from Excel boolean cells and JSON.
BOOL_VALUES: Mapping[str, bool] = MappingProxyType({"是": True, "否": False, "true": True, "false": False})
# Several 处罚种类 are joined with "、"; "," and "，" are accepted too.
MULTI_SEPARATORS = "、,，"

# Every standard header, in matching form: the reader uses it to find the header row below title rows.
KNOWN_HEADER_KEYS: frozenset[str] = frozenset(header_key(c.header) for f in FORMATS.values() for c in f.columns)
REQUIRED_HEADER_KEYS: tuple[frozenset[str], ...] = tuple(
    frozenset(header_key(c.header) for c in f.columns if c.required) for f in FORMATS.values()
)
