"""Writes for complaints and reports."""

import polars as pl

from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert

COMPLAINT_SPEC = RecordSpec(
    ref_kind="complaint",
    ledger_kind="complaint",
    table="complaints_complaint",
    key="source_ref",
    frame_key="source_id",
    natural_key=False,
    fields={
        "source_ref": "text",
        "received_on": "date",
        "channel": "text",
        "kind": "text",
        "category": "text",
        "verification": "text",
    },
    occurred_field="received_on",
    facts={"kind": "kind", "channel": "channel", "category": "category", "verification": "verification"},
)


def complaint_bulk_upsert(*, frame: pl.DataFrame, ctx: BulkContext) -> UpsertResult:
    """Upsert complaints by (source, source id), with ledger entries and audit rows."""
    return bulk_upsert(spec=COMPLAINT_SPEC, frame=frame, **ctx.as_kwargs())
