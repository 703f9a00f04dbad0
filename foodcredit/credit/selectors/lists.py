"""Reads of the lists and of credit repair, scoped per reader (404 outside scope, via operators.selectors)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.operators.selectors import Reader

from .. import policy as credit_policy
from .. import records, rules
from ..models import CaseStudy, Commitment, LedgerEntry, ListEntry, PersonBan, RepairApplication
from .disclosure import unheld

L = ListEntry


@dataclass(frozen=True)
class ListMembership:
    """A current listing as shown to a reader: which list, why, by whom, until when."""

    list_kind: str
    list_label: str
    cause: str
    cause_label: str
    legal_basis: str
    decision_no: str
    decided_on: date
    department: str
    ends_on: date | None


def _membership(entry: ListEntry) -> ListMembership:
    assert entry.decided_on is not None
    return ListMembership(
        list_kind=entry.list_kind,
        list_label=gettext(entry.get_list_kind_display()),
        cause=entry.cause,
        cause_label=gettext(entry.get_cause_display()),
        legal_basis=entry.legal_basis,
        decision_no=entry.decision_no,
        decided_on=entry.decided_on,
        department=entry.department,
        ends_on=rules.list_period_end(
            list_kind=entry.list_kind,
            listed_on=entry.decided_on,
            restriction_until=entry.restriction_until,
            period=settings.SERIOUS_LIST_PERIOD,
        ),
    )


def list_memberships(*, operator: Operator, as_of: date, public: bool) -> list[ListMembership]:
    """The operator's listings in force on `as_of`; `public` keeps those disclosed on the district portal that day.

    A listing past its period but not yet removed by the daily job is no longer in force: the rule decides, not
    the job's timing.
    """
    entries = L.objects.filter(operator=operator, status=L.Status.LISTED, decided_on__lte=as_of)
    return [m for _entry, m in _in_force(entries.order_by("decided_on", "pk"), as_of=as_of, public=public)]


def _in_force(entries: QuerySet[ListEntry], *, as_of: date, public: bool) -> list[tuple[ListEntry, ListMembership]]:
    """The listings of `entries` in force on `as_of` (and disclosed on the district portal that day if `public`: a
    listing marked 不予公示 never is)."""
    policy = credit_policy.disclosure_policy()
    if public:
        entries = entries.filter(unheld(ref_kind="list_entry", ref_id_field="pk"))
    found = []
    for entry in entries:
        membership = _membership(entry)
        if membership.ends_on is not None and as_of >= membership.ends_on:
            continue
        facts = {"list_kind": entry.list_kind, "status": entry.status}
        if membership.ends_on and entry.restriction_until:
            facts["restriction_until"] = entry.restriction_until.isoformat()
        if public and not rules.disclosed_on(
            "list_decision", facts, membership.decided_on, policy, day=as_of, channel="district_portal"
        ):
            continue
        found.append((entry, membership))
    return found


def list_roster_public(*, list_kind: str, as_of: date) -> list[tuple[Operator, ListMembership]]:
    """The public roster of one list on `as_of`: every listing in force and disclosed, newest decision first."""
    entries = (
        L.objects.filter(list_kind=list_kind, status=L.Status.LISTED, decided_on__lte=as_of)
        .select_related("operator")
        .order_by("-decided_on", "-pk")
    )
    return [(entry.operator, m) for entry, m in _in_force(entries, as_of=as_of, public=True)]


def serious_listed_operator_ids(*, as_of: date) -> set[int]:
    """Operators on the 严重违法失信名单 on `as_of`, in one query (for risk's hard rule → D).

    On the list that day: decided on or before it, not yet removed then (a later removal does not rewrite the past),
    and not past the listing's period (the rule decides, not the daily job's timing; see `list_memberships`).
    """
    rows = L.objects.filter(list_kind=L.ListKind.SERIOUS, decided_on__lte=as_of).filter(
        Q(status=L.Status.LISTED) | Q(status=L.Status.REMOVED, removed_on__gt=as_of)
    )
    listed: set[int] = set()
    for operator_id, decided_on, restriction_until in rows.values_list(
        "operator_id", "decided_on", "restriction_until"
    ):
        assert decided_on is not None  # filtered on above
        ends_on = rules.list_period_end(
            list_kind=L.ListKind.SERIOUS,
            listed_on=decided_on,
            restriction_until=restriction_until,
            period=settings.SERIOUS_LIST_PERIOD,
        )
        if ends_on is None or as_of < ends_on:
            listed.add(operator_id)
    return listed


def list_entries(*, for_user: Reader, operator: Operator | None = None) -> QuerySet[ListEntry]:
    """Listings (every status) of the operators in the reader's scope, newest first."""
    entries = L.objects.filter(operator__in=operator_selectors.operator_scope(for_user=for_user))
    if operator is not None:
        entries = entries.filter(operator=operator)
    return entries.select_related("operator").order_by("-created_at", "-pk")


def list_entry_get(*, pk: int, for_user: Reader) -> ListEntry:
    """One listing in the reader's scope; Http404 otherwise."""
    entry = list_entries(for_user=for_user).filter(pk=pk).first()
    if entry is None:
        raise Http404("list entry not found")
    return entry


def abnormal_escalations_due(*, as_of: date) -> list[tuple[ListEntry, rules.EscalationDates]]:
    """Abnormal listings the system proposes for the serious list on `as_of` (3 years, 60 days' notice served)."""
    cutoff = as_of - settings.ABNORMAL_ESCALATION_AFTER
    due = []
    for entry in L.objects.filter(
        list_kind=L.ListKind.ABNORMAL,
        status=L.Status.LISTED,
        decided_on__lte=cutoff,
        escalation_notice_on__isnull=False,
    ).select_related("operator"):
        assert entry.decided_on is not None
        dates = rules.escalation_dates(
            listed_on=entry.decided_on,
            after=settings.ABNORMAL_ESCALATION_AFTER,
            notice_before=settings.ABNORMAL_ESCALATION_NOTICE_BEFORE,
            within=settings.ABNORMAL_ESCALATION_WITHIN_WORKDAYS,
        )
        already = L.objects.filter(escalated_from=entry).exclude(status=L.Status.DROPPED).exists()
        if not already and rules.escalation_proposable(notice_on=entry.escalation_notice_on, as_of=as_of, dates=dates):
            due.append((entry, dates))
    return due


def repair_applications(*, for_user: Reader, overdue_on: date | None = None) -> QuerySet[RepairApplication]:
    """Repair applications of the operators in the reader's scope, newest first; with `overdue_on`, only those past
    their working-day deadline that day (the rule of `rules.repair_overdue`, as a query)."""
    found = RepairApplication.objects.filter(operator__in=operator_selectors.operator_scope(for_user=for_user))
    if overdue_on is not None:
        found = found.filter(
            Q(status=RepairApplication.Status.SUBMITTED, accept_by__lt=overdue_on)
            | Q(status=RepairApplication.Status.ACCEPTED, decide_by__lt=overdue_on)
        )
    return found.select_related("operator", "penalty_entry", "list_entry").order_by("-submitted_on", "-pk")


def repair_application_get(*, pk: int, for_user: Reader) -> RepairApplication:
    """One application in the reader's scope; Http404 otherwise."""
    application = repair_applications(for_user=for_user).filter(pk=pk).first()
    if application is None:
        raise Http404("repair application not found")
    return application


def repair_by_idempotency_key(*, applicant: Reader, key: str) -> RepairApplication | None:
    """The applicant's application submitted with this Idempotency-Key, or None."""
    if not key or not getattr(applicant, "pk", None):
        return None
    return RepairApplication.objects.filter(applicant_id=applicant.pk, idempotency_key=key).first()


def commitment_by_idempotency_key(*, user: Reader, key: str) -> Commitment | None:
    """The user's commitment recorded with this Idempotency-Key, or None."""
    if not key or not getattr(user, "pk", None):
        return None
    return Commitment.objects.filter(created_by_id=user.pk, idempotency_key=key).first()


def repair_overdue(application: RepairApplication, *, as_of: date) -> bool:
    """Whether the application has passed its acceptance or decision deadline on `as_of`."""
    return rules.repair_overdue(
        status=application.status, accept_by=application.accept_by, decide_by=application.decide_by, as_of=as_of
    )


# Why an application was refused, per rule (rules.penalty_repair_check / serious_removal_check / repair_check).
REPAIR_RULE_MESSAGES = {
    "no_such_penalty": _("未找到该行政处罚。"),
    "penalty_never_repairable": _(
        "责令停产停业、限制开展生产经营活动、限制从业、降低资质等级、吊销许可证件、吊销营业执照的处罚信息不得提前停止公示（总局令第45号第十四条）。"
    ),
    "penalty_no_longer_disclosed": _("该处罚信息已停止公示。"),
    "penalty_not_disclosed": _("该处罚信息不予公示，无需修复。"),
    "penalty_short_period": _("通报批评或较低数额罚款的处罚信息公示期满3个月自动停止公示。"),
    "min_disclosure_not_served": _("食品领域行政处罚信息公示满1年方可申请信用修复。"),
    "on_a_list": _("当事人仍在经营异常名录或严重违法失信名单中。"),
    "same_violation_repeated": _("当事人此后又因同一类违法行为受到行政处罚。"),
    "not_listed": _("该主体不在相应名录名单中。"),
    "serious_min_period_not_served": _("列入严重违法失信名单满1年且管理措施期限届满方可申请提前移出。"),
    "new_heavy_penalty": _("列入名单后又受到较重行政处罚。"),
}


def repair_refusal_message(rule: str) -> str:
    """The message for a failing repair rule, in the request's language ("" when none)."""
    return str(REPAIR_RULE_MESSAGES.get(rule, rule)) if rule else ""


def _penalties() -> QuerySet[Any]:
    """Every penalty record: penalties sits above credit and registers its model (credit.records) rather than
    being imported here."""
    registered = records.record_model(LedgerEntry.Kind.PENALTY)
    if registered is None:
        raise ImproperlyConfigured("foodcredit.penalties is not installed: no model records penalty entries")
    return registered.model._default_manager.all()


def penalty_entry_by_decision_no(*, operator: Operator, decision_no: str) -> LedgerEntry | None:
    """The current ledger entry of the operator's penalty with this 处罚决定书文号, or None."""
    penalty_id = (
        _penalties().filter(operator=operator, decision_no=decision_no.strip()).values_list("pk", flat=True).first()
    )
    if penalty_id is None:
        return None
    return LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.PENALTY, ref_kind="penalty", ref_id=penalty_id, superseded_by__isnull=True
    ).first()


def list_entry_current(*, operator: Operator, list_kind: str) -> ListEntry | None:
    """The operator's listing in force on a list, or None."""
    return L.objects.filter(operator=operator, list_kind=list_kind, status=L.Status.LISTED).first()


def commitments(*, for_user: Reader, operator: Operator | None = None) -> QuerySet[Commitment]:
    """Commitments of the operators in the reader's scope, newest first."""
    found = Commitment.objects.filter(operator__in=operator_selectors.operator_scope(for_user=for_user))
    if operator is not None:
        found = found.filter(operator=operator)
    return found.select_related("operator").order_by("-made_on", "-pk")


def commitments_public(*, operator: Operator) -> QuerySet[Commitment]:
    """An operator's commitments as the public sees them (they are made to be published; not one marked 不予公示),
    newest first."""
    return (
        Commitment.objects.filter(operator=operator)
        .filter(unheld(ref_kind="commitment", ref_id_field="pk"))
        .order_by("-made_on", "-pk")
    )


def commitment_get(*, pk: int, for_user: Reader) -> Commitment:
    """One commitment in the reader's scope; Http404 otherwise."""
    found = commitments(for_user=for_user).filter(pk=pk).first()
    if found is None:
        raise Http404("commitment not found")
    return found


def case_studies_public() -> QuerySet[CaseStudy]:
    """Published typical cases, newest first; a case about a penalty marked 不予公示 is not public."""
    held_penalty = _penalties().filter(
        ~unheld(ref_kind="penalty", ref_id_field="pk"),
        operator=OuterRef("operator"),
        decision_no=OuterRef("penalty_decision_no"),
    )
    return (
        CaseStudy.objects.filter(status=CaseStudy.Status.PUBLISHED)
        .exclude(Exists(held_penalty))
        .select_related("operator")
        .order_by("-published_on", "-pk")
    )


def case_study_get(*, pk: int) -> CaseStudy:
    """Any case (staff manage drafts and withdrawals); Http404 if there is none."""
    case = CaseStudy.objects.filter(pk=pk).first()
    if case is None:
        raise Http404("case not found")
    return case


def ledger_entries_current(*, ref_kind: str, ref_ids: list[int]) -> dict[int, LedgerEntry]:
    """The current (not superseded) entry of each record, by record id (ids in batches under SQLite's limit)."""
    found: dict[int, LedgerEntry] = {}
    for start in range(0, len(ref_ids), 500):
        chunk = ref_ids[start : start + 500]
        for entry in LedgerEntry.objects.filter(ref_kind=ref_kind, ref_id__in=chunk, superseded_by__isnull=True):
            found[entry.ref_id] = entry
    return found


def ledger_entry_current(*, ref_kind: str, ref_id: int) -> LedgerEntry | None:
    """The current (not superseded) ledger entry of a record, or None."""
    return LedgerEntry.objects.filter(ref_kind=ref_kind, ref_id=ref_id, superseded_by__isnull=True).first()


def serious_list_candidates(*, for_user: Reader) -> QuerySet[LedgerEntry]:
    """Listing candidates (列入候选): current, unrevoked penalty entries of a listable violation type in the reader's
    scope on which no listing was proposed yet (a dropped proposal counts: it was judged). Newest first, with the
    penalty's decision number and violation text as `decision_no` and `violation`."""
    penalty = _penalties().filter(pk=OuterRef("ref_id"))
    proposed = L.objects.filter(penalty_ref_id=OuterRef("ref_id"), operator_id=OuterRef("operator_id"))
    return (
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.PENALTY,
            ref_kind="penalty",
            superseded_by__isnull=True,
            facts__listable_serious=True,
            operator__in=operator_selectors.operator_scope(for_user=for_user),
        )
        .exclude(facts__has_key="revoked_on")
        .exclude(Exists(proposed))
        .annotate(
            decision_no=Subquery(penalty.values("decision_no")[:1]),
            violation=Subquery(penalty.values("violation")[:1]),
        )
        .select_related("operator")
        .order_by("-occurred_on", "-pk")
    )


def serious_list_candidate_get(*, pk: int, for_user: Reader) -> LedgerEntry:
    """One candidate penalty entry in the reader's scope; Http404 otherwise (also once proposed)."""
    entry = serious_list_candidates(for_user=for_user).filter(pk=pk).first()
    if entry is None:
        raise Http404("candidate not found")
    return entry


def is_heavy_penalty(entry: LedgerEntry) -> bool:
    """Whether the entry's penalty is a 较重行政处罚 (the listing's first condition)."""
    return rules.is_heavy_penalty(entry.facts)


def person_bans(*, for_user: Reader) -> QuerySet[PersonBan]:
    """Person bans recorded on operators in the reader's scope (and, for the district, those without one)."""
    scope = operator_selectors.operator_scope(for_user=for_user)
    found = PersonBan.objects.filter(Q(operator__in=scope) | Q(operator__isnull=True))
    if getattr(for_user, "role", None) != "district_regulator":
        found = found.filter(operator__isnull=False)
    return found.select_related("operator").order_by("-decided_on", "-pk")


def case_studies(*, for_user: Reader) -> QuerySet[CaseStudy]:
    """Every typical case (drafts, published, withdrawn) for the staff who manage them, newest first."""
    return CaseStudy.objects.select_related("operator").order_by("-created_at", "-pk")


def penalty_entries(*, for_user: Reader, operator: Operator) -> QuerySet[LedgerEntry]:
    """The operator's current penalty entries (for revocation), with `decision_no`; the operator is in scope."""
    penalty = _penalties().filter(pk=OuterRef("ref_id"))
    operator_selectors.operator_get(uscc=operator.uscc, for_user=for_user)
    return (
        LedgerEntry.objects.filter(
            operator=operator, kind=LedgerEntry.Kind.PENALTY, ref_kind="penalty", superseded_by__isnull=True
        )
        .annotate(decision_no=Subquery(penalty.values("decision_no")[:1]))
        .order_by("-occurred_on", "-pk")
    )
