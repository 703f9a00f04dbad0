"""Planning's background work. Tasks take ids, are idempotent and call one service (STYLE.md)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True)
def triggers_detect(operator_ids: list[int]) -> int:
    """Create targeted tasks for the new triggers of these operators (one trigger per ledger entry: idempotent)."""
    return len(services.triggers_detect(operator_ids=operator_ids, as_of=timezone.localdate()))
