"""Writes of the sharing app: an eligibility check is answered and logged (an audit row with the caller) in one step,
so that every door — the API for other approval systems, the office page for their staff — logs it the same way."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404

from foodcredit.core import audit
from foodcredit.core.crypto import person_hmac
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.rules import Measure
from foodcredit.operators import selectors as operator_selectors

from . import selectors


def eligibility_call_log(*, actor: Any, subject_type: str, subject_id: str, internal: bool, found: bool) -> None:
    """One audit row per eligibility call: who asked about whom, whether internal data was given."""
    audit.record(
        actor=actor,
        action="eligibility_check",
        object_type=subject_type,
        object_id=subject_id,
        changes={"internal": [None, internal], "found": [None, found]},
    )


@dataclass(frozen=True)
class OperatorEligibility:
    """The joint-punishment answer about an operator: its lists, the restrictions and facilitations with what its
    credit-risk class adds (never the score), its legal representative's bans, and internal data where allowed."""

    answer: Any  # credit.selectors.operator_eligibility's answer
    by_class: selectors.ClassMeasures
    internal: bool


def eligibility_operator_check(*, actor: Any, uscc: str, as_of: date) -> OperatorEligibility:
    """Answer and log a check of an operator by its USCC; Http404 (logged as not found) for an unknown code.

    A station's internal rights end at its streets: elsewhere it gets the public answer."""
    internal = selectors.eligibility_internal_allowed(for_user=actor)
    try:
        operator = operator_selectors.operator_get_public(uscc=uscc)
    except Http404:
        eligibility_call_log(
            actor=actor, subject_type="operator_uscc", subject_id=uscc[:64], internal=internal, found=False
        )
        raise
    internal = internal and selectors.eligibility_internal_allowed(for_user=actor, operator=operator)
    eligibility_call_log(
        actor=actor, subject_type="operator", subject_id=str(operator.pk), internal=internal, found=True
    )
    answer = credit_selectors.operator_eligibility(operator=operator, as_of=as_of, internal=internal)
    by_class = selectors.class_measures(
        operator_id=operator.pk, as_of=as_of, restrictions=answer.restrictions, facilitations=answer.facilitations
    )
    return OperatorEligibility(answer=answer, by_class=by_class, internal=internal)


def eligibility_person_check(*, actor: Any, id_number: str, as_of: date) -> list[Measure]:
    """Answer and log a check of a responsible person: bans in force, found by the keyed hash of the ID number (the
    number itself is neither stored nor logged)."""
    internal = selectors.eligibility_internal_allowed(for_user=actor)
    id_hash = person_hmac(id_number)
    bans = credit_selectors.person_bans_in_force(id_hash=id_hash, as_of=as_of)
    eligibility_call_log(actor=actor, subject_type="person", subject_id=id_hash, internal=internal, found=bool(bans))
    return bans
