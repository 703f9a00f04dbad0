"""Writes to the credit ledger. Entries are appended, never edited; a correction supersedes."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from foodcredit.core.events import ledger_entry_appended
from foodcredit.core.models import Source
from foodcredit.operators.models import Operator

from ..models import LedgerEntry


def _announce(operator_ids: list[int], kinds: list[str]) -> None:
    transaction.on_commit(
        lambda: ledger_entry_appended.send(sender=LedgerEntry, operator_ids=operator_ids, kinds=kinds)
    )


def entry_append(
    *,
    operator: Operator,
    kind: str,
    occurred_on: date,
    ref_kind: str,
    ref_id: int,
    facts: dict[str, Any],
    source: Source | None = None,
    job_id: int | None = None,
) -> LedgerEntry:
    """Append an entry for a record; the entry it corrects (same ref, not yet superseded) is superseded."""
    with transaction.atomic():
        previous = (
            LedgerEntry.objects.select_for_update()
            .filter(ref_kind=ref_kind, ref_id=ref_id, superseded_by__isnull=True)
            .first()
        )
        entry = LedgerEntry.objects.create(
            operator=operator,
            kind=kind,
            occurred_on=occurred_on,
            ref_kind=ref_kind,
            ref_id=ref_id,
            facts=facts,
            source=source,
            recorded_at=timezone.now(),
            job_id=job_id,
        )
        if previous is not None:
            LedgerEntry.objects.filter(pk=previous.pk).update(superseded_by=entry)
        _announce([operator.pk], [kind])
    return entry


def entries_announce(*, operator_ids: list[int], kinds: list[str]) -> None:
    """Announce entries appended by a bulk path, after its transaction commits."""
    _announce(operator_ids, kinds)
