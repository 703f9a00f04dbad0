"""The violation-type code table: defined and loaded, source texts mapped — and a mapping classifies the penalties
already imported with that text, re-filing their ledger entries so that they reach the serious-list candidates."""

from datetime import date

import pytest
from django.core.management import call_command

from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent, Source
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests.imported import LISTABLE, SOURCE, importer, penalty_import
from foodcredit.penalties import selectors, services
from foodcredit.penalties.models import Penalty, ViolationType

pytestmark = pytest.mark.django_db


def test_seed_table_loads_once_with_listable_flags_and_their_basis():
    call_command("violation_types_load", verbosity=0)
    call_command("violation_types_load", verbosity=0)  # again: nothing changes, nothing audited
    table = {vt.code: vt for vt in selectors.violation_types()}
    assert table["FSL123-NON-FOOD-SUBSTANCE"].listable_serious is True
    assert "第五条" in table["FSL123-NON-FOOD-SUBSTANCE"].listing_basis
    assert table["FSL124-EXPIRED"].listable_serious is False
    assert all(vt.provisional for vt in table.values())
    assert AuditEvent.objects.filter(object_type="violation_type").count() == len(table)


def test_a_listable_type_needs_its_basis():
    with pytest.raises(DomainError) as caught:
        services.violation_type_define(
            code="X1", name="某违法行为", legal_basis="", listable_serious=True, listing_basis=" ", actor=None
        )
    assert caught.value.code == "violation.listing_basis_required"


def test_mapping_a_queued_text_classifies_its_imported_penalties():
    operator, other = f.OperatorFactory(), f.OperatorFactory()
    text = "在食品中添加非食用物质"  # the source's own wording: not a type name, so 未分类 on import
    first = penalty_import(operator, on=date(2025, 3, 10), violation=text)
    penalty_import(other, on=date(2025, 4, 1), violation=text)
    assert first.facts["violation_code"] == ViolationType.UNCLASSIFIED and first.facts["listable_serious"] is False
    officer = importer()
    queue = list(selectors.unclassified_queue(for_user=officer))
    assert [(q["violation"], q["count"]) for q in queue] == [(text, 2)]
    assert list(credit_selectors.serious_list_candidates(for_user=officer)) == []

    vt = ViolationType.objects.get(code="FSL123-NON-FOOD-SUBSTANCE")
    changed = services.violation_mapping_save(
        source=Source.objects.get(name=SOURCE), text=text, violation_type=vt, actor=officer
    )

    assert changed == 2 and list(selectors.unclassified_queue(for_user=officer)) == []
    current = LedgerEntry.objects.get(pk=first.pk).superseded_by
    assert current is not None and (current.facts["violation_code"], current.facts["listable_serious"]) == (
        "FSL123-NON-FOOD-SUBSTANCE",
        True,
    )
    assert current.facts["kinds"] == first.facts["kinds"]  # the rest of the record's facts are kept
    assert {c.operator_id for c in credit_selectors.serious_list_candidates(for_user=officer)} == {
        operator.pk,
        other.pk,
    }
    assert AuditEvent.objects.filter(object_type="penalty", action="classify").count() == 2
    assert AuditEvent.objects.get(object_type="violation_mapping").changes["code"] == [
        None,
        "FSL123-NON-FOOD-SUBSTANCE",
    ]
    # A later import of the same text from that source is classified on arrival.
    later = penalty_import(operator, on=date(2025, 6, 1), violation=text)
    assert later.facts["listable_serious"] is True and later.superseded_by_id is None


def test_an_imported_penalty_of_a_listable_type_is_a_candidate_at_once():
    operator = f.OperatorFactory()
    entry = penalty_import(operator, on=date(2025, 3, 10), violation=LISTABLE)
    assert Penalty.objects.get(pk=entry.ref_id).violation_type.code == "FSL123-NON-FOOD-SUBSTANCE"
    assert [c.pk for c in credit_selectors.serious_list_candidates(for_user=importer())] == [entry.pk]
