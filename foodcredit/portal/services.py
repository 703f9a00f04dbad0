"""Writes of the portal's own data: a public report's submission and its review by staff (audited)."""

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.crypto import encrypt
from foodcredit.core.errors import DomainError

from .models import PublicReport

R = PublicReport
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread on a phone
TRACKING_RANDOM = 10  # 32**10 ≈ 10**15: a tracking number cannot be guessed to read another's status
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
        tracking_no=_tracking_no(timezone.localdate()), kind=kind, category=category, operator_name=operator_name,
        operator_uscc=operator_uscc.strip().upper(), address=address, happened_on=happened_on,
        description=description, reporter_name_encrypted=encrypt(reporter_name) if reporter_name else "",
        reporter_phone_encrypted=encrypt(reporter_phone) if reporter_phone else "", status=R.Status.RECEIVED,
    )  # fmt: skip
    report.full_clean()
    report.save()
    audit.record(
        actor=None, action="create", object_type="public_report", object_id=report.pk,
        changes={"tracking_no": [None, report.tracking_no], "kind": [None, kind], "category": [None, category]},
    )  # fmt: skip
    return report


@transaction.atomic
def report_review(*, report: PublicReport, status: str, reply: str, actor: Any) -> PublicReport:
    """A regulator moves a report on (registered → accepted or rejected; accepted → closed) with the reply the
    reporter reads on the status page."""
    locked = R.objects.select_for_update().get(pk=report.pk)
    if status not in REVIEW_STEPS.get(locked.status, set()):
        raise DomainError("report.bad_step", _("该投诉举报当前状态下不能进行此操作。"), status=locked.status)
    if status in {R.Status.REJECTED, R.Status.CLOSED} and not reply.strip():
        raise DomainError("report.reply_required", _("不予受理或办结时须填写答复。"))
    before = locked.status
    locked.status = status
    locked.reply = reply.strip()
    locked.full_clean()
    locked.save(update_fields=["status", "reply", "updated_at"])
    audit.record(
        actor=actor, action="review", object_type="public_report", object_id=locked.pk,
        changes={"status": [before, status]},
    )  # fmt: skip
    return locked
