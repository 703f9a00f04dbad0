"""Upward news from the credit ledger (core.events): a possible trigger only enqueues planning's own task."""

from typing import Any

from . import tasks

# Ledger kinds (credit.entry_append) and record kinds (bulk imports announce these) that may fire a trigger.
TRIGGER_KINDS = frozenset({"complaint", "complaints", "sampling_test", "sampling", "class_change"})
CHUNK = 5000


def ledger_entry_appended_received(sender: Any, operator_ids: list[int], kinds: list[str], **kwargs: Any) -> None:
    """Enqueue the trigger check for the operators whose new entries could be triggers (sent after commit)."""
    if not operator_ids or not TRIGGER_KINDS.intersection(kinds):
        return
    ids = sorted(set(operator_ids))
    for start in range(0, len(ids), CHUNK):
        tasks.triggers_detect.delay(ids[start : start + CHUNK])
