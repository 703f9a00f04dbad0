"""Reads of objections, scoped per reader (a business user its own operators', the district every one; 404
outside scope), and whether one is overdue on a day."""

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from foodcredit.core.models import AuditEvent
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.selectors import Reader

from .models import Objection, ObjectionAttachment


def objections(*, for_user: Reader) -> QuerySet[Objection]:
    """Objections about the operators in the reader's scope, newest first."""
    return (
        Objection.objects.filter(operator__in=operator_selectors.operator_scope(for_user=for_user))
        .select_related("operator", "entry", "applicant")
        .order_by("-submitted_on", "-pk")
    )


def objections_overdue(queryset: QuerySet[Objection], *, as_of: date) -> QuerySet[Objection]:
    """The open objections of `queryset` past their acceptance or decision deadline on `as_of`."""
    return queryset.filter(
        Q(status=Objection.Status.SUBMITTED, accept_by__lt=as_of)
        | Q(status=Objection.Status.UNDER_REVIEW, decide_by__lt=as_of)
    )


def objection_overdue(objection: Objection, *, as_of: date) -> bool:
    """Whether this objection is open and past its deadline on `as_of`."""
    if objection.status == Objection.Status.SUBMITTED:
        return objection.accept_by < as_of
    return (
        objection.status == Objection.Status.UNDER_REVIEW
        and objection.decide_by is not None
        and objection.decide_by < as_of
    )


def objection_get(*, pk: int, for_user: Reader) -> Objection:
    """One objection in the reader's scope; Http404 otherwise."""
    found = objections(for_user=for_user).filter(pk=pk).first()
    if found is None:
        raise Http404("objection not found")
    return found


def objection_attachment_get(*, pk: int, objection: Objection) -> ObjectionAttachment:
    """One attachment of an objection the reader may read; Http404 otherwise."""
    found = objection.attachments.filter(pk=pk).first()
    if found is None:
        raise Http404("attachment not found")
    return found


def objection_trail(objection: Objection, *, limit: int = 50) -> QuerySet[AuditEvent]:
    """The objection's audit rows, newest first (shown to staff on its page)."""
    return AuditEvent.objects.filter(object_type="objection", object_id=str(objection.pk)).order_by(
        "-occurred_at", "-pk"
    )[:limit]
