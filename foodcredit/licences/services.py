"""Writes for licences."""

import polars as pl

from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert

LICENCE_SPEC = RecordSpec(
    ref_kind="licence",
    ledger_kind="licence",
    table="licences_licence",
    key="number",
    frame_key="number",
    natural_key=True,
    fields={
        "number": "text",
        "kind": "text",
        "scope": "text",
        "issued_on": "date",
        "valid_until": "date",
        "status": "text",
        "legacy_format": "bool",
    },
    occurred_field="issued_on",
    facts={"kind": "kind", "status": "status", "issued_on": "issued_on", "valid_until": "valid_until"},
)


def licence_bulk_upsert(*, frame: pl.DataFrame, ctx: BulkContext) -> UpsertResult:
    """Upsert licences by number (natural key), with ledger entries, provenance and audit rows."""
    if "legacy_format" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("legacy_format"))
    return bulk_upsert(spec=LICENCE_SPEC, frame=frame, **ctx.as_kwargs())
