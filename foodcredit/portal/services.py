"""Writes of the portal's own data: a public report's submission and its review by staff (audited).

A report staff accept enters the complaints flow: it is filed as a complaint (渠道 网络, source 门户网站投诉举报, its
tracking number as the complaint's id) on the operator's credit file through collection's `records_write`, the writer
every import door uses, so the ledger entry, its audit row and the early-warning detectors see it as any complaint;
closing it writes the verification result through the same writer (the entry is superseded)."""

import secrets
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.collection.models import RecordKind
from foodcredit.collection.services import records_write
from foodcredit.complaints.models import Complaint
from foodcredit.core import audit
from foodcredit.core.crypto import encrypt
from foodcredit.core.errors import DomainError
from foodcredit.operators.models import Operator

from . import selectors
from .models import PublicReport

R = PublicReport
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread on a phone
TRACKING_RANDOM = 10  # 32**10 ≈ 10**15: a tracking number cannot be guessed to read another's status
PORTAL_SOURCE = "门户网站投诉举报"  # the source system of complaints filed from the portal's form (data, not a label)
VERIFIED = {Complaint.Verification.TRUE, Complaint.Verification.PARTLY_TRUE, Complaint.Verification.UNTRUE}
REVIEW_STEPS: dict[str, set[str]] = {
    R.Status.RECEIVED: {R.Status.ACCEPTED, R.Status.REJECTED},
    R.Status.ACCEPTED: {R.Status.CLOSED},
}


def _tracking_no(today: date) -> str:
    return "JB" + today.strftime("%y%m%d") + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_RANDOM))


@transaction.atomic
def report_submit(
    *,
    kind: str,
    category: str,
    operator_name: str,
    operator_uscc: str,
    address: str,
    happened_on: date | None,
    description: str,
    reporter_name: str,
    reporter_phone: str,
) -> PublicReport:
    """Register a report from the public form; the reporter's name and phone are encrypted before they are stored,
    and the audit row holds neither."""
    report = R(
        tracking_no=_tracking_no(timezone.localdate()),
        kind=kind,
        category=category,
        operator_name=operator_name,
        operator_uscc=operator_uscc.strip().upper(),
        address=address,
        happened_on=happened_on,
        description=description,
        reporter_name_encrypted=encrypt(reporter_name) if reporter_name else "",
        reporter_phone_encrypted=encrypt(reporter_phone) if reporter_phone else "",
        status=R.Status.RECEIVED,
    )
    report.full_clean()
    report.save()
    audit.record(
        actor=None,
        action="create",
        object_type="public_report",
        object_id=report.pk,
        changes={"tracking_no": [None, report.tracking_no], "kind": [None, kind], "category": [None, category]},
    )
    return report


def report_review(
    *,
    report: PublicReport,
    status: str,
    reply: str,
    actor: Any,
    operator: Operator | None = None,
    verification: str = "",
) -> PublicReport:
    """A regulator moves a report on with the reply the reporter reads on the status page: registered → accepted
    (filed as a complaint on `operator`'s credit file) or rejected (with its reason); accepted → closed (with the
    verification result, written to the complaint). The write check on the operator comes before the transaction,
    so that a refusal's audit row is kept."""
    if status == R.Status.ACCEPTED and operator is None:
        raise DomainError("report.operator_required", _("受理时须指定被投诉举报的经营主体（统一社会信用代码）。"))
    if status == R.Status.CLOSED and verification and verification not in VERIFIED:
        raise DomainError("report.bad_verification", _("核查结果须为属实、部分属实或不属实。"), value=verification)
    complaint_of = operator if status == R.Status.ACCEPTED else _complaint_operator(report)
    if complaint_of is not None:
        permissions.operator_write_check(user=actor, kind=permissions.COMPLAINTS, operator=complaint_of)
    return _review(
        report=report, status=status, reply=reply, actor=actor, operator=complaint_of, verification=verification
    )


@transaction.atomic
def _review(
    *, report: PublicReport, status: str, reply: str, actor: Any, operator: Operator | None, verification: str
) -> PublicReport:
    locked = R.objects.select_for_update().get(pk=report.pk)
    if status not in REVIEW_STEPS.get(locked.status, set()):
        raise DomainError("report.bad_step", _("该投诉举报当前状态下不能进行此操作。"), status=locked.status)
    if status in {R.Status.REJECTED, R.Status.CLOSED} and not reply.strip():
        raise DomainError("report.reply_required", _("不予受理或办结时须填写答复。"))
    if status == R.Status.CLOSED and operator is not None and not verification:
        raise DomainError("report.verification_required", _("办结已受理为投诉举报的事项时须填写核查结果。"))
    before = locked.status
    locked.status = status
    locked.reply = reply.strip()
    locked.full_clean()
    locked.save(update_fields=["status", "reply", "updated_at"])
    changes: dict[str, list[Any]] = {"status": [before, status]}
    if operator is not None:
        pending = Complaint.Verification.PENDING.value
        _complaint_write(report=locked, operator=operator, verification=verification or pending, actor=actor)
        if status == R.Status.ACCEPTED:
            changes["complaint"] = [None, f"{operator.uscc}/{PORTAL_SOURCE}/{locked.tracking_no}"]
        else:
            changes["verification"] = [pending, verification]
    audit.record(
        actor=actor,
        action="review",
        object_type="public_report",
        object_id=locked.pk,
        changes=changes,
    )
    return locked


def _complaint_operator(report: PublicReport) -> Operator | None:
    complaint = selectors.report_complaint(report=report, source_name=PORTAL_SOURCE)
    return complaint.operator if complaint is not None else None


def _complaint_write(*, report: PublicReport, operator: Operator, verification: str, actor: Any) -> None:
    """The report as one complaint row through the import writer (source 门户网站投诉举报, id = tracking number)."""
    row = {
        "source_id": report.tracking_no,
        "uscc": operator.uscc,
        "received_on": timezone.localtime(report.created_at).date(),
        "channel": Complaint.Channel.ONLINE.value,
        "kind": report.kind,
        "category": str(R.Category(report.category).label),  # the record's text, as imports file it (Chinese data)
        "verification": verification,
        "_row": 1,
    }
    records_write(
        kind=RecordKind.COMPLAINTS,
        frame=pl.DataFrame([row]),
        source_name=PORTAL_SOURCE,
        actor=actor,
        job_label=report.tracking_no,
    )
