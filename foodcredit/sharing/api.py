"""The eligibility check (联合惩戒) for other approval and supervision systems. Every call is logged."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router
from ninja.errors import HttpError

from foodcredit.credit import rules

from . import selectors, services
from .schemas import (
    EligibilityOut,
    InternalOut,
    MeasureOut,
    PendingProposalOut,
    PersonEligibilityOut,
    PersonQueryIn,
)

router = Router(tags=["sharing"])


def _measures(measures: list[rules.Measure]) -> list[MeasureOut]:
    return [
        MeasureOut(code=m.code, label=selectors.measure_label(m.code), until=m.until, legal_basis=m.legal_basis)
        for m in measures
    ]


def _caller(request: HttpRequest) -> None:
    """403 for roles that may not ask."""
    if not selectors.eligibility_caller_allowed(for_user=request.user):
        raise HttpError(403, gettext("无权查询。"))


@router.post(
    "/eligibility/persons",
    response=PersonEligibilityOut,
    operation_id="eligibility_person",
    summary="从业禁止核查",
)
def eligibility_person(request: HttpRequest, payload: PersonQueryIn) -> PersonEligibilityOut:
    """Bans in force for a responsible person, by the keyed hash of the ID number sent in the body."""
    _caller(request)
    as_of = timezone.localdate()
    bans = services.eligibility_person_check(actor=request.user, id_number=payload.id_number, as_of=as_of)
    return PersonEligibilityOut(as_of=as_of, bans=_measures(bans))


# Declared after the persons route: the path converter would otherwise take "persons" for a USCC.
@router.get("/eligibility/{uscc}", response=EligibilityOut, operation_id="eligibility_get", summary="联合惩戒核查")
def eligibility_get(request: HttpRequest, uscc: str) -> EligibilityOut:
    """List memberships, restrictions with until-dates and legal bases, facilitations, the legal representative's
    bans, the current credit-risk class and what it implies (never its score); internal-only data for callers with
    the right. The call is logged with the caller, found or not."""
    _caller(request)
    as_of = timezone.localdate()
    checked = services.eligibility_operator_check(actor=request.user, uscc=uscc, as_of=as_of)
    answer, by_class = checked.answer, checked.by_class
    return EligibilityOut(
        uscc=answer.uscc,
        name=answer.name,
        as_of=as_of,
        lists=answer.lists,
        restrictions=_measures(by_class.restrictions),
        facilitations=_measures(by_class.facilitations),
        legal_rep_bans=_measures(answer.person_bans),
        risk_class=by_class.risk_class,
        risk_class_label=by_class.label,
        risk_class_as_of=by_class.as_of,
        risk_class_note=str(selectors.class_note(has_class=by_class.risk_class is not None)),
        internal=InternalOut(
            pending_proposals=[PendingProposalOut.from_orm(p) for p in answer.pending_proposals or []],
            open_repair_applications=answer.open_repair_applications or 0,
        )
        if checked.internal
        else None,
    )
