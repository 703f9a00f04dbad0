"""Writes for sampling tests."""

import polars as pl

from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert

SAMPLING_SPEC = RecordSpec(
    ref_kind="sampling_test",
    ledger_kind="sampling_test",
    table="sampling_samplingtest",
    key="source_ref",
    frame_key="source_id",
    natural_key=False,
    fields={
        "source_ref": "text",
        "sampled_on": "date",
        "product": "text",
        "food_category": "text",
        "conclusion": "text",
        "failed_items": "text",
        "failure_kind": "text",
    },
    occurred_field="sampled_on",
    facts={"conclusion": "conclusion", "failure_kind": "failure_kind", "food_category": "food_category"},
)


def sampling_bulk_upsert(*, frame: pl.DataFrame, ctx: BulkContext) -> UpsertResult:
    """Upsert sampling tests by (source, source id), with ledger entries and audit rows."""
    return bulk_upsert(spec=SAMPLING_SPEC, frame=frame, **ctx.as_kwargs())
