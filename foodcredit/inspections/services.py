"""Writes for inspections and the inspector directory."""

import re
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert, stage_frame
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.sql import dialect_for

from .models import InspectionInspector, Inspector

INSPECTION_SPEC = RecordSpec(
    ref_kind="inspection",
    ledger_kind="inspection",
    table="inspections_inspection",
    key="source_ref",
    frame_key="source_id",
    natural_key=False,
    fields={
        "source_ref": "text",
        "inspected_on": "date",
        "kind": "text",
        "result": "text",
        "findings": "text",
        "inspectors_text": "text",
    },
    occurred_field="inspected_on",
    facts={"result": "result", "kind": "kind", "inspector_ids": "inspector_ids"},
    extra={"inspector_ids": "json"},
)

# 执法证号: letters and digits, at least 6; anything else in the inspectors column is a name.
CERT_NO = re.compile(r"^[0-9A-Z]{6,40}$")
_SPLIT = r"[、,，;；\s]+"


def inspector_tokens(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per (_row, token) from the inspectors column ("张三、李四" or "5001…,5001…")."""
    return (
        frame.select("_row", pl.col("inspectors").str.replace_all(_SPLIT, "\x00").str.split("\x00").alias("token"))
        .explode("token", empty_as_null=False)
        .with_columns(pl.col("token").str.strip_chars())
        .filter(pl.col("token").is_not_null() & (pl.col("token") != ""))
        .select("_row", "token")
    )


def inspector_resolve(*, tokens: list[str], department_code: str, ctx: BulkContext) -> dict[str, int]:
    """Inspector ids for tokens (执法证号 or names within the department); unknown ones become unverified entries."""
    certs = sorted({t for t in tokens if CERT_NO.match(t.upper())})
    names = sorted({t for t in tokens if not CERT_NO.match(t.upper())})
    found: dict[str, int] = {}
    for chunk in _chunks(certs):
        found.update(
            (str(cert), pk) for cert, pk in Inspector.objects.filter(cert_no__in=chunk).values_list("cert_no", "id")
        )
    for chunk in _chunks(names):
        # A name matches a verified inspector of the department, or an earlier unverified entry.
        for name, pk in Inspector.objects.filter(department_code=department_code, name__in=chunk).values_list(
            "name", "id"
        ):
            found.setdefault(name, pk)
    missing_certs = [c for c in certs if c not in found]
    missing_names = [n for n in names if n not in found]
    if missing_certs or missing_names:
        Inspector.objects.bulk_create(
            [Inspector(cert_no=c, name=c, department_code=department_code) for c in missing_certs]
            + [Inspector(cert_no=None, name=n, department_code=department_code) for n in missing_names],
            batch_size=2000,
        )
        created = list(Inspector.objects.filter(cert_no__in=missing_certs).values_list("cert_no", "id")) + list(
            Inspector.objects.filter(
                cert_no__isnull=True, department_code=department_code, name__in=missing_names
            ).values_list("name", "id")
        )
        found.update((str(key), pk) for key, pk in created)
        _created_audit(inspector_ids=[pk for _, pk in created], ctx=ctx)
    return found


def _created_audit(*, inspector_ids: list[int], ctx: BulkContext) -> None:
    """One audit row per inspector an import created (its name — the 执法证号 when only that was given — unverified)."""
    d = dialect_for(connection)
    changes = d.json_object(
        [
            ("name", d.json_array_pair("NULL", "i.name", "text"), "json"),
            ("verified", d.json_array_pair("NULL", "i.verified", "bool"), "json"),
        ]
    )
    params = {"now": ctx.now, "actor": ctx.actor_id, "label": ctx.actor_label, "rid": ctx.request_id, "job": ctx.job_id}
    with connection.cursor() as cur:
        for chunk in _chunks([str(pk) for pk in inspector_ids]):
            sql = audit.bulk_insert_sql(
                d=d,
                action="'create'",
                object_type="'inspector'",
                object_id=d.to_text("i.id"),
                changes=changes,
                source=f"FROM {Inspector._meta.db_table} i WHERE i.id IN ({', '.join(chunk)}) ORDER BY i.id",
            )
            cur.execute(sql, params)


def _chunks(items: list[str], size: int = 900) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def inspection_bulk_upsert(*, frame: pl.DataFrame, ctx: BulkContext, department_code: str = "") -> UpsertResult:
    """Upsert inspections by (source, source id) with their inspectors, ledger entries and audit rows."""
    tokens = inspector_tokens(frame)
    ids = inspector_resolve(tokens=tokens["token"].unique().to_list(), department_code=department_code, ctx=ctx)
    id_map = pl.DataFrame(
        {"token": list(ids.keys()), "inspector_id": list(ids.values())},
        schema={"token": pl.Utf8, "inspector_id": pl.Int64},
    )
    links = tokens.join(id_map, on="token", how="inner").unique(["_row", "inspector_id"], maintain_order=True)
    per_row = links.group_by("_row", maintain_order=True).agg(pl.col("inspector_id").sort())
    frame = (
        frame.join(per_row, on="_row", how="left")
        .with_columns(
            pl.concat_str(
                pl.lit("["),
                pl.col("inspector_id").list.eval(pl.element().cast(pl.Utf8)).list.join(",").fill_null(""),
                pl.lit("]"),
            ).alias("inspector_ids"),
            pl.col("inspectors").alias("inspectors_text"),
        )
        .drop("inspector_id")
    )
    result = bulk_upsert(spec=INSPECTION_SPEC, frame=frame, **ctx.as_kwargs())
    _link_inspectors(links=links, frame=frame, ctx=ctx, result=result)
    return result


def _link_inspectors(*, links: pl.DataFrame, frame: pl.DataFrame, ctx: BulkContext, result: UpsertResult) -> None:
    """Write the inspection ↔ inspector links of new and changed inspections, set-based (uses stg_new/stg_chg)."""
    if not (result.new or result.updated):
        return
    through = InspectionInspector._meta.db_table
    pairs = links.join(frame.select("_row", "source_id"), on="_row").select("source_id", "inspector_id")
    touched = []
    if result.new:
        touched.append("SELECT record_id AS inspection_id, source_id FROM stg_new")
    if result.updated:
        touched.append("SELECT existing_id AS inspection_id, source_id FROM stg_chg")
    with connection.cursor() as cur:
        if result.updated:
            cur.execute(f"DELETE FROM {through} WHERE inspection_id IN (SELECT existing_id FROM stg_chg)")
        if pairs.height == 0:
            return
        stage_frame(cur, "stg_links", pairs, {"source_id": "text", "inspector_id": "int"}, index_on="source_id")
        cur.execute(
            f"""INSERT INTO {through} (inspection_id, inspector_id)
                SELECT r.inspection_id, l.inspector_id
                FROM ({" UNION ALL ".join(touched)}) r JOIN stg_links l ON l.source_id = r.source_id"""
        )
        cur.execute("DROP TABLE IF EXISTS stg_links")


# ── the inspector directory (执法检查人员名录库), kept by hand ───────────────────────────────────────────────────


def inspector_add(*, cert_no: str, name: str, department_code: str, actor: Any) -> Inspector:
    """Add an inspector by 执法证号, unverified; an entry an import created under that number gets the name.

    Verification is its own step (inspector_verify), by someone who has seen the certificate.
    """
    cert_no = cert_no.strip().upper()
    if not CERT_NO.match(cert_no):
        raise DomainError("inspections.bad_cert_no", _("执法证号须为6至40位字母或数字"), cert_no=cert_no)
    with transaction.atomic():
        inspector = Inspector.objects.select_for_update().filter(cert_no=cert_no).first()
        if inspector is not None and inspector.name not in (cert_no, name):
            raise ConflictError(
                "inspections.cert_no_taken", _("该执法证号已登记为%(name)s") % {"name": inspector.name}, cert_no=cert_no
            )
        before = {} if inspector is None else {"name": inspector.name, "department_code": inspector.department_code}
        after = {"name": name.strip(), "department_code": department_code.strip()}
        if inspector is not None and before == after:
            return inspector  # already registered so: nothing to change, nothing to audit
        inspector = inspector or Inspector(cert_no=cert_no)
        inspector.name, inspector.department_code = after["name"], after["department_code"]
        inspector.full_clean()
        inspector.save()
        audit.record(
            actor=actor,
            action="update" if before else "create",
            object_type="inspector",
            object_id=inspector.pk,
            changes=audit.diff(before, after),
        )
    return inspector


def inspector_verify(*, inspector: Inspector, name: str, actor: Any, note: str = "") -> Inspector:
    """Mark an inspector verified: the name on the 执法证 must be the one in the directory (only then can it be
    drawn or assigned)."""
    if not inspector.cert_no:
        raise DomainError("inspections.no_cert_no", _("没有执法证号的检查人员不能核实"))
    if name.strip() != inspector.name:
        raise DomainError(
            "inspections.name_mismatch",
            _("执法证上的姓名与名录不一致（名录：%(name)s）") % {"name": inspector.name},
            name=inspector.name,
        )
    with transaction.atomic():
        locked = Inspector.objects.select_for_update().get(pk=inspector.pk)
        if locked.verified:
            raise ConflictError("inspections.already_verified", _("该检查人员已核实"))
        locked.verified = True
        locked.full_clean()
        locked.save(update_fields=["verified", "updated_at"])
        audit.record(
            actor=actor,
            action="verify",
            object_type="inspector",
            object_id=locked.pk,
            changes={"verified": [False, True], "note": [None, note]},
        )
    return locked


def inspectors_add(*, rows: list[tuple[str, str]], department_code: str, actor: Any) -> list[Inspector]:
    """Add a list of inspectors (执法证号, name) at once, all or nothing (the first refused row stops it, its number
    in the error's context). Each is inspector_add, with its own audit row."""
    added = []
    with transaction.atomic():
        for line, (cert_no, name) in enumerate(rows, start=1):
            try:
                added.append(inspector_add(cert_no=cert_no, name=name, department_code=department_code, actor=actor))
            except DomainError as exc:
                raise type(exc)(
                    exc.code, _("第%(line)s行：%(message)s") % {"line": line, "message": exc.message}, line=line
                ) from exc
    return added
