"""The set-based ledger writer: `INSERT … SELECT` of entries and the supersession of corrected ones.

The bulk engine in core (the layer below credit) and risk's class changes append entries with it. Credit registers
it with the engine in `CreditConfig.ready`, so no lower layer names the ledger's table or columns.
"""

from foodcredit.core.bulk import EntriesSQL

from ..models import LedgerEntry

TABLE = LedgerEntry._meta.db_table


class LedgerBulkWriter:
    """SQL for appending ledger entries in bulk (the caller runs it with its parameters, in its transaction)."""

    def append_sql(self, entries: EntriesSQL) -> str:
        """`INSERT … SELECT` of `entries` (their expressions over the rows of their FROM clause)."""
        e = entries
        return f"""INSERT INTO {TABLE}
                     (operator_id, kind, occurred_on, ref_kind, ref_id, source_id, facts, recorded_at, job_id)
                   SELECT {e.operator_id}, {e.kind}, {e.occurred_on}, {e.ref_kind}, {e.ref_id}, {e.source_id}, {e.facts},
                          {e.recorded_at}, {e.job_id}
                   {e.source}"""

    def supersede_sql(self, *, ref_kind: str, ref_ids: str) -> str:
        """Supersede the entries of the records `ref_ids` (a SELECT of ids) by their newest entry of `ref_kind`."""
        newest = f"SELECT max(n.id) FROM {TABLE} n WHERE n.ref_kind = {TABLE}.ref_kind AND n.ref_id = {TABLE}.ref_id"
        return f"""UPDATE {TABLE} SET superseded_by_id = ({newest})
                   WHERE ref_kind = {ref_kind} AND superseded_by_id IS NULL
                     AND ref_id IN ({ref_ids}) AND id < ({newest})"""


ledger_bulk_writer = LedgerBulkWriter()
