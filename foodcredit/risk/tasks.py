"""Celery tasks of the risk domain: one partition of a classification run (ids in, idempotent per run)."""

from celery import shared_task

from . import services
from .models import ClassificationRun, ClassResult


@shared_task(acks_late=True)
def classify_partition(run_id: int, lo: int, hi: int) -> int:
    """Classify operators with ids in [lo, hi] for a run; a redelivered partition already written is skipped."""
    run = ClassificationRun.objects.select_related("model").get(pk=run_id)
    if ClassResult.objects.filter(run=run, operator_id__gte=lo, operator_id__lte=hi).exists():
        return 0
    return services.classification_partition(run=run, lo=lo, hi=hi)
