"""Writes of the credit domain: the ledger, the lists, credit repair. Import from here."""

from .commitments import (
    case_study_publish,
    case_study_withdraw,
    commitment_record,
    commitment_verify,
    person_ban_record,
)
from .holds import disclosure_hold_remove, disclosure_hold_set
from .ledger import entries_announce, entries_supersede_many, entry_append
from .lists import (
    abnormal_list_add,
    list_remove,
    serious_list_approve,
    serious_list_decide,
    serious_list_drop,
    serious_list_propose,
)
from .lists_lifecycle import abnormal_escalation_notices, abnormal_list_escalate, lists_expire, penalty_revocation_file
from .repair import repair_accept, repair_check, repair_decide, repair_submit

__all__ = [
    "abnormal_escalation_notices",
    "abnormal_list_add",
    "abnormal_list_escalate",
    "case_study_publish",
    "case_study_withdraw",
    "commitment_record",
    "commitment_verify",
    "disclosure_hold_remove",
    "disclosure_hold_set",
    "entries_announce",
    "entries_supersede_many",
    "entry_append",
    "list_remove",
    "lists_expire",
    "penalty_revocation_file",
    "person_ban_record",
    "repair_accept",
    "repair_check",
    "repair_decide",
    "repair_submit",
    "serious_list_approve",
    "serious_list_decide",
    "serious_list_drop",
    "serious_list_propose",
]
