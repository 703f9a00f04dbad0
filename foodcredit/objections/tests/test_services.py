"""Objection services: who may object and decide, the working-day deadlines, evidence checks, correction by
supersession, and the audit row of every step."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from foodcredit.accounts.models import User
from foodcredit.accounts.permissions import WriteRefusedError
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.objections import services
from foodcredit.objections.models import Objection

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FRIDAY = date(2025, 9, 26)  # before the National Day holiday; Sunday 28 September 2025 is a working day (调休)


@pytest.fixture
def entry(operator) -> LedgerEntry:
    return f.inspection_add(operator, on=date(2025, 9, 1), result="nonconform", findings="冷藏温度不达标")


@pytest.fixture
def owner(operator):
    return f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[operator.uscc])


@pytest.fixture
def district():
    return f.UserFactory(role=User.Role.DISTRICT_REGULATOR)


def _submit(entry: LedgerEntry, owner: User, **kwargs) -> Objection:
    return services.objection_submit(
        entry=entry,
        reason=kwargs.pop("reason", "检查当日冷藏柜在除霜，温度记录有误"),
        submitted_on=FRIDAY,
        actor=owner,
        **kwargs,
    )


def test_objection_submit_sets_the_working_day_deadline_and_keeps_evidence(entry, owner):
    objection = _submit(entry, owner, attachments=[SimpleUploadedFile("温度记录.png", PNG)])
    # Three working days by the Chinese calendar: Sunday 28 September counts, the weekend's Saturday does not.
    assert (objection.status, objection.accept_by) == ("submitted", date(2025, 9, 30))
    assert [a.name for a in objection.attachments.all()] == ["温度记录.png"]
    assert objection.attachments.get().file.read() == PNG
    event = AuditEvent.objects.get(object_type="objection", object_id=str(objection.pk))
    assert (event.actor, event.action) == (owner, "create")
    assert event.changes["status"] == [None, "submitted"] and event.changes["attachments"] == [None, ["温度记录.png"]]


def test_objection_submit_refuses_another_business_and_a_second_open_objection(entry, owner, other_operator):
    stranger = f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[other_operator.uscc])
    with pytest.raises(WriteRefusedError) as refused:
        _submit(entry, stranger)
    assert (refused.value.code, refused.value.status) == ("scope.out_of_scope", 404)
    _submit(entry, owner)
    with pytest.raises(ConflictError) as twice:
        _submit(entry, owner)
    assert twice.value.code == "objection.open"
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("x.svg", b"<svg onload='alert(1)'></svg>"), "objection.attachment_type"),
        (SimpleUploadedFile("伪装.png", b"MZ\x90\x00" + b"\x00" * 20), "objection.attachment_type"),
        (SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 2048), "objection.attachment_too_large"),
    ],
)
@override_settings(OBJECTION_ATTACHMENT_MAX_BYTES=1024)
def test_objection_submit_checks_each_attachment_by_content_and_size(entry, owner, upload, code):
    with pytest.raises(DomainError) as refused:
        _submit(entry, owner, attachments=[upload])
    assert refused.value.code == code and upload.name in str(refused.value.message)
    assert refused.value.context["field"] == "attachments"
    assert not Objection.objects.exists()


def test_objection_submit_needs_a_reason(entry, owner):
    with pytest.raises(DomainError) as refused:
        _submit(entry, owner, reason="  ")
    assert (refused.value.code, refused.value.context["field"]) == ("objection.reason_missing", "reason")


def test_objection_correct_supersedes_the_entry_with_the_statement_and_audits(entry, owner, district):
    objection = _submit(entry, owner)
    services.objection_accept(objection=objection, accepted_on=FRIDAY, actor=district)
    objection.refresh_from_db()
    assert (objection.status, objection.decide_by) == (
        "under_review",
        date(2025, 10, 30),
    )  # 20 working days past the holiday
    decided = services.objection_decide(
        objection=objection,
        outcome="correct",
        note="经核实为除霜时段读数，检查结论更正为基本符合",
        decided_on=date(2025, 10, 9),
        actor=district,
        corrected_occurred_on=date(2025, 9, 2),
    )
    entry.refresh_from_db()
    corrected = decided.correction
    assert corrected is not None and entry.superseded_by_id == corrected.pk
    assert (corrected.ref_kind, corrected.ref_id, corrected.occurred_on) == (
        entry.ref_kind,
        entry.ref_id,
        date(2025, 9, 2),
    )
    assert corrected.facts["correction"] == {
        "objection": objection.pk,
        "note": "经核实为除霜时段读数，检查结论更正为基本符合",
        "on": "2025-10-09",
        "occurred_on_was": "2025-09-01",
    }
    assert corrected.facts["result"] == entry.facts["result"]  # the rest of the facts carried over
    actions = list(AuditEvent.objects.filter(object_type="objection").order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "accept", "decide"]
    decide = AuditEvent.objects.get(object_type="objection", action="decide")
    assert decide.changes["status"] == ["under_review", "corrected"]
    assert decide.changes["entry"] == [entry.pk, corrected.pk]


def test_objection_steps_are_the_districts_and_in_order(entry, owner, district, operator):
    objection = _submit(entry, owner)
    with pytest.raises(WriteRefusedError):
        services.objection_accept(objection=objection, accepted_on=FRIDAY, actor=owner)
    station = f.UserFactory(
        role=User.Role.STATION_REGULATOR, department=f.DepartmentFactory(code="st-obj", streets=[operator.street])
    )
    with pytest.raises(WriteRefusedError) as refused:
        services.objection_accept(objection=objection, accepted_on=FRIDAY, actor=station)
    assert refused.value.status == 403
    with pytest.raises(ConflictError) as early:
        services.objection_decide(objection=objection, outcome="reject", note="理由", decided_on=FRIDAY, actor=district)
    assert early.value.code == "objection.status"
    services.objection_accept(objection=objection, accepted_on=FRIDAY, actor=district)
    rejected = services.objection_decide(
        objection=objection, outcome="reject", note="温度记录仪数据连续，异议不成立", decided_on=FRIDAY, actor=district
    )
    assert (rejected.status, rejected.correction) == ("rejected", None)
    assert LedgerEntry.objects.get(pk=entry.pk).superseded_by_id is None  # the record stands
