"""Upward news from the credit ledger (core.events): new complaints, samples or classes only enqueue the alerts'
own check of those operators (the daily sweep covers everything else)."""

from typing import Any

from django.conf import settings
from django.utils import timezone

from . import tasks

# Ledger kinds (credit.entry_append) and record kinds (bulk imports announce these) an operator-level detector reads.
CHECKED_KINDS = frozenset({"complaint", "complaints", "sampling_test", "sampling", "class_change"})
CHUNK = 5000


def ledger_entry_appended_received(sender: Any, operator_ids: list[int], kinds: list[str], **kwargs: Any) -> None:
    """Enqueue the check of the operators whose new entries could raise an alert (sent after commit)."""
    if not settings.ALERTS_CHECK_ON_RECORD or not operator_ids or not CHECKED_KINDS.intersection(kinds):
        return
    ids = sorted(set(operator_ids))
    today = timezone.localdate().isoformat()
    for start in range(0, len(ids), CHUNK):
        tasks.alerts_check_operators.delay(ids[start : start + CHUNK], today)
