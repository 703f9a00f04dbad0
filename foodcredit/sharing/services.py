"""Writes of the sharing app: the log of every eligibility call (an audit row with the caller)."""

from typing import Any

from foodcredit.core import audit


def eligibility_call_log(*, actor: Any, subject_type: str, subject_id: str, internal: bool, found: bool) -> None:
    """One audit row per eligibility call: who asked about whom, whether internal data was given."""
    audit.record(
        actor=actor,
        action="eligibility_check",
        object_type=subject_type,
        object_id=subject_id,
        changes={"internal": [None, internal], "found": [None, found]},
    )
