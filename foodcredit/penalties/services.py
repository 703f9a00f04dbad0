"""Writes for penalties and the violation-type code table."""

import polars as pl

from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert

from .models import ViolationMapping, ViolationType

PENALTY_SPEC = RecordSpec(
    ref_kind="penalty",
    ledger_kind="penalty",
    table="penalties_penalty",
    key="decision_no",
    frame_key="decision_no",
    natural_key=True,
    fields={
        "decision_no": "text",
        "decided_on": "date",
        "violation": "text",
        "violation_type_id": "int",
        "legal_basis": "text",
        "kinds": "json",
        "amount": "decimal",
        "procedure": "text",
        "circumstance": "text",
    },
    occurred_field="decided_on",
    facts={
        "kinds": "kinds",
        "amount": "amount",
        "procedure": "procedure",
        "circumstance": "circumstance",
        "violation_code": "violation_code",
        "listable_serious": "listable_serious",
        "natural_person": "natural_person",
    },
    extra={"violation_code": "text", "listable_serious": "bool", "natural_person": "bool"},
)


def violation_type_unclassified() -> ViolationType:
    """The 未分类 code: unmapped texts are kept verbatim under it and queued for review."""
    vt, _ = ViolationType.objects.get_or_create(code=ViolationType.UNCLASSIFIED, defaults={"name": "未分类"})
    return vt


def violation_types_resolve(*, texts: list[str], source_id: int) -> pl.DataFrame:
    """(violation text → type id, code, listable_serious) via the source's mappings, then exact type names."""
    unclassified = violation_type_unclassified()
    mapped = dict(
        ViolationMapping.objects.filter(source_id=source_id, text__in=texts).values_list("text", "violation_type_id")
    )
    by_name = dict(ViolationType.objects.filter(name__in=texts).values_list("name", "id"))
    types = {vt.pk: vt for vt in ViolationType.objects.all()}
    rows = []
    for text in texts:
        vt = types[mapped.get(text) or by_name.get(text) or unclassified.pk]
        rows.append((text, vt.pk, vt.code, vt.listable_serious))
    return pl.DataFrame(
        rows,
        schema={
            "violation": pl.Utf8,
            "violation_type_id": pl.Int64,
            "violation_code": pl.Utf8,
            "listable_serious": pl.Boolean,
        },
        orient="row",
    )


def penalty_bulk_upsert(*, frame: pl.DataFrame, ctx: BulkContext) -> UpsertResult:
    """Upsert penalties by decision number (natural key), with ledger entries, provenance and audit rows."""
    types = violation_types_resolve(texts=frame["violation"].unique().to_list(), source_id=ctx.source_id)
    frame = frame.join(types, on="violation", how="left").with_columns(
        pl.col("kinds").list.eval(pl.lit('"') + pl.element() + pl.lit('"')).list.join(",").alias("kinds_json"),
        pl.col("uscc").str.starts_with("92").alias("natural_person"),
    )
    frame = frame.with_columns((pl.lit("[") + pl.col("kinds_json") + pl.lit("]")).alias("kinds")).drop("kinds_json")
    return bulk_upsert(spec=PENALTY_SPEC, frame=frame, **ctx.as_kwargs())
