"""The set-based upsert: resolve operators and existing records with joins, INSERT … SELECT new records, UPDATE
changed ones, append ledger entries (superseding the corrected ones), one audit row per created or changed record."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone

from .. import audit, masking
from ..models import Provenance
from ..sql import Dialect, dialect_for
from .spec import EntriesSQL, RecordSpec, UpsertResult, _ledger, _registered
from .staging import _staged_columns, stage_frame

PROVENANCE_TABLE = Provenance._meta.db_table


def bulk_upsert(
    *,
    spec: RecordSpec,
    frame: pl.DataFrame,
    source_id: int,
    source_precedence: int,
    actor_id: int | None,
    actor_label: str,
    job_id: int | None,
    request_id: str,
    now: datetime,
) -> UpsertResult:
    """Upsert `frame` (normalized rows of one kind from one source) with ledger and audit. Caller owns the transaction."""
    d = dialect_for(connection)
    result = UpsertResult()
    if frame.height == 0:
        return result
    columns = _staged_columns(spec)
    frame, shown = _audit_shown(frame, spec)
    columns.update(dict.fromkeys(shown.values(), "text"))
    t = spec.table
    with connection.cursor() as cur:
        for name in ("stg_rows", "stg_res", "stg_chg", "stg_new"):
            cur.execute(d.drop_temp(name))
        if d.is_postgres:
            # Hash joins of a million staged rows against the record tables stay in memory for this transaction.
            cur.execute("SET LOCAL work_mem = '256MB'")
        stage_frame(cur, "stg_rows", frame, columns, index_on=spec.frame_key)
        value_fields = [f for f in spec.fields if f != spec.key]
        key_join = f"t.{spec.key} = s.{spec.frame_key}"
        if not spec.natural_key:
            key_join += " AND t.source_id = %(src)s"
        operator_expr = "o.id" if not spec.is_operator else "t.id"
        operator_join = "" if spec.is_operator else f"LEFT JOIN {_registered.operator_table} o ON o.uscc = s.uscc"
        cur.execute(d.drop_temp("stg_res"))
        cur.execute(
            d.create_temp_as(
                "stg_res",
                f"""SELECT s.*, {operator_expr} AS operator_id, t.id AS existing_id,
                           COALESCE(es.precedence, 0) AS existing_precedence
                    FROM stg_rows s {operator_join}
                    LEFT JOIN {t} t ON {key_join}
                    LEFT JOIN core_source es ON es.id = t.source_id""",
            ),
            {"src": source_id},
        )
        cur.execute("ANALYZE stg_res")
        # Rows whose operator is unknown wait in the review queue (collection decides what to do with them).
        if not spec.is_operator:
            cur.execute("SELECT _row FROM stg_res WHERE operator_id IS NULL")
            queued_rows = {r[0] for r in cur.fetchall()}
            if queued_rows:
                result.queued = frame.filter(pl.col("_row").is_in(sorted(queued_rows))).to_dicts()
        params: dict[str, Any] = {
            "src": source_id,
            "prec": source_precedence,
            "now": now,
            "job": job_id,
            "actor": actor_id,
            "label": actor_label,
            "rid": request_id,
            "ref_kind": spec.ref_kind,
            "ledger_kind": spec.ledger_kind,
            "today": timezone.localdate(now),
        }
        typed = {**spec.fields, **spec.extra}
        fk_fields = [] if spec.is_operator else ["operator_id"]
        compared = fk_fields + value_fields
        distinct = " OR ".join(d.distinct(f"t.{f}", f"s.{f}", typed.get(f, "int")) for f in compared)
        # Changed records: the incoming source wins when its precedence is not lower than the stored one's.
        cur.execute(d.drop_temp("stg_chg"))
        cur.execute(
            d.create_temp_as(
                "stg_chg",
                f"""SELECT s.*, {", ".join(f"t.{f} AS old_{f}" for f in compared)},
                           {", ".join(f"t.{f} AS audit_old_{f}" for f in _texts(spec, compared)) or "NULL AS no_text"}
                    FROM stg_res s JOIN {t} t ON t.id = s.existing_id
                    WHERE ({distinct}) AND %(prec)s >= s.existing_precedence""",
            ),
            params,
        )
        cur.execute("SELECT count(*) FROM stg_res WHERE existing_id IS NOT NULL")
        existing = cur.fetchone()[0]
        cur.execute("SELECT existing_id, operator_id FROM stg_chg")
        changed = cur.fetchall()
        result.changed_ids = [r[0] for r in changed]
        result.updated = len(changed)
        result.unchanged = existing - result.updated
        if changed:
            _write_changes(cur, d, spec, params, compared, typed, shown)
        # New records.
        insert_cols = [*fk_fields, spec.key, *value_fields, *spec.sealed, "source_id", "created_at", "updated_at"]
        select_cols = [
            *fk_fields,
            f"s.{spec.frame_key}",
            *[f"s.{f}" for f in [*value_fields, *spec.sealed]],
            "%(src)s",
            "%(now)s",
            "%(now)s",
        ]
        if not spec.is_operator:
            select_cols[0] = "s.operator_id"
        cur.execute(
            f"""INSERT INTO {t} ({", ".join(insert_cols)})
                SELECT {", ".join(select_cols)} FROM stg_res s
                WHERE s.existing_id IS NULL {"" if spec.is_operator else "AND s.operator_id IS NOT NULL"}
                ORDER BY s._row""",
            params,
        )
        result.new = cur.rowcount if cur.rowcount is not None and cur.rowcount >= 0 else 0
        if result.new:
            _write_created(cur, d, spec, params, value_fields, typed, shown)
        if spec.natural_key:
            _write_provenance(cur, d, spec, params)
        cur.execute(
            "SELECT DISTINCT operator_id FROM stg_new UNION SELECT DISTINCT operator_id FROM stg_chg"
            if result.new
            else "SELECT DISTINCT operator_id FROM stg_chg"
        )
        result.operator_ids = [r[0] for r in cur.fetchall() if r[0] is not None]
    # stg_new (record_id per new row) and stg_chg (existing_id per changed row) stay until the next upsert on this
    # connection, so a domain service can write dependent rows (e.g. inspection ↔ inspector links) set-based.
    return result


def _facts_expr(d: Dialect, spec: RecordSpec, typed: dict[str, str], alias: str = "s") -> str:
    return d.json_object([(k, f"{alias}.{col}", typed.get(col, "text")) for k, col in spec.facts.items()])


def _texts(spec: RecordSpec, fields: Sequence[str]) -> list[str]:
    return [f for f in fields if spec.fields.get(f) == "text"]


def _audit_shown(frame: pl.DataFrame, spec: RecordSpec) -> tuple[pl.DataFrame, dict[str, str]]:
    """Masked copies (core.masking) of the text columns whose values may carry phone or ID numbers, staged beside
    them: audit diffs show the copies, the records keep what was sent (SECURITY.md E2). Only values with a run of
    digits are masked, so text without numbers costs one vectorised scan."""
    shown: dict[str, str] = {}
    for f in _texts(spec, [f for f in spec.fields if f != spec.key and f in frame.columns]):
        maybe = frame[f].cast(pl.Utf8).str.contains(r"[0-9０-９]{4}").fill_null(False)
        if not maybe.any():
            continue
        values = frame[f].to_list()
        masked = [masking.mask_values(v) if m else v for v, m in zip(values, maybe.to_list(), strict=True)]
        frame = frame.with_columns(pl.Series(f"audit_{f}", masked, dtype=pl.Utf8))
        shown[f] = f"audit_{f}"
    return frame, shown


def _mask_old_values(cur: Any, fields: Sequence[str]) -> None:
    """The stored values a change replaces, masked in stg_chg's audit_old_* columns (as `_audit_shown` the new)."""
    if not fields:
        return
    cur.execute(f"SELECT existing_id, {', '.join(f'audit_old_{f}' for f in fields)} FROM stg_chg")
    fixes = []
    for existing_id, *olds in cur.fetchall():
        masked = [masking.mask_values(v) for v in olds]
        if masked != olds:
            fixes.append((*masked, existing_id))
    if fixes:
        sets = ", ".join(f"audit_old_{f} = %s" for f in fields)
        cur.executemany(f"UPDATE stg_chg SET {sets} WHERE existing_id = %s", fixes)


def _write_created(
    cur: Any,
    d: Dialect,
    spec: RecordSpec,
    params: dict[str, Any],
    value_fields: Sequence[str],
    typed: dict[str, str],
    shown: dict[str, str],
) -> None:
    t = spec.table
    key_join = f"t.{spec.key} = s.{spec.frame_key}"
    if not spec.natural_key:
        key_join += " AND t.source_id = %(src)s"
    operator_col = "t.id" if spec.is_operator else "s.operator_id"
    cur.execute(d.drop_temp("stg_new"))
    cur.execute(
        d.create_temp_as(
            "stg_new",
            f"""SELECT s.*, t.id AS record_id, {operator_col} AS new_operator_id
                FROM stg_res s JOIN {t} t ON {key_join}
                WHERE s.existing_id IS NULL {"" if spec.is_operator else "AND s.operator_id IS NOT NULL"}""",
        ),
        params,
    )
    cur.execute("ANALYZE stg_new")
    if spec.is_operator:
        cur.execute("UPDATE stg_new SET operator_id = new_operator_id")
    audit_changes = d.json_object(
        [
            (f, d.json_array_pair("NULL", f"s.{shown.get(f, f)}", typed.get(f, "text")), "json")
            for f in [spec.key, *value_fields]
        ]
        if spec.key == spec.frame_key
        else [
            (spec.key, d.json_array_pair("NULL", f"s.{spec.frame_key}", "text"), "json"),
            *[
                (f, d.json_array_pair("NULL", f"s.{shown.get(f, f)}", typed.get(f, "text")), "json")
                for f in value_fields
            ],
        ]
    )
    cur.execute(
        audit.bulk_insert_sql(
            d=d,
            action="'create'",
            object_type="%(ref_kind)s",
            object_id=d.to_text("s.record_id"),
            changes=audit_changes,
            source="FROM stg_new s ORDER BY s._row",
        ),
        params,
    )
    _entries_append(
        cur,
        d,
        spec,
        typed,
        params,
        operator_id="s.operator_id",
        occurred_on=f"s.{spec.occurred_field}",
        ref_id="s.record_id",
        source="FROM stg_new s ORDER BY s._row",
    )


def _entries_append(
    cur: Any,
    d: Dialect,
    spec: RecordSpec,
    typed: dict[str, str],
    params: dict[str, Any],
    *,
    operator_id: str,
    occurred_on: str,
    ref_id: str,
    source: str,
) -> None:
    """One ledger entry of the spec's kind per staged row of `source`, with the spec's facts."""
    entries = EntriesSQL(
        operator_id=operator_id,
        kind="%(ledger_kind)s",
        occurred_on=occurred_on,
        ref_kind="%(ref_kind)s",
        ref_id=ref_id,
        facts=_facts_expr(d, spec, typed),
        recorded_at="%(now)s",
        source=source,
        source_id="%(src)s",
        job_id="CAST(%(job)s AS BIGINT)",
    )
    cur.execute(_ledger().append_sql(entries), params)


def _write_changes(
    cur: Any,
    d: Dialect,
    spec: RecordSpec,
    params: dict[str, Any],
    compared: Sequence[str],
    typed: dict[str, str],
    shown: dict[str, str],
) -> None:
    t = spec.table
    texts = _texts(spec, compared)
    _mask_old_values(cur, texts)
    changes = d.json_object_changed(
        [(f, f"s.old_{f}", f"s.{f}", typed.get(f, "int" if f == "operator_id" else "text")) for f in compared],
        shown={f: (f"s.audit_old_{f}", f"s.{shown.get(f, f)}") for f in texts},
    )
    cur.execute(
        audit.bulk_insert_sql(
            d=d,
            action="'update'",
            object_type="%(ref_kind)s",
            object_id=d.to_text("s.existing_id"),
            changes=changes,
            source="FROM stg_chg s",
        ),
        params,
    )
    sets = ", ".join(f"{f} = c.{f}" for f in [*compared, *spec.sealed])
    cur.execute(
        f"""UPDATE {t} SET {sets}, source_id = %(src)s, updated_at = %(now)s
            FROM stg_chg c WHERE {t}.id = c.existing_id""",
        params,
    )
    operator_col = "s.existing_id" if spec.is_operator else "s.operator_id"
    # A change of registration happens today; a corrected record keeps the date of the event it records.
    occurred = d.date_param("today") if spec.is_operator else f"s.{spec.occurred_field}"
    _entries_append(
        cur,
        d,
        spec,
        typed,
        params,
        operator_id=operator_col,
        occurred_on=occurred,
        ref_id="s.existing_id",
        source="FROM stg_chg s",
    )
    # The corrected entries are superseded by the ones just appended (the newest entry of the same record).
    cur.execute(_ledger().supersede_sql(ref_kind="%(ref_kind)s", ref_ids="SELECT existing_id FROM stg_chg"), params)
    if spec.is_operator:
        cur.execute("UPDATE stg_chg SET operator_id = existing_id")


def _write_provenance(cur: Any, d: Dialect, spec: RecordSpec, params: dict[str, Any]) -> None:
    """One provenance row per (record, source): a record seen from two sources has two rows."""
    t = spec.table
    cur.execute(
        f"""INSERT INTO {PROVENANCE_TABLE} (ref_kind, ref_id, source_id, source_ref, first_job_id, last_seen_at)
            SELECT %(ref_kind)s, t.id, %(src)s, s.{spec.frame_key}, CAST(%(job)s AS BIGINT), %(now)s
            FROM stg_rows s JOIN {t} t ON t.{spec.key} = s.{spec.frame_key}
            WHERE true
            ON CONFLICT (ref_kind, ref_id, source_id) DO UPDATE SET last_seen_at = excluded.last_seen_at""",
        params,
    )
