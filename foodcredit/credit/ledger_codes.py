"""Typed columns of a ledger entry, computed by the database from its kind and facts (stored generated columns).

A risk feature pass reads 20 million entries; reading the outcome of each from its JSON facts costs more than the
scan. So the database keeps, on every entry, a small integer `signal` (what kind of entry and how it came out),
the first three inspectors of an inspection as integers and a licence's expiry as a number; the ledger's indexes
carry them (index-only scans). Generated columns are filled on every write path — the bulk engine, single appends, raw SQL —
so no code can forget them. `signal_of`, `inspectors_of` and `valid_until_of` say the same in Python; a test holds the two in step.
"""

import re
from enum import IntEnum
from typing import Any

# Kinds of failure of a sampling test (facts.failure_kind), in the order of their signal codes.
FAILURE_KINDS = [
    "microbial",
    "pesticide",
    "vet_drug",
    "additive",
    "heavy_metal",
    "mycotoxin",
    "quality",
    "contaminant",
    "other",
]
FAILURE_LABELS = {
    "microbial": "微生物",
    "pesticide": "农药残留",
    "vet_drug": "兽药残留",
    "additive": "食品添加剂",
    "heavy_metal": "重金属",
    "mycotoxin": "真菌毒素",
    "quality": "质量指标",
    "contaminant": "其他污染物",
    "other": "其他",
}
VERIFIED = ("true", "partly_true")
INSPECTOR_SLOTS = 3


class Signal(IntEnum):
    """What an entry says, as a number. The codes a risk feature pass counts lie in 1..FAIL_LAST; licence and penalty
    entries follow. A failed sample is FAIL_FIRST + the index of its failure kind in
    FAILURE_KINDS, or SAMPLE_FAIL when the kind is missing or unknown: every failed sample lies in
    [SAMPLE_FAIL, FAIL_LAST]."""

    OTHER = 0
    INSPECTION_CONFORM = 1
    INSPECTION_BASICALLY = 2
    INSPECTION_NONCONFORM = 3
    SAMPLE_PASS = 4
    COMPLAINT_VERIFIED = 5
    COMPLAINT_OTHER = 6
    SAMPLE_FAIL = 7
    LICENCE = 20
    PENALTY = 21


FAIL_FIRST = Signal.SAMPLE_FAIL + 1
FAIL_LAST = FAIL_FIRST + len(FAILURE_KINDS) - 1


def signal_of(kind: str, facts: dict[str, Any]) -> int:
    """The `signal` column of an entry, computed in Python (the same rule as the generated column)."""
    if kind == "inspection":
        results = {"nonconform": Signal.INSPECTION_NONCONFORM, "basically_conform": Signal.INSPECTION_BASICALLY}
        return results.get(_text(facts.get("result")) or "", Signal.INSPECTION_CONFORM)
    if kind == "sampling_test":
        if _text(facts.get("conclusion")) != "fail":
            return Signal.SAMPLE_PASS
        failure = _text(facts.get("failure_kind"))
        return FAIL_FIRST + FAILURE_KINDS.index(failure) if failure in FAILURE_KINDS else Signal.SAMPLE_FAIL
    if kind == "complaint":
        verified = _text(facts.get("verification")) in VERIFIED
        return Signal.COMPLAINT_VERIFIED if verified else Signal.COMPLAINT_OTHER
    return {"licence": Signal.LICENCE, "penalty": Signal.PENALTY}.get(kind, Signal.OTHER)


def inspectors_of(kind: str, facts: dict[str, Any]) -> list[int | None]:
    """The inspector columns of an entry: the first three ids of facts.inspector_ids that are whole numbers."""
    ids = facts.get("inspector_ids") if kind == "inspection" else None
    ids = ids if isinstance(ids, list) else []
    out: list[int | None] = []
    for k in range(INSPECTOR_SLOTS):
        value = ids[k] if k < len(ids) else None
        if isinstance(value, bool) or not isinstance(value, int | str):
            out.append(None)
        elif isinstance(value, int):
            out.append(value if 0 <= value < 10**15 else None)
        else:
            out.append(int(value) if value.isascii() and value.isdigit() and len(value) <= 15 else None)
    return out


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def valid_until_of(kind: str, facts: dict[str, Any]) -> int | None:
    """The `valid_until_ymd` column: a licence entry's expiry as the number YYYYMMDD (None if not an ISO date)."""
    value = facts.get("valid_until") if kind == "licence" else None
    return int(value.replace("-", "")) if isinstance(value, str) and _ISO_DAY.fullmatch(value) else None


VALID_UNTIL_SQL_POSTGRESQL = (
    "CASE WHEN kind = 'licence' AND jsonb_typeof(facts->'valid_until') = 'string'"
    " AND (facts->>'valid_until') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"
    " THEN CAST(replace(facts->>'valid_until', '-', '') AS integer) END"
)
VALID_UNTIL_SQL_SQLITE = (
    "CASE WHEN kind = 'licence' AND json_type(facts, '$.valid_until') = 'text'"
    " AND json_extract(facts, '$.valid_until') GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
    " THEN CAST(replace(json_extract(facts, '$.valid_until'), '-', '') AS INTEGER) END"
)


def _text(value: Any) -> str | None:
    """A facts value as the database's ->> / json_extract gives it for comparison with text."""
    return value if isinstance(value, str) else None


def _signal_sql(get: str) -> str:
    """The signal rule in SQL; `get` formats a facts key into an expression giving its text."""
    S = Signal
    fails = " ".join(f"WHEN '{k}' THEN {FAIL_FIRST + i}" for i, k in enumerate(FAILURE_KINDS))
    verified = ", ".join(f"'{v}'" for v in VERIFIED)
    return (
        "CASE kind"
        f" WHEN 'inspection' THEN CASE {get.format('result')} WHEN 'nonconform' THEN {int(S.INSPECTION_NONCONFORM)}"
        f" WHEN 'basically_conform' THEN {int(S.INSPECTION_BASICALLY)} ELSE {int(S.INSPECTION_CONFORM)} END"
        f" WHEN 'sampling_test' THEN CASE WHEN {get.format('conclusion')} = 'fail'"
        f" THEN CASE {get.format('failure_kind')} {fails} ELSE {int(S.SAMPLE_FAIL)} END ELSE {int(S.SAMPLE_PASS)} END"
        f" WHEN 'complaint' THEN CASE WHEN {get.format('verification')} IN ({verified}) THEN {int(S.COMPLAINT_VERIFIED)}"
        f" ELSE {int(S.COMPLAINT_OTHER)} END"
        f" WHEN 'licence' THEN {int(S.LICENCE)} WHEN 'penalty' THEN {int(S.PENALTY)} ELSE {int(S.OTHER)} END"
    )


# A text value of facts: PostgreSQL's jsonb_typeof keeps numbers and booleans out, as _text does.
SIGNAL_SQL_POSTGRESQL = _signal_sql("(CASE WHEN jsonb_typeof(facts->'{0}') = 'string' THEN facts->>'{0}' END)")
SIGNAL_SQL_SQLITE = _signal_sql("(CASE WHEN json_type(facts, '$.{0}') = 'text' THEN json_extract(facts, '$.{0}') END)")


def inspector_sql_postgresql(slot: int) -> str:
    value = f"(facts->'inspector_ids'->>{int(slot)})"
    kind = f"jsonb_typeof(facts->'inspector_ids'->{int(slot)})"
    return (
        f"CASE WHEN kind = 'inspection' AND jsonb_typeof(facts->'inspector_ids') = 'array'"
        f" AND {kind} IN ('number', 'string') AND {value} ~ '^[0-9]{{1,15}}$'"
        f" THEN CAST({value} AS bigint) END"
    )


def inspector_sql_sqlite(slot: int) -> str:
    path = f"'$.inspector_ids[{int(slot)}]'"
    value = f"json_extract(facts, {path})"
    return (
        f"CASE WHEN kind = 'inspection' AND json_type(facts, '$.inspector_ids') = 'array' AND ("
        f"(json_type(facts, {path}) = 'integer' AND {value} BETWEEN 0 AND 999999999999999)"
        f" OR (json_type(facts, {path}) = 'text' AND length({value}) BETWEEN 1 AND 15"
        f" AND {value} NOT GLOB '*[^0-9]*')) THEN CAST({value} AS INTEGER) END"
    )
