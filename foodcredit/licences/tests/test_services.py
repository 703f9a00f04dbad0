"""licence_bulk_upsert: identity by number, ledger facts, audit rows, provenance, supersession, source precedence."""

from datetime import date

import pytest

from foodcredit.core.models import AuditEvent, Provenance, Source
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.licences.models import Licence
from foodcredit.licences.services import licence_bulk_upsert

pytestmark = pytest.mark.django_db
NUMBER = "JY15001050000019"


@pytest.fixture
def operator():
    return f.operator_register(uscc=f.make_uscc(1))


def _upsert(operator, *, source="许可审批系统", **changes):
    row = {
        "number": NUMBER,
        "uscc": operator.uscc,
        "kind": "business",
        "scope": "热食类食品制售",
        "issued_on": date(2025, 3, 1),
        "valid_until": date(2030, 2, 28),
        "status": "valid",
        **changes,
    }
    return licence_bulk_upsert(frame=f.bulk_frame([row]), ctx=f.bulk_context(f.source_named(source)))


def test_licence_bulk_upsert_files_the_licence_with_entry_audit_and_provenance(operator):
    result = _upsert(operator)
    assert (result.new, result.updated, result.unchanged, result.operator_ids) == (1, 0, 0, [operator.pk])
    licence = Licence.objects.get(number=NUMBER)
    assert (licence.operator, licence.valid_until, licence.legacy_format) == (operator, date(2030, 2, 28), False)
    entry = LedgerEntry.objects.get(ref_kind="licence", ref_id=licence.pk)
    assert (entry.kind, entry.occurred_on, entry.superseded_by) == ("licence", date(2025, 3, 1), None)
    assert entry.facts == {
        "kind": "business",
        "status": "valid",
        "issued_on": "2025-03-01",
        "valid_until": "2030-02-28",
    }
    event = AuditEvent.objects.get(object_type="licence", object_id=str(licence.pk))
    assert (event.action, event.changes["number"], event.changes["status"]) == (
        "create",
        [None, NUMBER],
        [None, "valid"],
    )
    assert list(Provenance.objects.filter(ref_kind="licence").values_list("source__name", flat=True)) == [
        "许可审批系统"
    ]


def test_licence_bulk_upsert_change_supersedes_the_entry_and_audits_the_diff(operator):
    _upsert(operator)
    first = LedgerEntry.objects.get(ref_kind="licence")
    assert _upsert(operator, status="revoked").updated == 1
    first.refresh_from_db()
    current = LedgerEntry.objects.get(ref_kind="licence", superseded_by__isnull=True)
    assert first.superseded_by == current and current.facts["status"] == "revoked"
    assert first.facts["status"] == "valid"  # the corrected entry is kept as it was
    update = AuditEvent.objects.get(object_type="licence", action="update")
    assert update.changes == {"status": ["valid", "revoked"]}
    again = _upsert(operator, status="revoked")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert LedgerEntry.objects.filter(ref_kind="licence").count() == 2


def test_licence_bulk_upsert_lower_precedence_source_changes_nothing_but_is_seen(operator):
    _upsert(operator)
    Source.objects.filter(name="许可审批系统").update(precedence=90)  # above the default 50
    result = _upsert(operator, source="旧许可系统", status="expired")
    assert (result.updated, result.unchanged) == (0, 1)
    assert Licence.objects.get().status == "valid"
    seen_by = Provenance.objects.filter(ref_kind="licence").values_list("source__name", flat=True)
    assert set(seen_by) == {"许可审批系统", "旧许可系统"}


def test_licence_bulk_upsert_queues_a_licence_of_an_unknown_operator():
    row = {
        "number": NUMBER,
        "uscc": f.make_uscc(2),
        "kind": "business",
        "scope": "",
        "issued_on": date(2025, 3, 1),
        "valid_until": date(2030, 2, 28),
        "status": "valid",
    }
    result = licence_bulk_upsert(frame=f.bulk_frame([row]), ctx=f.bulk_context(f.source_named("许可审批系统")))
    assert result.new == 0 and [r["number"] for r in result.queued] == [NUMBER]
    assert not Licence.objects.exists() and not LedgerEntry.objects.filter(ref_kind="licence").exists()
