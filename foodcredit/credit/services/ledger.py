"""Writes to the credit ledger. Entries are appended, never edited; a correction supersedes."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
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


BATCH = 500  # ids per IN (…): under SQLite's bound-parameter limit


def entries_supersede_many(*, corrections: list[LedgerEntry]) -> list[LedgerEntry]:
    """Append corrected entries for many records at once (unsaved LedgerEntry objects, one per record) and supersede
    each record's current entry — the set-based `entry_append` for a re-classification of hundreds of records."""
    if not corrections:
        return []
    now = timezone.now()
    for entry in corrections:
        entry.recorded_at = now
    with transaction.atomic():
        created = LedgerEntry.objects.bulk_create(corrections, batch_size=BATCH)
        newest = LedgerEntry.objects.filter(ref_kind=OuterRef("ref_kind"), ref_id=OuterRef("ref_id")).order_by("-pk")
        for ref_kind in {e.ref_kind for e in created}:
            entries = [e for e in created if e.ref_kind == ref_kind]
            for start in range(0, len(entries), BATCH):
                chunk = entries[start : start + BATCH]
                LedgerEntry.objects.filter(
                    ref_kind=ref_kind, ref_id__in=[e.ref_id for e in chunk], superseded_by__isnull=True
                ).exclude(pk__in=[e.pk for e in chunk]).update(superseded_by=Subquery(newest.values("pk")[:1]))
        _announce(sorted({e.operator_id for e in created}), sorted({e.kind for e in created}))
    return created


def entries_announce(*, operator_ids: list[int], kinds: list[str]) -> None:
    """Announce entries appended by a bulk path, after its transaction commits."""
    _announce(operator_ids, kinds)
