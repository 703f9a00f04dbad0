"""Writes for operators and persons."""

import polars as pl
from django.db import connection

from foodcredit.core import audit
from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert, stage_frame
from foodcredit.core.crypto import encrypt, person_hmac, phone_index
from foodcredit.core.sql import dialect_for

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
        "phone_index": "text",
        "address": "text",
        "street": "text",
        "sector": "text",
        "business_type": "text",
        "registered_on": "date",
        "status": "text",
        "new_business_form": "bool",
    },
    sealed={"phone_encrypted": "text"},
    occurred_field="registered_on",
    facts={
        "status": "status",
        "sector": "sector",
        "business_type": "business_type",
        "street": "street",
        "new_business_form": "new_business_form",
    },
)


def persons_upsert(*, people: pl.DataFrame, ctx: BulkContext) -> pl.DataFrame:
    """(id_no, person id) for (id_no, name) rows, set-based: the number is stored encrypted and linked by HMAC.

    The clear number never reaches the database, not even its temporary tables: only the keyed hash, the
    ciphertext and the name are staged.
    """
    people = people.unique("id_no", keep="first", maintain_order=True)
    id_nos = people["id_no"].to_list()
    staged = pl.DataFrame(
        {
            "id_hash": [person_hmac(i) for i in id_nos],
            "id_encrypted": [encrypt(i) for i in id_nos],
            "name": people["name"],
        }
    )
    cols = {"id_hash": "text", "id_encrypted": "text", "name": "text"}
    with connection.cursor() as cur:
        stage_frame(cur, "stg_people", staged, cols, index_on="id_hash")
        cur.execute("DROP TABLE IF EXISTS stg_people_new")
        cur.execute(
            """CREATE TEMPORARY TABLE stg_people_new AS
               SELECT s.* FROM stg_people s LEFT JOIN operators_person p ON p.id_hash = s.id_hash WHERE p.id IS NULL"""
        )
        cur.execute(
            """INSERT INTO operators_person (id_hash, id_encrypted, name, created_at, updated_at)
               SELECT id_hash, id_encrypted, name, %(now)s, %(now)s FROM stg_people_new""",
            {"now": ctx.now},
        )
        d = dialect_for(connection)
        cur.execute(
            audit.bulk_insert_sql(
                d=d,
                action="'create'",
                object_type="'person'",
                object_id=d.to_text("p.id"),
                changes=d.json_object([("name", d.json_array_pair("NULL", "n.name", "text"), "json")]),
                source="FROM stg_people_new n JOIN operators_person p ON p.id_hash = n.id_hash",
            ),
            {"now": ctx.now, "actor": ctx.actor_id, "label": ctx.actor_label, "rid": ctx.request_id, "job": ctx.job_id},
        )
        cur.execute("SELECT s.id_hash, p.id FROM stg_people s JOIN operators_person p ON p.id_hash = s.id_hash")
        ids = dict(cur.fetchall())
        cur.execute("DROP TABLE IF EXISTS stg_people_new")
        cur.execute("DROP TABLE IF EXISTS stg_people")
    return pl.DataFrame(
        {"id_no": id_nos, "legal_rep_person_id": [ids[h] for h in staged["id_hash"].to_list()]},
        schema={"id_no": pl.Utf8, "legal_rep_person_id": pl.Int64},
    )


def operator_bulk_upsert(*, frame: pl.DataFrame, ctx: BulkContext) -> UpsertResult:
    """Upsert operators by USCC with their legal representatives, registration ledger entries and audit rows."""
    people = frame.filter(pl.col("legal_rep_id_no").is_not_null() & (pl.col("legal_rep_id_no") != "")).select(
        pl.col("legal_rep_id_no").str.to_uppercase().alias("id_no"), pl.col("legal_rep").alias("name")
    )
    ids = (
        persons_upsert(people=people, ctx=ctx)
        if people.height
        else pl.DataFrame(schema={"id_no": pl.Utf8, "legal_rep_person_id": pl.Int64})
    )
    frame = frame.with_columns(pl.col("legal_rep_id_no").str.to_uppercase().alias("id_no")).join(
        ids, on="id_no", how="left"
    )
    if "legacy_reg_no" not in frame.columns:
        frame = frame.with_columns(pl.lit("").alias("legacy_reg_no"))
    frame = frame.drop("id_no", "legal_rep_id_no")
    # The phone is stored encrypted with its blind index (SECURITY.md E2): the clear number never reaches the
    # database, not even its temporary tables. The index tells a changed phone from a re-import of the same one.
    phones = [
        (p or "").strip() for p in (frame["phone"].to_list() if "phone" in frame.columns else [""] * frame.height)
    ]
    frame = frame.drop("phone", strict=False).with_columns(
        pl.Series("phone_index", [phone_index(p) for p in phones], dtype=pl.Utf8),
        pl.Series("phone_encrypted", [encrypt(p) if p else "" for p in phones], dtype=pl.Utf8),
    )
    return bulk_upsert(spec=OPERATOR_SPEC, frame=frame, **ctx.as_kwargs())
