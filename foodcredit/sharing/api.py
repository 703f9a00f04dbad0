"""The eligibility check (联合惩戒) for other approval and supervision systems. Every call is logged."""

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router
from ninja.errors import HttpError

from foodcredit.core.crypto import person_hmac
from foodcredit.credit import rules
from foodcredit.credit import selectors as credit_selectors
from foodcredit.operators import selectors as operator_selectors

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


def _caller(request: HttpRequest) -> bool:
    """403 for roles that may not ask; True when the caller gets internal-only data."""
    if not selectors.eligibility_caller_allowed(for_user=request.user):
        raise HttpError(403, gettext("无权查询。 / Not allowed."))
    return selectors.eligibility_internal_allowed(for_user=request.user)


@router.post(
    "/eligibility/persons",
    response=PersonEligibilityOut,
    operation_id="eligibility_person",
    summary="从业禁止核查 / Person bans",
)
def eligibility_person(request: HttpRequest, payload: PersonQueryIn) -> PersonEligibilityOut:
    """Bans in force for a responsible person, by the keyed hash of the ID number sent in the body."""
    internal = _caller(request)
    id_hash = person_hmac(payload.id_number)
    bans = credit_selectors.person_bans_in_force(id_hash=id_hash, as_of=timezone.localdate())
    services.eligibility_call_log(
        actor=request.user, subject_type="person", subject_id=id_hash, internal=internal, found=bool(bans)
    )
    return PersonEligibilityOut(as_of=timezone.localdate(), bans=_measures(bans))


# Declared after the persons route: the path converter would otherwise take "persons" for a USCC.
@router.get(
    "/eligibility/{uscc}", response=EligibilityOut, operation_id="eligibility_get", summary="联合惩戒核查 / Eligibility"
)
def eligibility_get(request: HttpRequest, uscc: str) -> EligibilityOut:
    """List memberships, restrictions with until-dates and legal bases, facilitations, the legal representative's
    bans, the current credit-risk class and what it implies (never its score); internal-only data for callers with
    the right. The call is logged with the caller, found or not."""
    internal = _caller(request)
    as_of = timezone.localdate()
    try:
        operator = operator_selectors.operator_get_public(uscc=uscc)
    except Http404:
        services.eligibility_call_log(
            actor=request.user, subject_type="operator_uscc", subject_id=uscc[:64], internal=internal, found=False
        )
        raise
    # A station's internal rights end at its streets: elsewhere it gets the public answer.
    internal = internal and selectors.eligibility_internal_allowed(for_user=request.user, operator=operator)
    services.eligibility_call_log(
        actor=request.user, subject_type="operator", subject_id=str(operator.pk), internal=internal, found=True
    )
    answer = credit_selectors.operator_eligibility(operator=operator, as_of=as_of, internal=internal)
    by_class = selectors.class_measures(
        operator_id=operator.pk, as_of=as_of, restrictions=answer.restrictions, facilitations=answer.facilitations
    )
    return EligibilityOut(
        uscc=answer.uscc,
        name=answer.name,
        as_of=as_of,
        lists=answer.lists,  # type: ignore[arg-type]
        restrictions=_measures(by_class.restrictions),
        facilitations=_measures(by_class.facilitations),
        legal_rep_bans=_measures(answer.person_bans),
        risk_class=by_class.risk_class,
        risk_class_label=by_class.label,
        risk_class_as_of=by_class.as_of,
        risk_class_note=gettext(
            "信用风险分类结果用于配置监管资源和办理许可，不是信用评价。 / The risk class allocates supervision and guides "
            "licence handling; it is not a credit rating."
        )
        if by_class.risk_class
        else gettext("该经营主体尚未进行信用风险分类。 / The operator has not been classified yet."),
        internal=InternalOut(
            pending_proposals=[PendingProposalOut.from_orm(p) for p in answer.pending_proposals or []],
            open_repair_applications=answer.open_repair_applications or 0,
        )
        if internal
        else None,
    )
