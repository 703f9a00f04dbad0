"""Input and output shapes of the credit-file API. Public outputs are allow-lists (SECURITY.md B3)."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from .models import LedgerEntry

# Where a selector's shape is the output's, the output declares the selector's dataclass instead of a twin.
from .selectors.credit_file_text import WindowDisplay  # a disclosure window (internal view only)
from .selectors.lists import ListMembership  # a listing in force


class CreditFileFilter(Schema):
    """Query parameters of the credit file: the view, filters and the keyset cursor."""

    view: Literal["internal", "public"] = "public"
    kind: list[LedgerEntry.Kind] | None = Field(None, description="entry kinds; repeat the parameter for several")
    date_from: date | None = None
    date_to: date | None = None
    source: str | None = Field(None, max_length=100, description="source system name")
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the previous page")


class EntryOut(Schema):
    """One timeline entry; `windows` is null in the public view."""

    kind: str
    kind_label: str
    occurred_on: date
    summary: str
    detail: str
    source: str | None
    windows: list[WindowDisplay] | None


class LicenceOut(Schema):
    """A food licence in the operator header."""

    number: str
    kind_label: str
    issued_on: date
    valid_until: date
    status_label: str


class PublicOperatorOut(Schema):
    """The operator as the public sees it: registration data; personal data masked (DOMAIN.md Part I §4)."""

    uscc: str
    name: str
    legal_rep: str
    phone: str
    address: str
    street: str
    sector_label: str
    business_type: str
    status_label: str
    registered_on: date
    licences: list[LicenceOut]


class OperatorOut(PublicOperatorOut):
    """The operator for internal readers."""

    sector: str
    status: str
    new_business_form: bool


class CreditFileOut(Schema):
    """A page of an operator's credit file."""

    operator: OperatorOut | PublicOperatorOut
    view: Literal["internal", "public"]
    entries: list[EntryOut]
    next_cursor: str | None


class OperatorListItemOut(Schema):
    """An operator in search results."""

    uscc: str
    name: str
    street: str
    sector: str
    status: str


class PublicProfileOut(Schema):
    """What is disclosable about an operator today, masked (DOMAIN.md Part I §4, §6)."""

    as_of: date
    operator: PublicOperatorOut
    lists: list[ListMembership]
    entries: list[EntryOut]
    next_cursor: str | None


class AbnormalListIn(Schema):
    """Listing on the 经营异常名录."""

    uscc: str = Field(..., max_length=18)
    cause: Literal["annual_report", "instant_info", "false_info", "unreachable"]
    legal_basis: str = Field(..., min_length=1, max_length=300)
    decision_no: str = Field(..., min_length=1, max_length=100)
    decided_on: date
    department: str = Field(..., min_length=1, max_length=100)


class SeriousProposalIn(Schema):
    """The serious-list judgment record and the notice of the party's rights."""

    uscc: str = Field(..., max_length=18)
    penalty_decision_no: str = Field(..., min_length=1, max_length=100)
    serious_reasons: str = Field(..., max_length=5000)
    no_intent_proven: bool = False
    notice_served_on: date
    hearing_requested: bool = False
    legal_basis: str = Field(..., min_length=1, max_length=300)
    department: str = Field(..., min_length=1, max_length=100)
    restriction_until: date | None = None


class ApprovalIn(Schema):
    """The upper level's approval."""

    approved_on: date
    approved_by: str = Field(..., min_length=1, max_length=100)


class DecisionIn(Schema):
    """A listing decision."""

    decision_no: str = Field(..., min_length=1, max_length=100)
    decided_on: date


class DropIn(Schema):
    """Dropping a proposal."""

    reason: str = Field(..., min_length=1, max_length=2000)
    no_intent_proven: bool = False


class RemovalIn(Schema):
    """Removal from a list."""

    reason: Literal["corrected", "expired", "reversed", "deregistered"]
    removed_on: date
    note: str = Field("", max_length=2000)


class ListEntryOut(Schema):
    """A listing for staff and the party, in every status."""

    id: int
    uscc: str = Field(..., alias="operator.uscc")
    list_kind: str
    cause: str
    status: str
    legal_basis: str
    department: str
    decision_no: str
    decided_on: date | None
    restriction_until: date | None
    heavy_penalty: bool
    listable_violation: bool
    serious_reasons: str
    no_intent_proven: bool
    notice_served_on: date | None
    hearing_requested: bool
    approval_required: bool
    approved_on: date | None
    approved_by: str
    escalation_notice_on: date | None
    removed_on: date | None
    removal_reason: str


class RepairIn(Schema):
    """A repair application: the penalty (by decision number) or the list; the commitment and the evidence."""

    uscc: str = Field(..., max_length=18)
    target: Literal["penalty", "abnormal", "serious"]
    penalty_decision_no: str | None = Field(None, max_length=100)
    commitment: str = Field(..., max_length=5000)
    evidence: str = Field(..., max_length=5000)


class RepairDecisionIn(Schema):
    """Grant or deny after review."""

    granted: bool
    note: str = Field("", max_length=2000)


class RepairOut(Schema):
    """A repair application; `refusal_rule` and `eligible_from` explain a refusal; `overdue` is as of today."""

    id: int
    uscc: str
    target: str
    status: str
    status_label: str
    submitted_on: date
    refusal_rule: str
    refusal_message: str
    eligible_from: date | None
    accept_by: date | None
    accepted_on: date | None
    decide_by: date | None
    deadline_estimated: bool
    decided_on: date | None
    decision_note: str
    overdue: bool


class CommitmentIn(Schema):
    """A commitment made by a business for its operator."""

    uscc: str = Field(..., max_length=18)
    kind: Literal["registration", "notify_commit", "repair", "safe_food_supermarket"]
    text: str = Field(..., min_length=1, max_length=5000)


class CommitmentVerifyIn(Schema):
    """The verification result."""

    verification: Literal["kept", "false"]
    note: str = Field("", max_length=2000)


class CommitmentOut(Schema):
    """A commitment and its verification."""

    id: int
    uscc: str = Field(..., alias="operator.uscc")
    kind: str
    made_on: date
    text: str
    verification: str
    verified_on: date | None


class PersonBanIn(Schema):
    """A 行业禁入 decision; the ID number arrives in the body and only its keyed hash is stored."""

    id_number: str = Field(..., min_length=15, max_length=18)
    name: str = Field(..., min_length=1, max_length=100)
    uscc: str | None = Field(None, max_length=18)
    basis: Literal["licence_revoked", "food_crime"]
    decision_no: str = Field(..., min_length=1, max_length=100)
    decided_on: date
    department: str = Field(..., min_length=1, max_length=100)


class PersonBanOut(Schema):
    """A recorded ban, without the ID number."""

    id: int
    basis: str
    decided_on: date
    until: date | None
    legal_basis: str


class CaseStudyIn(Schema):
    """A typical case to publish."""

    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20000)
    exposure: str = Field("", max_length=2000)
    uscc: str | None = Field(None, max_length=18)
    penalty_decision_no: str = Field("", max_length=100)


class CaseStudyOut(Schema):
    """A published typical case, as the public sees it."""

    id: int
    title: str
    body: str
    exposure: str
    operator_name: str | None
    operator_uscc: str | None
    penalty_decision_no: str
    published_on: date | None


class PenaltyRevocationIn(Schema):
    """A penalty decision revoked or changed (复议、诉讼 or the authority itself)."""

    uscc: str = Field(..., max_length=18)
    penalty_decision_no: str = Field(..., min_length=1, max_length=100)
    revoked_on: date


class PenaltyRevocationOut(Schema):
    """When the disclosure ended and by when every channel must have withdrawn it."""

    revoked_on: date
    withdraw_by: date | None
