"""Set-based upsert of records with their ledger entries and audit rows, in the caller's transaction.

One engine serves every record domain (their `*_bulk_upsert` services describe their table with a RecordSpec):
stage the rows (COPY on PostgreSQL, executemany on SQLite), resolve operators and existing records with joins,
then INSERT … SELECT new records, UPDATE changed ones, append ledger entries (superseding the corrected ones)
and write one audit row per created or changed record — never a per-row service in a loop (STYLE.md rule 5).

It lives in core because every record domain (operators included) uses it. The layers above hand it what it may
not name: credit registers its ledger writer and operators the table records are attributed to, in their
`AppConfig.ready` (`ledger_writer_register`, `operator_table_register`).

spec: what the engine is handed and returns, and the registrations · staging: rows into a temporary table ·
upsert: the engine.
"""

from .spec import (
    BulkContext,
    EntriesSQL,
    LedgerWriter,
    RecordSpec,
    UpsertResult,
    ledger_writer_register,
    operator_table_register,
)
from .staging import stage_frame
from .upsert import PROVENANCE_TABLE, bulk_upsert

__all__ = [
    "PROVENANCE_TABLE",
    "BulkContext",
    "EntriesSQL",
    "LedgerWriter",
    "RecordSpec",
    "UpsertResult",
    "bulk_upsert",
    "ledger_writer_register",
    "operator_table_register",
    "stage_frame",
]
