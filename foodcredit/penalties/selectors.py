"""Reads of the violation-type code table and the 未分类 queue (imported penalties whose text is not mapped)."""

from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.http import Http404

from foodcredit.core.models import Source
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.selectors import Reader

from .models import Penalty, ViolationMapping, ViolationType


def violation_types() -> QuerySet[ViolationType]:
    """The code table (without 未分类), listable types first, with how many penalties and mappings each has."""
    return (
        ViolationType.objects.exclude(code=ViolationType.UNCLASSIFIED)
        .annotate(penalty_count=Count("penalty", distinct=True), mapping_count=Count("violationmapping", distinct=True))
        .order_by("-listable_serious", "code")
    )


def violation_type_get(*, code: str) -> ViolationType:
    """One type by code; Http404 otherwise (未分类 is not edited)."""
    found = violation_types().filter(code=code).first()
    if found is None:
        raise Http404("violation type not found")
    return found


def violation_mappings(*, violation_type: ViolationType | None = None) -> QuerySet[ViolationMapping]:
    """Source texts mapped to codes, by source and text."""
    found = ViolationMapping.objects.select_related("source", "violation_type")
    if violation_type is not None:
        found = found.filter(violation_type=violation_type)
    return found.order_by("source__name", "text")


def unclassified_queue(*, for_user: Reader) -> QuerySet[Any, Any]:
    """The 未分类 queue: one row per (source, violation text) of unmapped penalties in the reader's scope, with
    `count`, `first_on` and `last_on`; most penalties first."""
    return (
        Penalty.objects.filter(
            violation_type__code=ViolationType.UNCLASSIFIED,
            operator__in=operator_selectors.operator_scope(for_user=for_user),
        )
        .values("source_id", "source__name", "violation")
        .annotate(count=Count("id"), first_on=Min("decided_on"), last_on=Max("decided_on"))
        .order_by("-count", "source__name", "violation")
    )


def unclassified_count(*, for_user: Reader) -> int:
    """How many penalties in the reader's scope wait in the 未分类 queue."""
    return Penalty.objects.filter(
        violation_type__code=ViolationType.UNCLASSIFIED,
        operator__in=operator_selectors.operator_scope(for_user=for_user),
    ).count()


def queue_source_get(*, source_id: int, text: str, for_user: Reader) -> Source:
    """The source of a queue row the reader can see (an unmapped penalty with that text in scope); Http404 otherwise."""
    if not unclassified_queue(for_user=for_user).filter(source_id=source_id, violation=text).exists():
        raise Http404("no such unclassified text")
    return Source.objects.get(pk=source_id)
