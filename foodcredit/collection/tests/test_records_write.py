"""The set-based write path: identity, idempotency, supersession, audit rows, review queue, provenance."""

import polars as pl
import pytest

from foodcredit.collection import services
from foodcredit.collection.models import ImportJob, PendingRecord
from foodcredit.core.models import AuditEvent, Provenance, Source
from foodcredit.credit.models import LedgerEntry
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.operators.models import Operator, Person
from foodcredit.penalties.models import Penalty

from . import frames

pytestmark = pytest.mark.django_db


def test_records_write_creates_records_ledger_and_audit():
    result = services.records_write(kind="operators", frame=frames.operators(2), source_name="登记系统")
    assert (result.new, result.updated, result.unchanged) == (2, 0, 0)
    op = Operator.objects.get(uscc=frames.uscc(1))
    entry = LedgerEntry.objects.get(ref_kind="operator", ref_id=op.pk)
    assert entry.kind == "registration" and entry.facts["status"] == "active" and entry.superseded_by is None
    event = AuditEvent.objects.get(object_type="operator", object_id=str(op.pk))
    assert event.action == "create" and event.changes["name"] == [None, "重庆测试餐饮有限公司1"]
    assert event.job_id == ImportJob.objects.get().pk
    # The ID number is stored encrypted and linked by HMAC, never in clear.
    person = Person.objects.get()
    assert op.legal_rep_person == person and "11010519491231002X" not in person.id_encrypted
    assert "11010519491231002X" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_records_write_reimport_changes_nothing():
    services.records_write(kind="operators", frame=frames.operators(2), source_name="登记系统")
    services.records_write(
        kind="inspections", frame=frames.inspections([frames.uscc(1), frames.uscc(2)]), source_name="执法系统"
    )
    counts = (LedgerEntry.objects.count(), Inspection.objects.count())
    again = services.records_write(
        kind="inspections", frame=frames.inspections([frames.uscc(1), frames.uscc(2)]), source_name="执法系统"
    )
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert (LedgerEntry.objects.count(), Inspection.objects.count()) == counts
    # Only the import-job bookkeeping is audited on a no-op re-import: no record rows.
    assert not AuditEvent.objects.filter(object_type="inspection", action="update").exists()


def test_records_write_changed_record_supersedes_its_entry_and_audits_the_diff():
    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    services.records_write(kind="inspections", frame=frames.inspections([frames.uscc(1)]), source_name="执法系统")
    first = LedgerEntry.objects.get(ref_kind="inspection")
    result = services.records_write(
        kind="inspections", frame=frames.inspections([frames.uscc(1)], result="nonconform"), source_name="执法系统"
    )
    assert result.updated == 1
    first.refresh_from_db()
    current = LedgerEntry.objects.get(ref_kind="inspection", superseded_by__isnull=True)
    assert first.superseded_by == current and current.facts["result"] == "nonconform"
    assert first.facts["result"] == "conform"  # the old entry is never edited
    update = AuditEvent.objects.get(object_type="inspection", action="update")
    assert update.changes == {"result": ["conform", "nonconform"]}


def test_records_write_links_inspectors_by_certificate_number():
    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    services.records_write(kind="inspections", frame=frames.inspections([frames.uscc(1)]), source_name="执法系统")
    inspection = Inspection.objects.get()
    assert sorted(inspection.inspectors.values_list("cert_no", flat=True)) == ["50010520190001", "50010520190002"]
    assert Inspector.objects.filter(verified=False).count() == 2
    entry = LedgerEntry.objects.get(ref_kind="inspection")
    assert sorted(entry.facts["inspector_ids"]) == sorted(inspection.inspectors.values_list("id", flat=True))


def test_records_write_unknown_operator_waits_then_attaches_with_the_operator_import():
    result = services.records_write(
        kind="inspections", frame=frames.inspections([frames.uscc(7)]), source_name="执法系统"
    )
    assert (result.new, result.queued) == (0, 1)
    pending = PendingRecord.objects.get()
    assert pending.uscc == frames.uscc(7) and pending.status == PendingRecord.Status.WAITING
    assert not Inspection.objects.exists()
    attached = services.records_write(kind="operators", frame=frames.operators(1, start=7), source_name="登记系统")
    assert attached.attached == 1
    pending.refresh_from_db()
    assert pending.status == PendingRecord.Status.ATTACHED
    assert Inspection.objects.get().operator.uscc == frames.uscc(7)


def test_records_write_waiting_penalty_attaches_with_its_kinds_when_the_operator_arrives():
    """A queued penalty kept its kinds as the writer's JSON text and could never attach."""
    services.records_write(kind="penalties", frame=frames.penalties([frames.uscc(8)]), source_name="执法办案系统")
    assert PendingRecord.objects.get().status == PendingRecord.Status.WAITING
    attached = services.records_write(kind="operators", frame=frames.operators(1, start=8), source_name="登记系统")
    assert attached.attached == 1
    assert Penalty.objects.get().kinds == ["罚款", "没收违法所得"]


def test_records_write_same_penalty_from_two_sources_is_one_record_with_two_provenance_rows():
    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    services.records_write(kind="penalties", frame=frames.penalties([frames.uscc(1)]), source_name="执法办案系统")
    services.records_write(kind="penalties", frame=frames.penalties([frames.uscc(1)]), source_name="信用平台")
    assert Penalty.objects.count() == 1
    assert LedgerEntry.objects.filter(ref_kind="penalty").count() == 1
    assert Provenance.objects.filter(ref_kind="penalty").count() == 2


def test_records_write_lower_precedence_source_does_not_overwrite():
    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    Source.objects.create(name="低优先级来源", precedence=10)
    Source.objects.filter(name="执法办案系统").delete()
    services.records_write(kind="penalties", frame=frames.penalties([frames.uscc(1)]), source_name="执法办案系统")
    changed = frames.penalties([frames.uscc(1)]).with_columns(pl.lit("9999.00").alias("amount"))
    result = services.records_write(kind="penalties", frame=changed, source_name="低优先级来源")
    assert (result.updated, result.unchanged) == (0, 1)
    assert str(Penalty.objects.get().amount) == "5000.00"


def test_records_write_registers_unknown_source_and_says_so():
    result = services.records_write(kind="operators", frame=frames.operators(1), source_name="新来源系统")
    assert Source.objects.get(name="新来源系统").registered_automatically
    assert any("新来源系统" in str(n) for n in result.notices)
