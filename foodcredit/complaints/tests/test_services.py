"""complaint_bulk_upsert: identity by (source, id), ledger facts, audit rows, supersession of a verified complaint."""

from datetime import date

import pytest

from foodcredit.complaints.models import Complaint
from foodcredit.complaints.services import complaint_bulk_upsert
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return f.operator_register(uscc=f.make_uscc(1))


def _upsert(operator, *, source="12315平台", **changes):
    row = {
        "source_id": "TS-1",
        "uscc": operator.uscc,
        "received_on": date(2025, 5, 6),
        "channel": "12315",
        "kind": "complaint",
        "category": "食品变质",
        "verification": "pending",
        **changes,
    }
    return complaint_bulk_upsert(frame=f.bulk_frame([row]), ctx=f.bulk_context(f.source_named(source)))


def test_complaint_bulk_upsert_files_the_complaint_with_entry_and_audit(operator):
    assert _upsert(operator).new == 1
    complaint = Complaint.objects.get(source_ref="TS-1")
    entry = LedgerEntry.objects.get(ref_kind="complaint", ref_id=complaint.pk)
    assert (entry.kind, entry.occurred_on) == ("complaint", date(2025, 5, 6))
    assert entry.facts == {"kind": "complaint", "channel": "12315", "category": "食品变质", "verification": "pending"}
    event = AuditEvent.objects.get(object_type="complaint", object_id=str(complaint.pk))
    assert (event.action, event.changes["verification"]) == ("create", [None, "pending"])


def test_complaint_bulk_upsert_verification_supersedes_the_entry(operator):
    _upsert(operator)
    first = LedgerEntry.objects.get(ref_kind="complaint")
    assert _upsert(operator, verification="true").updated == 1
    first.refresh_from_db()
    current = LedgerEntry.objects.get(ref_kind="complaint", superseded_by__isnull=True)
    assert first.superseded_by == current and current.facts["verification"] == "true"
    assert AuditEvent.objects.get(object_type="complaint", action="update").changes == {
        "verification": ["pending", "true"]
    }


def test_complaint_bulk_upsert_same_id_from_12345_is_another_complaint(operator):
    _upsert(operator)
    assert _upsert(operator, source="12345热线", channel="12345").new == 1
    assert Complaint.objects.filter(source_ref="TS-1").count() == 2
