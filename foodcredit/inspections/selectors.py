"""Reads of inspections for higher domains."""

from datetime import date
from typing import Any

from django.db.models import Max, QuerySet

from .models import Inspection, Inspector


def inspection_operator_ids_since(*, since: date) -> QuerySet[Inspection, Any]:
    """`operator_id` values of operators inspected on or after `since` (a subquery for exclusions)."""
    return Inspection.objects.filter(inspected_on__gte=since).values("operator_id")


def inspection_last_dates(*, as_of: date) -> QuerySet[Inspection, Any]:
    """Per operator, the date of its latest on-site inspection (any kind) on or before `as_of`: operator_id, last."""
    return (
        Inspection.objects.filter(inspected_on__lte=as_of)
        .values("operator_id")
        .annotate(last=Max("inspected_on"))
        .order_by()
        .values_list("operator_id", "last")
    )


def inspector_by_cert_no(*, cert_no: str) -> Inspector | None:
    """The inspector with this 执法证号, if any."""
    if not cert_no:
        return None
    return Inspector.objects.filter(cert_no=cert_no).first()
