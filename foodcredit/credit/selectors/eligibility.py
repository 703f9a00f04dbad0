"""What other approval and supervision systems ask (联合惩戒): lists, restrictions, facilitations, person bans.

Reads only; the sharing app decides who may ask and logs every call.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from foodcredit.operators.models import Operator, Person

from .. import rules
from ..models import Commitment, LedgerEntry, ListEntry, PersonBan, RepairApplication
from .lists import ListMembership, list_memberships

# Labels of the measures (rules.Measure.code), translated when shown.
MEASURE_LABELS = {
    "procurement_bidding_land_honours": _("政府采购、工程招投标、国有土地出让、授予荣誉称号等方面依法予以限制或者禁入"),
    "no_notify_commit": _("不适用告知承诺制"),
    "key_supervision": _("列为重点监管对象，提高检查频次"),
    "no_samr_honours": _("不得参加市场监督管理部门评先评优"),
    "no_food_licence": _("不得申请食品生产经营许可，不得从事食品生产经营管理工作"),
    "notify_commit": _("可适用告知承诺制"),
    "industry_ban": _("不得从事食品生产经营管理工作、担任食品生产经营企业食品安全管理人员"),
}


@dataclass(frozen=True)
class PendingProposal:
    """A serious-list proposal not yet decided (internal only)."""

    list_kind: str
    status: str
    notice_served_on: date | None


@dataclass(frozen=True)
class Eligibility:
    """The answer about an operator on `as_of`; `internal` parts are None for a caller without the right."""

    uscc: str
    name: str
    as_of: date
    lists: list[ListMembership]
    restrictions: list[rules.Measure]
    facilitations: list[rules.Measure]
    person_bans: list[rules.Measure]
    pending_proposals: list[PendingProposal] | None
    open_repair_applications: int | None


def _licence_revoked_on(operator: Operator) -> date | None:
    """The latest decision that revoked the operator's licence (吊销许可证件), from its current ledger entries."""
    penalties = LedgerEntry.objects.filter(
        operator=operator, kind=LedgerEntry.Kind.PENALTY, superseded_by__isnull=True
    ).values_list("occurred_on", "facts")
    revoked = [
        day for day, facts in penalties if "吊销许可证件" in (facts.get("kinds") or []) and not facts.get("revoked_on")
    ]
    return max(revoked, default=None)


def _bans(id_hashes: list[str], *, as_of: date) -> list[rules.Measure]:
    bans = PersonBan.objects.filter(id_hash__in=id_hashes, decided_on__lte=as_of).order_by("decided_on")
    return [rules.Measure("industry_ban", b.until, b.legal_basis) for b in bans if b.until is None or as_of < b.until]


def operator_eligibility(*, operator: Operator, as_of: date, internal: bool) -> Eligibility:
    """Memberships, restrictions with their until-dates and bases, facilitations and the legal representative's bans."""
    memberships = list_memberships(operator=operator, as_of=as_of, public=not internal)
    false_commitment = Commitment.objects.filter(
        operator=operator, verification=Commitment.Verification.FALSE, verified_on__lte=as_of
    ).exists()
    restrictions = rules.operator_restrictions(
        memberships=[(m.list_kind, m.ends_on) for m in memberships],
        licence_revoked_on=_licence_revoked_on(operator),
        false_commitment=false_commitment,
        as_of=as_of,
        ban_period=settings.INDUSTRY_BAN_AFTER_REVOCATION,
    )
    rep_hash = (
        Person.objects.filter(pk=operator.legal_rep_person_id).values_list("id_hash", flat=True).first()
        if operator.legal_rep_person_id
        else None
    )
    pending = None
    open_repairs = None
    if internal:
        pending = [
            PendingProposal(e.list_kind, e.status, e.notice_served_on)
            for e in ListEntry.objects.filter(
                operator=operator, status__in=[ListEntry.Status.PROPOSED, ListEntry.Status.AWAITING_APPROVAL]
            )
        ]
        open_repairs = RepairApplication.objects.filter(
            operator=operator, status__in=[RepairApplication.Status.SUBMITTED, RepairApplication.Status.ACCEPTED]
        ).count()
    return Eligibility(
        uscc=operator.uscc,
        name=operator.name,
        as_of=as_of,
        lists=memberships,
        restrictions=restrictions,
        facilitations=rules.operator_facilitations(restrictions=restrictions),
        person_bans=_bans([rep_hash], as_of=as_of) if rep_hash else [],
        pending_proposals=pending,
        open_repair_applications=open_repairs,
    )


def person_bans_in_force(*, id_hash: str, as_of: date) -> list[rules.Measure]:
    """The bans in force on `as_of` for the person with this ID-number hash."""
    return _bans([id_hash], as_of=as_of)


def measure_label(code: str) -> str:
    """The translated label of a measure."""
    return str(MEASURE_LABELS.get(code, code))
