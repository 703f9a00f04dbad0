"""What the bulk engine is handed: a record kind's RecordSpec, the BulkContext of a write, the UpsertResult it
returns, and the ledger writer and operator table the layers above register in their `AppConfig.ready`."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class EntriesSQL:
    """Ledger entries to append, one per row of `source` (a FROM … clause): each field an SQL expression over it."""

    operator_id: str
    kind: str
    occurred_on: str
    ref_kind: str
    ref_id: str
    facts: str
    recorded_at: str
    source: str
    source_id: str = "NULL"
    job_id: str = "NULL"


class LedgerWriter(Protocol):
    """Appends ledger entries set-based (credit's `LedgerBulkWriter`)."""

    def append_sql(self, entries: EntriesSQL) -> str: ...

    def supersede_sql(self, *, ref_kind: str, ref_ids: str) -> str: ...


@dataclass
class _Registered:
    ledger: LedgerWriter | None = None
    operator_table: str = ""


_registered = _Registered()


def ledger_writer_register(writer: LedgerWriter) -> None:
    """Credit hands the engine its ledger writer (CreditConfig.ready)."""
    _registered.ledger = writer


def operator_table_register(*, table: str) -> None:
    """Operators hands the engine the table that records are attributed to by USCC (OperatorsConfig.ready)."""
    _registered.operator_table = table


def _ledger() -> LedgerWriter:
    if _registered.ledger is None:
        raise RuntimeError("no ledger writer registered: is foodcredit.credit in INSTALLED_APPS?")
    return _registered.ledger


@dataclass(frozen=True)
class RecordSpec:
    """How one record kind is stored: its table, identity, compared fields and ledger facts."""

    ref_kind: str
    ledger_kind: str
    table: str
    key: str  # the identity column in the table (natural key, or source_ref scoped by source)
    frame_key: str  # the same identity's column in the incoming frame
    natural_key: bool  # True: unique across sources, provenance rows kept; False: (source_id, key)
    fields: dict[str, str]  # record column -> type (text, date, bool, decimal, json, int)
    occurred_field: str
    facts: dict[str, str]  # fact name -> staged column (a record field or an extra staged column)
    extra: dict[str, str] = field(default_factory=dict)  # staged-only columns -> type (e.g. inspector_ids)
    is_operator: bool = False  # the record is the operator itself (registration)
    # Columns written with the record but neither compared nor audited: ciphertexts (a fresh nonce each time), whose
    # blind index in `fields` tells whether the value changed (SECURITY.md E2).
    sealed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkContext:
    """Who and what a bulk write runs for: passed from collection to every record domain's bulk service."""

    source_id: int
    source_precedence: int
    actor_id: int | None
    actor_label: str
    job_id: int | None
    request_id: str
    now: datetime

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "source_precedence": self.source_precedence,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "job_id": self.job_id,
            "request_id": self.request_id,
            "now": self.now,
        }


@dataclass
class UpsertResult:
    """What one bulk upsert did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    queued: list[dict[str, Any]] = field(default_factory=list)  # rows whose operator is unknown
    operator_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
