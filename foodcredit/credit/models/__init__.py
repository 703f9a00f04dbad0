"""The credit domain's models: the ledger (ledger.py), the lists and repair (lists.py), commitments, bans, typical
cases and 不予公示 holds (commitments.py)."""

from .commitments import CaseStudy, Commitment, DisclosureHold, PersonBan
from .ledger import LedgerEntry
from .lists import ListEntry, RepairApplication

__all__ = ["CaseStudy", "Commitment", "DisclosureHold", "LedgerEntry", "ListEntry", "PersonBan", "RepairApplication"]
