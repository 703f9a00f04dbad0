"""The suite's factories write what the import doors write: same record fields, ledger facts, audit fields.

Each record is made twice for one operator — once from a CSV file through the command-line import door (read,
validate, write; it registers the source for the kind on first use), then by a factory from the same source — and the two are compared column by column, leaving out only what names the
record itself (its key, id and timestamps) or the job. A factory that skips a field the writer sets, or passes a
value in a shape validation never produces, fails here.
"""

import csv
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from foodcredit.core.models import AuditEvent, Provenance
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.operators.models import Operator
from foodcredit.penalties.models import ViolationType

pytestmark = pytest.mark.django_db
ON = date(2025, 3, 1)
NOT_COMPARED = {"id", "created_at", "updated_at", "number", "decision_no", "source_ref", "job_id", "recorded_at"}


def _import(tmp_path: Path, *, kind: str, source: str, row: dict[str, str]) -> None:
    path = tmp_path / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    call_command("import_records", str(path), "--kind", kind, "--source", source, stdout=StringIO(), verbosity=0)


def _state(record: models.Model, ref_kind: str) -> dict[str, Any]:
    """The record's columns, its current ledger entry and its creation audit row, without what names the record."""
    columns = {
        f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields if f.attname not in NOT_COMPARED
    }
    entry = LedgerEntry.objects.get(ref_kind=ref_kind, ref_id=record.pk)
    entry_columns = {
        name: getattr(entry, name) for name in ("operator_id", "kind", "occurred_on", "source_id", "facts", "signal")
    }
    audit = AuditEvent.objects.get(object_type=ref_kind, object_id=str(record.pk), action="create")
    changes = {k: v for k, v in audit.changes.items() if k not in NOT_COMPARED}
    provenance = Provenance.objects.filter(ref_kind=ref_kind, ref_id=record.pk).values_list("source_id", flat=True)
    if isinstance(record, Inspection):
        columns["inspectors"] = list(record.inspectors.values_list("pk", flat=True))
    return {"record": columns, "entry": entry_columns, "audit": changes, "provenance": list(provenance)}


@pytest.fixture
def operator():
    return f.operator_register(uscc=f.make_uscc(7))


# An operator as a clerk's CSV row (the USCC is added) and as the fields a factory is given.
OPERATOR_ROW = {
    "主体名称": "江北测试餐饮有限公司",
    "法定代表人（负责人）": "张三丰",
    "联系电话": "13812345678",
    "住所": "重庆市江北区观音桥街道建新北路1号",
    "所属街道": "观音桥街道",
    "业态": "餐饮",
    "主体类型": "大型餐馆",
    "成立日期": "2015-03-01",
    "登记状态": "存续",
    "是否新业态": "否",
}


IMPORTED_USCC = f.make_uscc(900_000_009)  # far from OperatorFactory's sequence


def _operator_state(operator: Operator) -> dict[str, Any]:
    """The operator's state without what names it (its USCC, the operator id on its entry, the phone's nonce)."""
    state = _state(operator, "operator")
    state["record"].pop("uscc")
    state["audit"].pop("uscc")
    state["entry"].pop("operator_id")  # the operator itself
    assert state["record"].pop("phone_encrypted")  # encrypted with a fresh nonce each time
    return state


def test_operator_register_writes_what_the_import_door_writes(tmp_path):
    row = {**OPERATOR_ROW, "法定代表人证件号码": "110105194912310037"}
    _import(tmp_path, kind="operators", source="市场主体登记系统", row={"统一社会信用代码": f.make_uscc(9), **row})
    made = f.operator_register(uscc=f.make_uscc(8), name="江北测试餐饮有限公司", legal_rep_id_no="11010519491231002X")
    imported = Operator.objects.get(uscc=f.make_uscc(9))
    made_state, imported_state = _operator_state(made), _operator_state(imported)
    for state in (made_state, imported_state):
        assert state["record"].pop("legal_rep_person_id") is not None
        assert state["audit"].pop("legal_rep_person_id")[1] is not None
    assert made_state == imported_state


def test_operator_factory_writes_what_the_import_door_writes(tmp_path):
    """OperatorFactory's operator is the import door's: its columns, registration entry, audit row and provenance."""
    _import(
        tmp_path, kind="operators", source="市场主体登记系统", row={"统一社会信用代码": IMPORTED_USCC, **OPERATOR_ROW}
    )
    imported = Operator.objects.get(uscc=IMPORTED_USCC)
    made = f.OperatorFactory(name="江北测试餐饮有限公司")
    assert made.pk != imported.pk
    assert made.phone == imported.phone == "13812345678"
    assert _operator_state(made) == _operator_state(imported)
    # Through the factory's interface too: each operator of a batch is registered with its own entry.
    batch = f.OperatorFactory.create_batch(2, street="五里店街道")
    assert [_state(o, "operator")["entry"]["facts"]["street"] for o in batch] == ["五里店街道", "五里店街道"]


CERT_NO = "50010520250007"
# The same record as a clerk's CSV row (the operator's USCC is added) and as a factory call.
ROWS = {
    "licence": {
        "许可证编号": "JY15001050000027",
        "许可证类型": "食品经营许可证",
        "经营项目": "",
        "发证日期": "2025-03-01",
        "有效期至": "2030-02-28",
        "许可状态": "有效",
    },
    "inspection": {
        "检查编号": "JC-door-1",
        "检查日期": "2025-03-01",
        "检查类型": "双随机抽查",
        "检查结果": "不符合",
        "发现问题": "后厨地面有积水",
        "检查人员": CERT_NO,
    },
    "sampling_test": {
        "抽检编号": "CJ-door-1",
        "抽样日期": "2025-03-01",
        "样品名称": "凉拌菜",
        "食品类别": "餐饮食品",
        "检验结论": "不合格",
        "不合格项目": "菌落总数",
        "不合格项目类别": "微生物",
    },
    "penalty": {
        "处罚决定书文号": "渝江北市监罚〔2025〕99号",
        "处罚决定日期": "2025-03-01",
        "违法行为类型": "经营超过保质期的食品",
        "处罚依据": "",
        "处罚种类": "罚款、没收违法所得",
        "罚没金额（元）": "5000.50",
        "程序类型": "普通程序",
        "情节": "从重",
    },
    "complaint": {
        "投诉举报编号": "TS-door-1",
        "登记日期": "2025-03-01",
        "渠道": "12315",
        "类别": "投诉",
        "问题类别": "食品变质",
        "核查结果": "部分属实",
    },
}
MADE = {
    "licence": lambda op: f.licence_add(op, on=ON, number="JY15001050000019", valid_until=date(2030, 2, 28)),
    "inspection": lambda op: f.inspection_add(
        op,
        on=ON,
        result="nonconform",
        kind="random",
        findings="后厨地面有积水",
        inspectors=(Inspector.objects.get(cert_no=CERT_NO),),
    ),
    "sampling_test": lambda op: f.sampling_add(
        op,
        on=ON,
        conclusion="fail",
        failure_kind="microbial",
        failed_items="菌落总数",
        product="凉拌菜",
        food_category="餐饮食品",
    ),
    "penalty": lambda op: f.penalty_add(
        op,
        on=ON,
        kinds=("罚款", "没收违法所得"),
        amount=Decimal("5000.50"),
        circumstance="heavier",
        violation_type=ViolationType.objects.get(code="EXPIRED_FOOD"),
    ),
    "complaint": lambda op: f.complaint_add(op, on=ON, category="食品变质", verification="partly_true"),
}


@pytest.mark.parametrize(
    ("ref_kind", "listable"),
    [
        ("licence", False),
        ("inspection", False),
        ("sampling_test", False),
        ("penalty", False),
        ("penalty", True),
        ("complaint", False),
    ],
)
def test_record_factory_writes_what_the_import_door_writes(operator, tmp_path, ref_kind, listable):
    f.inspector_create(cert_no=CERT_NO, name="李检查")
    f.violation_type_make(code="EXPIRED_FOOD", name="经营超过保质期的食品", listable_serious=listable)
    kind = f.KINDS[ref_kind]
    _import(
        tmp_path, kind=kind.kind, source=kind.source_name, row={"统一社会信用代码": operator.uscc, **ROWS[ref_kind]}
    )
    imported = f.record_of(LedgerEntry.objects.get(ref_kind=ref_kind, job_id__isnull=False))
    made = f.record_of(MADE[ref_kind](operator))
    assert made.pk != imported.pk
    made_state = _state(made, ref_kind)
    assert made_state == _state(imported, ref_kind)
    assert made_state["entry"]["facts"].get("listable_serious", False) is listable
