"""The normalized frame of each record kind: what collection's bulk path takes (DOMAIN.md Part I §3).

Choices hold the models' stored values (TextChoices), not the Chinese labels.
"""

import polars as pl

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "operators": {
        "uscc": pl.String(),
        "name": pl.String(),
        "legal_rep": pl.String(),
        "legal_rep_id_no": pl.String(),
        "phone": pl.String(),
        "address": pl.String(),
        "street": pl.String(),
        "sector": pl.String(),
        "business_type": pl.String(),
        "registered_on": pl.Date(),
        "status": pl.String(),
        "new_business_form": pl.Boolean(),
        "_row": pl.Int64(),
    },
    "licences": {
        "number": pl.String(),
        "uscc": pl.String(),
        "kind": pl.String(),
        "scope": pl.String(),
        "issued_on": pl.Date(),
        "valid_until": pl.Date(),
        "status": pl.String(),
        "legacy_format": pl.Boolean(),
        "_row": pl.Int64(),
    },
    "inspections": {
        "source_id": pl.String(),
        "uscc": pl.String(),
        "inspected_on": pl.Date(),
        "kind": pl.String(),
        "result": pl.String(),
        "findings": pl.String(),
        "inspectors": pl.String(),
        "_row": pl.Int64(),
    },
    "sampling": {
        "source_id": pl.String(),
        "uscc": pl.String(),
        "sampled_on": pl.Date(),
        "product": pl.String(),
        "food_category": pl.String(),
        "conclusion": pl.String(),
        "failed_items": pl.String(),
        "failure_kind": pl.String(),
        "_row": pl.Int64(),
    },
    "penalties": {
        "decision_no": pl.String(),
        "uscc": pl.String(),
        "decided_on": pl.Date(),
        "violation": pl.String(),
        "legal_basis": pl.String(),
        "kinds": pl.List(pl.String()),
        "amount": pl.String(),
        "procedure": pl.String(),
        "circumstance": pl.String(),
        "_row": pl.Int64(),
    },
    "complaints": {
        "source_id": pl.String(),
        "uscc": pl.String(),
        "received_on": pl.Date(),
        "channel": pl.String(),
        "kind": pl.String(),
        "category": pl.String(),
        "verification": pl.String(),
        "_row": pl.Int64(),
    },
}


def frame_conform(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the kind's columns, in order and with their dtypes."""
    return frame.select([pl.col(name).cast(dtype) for name, dtype in SCHEMAS[kind].items()])
