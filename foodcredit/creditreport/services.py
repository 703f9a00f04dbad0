"""Writes of the credit report: issuing one records its code and content hash, audited in the same transaction."""

import secrets
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from foodcredit.core import audit
from foodcredit.operators.models import Operator

from . import rules
from .models import CreditReport

CODE_ATTEMPTS = 5  # a clash among 32**15 codes is all but impossible; retrying a few times costs nothing


def _code() -> str:
    return rules.code_make([secrets.choice(rules.CODE_ALPHABET) for _ in range(rules.CODE_RANDOM)])


@transaction.atomic
def report_issue(*, operator: Operator, content: dict[str, Any], issued_by: Any, issued_at: datetime) -> CreditReport:
    """Record a report about to be handed out: a new verification code, the operator's name and USCC as printed, the
    variant, the data's as-of date and the SHA-256 of the content; the audit row names the same. `issued_by` is the
    user who asked (None for the public)."""
    for attempt in range(CODE_ATTEMPTS):
        report = CreditReport(
            code=_code(),
            operator=operator,
            operator_name=content["operator"]["name"],
            operator_uscc=content["operator"]["uscc"],
            variant=content["variant"],
            as_of=date.fromisoformat(content["as_of"]),
            content_hash=rules.content_hash(content),
            issued_by=issued_by if getattr(issued_by, "is_authenticated", False) else None,
            issued_at=issued_at,
        )
        report.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                report.save()
            break
        except IntegrityError:
            if attempt == CODE_ATTEMPTS - 1:
                raise
    audit.record(
        actor=report.issued_by,
        action="issue",
        object_type="credit_report",
        object_id=report.pk,
        changes={
            "code": [None, report.code],
            "operator": [None, operator.pk],
            "variant": [None, report.variant],
            "as_of": [None, report.as_of.isoformat()],
            "content_hash": [None, report.content_hash],
        },
    )
    return report
