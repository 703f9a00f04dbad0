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

from foodcredit.complaints.models import Complaint
from foodcredit.core.models import AuditEvent, Provenance
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.inspections.models import Inspection
from foodcredit.licences.models import Licence
from foodcredit.operators.models import Operator
from foodcredit.penalties.models import Penalty
from foodcredit.sampling.models import SamplingTest

pytestmark = pytest.mark.django_db
ON = date(2025, 3, 1)
NOT_COMPARED = {"id", "created_at", "updated_at", "number", "decision_no", "source_ref", "job_id", "recorded_at"}


def _import(tmp_path: Path, *, kind: str, source: str, row: dict[str, str]) -> None:
    path = tmp_path / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    call_command("import_records", str(path), "--kind", kind, "--source", source, stdout=StringIO())


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
    return {"record": columns, "entry": entry_columns, "audit": changes, "provenance": list(provenance)}


@pytest.fixture
def operator():
    return f.operator_register(uscc=f.make_uscc(7))


def test_operator_register_writes_what_the_import_door_writes(tmp_path):
    _import(
        tmp_path,
        kind="operators",
        source="市场主体登记系统",
        row={
            "统一社会信用代码": f.make_uscc(9),
            "主体名称": "江北测试餐饮有限公司",
            "法定代表人（负责人）": "张三丰",
            "法定代表人证件号码": "110105194912310037",
            "联系电话": "13812345678",
            "住所": "重庆市江北区观音桥街道建新北路1号",
            "所属街道": "观音桥街道",
            "业态": "餐饮",
            "主体类型": "大型餐馆",
            "成立日期": "2015-03-01",
            "登记状态": "存续",
            "是否新业态": "否",
        },
    )
    made = f.operator_register(uscc=f.make_uscc(8), name="江北测试餐饮有限公司", legal_rep_id_no="11010519491231002X")
    imported = Operator.objects.get(uscc=f.make_uscc(9))
    made_state, imported_state = _state(made, "operator"), _state(imported, "operator")
    for state in (made_state, imported_state):
        state["record"].pop("uscc")
        state["audit"].pop("uscc")
        state["entry"].pop("operator_id")  # the operator itself
        assert state["record"].pop("phone_encrypted")  # encrypted with a fresh nonce each time
        assert state["record"].pop("legal_rep_person_id") is not None
        assert state["audit"].pop("legal_rep_person_id")[1] is not None
    assert made_state == imported_state


def test_licence_add_writes_what_the_import_door_writes(operator, tmp_path):
    _import(
        tmp_path,
        kind="licences",
        source="许可审批系统",
        row={
            "许可证编号": "JY15001050000027",
            "统一社会信用代码": operator.uscc,
            "许可证类型": "食品经营许可证",
            "经营项目": "",
            "发证日期": "2025-03-01",
            "有效期至": "2030-02-28",
            "许可状态": "有效",
        },
    )
    made = f.licence_add(operator, on=ON, number="JY15001050000019", valid_until=date(2030, 2, 28))
    imported = Licence.objects.get(number="JY15001050000027")
    assert _state(Licence.objects.get(pk=made.ref_id), "licence") == _state(imported, "licence")


def test_inspection_add_writes_what_the_import_door_writes(operator, tmp_path):
    inspector = f.inspector_create(cert_no="50010520250007", name="李检查")
    _import(
        tmp_path,
        kind="inspections",
        source="监管执法系统",
        row={
            "检查编号": "JC-door-1",
            "统一社会信用代码": operator.uscc,
            "检查日期": "2025-03-01",
            "检查类型": "双随机抽查",
            "检查结果": "不符合",
            "发现问题": "后厨地面有积水",
            "检查人员": "50010520250007",
        },
    )
    made = f.inspection_add(
        operator, on=ON, result="nonconform", kind="random", findings="后厨地面有积水", inspectors=(inspector,)
    )
    imported = Inspection.objects.get(source_ref="JC-door-1")
    made_record = Inspection.objects.get(pk=made.ref_id)
    assert _state(made_record, "inspection") == _state(imported, "inspection")
    assert list(made_record.inspectors.all()) == list(imported.inspectors.all()) == [inspector]


def test_sampling_add_writes_what_the_import_door_writes(operator, tmp_path):
    _import(
        tmp_path,
        kind="sampling",
        source="抽检监测系统",
        row={
            "抽检编号": "CJ-door-1",
            "统一社会信用代码": operator.uscc,
            "抽样日期": "2025-03-01",
            "样品名称": "凉拌菜",
            "食品类别": "餐饮食品",
            "检验结论": "不合格",
            "不合格项目": "菌落总数",
            "不合格项目类别": "微生物",
        },
    )
    made = f.sampling_add(
        operator,
        on=ON,
        conclusion="fail",
        failure_kind="microbial",
        failed_items="菌落总数",
        product="凉拌菜",
        food_category="餐饮食品",
    )
    imported = SamplingTest.objects.get(source_ref="CJ-door-1")
    assert _state(SamplingTest.objects.get(pk=made.ref_id), "sampling_test") == _state(imported, "sampling_test")


@pytest.mark.parametrize("listable", [False, True])
def test_penalty_add_writes_what_the_import_door_writes(operator, tmp_path, listable):
    violation = f.violation_type_make(code="EXPIRED_FOOD", name="经营超过保质期的食品", listable_serious=listable)
    _import(
        tmp_path,
        kind="penalties",
        source="行政处罚系统",
        row={
            "处罚决定书文号": "渝江北市监罚〔2025〕99号",
            "统一社会信用代码": operator.uscc,
            "处罚决定日期": "2025-03-01",
            "违法行为类型": "经营超过保质期的食品",
            "处罚依据": "",
            "处罚种类": "罚款、没收违法所得",
            "罚没金额（元）": "5000.50",
            "程序类型": "普通程序",
            "情节": "从重",
        },
    )
    made = f.penalty_add(
        operator,
        on=ON,
        kinds=("罚款", "没收违法所得"),
        amount=Decimal("5000.50"),
        circumstance="heavier",
        violation_type=violation,
    )
    imported = Penalty.objects.get(decision_no="渝江北市监罚〔2025〕99号")
    made_state, imported_state = _state(Penalty.objects.get(pk=made.ref_id), "penalty"), _state(imported, "penalty")
    assert made_state == imported_state
    assert made_state["entry"]["facts"]["listable_serious"] is listable


def test_complaint_add_writes_what_the_import_door_writes(operator, tmp_path):
    _import(
        tmp_path,
        kind="complaints",
        source="12315平台",
        row={
            "投诉举报编号": "TS-door-1",
            "统一社会信用代码": operator.uscc,
            "登记日期": "2025-03-01",
            "渠道": "12315",
            "类别": "投诉",
            "问题类别": "食品变质",
            "核查结果": "部分属实",
        },
    )
    made = f.complaint_add(operator, on=ON, category="食品变质", verification="partly_true")
    imported = Complaint.objects.get(source_ref="TS-door-1")
    assert _state(Complaint.objects.get(pk=made.ref_id), "complaint") == _state(imported, "complaint")
