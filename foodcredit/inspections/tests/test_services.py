"""inspection_bulk_upsert: identity by (source, id), inspectors resolved from the 检查人员 column, ledger facts,
audit rows, and a corrected inspection that supersedes its entry and relinks its inspectors."""

from datetime import date

import pytest

from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.inspections.services import inspection_bulk_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return f.operator_register(uscc=f.make_uscc(1))


def _upsert(operator, *, source="监管执法系统", **changes):
    row = {
        "source_id": "JC-1",
        "uscc": operator.uscc,
        "inspected_on": date(2025, 3, 1),
        "kind": "routine",
        "result": "conform",
        "findings": "",
        "inspectors": "",
        **changes,
    }
    return inspection_bulk_upsert(frame=f.bulk_frame([row]), ctx=f.bulk_context(f.source_named(source)))


def test_inspection_bulk_upsert_links_known_inspectors_and_files_their_ids(operator):
    known = f.inspector_create(cert_no="50010520250001", name="李检查")
    named = Inspector.objects.create(cert_no="50010520250002", name="王检查")
    assert _upsert(operator, result="nonconform", inspectors="50010520250001、王检查", findings="后厨积水").new == 1
    inspection = Inspection.objects.get(source_ref="JC-1")
    assert set(inspection.inspectors.all()) == {known, named}
    assert (inspection.inspectors_text, inspection.findings) == ("50010520250001、王检查", "后厨积水")
    entry = LedgerEntry.objects.get(ref_kind="inspection", ref_id=inspection.pk)
    assert entry.facts == {"result": "nonconform", "kind": "routine", "inspector_ids": sorted([known.pk, named.pk])}
    event = AuditEvent.objects.get(object_type="inspection", object_id=str(inspection.pk))
    assert (event.action, event.changes["result"]) == ("create", [None, "nonconform"])


def test_inspection_bulk_upsert_enters_unknown_inspectors_unverified_and_audited(operator):
    _upsert(operator, inspectors="50010520259999, 赵新人")
    by_cert = Inspector.objects.get(cert_no="50010520259999")
    by_name = Inspector.objects.get(name="赵新人")
    assert (by_cert.name, by_cert.verified, by_name.cert_no, by_name.verified) == ("50010520259999", False, None, False)
    audited = {e.object_id: e.changes for e in AuditEvent.objects.filter(object_type="inspector", action="create")}
    assert audited == {
        str(by_cert.pk): {"name": [None, "50010520259999"], "verified": [None, False]},
        str(by_name.pk): {"name": [None, "赵新人"], "verified": [None, False]},
    }
    _upsert(operator, source="另一执法系统", inspectors="50010520259999")  # known now: no second entry
    assert Inspector.objects.filter(cert_no="50010520259999").count() == 1


def test_inspection_bulk_upsert_correction_supersedes_and_relinks(operator):
    first_inspector = f.inspector_create(cert_no="50010520250001", name="李检查")
    second_inspector = f.inspector_create(cert_no="50010520250002", name="王检查")
    _upsert(operator, inspectors="50010520250001")
    first = LedgerEntry.objects.get(ref_kind="inspection")
    assert _upsert(operator, result="basically_conform", inspectors="50010520250002").updated == 1
    inspection = Inspection.objects.get()
    assert list(inspection.inspectors.all()) == [second_inspector] != [first_inspector]
    first.refresh_from_db()
    current = LedgerEntry.objects.get(ref_kind="inspection", superseded_by__isnull=True)
    assert first.superseded_by == current
    assert (current.facts["result"], current.facts["inspector_ids"]) == ("basically_conform", [second_inspector.pk])
    update = AuditEvent.objects.get(object_type="inspection", action="update")
    assert update.changes == {
        "result": ["conform", "basically_conform"],
        "inspectors_text": ["50010520250001", "50010520250002"],
    }


def test_inspection_bulk_upsert_same_id_from_another_source_is_another_inspection(operator):
    _upsert(operator)
    assert _upsert(operator, source="专项检查系统").new == 1
    assert Inspection.objects.filter(source_ref="JC-1").count() == 2
