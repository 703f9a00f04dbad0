"""Credit-file API: an operator's timeline (internal or public) and the operator search for staff.

Thin: check the input shape, fetch through selectors (which own scoping), shape the response. Anything outside the
caller's scope answers 404, so that its existence does not leak.
"""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Query, Router, Status
from ninja.errors import HttpError

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.core.masking import mask_free_text
from foodcredit.operators import selectors as operator_selectors

from . import policy as credit_policy
from . import rules, selectors, services
from .models import CaseStudy, Commitment, ListEntry, RepairApplication
from .schemas import (
    AbnormalListIn,
    ApprovalIn,
    CaseStudyIn,
    CaseStudyOut,
    CommitmentIn,
    CommitmentOut,
    CommitmentVerifyIn,
    CreditFileFilter,
    CreditFileOut,
    DecisionIn,
    DropIn,
    EntryOut,
    ListEntryOut,
    OperatorListItemOut,
    OperatorOut,
    PenaltyRevocationIn,
    PenaltyRevocationOut,
    PersonBanIn,
    PersonBanOut,
    PublicOperatorOut,
    PublicProfileOut,
    RemovalIn,
    RepairDecisionIn,
    RepairIn,
    RepairOut,
    SeriousProposalIn,
)

router = Router(tags=["credit"])


@router.get(
    "/operators/{uscc}/credit-file",
    auth=None,
    response=CreditFileOut,
    operation_id="credit_file_get",
    summary="信用档案",
)
def credit_file_get(request: HttpRequest, uscc: str, filters: Query[CreditFileFilter]) -> CreditFileOut:
    """The public view for anyone; the internal view only for a logged-in reader whose scope holds the operator."""
    as_of = timezone.localdate()
    if filters.view == "internal":
        operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    else:
        operator = operator_selectors.operator_get_public(uscc=uscc)
    page = selectors.credit_file_page(
        operator=operator,
        view=filters.view,
        as_of=as_of,
        kinds=filters.kind,
        date_from=filters.date_from,
        date_to=filters.date_to,
        source=filters.source,
        cursor=filters.cursor,
        for_user=request.user,
    )
    card = selectors.credit_file_operator(operator=operator, view=filters.view)
    operator_out = OperatorOut.from_orm(card) if filters.view == "internal" else PublicOperatorOut.from_orm(card)
    return CreditFileOut(
        operator=operator_out,
        view=filters.view,
        entries=[EntryOut.from_orm(entry) for entry in page.entries],  # the allow-list of each entry (no id)
        next_cursor=page.next_cursor,
    )


@router.get(
    "/operators",
    response=list[OperatorListItemOut],
    operation_id="operator_search",
    summary="经营主体查询",
)
def operator_search(request: HttpRequest, q: str = "") -> list[OperatorListItemOut]:
    """Operators in the caller's scope whose name contains `q` or whose USCC starts with it (at most 20)."""
    found = operator_selectors.operator_search(query=q[:100], for_user=request.user)
    return [OperatorListItemOut.from_orm(operator) for operator in found]


@router.get(
    "/public/operators/{uscc}",
    auth=None,
    response=PublicProfileOut,
    operation_id="public_operator_get",
    summary="公示信息",
)
def public_operator_get(request: HttpRequest, uscc: str, cursor: str | None = None) -> PublicProfileOut:
    """Anonymous: the masked operator header, the listings in force that are disclosed, and the disclosed entries."""
    as_of = timezone.localdate()
    operator = operator_selectors.operator_get_public(uscc=uscc)
    page = selectors.credit_file_page(
        operator=operator, view="public", as_of=as_of, cursor=(cursor or "")[:200] or None
    )
    return PublicProfileOut(
        as_of=as_of,
        operator=PublicOperatorOut.from_orm(selectors.credit_file_operator(operator=operator, view="public")),
        lists=selectors.list_memberships(operator=operator, as_of=as_of, public=True),
        entries=[EntryOut.from_orm(entry) for entry in page.entries],
        next_cursor=page.next_cursor,
    )


# --- lists and repair (staff decide; business users apply) ----------------------------------------------------------


def _decider(request: HttpRequest, kind: str, *, refused: str = "") -> User:
    """A user whose role writes `kind` (the rules table of accounts.permissions, DOMAIN.md Part I §5); 403 for anyone
    else, with `refused` as the message when given. The service checks the operator's scope too."""
    user = request.user
    if not isinstance(user, User) or not permissions.can_write_kind(user, kind):
        raise HttpError(403, refused or gettext("无权进行此操作。"))
    return user


def _idempotency_key(request: HttpRequest) -> str:
    """The client's Idempotency-Key header ("" without one): a retried write returns its first result."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise DomainError("request.bad_idempotency_key", gettext("幂等键不得超过100个字符。"))
    return key


def _repair_out(application: RepairApplication) -> RepairOut:
    today = timezone.localdate()
    values: dict[str, Any] = {f: getattr(application, f, None) for f in RepairOut.model_fields}
    values.update(
        uscc=application.operator.uscc,
        status_label=gettext(application.get_status_display()),
        refusal_message=selectors.repair_refusal_message(application.refusal_rule),
        overdue=selectors.repair_overdue(application, as_of=today),
    )
    return RepairOut(**values)


@router.get("/lists", response=list[ListEntryOut], operation_id="list_entry_list", summary="名录名单记录")
def list_entry_list(request: HttpRequest, uscc: str | None = None) -> list[ListEntry]:
    """Listings of the operators in scope (at most 200), optionally of one operator."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user) if uscc else None
    return list(selectors.list_entries(for_user=request.user, operator=operator)[:200])


@router.post("/lists/abnormal", response={201: ListEntryOut}, operation_id="abnormal_list_add")
def abnormal_list_add(request: HttpRequest, payload: AbnormalListIn) -> Status:
    """List an operator on the 经营异常名录."""
    actor = _decider(request, permissions.LIST_ENTRIES)
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=actor)
    entry = services.abnormal_list_add(operator=operator, actor=actor, **payload.dict(exclude={"uscc"}))
    return Status(201, entry)


@router.post("/lists/serious/proposals", response={201: ListEntryOut}, operation_id="serious_list_propose")
def serious_list_propose(request: HttpRequest, payload: SeriousProposalIn) -> Status:
    """Record the serious-list judgment on a penalty and the notice of the party's rights."""
    actor = _decider(request, permissions.LIST_ENTRIES)
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=actor)
    penalty = selectors.penalty_entry_by_decision_no(operator=operator, decision_no=payload.penalty_decision_no)
    if penalty is None:
        raise DomainError("list.no_such_penalty", gettext("未找到该行政处罚。"))
    entry = services.serious_list_propose(
        operator=operator,
        penalty_entry=penalty,
        actor=actor,
        penalty_decision_no=payload.penalty_decision_no,
        **payload.dict(exclude={"uscc", "penalty_decision_no"}),
    )
    return Status(201, entry)


@router.post("/lists/{entry_id}/approve", response=ListEntryOut, operation_id="serious_list_approve")
def serious_list_approve(request: HttpRequest, entry_id: int, payload: ApprovalIn) -> ListEntry:
    """Record the upper level's approval."""
    actor = _decider(request, permissions.LIST_ENTRIES)
    entry = selectors.list_entry_get(pk=entry_id, for_user=actor)
    return services.serious_list_approve(entry=entry, actor=actor, **payload.dict())


@router.post("/lists/{entry_id}/decide", response=ListEntryOut, operation_id="serious_list_decide")
def serious_list_decide(request: HttpRequest, entry_id: int, payload: DecisionIn) -> ListEntry:
    """Decide a proposed serious listing."""
    actor = _decider(request, permissions.LIST_ENTRIES)
    entry = selectors.list_entry_get(pk=entry_id, for_user=actor)
    return services.serious_list_decide(entry=entry, actor=actor, **payload.dict())


@router.post("/lists/{entry_id}/drop", response=ListEntryOut, operation_id="serious_list_drop")
def serious_list_drop(request: HttpRequest, entry_id: int, payload: DropIn) -> ListEntry:
    """Drop a proposal: the party is not listed."""
    actor = _decider(request, permissions.LIST_ENTRIES)
    entry = selectors.list_entry_get(pk=entry_id, for_user=actor)
    return services.serious_list_drop(entry=entry, actor=actor, **payload.dict())


@router.post("/lists/{entry_id}/remove", response=ListEntryOut, operation_id="list_remove")
def list_remove(request: HttpRequest, entry_id: int, payload: RemovalIn) -> ListEntry:
    """Remove a listing (repair removes through a repair decision)."""
    actor = _decider(request, permissions.LIST_ENTRIES)
    entry = selectors.list_entry_get(pk=entry_id, for_user=actor)
    return services.list_remove(entry=entry, actor=actor, **payload.dict())


@router.post("/repair-applications", response={200: RepairOut, 201: RepairOut}, operation_id="repair_submit")
def repair_submit(request: HttpRequest, payload: RepairIn) -> Status:
    """A business user applies for its own operator; an ineligible application is refused at once, with the rule and
    the date it becomes eligible (status "refused"). A second open application for the same record answers 409; a
    repeated `Idempotency-Key` header answers 200 with the first application."""
    user = _decider(request, permissions.REPAIR_APPLICATIONS, refused=gettext("只有企业用户可以申请信用修复。"))
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=user)
    penalty = list_entry = None
    if payload.target == RepairApplication.Target.PENALTY:
        penalty = selectors.penalty_entry_by_decision_no(
            operator=operator, decision_no=payload.penalty_decision_no or ""
        )
        if penalty is None:
            raise Http404("penalty not found")
    else:
        list_entry = selectors.list_entry_current(operator=operator, list_kind=payload.target)
    key = _idempotency_key(request)
    replayed = bool(key) and selectors.repair_by_idempotency_key(applicant=user, key=key) is not None
    application = services.repair_submit(
        operator=operator,
        target=payload.target,
        commitment=payload.commitment,
        evidence=payload.evidence,
        submitted_on=timezone.localdate(),
        actor=user,
        penalty_entry=penalty,
        list_entry=list_entry,
        idempotency_key=key,
    )
    return Status(200 if replayed else 201, _repair_out(application))


@router.get("/repair-applications", response=list[RepairOut], operation_id="repair_list")
def repair_list(request: HttpRequest) -> list[RepairOut]:
    """Applications of the operators in scope (at most 200), newest first."""
    return [_repair_out(a) for a in selectors.repair_applications(for_user=request.user)[:200]]


@router.get("/repair-applications/{application_id}", response=RepairOut, operation_id="repair_get")
def repair_get(request: HttpRequest, application_id: int) -> RepairOut:
    """One application in scope."""
    return _repair_out(selectors.repair_application_get(pk=application_id, for_user=request.user))


@router.post("/repair-applications/{application_id}/accept", response=RepairOut, operation_id="repair_accept")
def repair_accept(request: HttpRequest, application_id: int) -> RepairOut:
    """Accept an application today."""
    actor = _decider(request, permissions.REPAIR_DECISIONS)
    application = selectors.repair_application_get(pk=application_id, for_user=actor)
    return _repair_out(services.repair_accept(application=application, accepted_on=timezone.localdate(), actor=actor))


@router.post("/repair-applications/{application_id}/decide", response=RepairOut, operation_id="repair_decide")
def repair_decide(request: HttpRequest, application_id: int, payload: RepairDecisionIn) -> RepairOut:
    """Grant or deny today after review."""
    actor = _decider(request, permissions.REPAIR_DECISIONS)
    application = selectors.repair_application_get(pk=application_id, for_user=actor)
    decided = services.repair_decide(
        application=application,
        granted=payload.granted,
        note=payload.note,
        decided_on=timezone.localdate(),
        actor=actor,
    )
    return _repair_out(decided)


# --- commitments, person bans, typical cases --------------------------------------------------------------------------


@router.post("/commitments", response={200: CommitmentOut, 201: CommitmentOut}, operation_id="commitment_record")
def commitment_record(request: HttpRequest, payload: CommitmentIn) -> Status:
    """A business user records a commitment for its own operator; it is shown publicly."""
    user = _decider(request, permissions.COMMITMENTS, refused=gettext("只有企业用户可以作出承诺。"))
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=user)
    key = _idempotency_key(request)
    replayed = bool(key) and selectors.commitment_by_idempotency_key(user=user, key=key) is not None
    commitment = services.commitment_record(
        operator=operator,
        kind=payload.kind,
        made_on=timezone.localdate(),
        text=payload.text,
        actor=user,
        idempotency_key=key,
    )
    return Status(200 if replayed else 201, commitment)


@router.get("/commitments", response=list[CommitmentOut], operation_id="commitment_list")
def commitment_list(request: HttpRequest, uscc: str | None = None) -> list[Commitment]:
    """Commitments of the operators in scope (at most 200)."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user) if uscc else None
    return list(selectors.commitments(for_user=request.user, operator=operator)[:200])


@router.post("/commitments/{commitment_id}/verify", response=CommitmentOut, operation_id="commitment_verify")
def commitment_verify(request: HttpRequest, commitment_id: int, payload: CommitmentVerifyIn) -> Commitment:
    """Record today's verification; a false commitment is filed in the credit file and disclosed."""
    actor = _decider(request, permissions.COMMITMENT_VERIFICATIONS)
    commitment = selectors.commitment_get(pk=commitment_id, for_user=actor)
    return services.commitment_verify(
        commitment=commitment,
        verification=payload.verification,
        verified_on=timezone.localdate(),
        note=payload.note,
        actor=actor,
    )


@router.post("/person-bans", response={201: PersonBanOut}, operation_id="person_ban_record")
def person_ban_record(request: HttpRequest, payload: PersonBanIn) -> Status:
    """Record a 行业禁入; the ID number is hashed and never stored or echoed."""
    actor = _decider(request, permissions.PERSON_BANS)
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=actor) if payload.uscc else None
    ban = services.person_ban_record(operator=operator, actor=actor, **payload.dict(exclude={"uscc"}))
    return Status(201, ban)


def _case_out(case: CaseStudy) -> CaseStudyOut:
    # A case is written to be published: its free text is masked as the public sees it (DOMAIN.md Part I §4).
    return CaseStudyOut(
        id=case.pk,
        title=mask_free_text(case.title),
        body=mask_free_text(case.body),
        exposure=mask_free_text(case.exposure),
        operator_name=case.operator.name if case.operator else None,
        operator_uscc=case.operator.uscc if case.operator else None,
        penalty_decision_no=case.penalty_decision_no,
        published_on=case.published_on,
    )


@router.get("/public/cases", auth=None, response=list[CaseStudyOut], operation_id="case_study_list_public")
def case_study_list_public(request: HttpRequest) -> list[CaseStudyOut]:
    """Published typical cases (典型案例), newest first (at most 100)."""
    return [_case_out(c) for c in selectors.case_studies_public()[:100]]


@router.post("/cases", response={201: CaseStudyOut}, operation_id="case_study_publish")
def case_study_publish(request: HttpRequest, payload: CaseStudyIn) -> Status:
    """Publish a typical case today."""
    actor = _decider(request, permissions.TYPICAL_CASES)
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=actor) if payload.uscc else None
    case = services.case_study_publish(
        operator=operator, published_on=timezone.localdate(), actor=actor, **payload.dict(exclude={"uscc"})
    )
    return Status(201, _case_out(case))


@router.post("/cases/{case_id}/withdraw", response=CaseStudyOut, operation_id="case_study_withdraw")
def case_study_withdraw(request: HttpRequest, case_id: int) -> CaseStudyOut:
    """Withdraw a published case from public view."""
    actor = _decider(request, permissions.TYPICAL_CASES)
    return _case_out(services.case_study_withdraw(case=selectors.case_study_get(pk=case_id), actor=actor))


@router.post("/penalty-revocations", response=PenaltyRevocationOut, operation_id="penalty_revocation_file")
def penalty_revocation_file(request: HttpRequest, payload: PenaltyRevocationIn) -> PenaltyRevocationOut:
    """File a revoked penalty decision: it leaves public view and the listings resting on it are reversed."""
    actor = _decider(request, permissions.PENALTY_REVOCATIONS)
    operator = operator_selectors.operator_get(uscc=payload.uscc, for_user=actor)
    penalty = selectors.penalty_entry_by_decision_no(operator=operator, decision_no=payload.penalty_decision_no)
    if penalty is None:
        raise Http404("penalty not found")
    entry = services.penalty_revocation_file(penalty_entry=penalty, revoked_on=payload.revoked_on, actor=actor)
    return PenaltyRevocationOut(
        revoked_on=payload.revoked_on,
        withdraw_by=rules.penalty_withdraw_by(entry.facts, credit_policy.disclosure_policy()),
    )
