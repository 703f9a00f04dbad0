"""Celery tasks of the alerts: take plain values, call one service."""

from datetime import date

from celery import shared_task

from . import services


@shared_task
def alerts_sweep(as_of: str) -> dict[str, int]:
    """The daily sweep as of a day (ISO date)."""
    return services.alerts_sweep(as_of=date.fromisoformat(as_of))


@shared_task
def alerts_check_operators(operator_ids: list[int], as_of: str) -> dict[str, int]:
    """The operator-level detectors for operators with new records, as of a day (ISO date)."""
    return services.alerts_check_operators(operator_ids=operator_ids, as_of=date.fromisoformat(as_of))
