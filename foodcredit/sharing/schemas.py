"""Eligibility check shapes: allow-lists; the person's ID number only ever arrives in a POST body."""

from datetime import date

from ninja import Field, Schema

from foodcredit.credit.selectors import ListMembership


class MeasureOut(Schema):
    """A restriction, facilitation or ban in force; `until` null means until lifted (or lifetime for a ban)."""

    code: str
    label: str
    until: date | None
    legal_basis: str


class PendingProposalOut(Schema):
    """A serious-list proposal not yet decided (internal only)."""

    list_kind: str
    status: str
    notice_served_on: date | None


class InternalOut(Schema):
    """Internal-only data, for callers with the right."""

    pending_proposals: list[PendingProposalOut]
    open_repair_applications: int


class EligibilityOut(Schema):
    """Joint-punishment answer about an operator, with its current credit-risk class (null before it is classified)
    and the measures the class implies among the restrictions and facilitations: class A 绿色通道 (green_channel),
    class D 不予容缺受理 (no_lenient_acceptance) and 不适用告知承诺 (no_notify_commit). Never the model's score."""

    uscc: str
    name: str
    as_of: date
    lists: list[ListMembership]
    restrictions: list[MeasureOut]
    facilitations: list[MeasureOut]
    legal_rep_bans: list[MeasureOut]
    risk_class: str | None
    risk_class_label: str | None
    risk_class_as_of: date | None
    risk_class_note: str
    internal: InternalOut | None


class PersonQueryIn(Schema):
    """The person asked about: the ID number in the body, never in the URL; it is hashed and not stored."""

    id_number: str = Field(..., min_length=15, max_length=18)


class PersonEligibilityOut(Schema):
    """Bans in force for a person."""

    as_of: date
    bans: list[MeasureOut]
