"""Writes for penalties and the violation-type code table."""

from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.bulk import BulkContext, RecordSpec, UpsertResult, bulk_upsert
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.models import Source
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import LedgerEntry

from .models import Penalty, ViolationMapping, ViolationType

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


# --- the violation-type code table (DOMAIN.md II §1.2): types, listable flags, source texts mapped to codes -----------


def _type_changes(vt: ViolationType, values: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [getattr(vt, k), v] for k, v in values.items() if getattr(vt, k) != v}


@transaction.atomic
def violation_type_define(
    *,
    code: str,
    name: str,
    legal_basis: str,
    listable_serious: bool,
    listing_basis: str,
    provisional: bool = False,
    actor: Any,
) -> ViolationType:
    """Define a violation type, or change one (by code). A listable type names its article of 总局令第44号; changing
    the listable flag re-files every penalty already classified under the type, so the serious-list candidates follow.
    """
    code, name = code.strip().upper(), name.strip()
    if not code or not name:
        raise DomainError("violation.code_and_name", _("请填写编码和违法行为类型名称。"))
    if code == ViolationType.UNCLASSIFIED:
        raise DomainError("violation.reserved_code", _("“未分类”是保留编码，不能定义。"), type_code=code)
    if listable_serious and not listing_basis.strip():
        raise DomainError(
            "violation.listing_basis_required",
            _("可列入严重违法失信名单的类型须写明列入依据（总局令第44号的条款）。"),
            type_code=code,
        )
    values = {
        "name": name,
        "legal_basis": legal_basis.strip(),
        "listable_serious": listable_serious,
        "listing_basis": listing_basis.strip() if listable_serious else "",
        "provisional": provisional,
    }
    vt = ViolationType.objects.select_for_update().filter(code=code).first()
    if vt is None:
        vt = ViolationType(code=code, **values)
        changes: dict[str, Any] = {"code": [None, code], **{k: [None, v] for k, v in values.items()}}
        action = "create"
    else:
        changes = _type_changes(vt, values)
        for key, value in values.items():
            setattr(vt, key, value)
        action = "update"
    if not changes:
        return vt
    if ViolationType.objects.filter(name=name).exclude(code=code).exists():
        raise ConflictError("violation.name_taken", _("已有同名的违法行为类型。"), name=name)
    vt.full_clean()
    vt.save()
    audit.record(actor=actor, action=action, object_type="violation_type", object_id=vt.code, changes=changes)
    if action == "update" and "listable_serious" in changes:
        _penalties_refile(Penalty.objects.filter(violation_type=vt), actor=actor)
    return vt


@transaction.atomic
def violation_mapping_save(*, source: Source, text: str, violation_type: ViolationType, actor: Any) -> int:
    """Map a source's own violation text to a type, and classify every penalty of that source with that text (their
    ledger entries are re-filed with the type's code and listable flag). Returns how many penalties changed type."""
    text = text.strip()
    if not text:
        raise DomainError("violation.text_required", _("请填写来源系统的违法行为原文。"))
    if violation_type.code == ViolationType.UNCLASSIFIED:
        raise DomainError("violation.map_to_unclassified", _("请选择一个违法行为类型，而不是“未分类”。"))
    mapping = ViolationMapping.objects.select_for_update().filter(source=source, text=text).first()
    before = mapping.violation_type.code if mapping is not None else None
    if mapping is None:
        mapping = ViolationMapping(source=source, text=text, violation_type=violation_type)
    mapping.violation_type = violation_type
    mapping.full_clean(validate_constraints=False)
    mapping.save()
    if before != violation_type.code:
        audit.record(
            actor=actor,
            action="map",
            object_type="violation_mapping",
            object_id=mapping.pk,
            changes={"source": [None, source.name], "text": [None, text], "code": [before, violation_type.code]},
        )
    changed = Penalty.objects.filter(source=source, violation=text).exclude(violation_type=violation_type)
    return _penalties_refile(changed, violation_type=violation_type, actor=actor)


def _penalties_refile(penalties: Any, *, actor: Any, violation_type: ViolationType | None = None) -> int:
    """Give penalties their (new) type and append superseding ledger entries with the type's code and listable flag.

    The current entry's other facts (a revocation, a repair) are kept: only the classification changes. Set-based:
    one UPDATE of the penalties, the new entries in batches, one audit row per penalty (a text can stand for
    thousands of penalties at city scale, and this runs while an officer waits on the queue page).
    """
    rows = list(penalties.values_list("pk", "violation_type_id"))
    if not rows:
        return 0
    types = {vt.pk: vt for vt in ViolationType.objects.all()}  # a code table: tens of rows
    ids = [pk for pk, _type_id in rows]
    if violation_type is not None:
        for start in range(0, len(ids), 500):
            Penalty.objects.filter(pk__in=ids[start : start + 500]).update(
                violation_type=violation_type, updated_at=timezone.now()
            )
    current = credit_selectors.ledger_entries_current(ref_kind="penalty", ref_ids=ids)
    corrections = []
    for pk, type_id in rows:
        vt = violation_type or types[type_id]
        entry = current.get(pk)
        facts = dict(entry.facts) if entry is not None else {}
        old = (types[type_id].code, facts.get("listable_serious"))
        if entry is not None and (facts.get("violation_code"), facts.get("listable_serious")) != (
            vt.code,
            vt.listable_serious,
        ):
            corrections.append(
                LedgerEntry(
                    operator_id=entry.operator_id,
                    kind=entry.kind,
                    occurred_on=entry.occurred_on,
                    ref_kind="penalty",
                    ref_id=pk,
                    source_id=entry.source_id,
                    job_id=None,
                    facts={**facts, "violation_code": vt.code, "listable_serious": vt.listable_serious},
                )
            )
        audit.record(
            actor=actor,
            action="classify",
            object_type="penalty",
            object_id=pk,
            changes={"violation_code": [old[0], vt.code], "listable_serious": [old[1], vt.listable_serious]},
        )
    credit_services.entries_supersede_many(corrections=corrections)
    return len(rows)


VIOLATION_TABLE_COLUMNS = ("编码", "违法行为类型", "违法条款", "可列入严重违法失信名单", "列入依据", "待核对")
_YES = {"是", "true", "1", "y", "yes"}


@transaction.atomic
def violation_types_load(*, rows: list[dict[str, str]], actor: Any) -> list[ViolationType]:
    """Define or update every type of a code table (rows keyed by VIOLATION_TABLE_COLUMNS); all or nothing."""
    loaded = []
    for number, row in enumerate(rows, start=2):
        missing = [c for c in VIOLATION_TABLE_COLUMNS[:4] if c not in row]
        if missing:
            raise DomainError("violation.table_columns", _("代码表缺少列：%(cols)s") % {"cols": "、".join(missing)})
        try:
            loaded.append(
                violation_type_define(
                    code=row["编码"],
                    name=row["违法行为类型"],
                    legal_basis=row.get("违法条款", ""),
                    listable_serious=row["可列入严重违法失信名单"].strip().lower() in _YES,
                    listing_basis=row.get("列入依据", ""),
                    provisional=row.get("待核对", "").strip().lower() in _YES,
                    actor=actor,
                )
            )
        except DomainError as exc:
            exc.context["row"] = number
            raise
    return loaded


@transaction.atomic
def violation_mappings_load(*, rows: list[dict[str, str]], actor: Any) -> int:
    """Map source texts to codes from rows with 来源系统, 原文, 编码 (sources and codes must exist); returns how many
    penalties changed type."""
    changed = 0
    for number, row in enumerate(rows, start=2):
        source = Source.objects.filter(name=row.get("来源系统", "").strip()).first()
        vt = ViolationType.objects.filter(code=row.get("编码", "").strip().upper()).first()
        if source is None or vt is None:
            raise DomainError(
                "violation.mapping_unknown", _("第%(row)s行：来源系统或编码不存在。") % {"row": number}, row=number
            )
        changed += violation_mapping_save(source=source, text=row.get("原文", ""), violation_type=vt, actor=actor)
    return changed
