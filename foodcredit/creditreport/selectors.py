"""Reads for the credit report: its content, built from the very selectors the credit-file pages use (so a report
never shows more, or other, than the page it prints), and issued reports by code.

Public content is what the portal's operator page shows (portal/views.operator_detail): the masked operator header,
the class as disclosed, the listings and commitments as published and the timeline disclosed on the district portal
that day. Internal content is what the office credit file shows its reader (office/views.operator_detail): the
unmasked header, the class with its explanation for staff (what the public sees for a business user), and the
internal timeline as `credit_file_page` gives it to that reader — other parties' data left out for a business user.

Content is plain JSON values (dates as ISO strings), in the order shown, with no clock reading but `as_of`: the same
data on the same day in the same language gives the same content, and so the same hash (rules.content_hash).
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, gettext

from foodcredit.core.masking import mask_free_text
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.selectors import lists as list_selectors
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors

from . import rules
from .models import CreditReport

CONTENT_FORMAT = 1  # bumped when the content's shape changes, so that old hashes are not compared with new shapes
Variant = CreditReport.Variant


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _operator(card: credit_selectors.OperatorCard) -> dict[str, Any]:
    return {
        "uscc": card.uscc,
        "name": card.name,
        "legal_rep": card.legal_rep,
        "phone": card.phone,
        "address": card.address,
        "street": card.street,
        "sector": card.sector_label,
        "business_type": card.business_type,
        "status": card.status_label,
        "registered_on": _iso(card.registered_on),
        "new_business_form": card.new_business_form,
        "licences": [
            {
                "number": licence.number,
                "kind": licence.kind_label,
                "issued_on": _iso(licence.issued_on),
                "valid_until": _iso(licence.valid_until),
                "status": licence.status_label,
            }
            for licence in card.licences
        ],
    }


def _lists(memberships: list[credit_selectors.ListMembership]) -> list[dict[str, Any]]:
    return [
        {
            "list": m.list_label,
            "cause": m.cause_label,
            "decision_no": m.decision_no,
            "decided_on": _iso(m.decided_on),
            "department": m.department,
            "ends_on": _iso(m.ends_on),
        }
        for m in memberships
    ]


def _commitments(operator: Operator, *, public: bool) -> list[dict[str, Any]]:
    # The public page passes a commitment's text through the public mask (portal_masking.mask_public): so does this.
    return [
        {
            "made_on": _iso(c.made_on),
            "kind": gettext(c.get_kind_display()),
            "text": mask_free_text(c.text) if public else c.text,
            "verification": gettext(c.get_verification_display()),
            "verified_on": _iso(c.verified_on),
        }
        for c in list_selectors.commitments_public(operator=operator)
    ]


def _entry(entry: credit_selectors.CreditFileEntry) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "occurred_on": _iso(entry.occurred_on),
        "kind": entry.kind_label,
        "summary": entry.summary,
        "detail": entry.detail,
        "source": entry.source,
    }
    if entry.windows is not None:
        shown["windows"] = [
            {"channel": w.channel_label, "start": _iso(w.start), "end": _iso(w.end), "open": w.open}
            for w in entry.windows
        ]
    return shown


def _timeline(
    *, operator: Operator, view: credit_selectors.View, as_of: date, for_user: credit_selectors.Reader
) -> tuple[list[dict[str, Any]], bool]:
    """The newest CREDIT_REPORT_MAX_ENTRIES entries the reader's view shows, page by page as the page loads them, and
    whether there are more."""
    limit = int(settings.CREDIT_REPORT_MAX_ENTRIES)
    entries: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = credit_selectors.credit_file_page(
            operator=operator,
            view=view,
            as_of=as_of,
            cursor=cursor,
            for_user=for_user,
            page_size=min(limit - len(entries), 200) or 1,
        )
        entries.extend(_entry(e) for e in page.entries)
        cursor = page.next_cursor
        if cursor is None or len(entries) >= limit:
            return entries[:limit], cursor is not None


def _content(
    *, operator: Operator, variant: str, audience: str, as_of: date, for_user: credit_selectors.Reader
) -> dict[str, Any]:
    public = variant == Variant.PUBLIC
    view: credit_selectors.View = "public" if public else "internal"
    entries, truncated = _timeline(operator=operator, view=view, as_of=as_of, for_user=for_user)
    risk_class: dict[str, Any] | None = None
    if audience == "staff":
        current = risk_selectors.class_current(operator.pk, as_of=as_of)
        if current is not None:
            risk_class = {
                "class": current.risk_class,
                "label": gettext(current.label),
                "as_of": _iso(current.as_of),
                "model_version": current.model_version,
                "explanation": list(current.explanation),
            }
    elif shown := risk_selectors.class_public(operator.pk, as_of=as_of):
        risk_class = {"class": shown.risk_class, "label": shown.label, "as_of": _iso(shown.as_of)}
    return {
        "format": CONTENT_FORMAT,
        "variant": variant,
        "audience": audience,
        "language": get_language() or settings.LANGUAGE_CODE,
        "as_of": as_of.isoformat(),
        "operator": _operator(credit_selectors.credit_file_operator(operator=operator, view=view)),
        "risk_class": risk_class,
        "lists": _lists(list_selectors.list_memberships(operator=operator, as_of=as_of, public=public)),
        "commitments": _commitments(operator, public=public),
        "entries": entries,
        "entries_truncated": truncated,
    }


def report_content_public(*, uscc: str, as_of: date) -> tuple[Operator, dict[str, Any]]:
    """The operator (Http404 if none) and the public report's content: what its public credit page shows on `as_of`."""
    operator = operator_selectors.operator_get_public(uscc=uscc)
    return operator, _content(operator=operator, variant=Variant.PUBLIC, audience="public", as_of=as_of, for_user=None)


def report_content_internal(
    *, uscc: str, for_user: credit_selectors.Reader, as_of: date
) -> tuple[Operator, dict[str, Any]]:
    """The operator and the internal report's content for `for_user`: Http404 for an operator outside the reader's
    scope (the office credit file's check, operators.selectors.operator_get), its view of the file otherwise."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=for_user)  # type: ignore[arg-type]
    audience = credit_selectors.credit_file_audience(view="internal", for_user=for_user)
    return operator, _content(
        operator=operator, variant=Variant.INTERNAL, audience=audience, as_of=as_of, for_user=for_user
    )


def report_by_code(*, code: str) -> CreditReport | None:
    """The issued report with this (normalised) code, or None."""
    return CreditReport.objects.filter(code=code).select_related("operator").first()


def report_lookup(*, typed: str) -> tuple[rules.CodeCheck, CreditReport | None]:
    """A typed or scanned code checked, then looked up when it could have been issued."""
    code = rules.code_normalise(typed)
    check = rules.code_check(code)
    return check, report_by_code(code=code) if check == rules.CodeCheck.WELL_FORMED else None
