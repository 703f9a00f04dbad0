"""Reads of inspections for higher domains."""

from datetime import date
from typing import Any

from django.db.models import QuerySet

from .models import Inspection, Inspector


def inspection_operator_ids_since(*, since: date) -> QuerySet[Inspection, Any]:
    """`operator_id` values of operators inspected on or after `since` (a subquery for exclusions)."""
    return Inspection.objects.filter(inspected_on__gte=since).values("operator_id")


def inspector_by_cert_no(*, cert_no: str) -> Inspector | None:
    """The inspector with this 执法证号, if any."""
    if not cert_no:
        return None
    return Inspector.objects.filter(cert_no=cert_no).first()
