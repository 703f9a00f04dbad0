"""Writes for operators and persons."""

import polars as pl

from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert
from foodcredit.core.crypto import encrypt, person_hmac
from foodcredit.core.models import AuditEvent

from .models import Person

OPERATOR_SPEC = RecordSpec(
    ref_kind="operator",
    ledger_kind="registration",
    table="operators_operator",
    key="uscc",
    frame_key="uscc",
    natural_key=True,
    is_operator=True,
    fields={
        "uscc": "text",
        "legacy_reg_no": "text",
        "name": "text",
        "legal_rep": "text",
        "legal_rep_person_id": "int",
        "phone": "text",
        "address": "text",
        "street": "text",
        "sector": "text",
        "business_type": "text",
        "registered_on": "date",
        "status": "text",
        "new_business_form": "bool",
    },
    occurred_field="registered_on",
    facts={
        "status": "status",
        "sector": "sector",
        "business_type": "business_type",
        "street": "street",
        "new_business_form": "new_business_form",
    },
)


def persons_upsert(*, people: pl.DataFrame, ctx: BulkContext) -> dict[str, int]:
    """Person ids by ID number for (id_no, name) rows; the number is stored encrypted, linked by HMAC."""
    people = people.unique("id_no", keep="first", maintain_order=True)
    hashes = {id_no: person_hmac(id_no) for id_no in people["id_no"].to_list()}
    existing: dict[str, int] = {}
    hash_list = list(hashes.values())
    for i in range(0, len(hash_list), 900):
        existing.update(Person.objects.filter(id_hash__in=hash_list[i : i + 900]).values_list("id_hash", "id"))
    new = [
        Person(id_hash=hashes[id_no], id_encrypted=encrypt(id_no), name=name)
        for id_no, name in people.select("id_no", "name").iter_rows()
        if hashes[id_no] not in existing
    ]
    if new:
        Person.objects.bulk_create(new, batch_size=5000)
        created_hashes = [p.id_hash for p in new]
        for i in range(0, len(created_hashes), 900):
            existing.update(Person.objects.filter(id_hash__in=created_hashes[i : i + 900]).values_list("id_hash", "id"))
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    occurred_at=ctx.now,
                    actor_id=ctx.actor_id,
                    actor_label=ctx.actor_label,
                    action="create",
                    object_type="person",
                    object_id=str(existing[p.id_hash]),
                    changes={"name": [None, p.name]},
                    request_id=ctx.request_id,
                    job_id=ctx.job_id,
                )
                for p in new
            ],
            batch_size=5000,
        )
    return {id_no: existing[h] for id_no, h in hashes.items()}


def operator_bulk_upsert(*, frame: pl.DataFrame, ctx: BulkContext) -> UpsertResult:
    """Upsert operators by USCC with their legal representatives, registration ledger entries and audit rows."""
    people = frame.filter(pl.col("legal_rep_id_no").is_not_null() & (pl.col("legal_rep_id_no") != "")).select(
        pl.col("legal_rep_id_no").str.to_uppercase().alias("id_no"), pl.col("legal_rep").alias("name")
    )
    person_ids = persons_upsert(people=people, ctx=ctx) if people.height else {}
    ids = pl.DataFrame(
        {"id_no": list(person_ids.keys()), "legal_rep_person_id": list(person_ids.values())},
        schema={"id_no": pl.Utf8, "legal_rep_person_id": pl.Int64},
    )
    frame = frame.with_columns(pl.col("legal_rep_id_no").str.to_uppercase().alias("id_no")).join(
        ids, on="id_no", how="left"
    )
    if "legacy_reg_no" not in frame.columns:
        frame = frame.with_columns(pl.lit("").alias("legacy_reg_no"))
    frame = frame.drop("id_no", "legal_rep_id_no")
    return bulk_upsert(spec=OPERATOR_SPEC, frame=frame, **ctx.as_kwargs())
