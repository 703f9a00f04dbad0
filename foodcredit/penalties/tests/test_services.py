"""penalty_bulk_upsert: identity by decision number, the violation type (source mapping, type name, or 未分类), the
facts the lists read (listable_serious, natural_person, kinds, amount), audit rows and supersession."""

from datetime import date

import pytest

from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.penalties.models import Penalty, ViolationType
from foodcredit.penalties.services import penalty_bulk_upsert, violation_mapping_save

pytestmark = pytest.mark.django_db
DECISION = "渝江北市监罚〔2025〕12号"
SOURCE = "行政处罚系统"


@pytest.fixture
def operator():
    return f.operator_register(uscc=f.make_uscc(1))


def _upsert(operator, **changes):
    row = {
        "decision_no": DECISION,
        "uscc": operator.uscc,
        "decided_on": date(2025, 6, 1),
        "violation": "经营病死畜禽肉",
        "legal_basis": "《食品安全法》第一百二十三条",
        "kinds": ["罚款", "没收违法所得"],
        "amount": "50000.00",
        "procedure": "ordinary",
        "circumstance": "heavier",
        **changes,
    }
    return penalty_bulk_upsert(frame=f.bulk_frame([row]), ctx=f.bulk_context(f.source_named(SOURCE)))


def test_penalty_bulk_upsert_files_facts_the_lists_read(operator):
    f.violation_type_make(code="DEAD_MEAT", name="经营病死畜禽肉", listable_serious=True)
    assert _upsert(operator).new == 1
    penalty = Penalty.objects.get(decision_no=DECISION)
    assert (penalty.violation_type.code, penalty.kinds, penalty.amount) == (
        "DEAD_MEAT",
        ["罚款", "没收违法所得"],
        50000,
    )
    entry = LedgerEntry.objects.get(ref_kind="penalty", ref_id=penalty.pk)
    assert (entry.kind, entry.occurred_on) == ("penalty", date(2025, 6, 1))
    assert entry.facts == {
        "kinds": ["罚款", "没收违法所得"],
        "amount": 50000.0,
        "procedure": "ordinary",
        "circumstance": "heavier",
        "violation_code": "DEAD_MEAT",
        "listable_serious": True,
        "natural_person": False,
    }
    event = AuditEvent.objects.get(object_type="penalty", object_id=str(penalty.pk))
    assert (event.action, event.changes["decision_no"]) == ("create", [None, DECISION])


def test_penalty_bulk_upsert_unknown_text_is_unclassified_and_not_listable(operator):
    _upsert(operator, violation="某种未见过的违法行为")
    penalty = Penalty.objects.get()
    assert (penalty.violation_type.code, penalty.violation) == (ViolationType.UNCLASSIFIED, "某种未见过的违法行为")
    facts = LedgerEntry.objects.get(ref_kind="penalty").facts
    assert (facts["violation_code"], facts["listable_serious"]) == (ViolationType.UNCLASSIFIED, False)


def test_penalty_bulk_upsert_uses_the_source_mapping_of_its_own_text(operator):
    dead_meat = f.violation_type_make(code="DEAD_MEAT", name="经营病死畜禽肉", listable_serious=True)
    violation_mapping_save(source=f.source_named(SOURCE), text="销售病死猪肉", violation_type=dead_meat, actor=None)
    _upsert(operator, violation="销售病死猪肉")
    assert LedgerEntry.objects.get(ref_kind="penalty").facts["violation_code"] == "DEAD_MEAT"


def test_penalty_bulk_upsert_marks_an_individual_business_a_natural_person():
    individual = f.operator_register(uscc=f.make_uscc(3, prefix="92500105"))
    _upsert(individual)
    assert LedgerEntry.objects.get(ref_kind="penalty").facts["natural_person"] is True


def test_penalty_bulk_upsert_corrected_amount_supersedes_and_audits(operator):
    _upsert(operator)
    first = LedgerEntry.objects.get(ref_kind="penalty")
    assert _upsert(operator, amount="30000.00", kinds=["罚款"]).updated == 1
    first.refresh_from_db()
    current = LedgerEntry.objects.get(ref_kind="penalty", superseded_by__isnull=True)
    assert first.superseded_by == current
    assert (current.facts["amount"], current.facts["kinds"]) == (30000.0, ["罚款"])
    changes = AuditEvent.objects.get(object_type="penalty", action="update").changes
    assert set(changes) == {"amount", "kinds"} and changes["kinds"] == [["罚款", "没收违法所得"], ["罚款"]]
