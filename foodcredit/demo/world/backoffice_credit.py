"""The credit back office of the demo district, lived in: written through the services after the records are seeded.

`seed_credit_backoffice` loads the violation-type code table, maps the demo's penalty texts to its codes (one text is
left 未分类 so that the queue has work), and then, from the penalties the mapping made listable, puts list entries in
every state, repair applications and commitments in every state, a few typical cases and person bans. Every step is
a service call with its audit row; nothing is written to a table directly. Deterministic: choices follow the
records' order, never a random draw.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.core.models import Source
from foodcredit.credit import rules as credit_rules
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import Commitment, LedgerEntry, ListEntry, RepairApplication
from foodcredit.operators.models import Operator
from foodcredit.penalties import services as penalty_services
from foodcredit.penalties.management.commands.violation_types_load import SEED, _rows
from foodcredit.penalties.models import ViolationType

from . import SOURCES, lexicon

L = ListEntry
A = RepairApplication
DEPARTMENT = "重庆市江北区市场监督管理局"
SERIOUS_BASIS = "《市场监督管理严重违法失信名单管理办法》第五条"

# The demo's penalty texts (lexicon.VIOLATIONS, by index) → codes of the seed table; index 7 stays 未分类.
TEXT_CODES = {
    0: "FSL124-EXPIRED",
    1: "FSL124-CONTAMINANT-LIMITS",
    2: "FSL124-ADDITIVE-OVERUSE",
    3: "FSL124-SPOILED",
    4: "FSL125-QUALITY",
    5: "FSL125-LABEL",
    6: "FSL126-PURCHASE-CHECK",
    8: "FSL126-HEALTH-CERTIFICATE",
    9: "FSL132-STORAGE",
    10: "FSL122-NO-LICENCE",
    11: "FSL123-NON-FOOD-SUBSTANCE",
}


@dataclass
class CreditBackofficeSummary:
    """What was written, for seed_demo's report."""

    types: int = 0
    penalties_classified: int = 0
    lists: dict[str, int] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)
    commitments: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    bans: int = 0


def _reader(actor: Any) -> Any:
    """Whose scope the candidates are read in: the acting district regulator, or the district's view for a seed run
    without one (seed_demo runs as the system)."""
    if isinstance(actor, User) and actor.role == User.Role.DISTRICT_REGULATOR:
        return actor
    return User(username="seed-demo", role=User.Role.DISTRICT_REGULATOR)  # never saved: a scope, not an account


def seed_credit_backoffice(*, as_of: date, actor: Any) -> CreditBackofficeSummary:
    """Write the demo's credit back office as of `as_of` (see the module's docstring); safe to run once per seed."""
    summary = CreditBackofficeSummary()
    summary.types = len(penalty_services.violation_types_load(rows=_rows(SEED), actor=actor))
    source = Source.objects.filter(name=SOURCES["penalties"]).first()
    if source is not None:
        for index, code in TEXT_CODES.items():
            summary.penalties_classified += penalty_services.violation_mapping_save(
                source=source,
                text=lexicon.VIOLATIONS[index][0],
                violation_type=ViolationType.objects.get(code=code),
                actor=actor,
            )
    candidates = list(credit_selectors.serious_list_candidates(for_user=_reader(actor)).filter(occurred_on__lte=as_of))
    heavy = [c for c in candidates if credit_rules.is_heavy_penalty(c.facts)]
    _lists(heavy, as_of=as_of, actor=actor)
    _abnormal(as_of=as_of, actor=actor)
    _repairs(as_of=as_of, actor=actor)
    _commitments(as_of=as_of, actor=actor)
    summary.cases = _cases(as_of=as_of, actor=actor)
    summary.bans = _bans(as_of=as_of, actor=actor)
    summary.lists = _count(L.objects.values_list("list_kind", "status"))
    summary.repairs = _count(A.objects.values_list("status"))
    summary.commitments = _count(Commitment.objects.values_list("verification"))
    return summary


def _count(rows: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        key = ":".join(row)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _propose(penalty: LedgerEntry, *, notice_on: date, actor: Any, no_intent: bool = False) -> ListEntry:
    return credit_services.serious_list_propose(
        operator=penalty.operator,
        penalty_entry=penalty,
        actor=actor,
        penalty_decision_no=penalty.decision_no,  # type: ignore[attr-defined]
        serious_reasons="明知故犯，违法行为持续时间长、涉案货值大，社会危害较大",
        no_intent_proven=no_intent,
        notice_served_on=notice_on,
        hearing_requested=False,
        legal_basis=SERIOUS_BASIS,
        department=DEPARTMENT,
        restriction_until=None,
    )


def _approve(entry: ListEntry, *, on: date, actor: Any) -> ListEntry:
    if entry.status != L.Status.AWAITING_APPROVAL:
        return entry
    return credit_services.serious_list_approve(
        entry=entry, approved_on=on, approved_by="重庆市市场监督管理局", actor=actor
    )


def _lists(heavy: list[LedgerEntry], *, as_of: date, actor: Any) -> None:
    """Serious listings in every state, from the heavy penalties of listable types, newest first."""
    plan = ["listed", "listed", "removed", "dropped", "proposed", "awaiting"]
    for step, penalty in zip(plan, heavy, strict=False):
        notice = max(penalty.occurred_on + timedelta(days=2), as_of - timedelta(days=20))
        if step in ("proposed", "awaiting", "dropped"):
            notice = as_of - timedelta(days=3)
        notice = min(notice, as_of)
        entry = _propose(penalty, notice_on=notice, actor=actor, no_intent=False)
        if step == "awaiting":
            continue
        if step == "dropped":
            credit_services.serious_list_drop(
                entry=entry, reason="当事人陈述申辩并提交证据，证明其无主观故意", no_intent_proven=True, actor=actor
            )
            continue
        entry = _approve(entry, on=min(notice + timedelta(days=4), as_of), actor=actor)
        if step == "proposed":
            continue
        decided = min(notice + timedelta(days=7), as_of)
        entry = credit_services.serious_list_decide(
            entry=entry, decision_no=f"渝江北市监列严〔{decided.year}〕{entry.pk}号", decided_on=decided, actor=actor
        )
        if step == "removed":
            # The penalty decision was revoked on review: its listing is reversed (DOMAIN.md II §1.4).
            current = credit_selectors.ledger_entry_current(ref_kind="penalty", ref_id=penalty.ref_id)
            assert current is not None
            credit_services.penalty_revocation_file(penalty_entry=current, revoked_on=as_of, actor=actor)


def _operators(*, skip: int, count: int) -> list[Operator]:
    """Active operators not on any list, in a fixed order, after the first `skip`."""
    listed = ListEntry.objects.values("operator_id")
    found = Operator.objects.filter(status=Operator.Status.ACTIVE).exclude(pk__in=listed).order_by("pk")
    return list(found[skip : skip + count])


def _abnormal(*, as_of: date, actor: Any) -> None:
    """Abnormal listings entered by staff: in force for two causes, and one removed after the cure."""
    causes = [L.Cause.ANNUAL_REPORT, L.Cause.UNREACHABLE, L.Cause.INSTANT_INFO]
    for i, (operator, cause) in enumerate(zip(_operators(skip=40, count=3), causes, strict=False)):
        decided = as_of - timedelta(days=120 - 30 * i)
        entry = credit_services.abnormal_list_add(
            operator=operator,
            cause=cause,
            legal_basis="《企业信息公示暂行条例》第十七条",
            decision_no=f"渝江北市监异〔{decided.year}〕{operator.pk}号",
            decided_on=decided,
            department=DEPARTMENT,
            actor=actor,
        )
        if cause == L.Cause.INSTANT_INFO:
            credit_services.list_remove(
                entry=entry, reason=L.RemovalReason.CORRECTED, removed_on=as_of, note="已公示即时信息", actor=actor
            )


def _eligible_penalties(*, as_of: date, want: int) -> list[LedgerEntry]:
    """Penalties whose repair would be accepted on `as_of`, oldest operators first."""
    found: list[LedgerEntry] = []
    entries = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.PENALTY, superseded_by__isnull=True, occurred_on__lte=as_of - timedelta(days=400)
    ).select_related("operator")
    for entry in entries.order_by("operator_id", "pk").iterator():
        check = credit_services.repair_check(
            operator=entry.operator,
            target=A.Target.PENALTY,
            penalty_entry=entry,
            list_entry=None,
            as_of=as_of - timedelta(days=30),
        )
        if check.eligible and entry.operator_id not in {e.operator_id for e in found}:
            found.append(entry)
        if len(found) == want:
            break
    return found


def _repairs(*, as_of: date, actor: Any) -> None:
    """Applications in every state: refused, submitted (one past its acceptance deadline), accepted, granted, denied."""
    plan = ["submitted_overdue", "submitted", "accepted", "granted", "denied"]
    for step, penalty in zip(plan, _eligible_penalties(as_of=as_of, want=len(plan)), strict=False):
        submitted = as_of - timedelta(days=12 if step == "submitted_overdue" else 1 if step == "submitted" else 25)
        application = credit_services.repair_submit(
            operator=penalty.operator,
            target=A.Target.PENALTY,
            penalty_entry=penalty,
            actor=None,  # the business applies; the demo's businesses have no logins: the system files it
            commitment="本单位承诺今后严格遵守食品安全法律法规，诚信经营。",
            evidence="罚没款缴纳凭证；整改报告及现场照片",
            submitted_on=submitted,
        )
        if step.startswith("submitted") or application.status != A.Status.SUBMITTED:
            continue
        application = credit_services.repair_accept(
            application=application, accepted_on=submitted + timedelta(days=2), actor=actor
        )
        if step == "accepted":
            continue
        try:
            credit_services.repair_decide(
                application=application,
                granted=step == "granted",
                decided_on=as_of - timedelta(days=5),
                note="" if step == "granted" else "整改材料不完整，未能证明已消除不良影响",
                actor=actor,
            )
        except DomainError:
            continue  # no longer eligible on the decision day: it stays accepted
    recent = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.PENALTY, superseded_by__isnull=True, occurred_on__gt=as_of - timedelta(days=200)
    ).select_related("operator")
    young = recent.exclude(operator__in=A.objects.values("operator")).order_by("pk").first()
    if young is not None:  # too early: refused at once, with the date it becomes possible
        credit_services.repair_submit(
            operator=young.operator,
            target=A.Target.PENALTY,
            penalty_entry=young,
            actor=None,  # the business applies; the demo's businesses have no logins: the system files it
            commitment="本单位承诺整改到位。",
            evidence="罚款缴纳凭证",
            submitted_on=as_of,
        )


def _commitments(*, as_of: date, actor: Any) -> None:
    """Commitments pending, kept and false."""
    plan = [
        (Commitment.Kind.NOTIFY_COMMIT, None),
        (Commitment.Kind.REGISTRATION, None),
        (Commitment.Kind.SAFE_FOOD_SUPERMARKET, Commitment.Verification.KEPT),
        (Commitment.Kind.NOTIFY_COMMIT, Commitment.Verification.KEPT),
        (Commitment.Kind.NOTIFY_COMMIT, Commitment.Verification.FALSE),
    ]
    texts = {
        Commitment.Kind.NOTIFY_COMMIT: "本单位承诺已具备食品经营许可条件，所提交材料真实有效。",
        Commitment.Kind.REGISTRATION: "本单位承诺登记注册信息真实、合法、有效。",
        Commitment.Kind.SAFE_FOOD_SUPERMARKET: "本超市承诺严格落实进货查验、索证索票制度，不销售过期食品。",
    }
    for i, (operator, (kind, verification)) in enumerate(zip(_operators(skip=60, count=len(plan)), plan, strict=False)):
        made = as_of - timedelta(days=90 - 10 * i)
        commitment = credit_services.commitment_record(
            operator=operator,
            kind=kind,
            made_on=made,
            text=texts[kind],
            actor=None,  # the business's (no login)
        )
        if verification is not None:
            credit_services.commitment_verify(
                commitment=commitment,
                verification=verification,
                verified_on=made + timedelta(days=30),
                note="现场核查：经营场所与承诺不符"
                if verification == Commitment.Verification.FALSE
                else "现场核查属实",
                actor=actor,
            )


def _cases(*, as_of: date, actor: Any) -> int:
    """Typical cases on the serious listings (published), and one withdrawn."""
    cases: list[Any] = []
    for entry in ListEntry.objects.filter(list_kind=L.ListKind.SERIOUS, status=L.Status.LISTED).order_by("pk")[:2]:
        cases.append(
            credit_services.case_study_publish(
                title=f"{entry.operator.name}严重违法失信案",
                operator=entry.operator,
                penalty_decision_no=entry.penalty_decision_no,
                published_on=as_of - timedelta(days=3),
                body="经查，当事人存在严重食品安全违法行为，情节严重、社会危害较大。我局依法从重处罚，并列入严重违法失信名单。",
                exposure="提醒广大消费者和经营者：食品安全底线不容触碰。",
                actor=actor,
            )
        )
    withdrawn = credit_services.case_study_publish(
        title="食品安全专项整治典型案例（更正前）",
        operator=None,
        penalty_decision_no="",
        published_on=as_of - timedelta(days=30),
        body="本案例已更正后重新发布。",
        exposure="",
        actor=actor,
    )
    credit_services.case_study_withdraw(case=withdrawn, actor=actor)
    return len(cases) + 1


def _bans(*, as_of: date, actor: Any) -> int:
    """Person bans: one after a licence revocation (5 years), one after a food-safety crime (lifetime)."""
    operators = _operators(skip=80, count=2)
    bans = [("licence_revoked", "陈某某", "500105198203150012"), ("food_crime", "刘某某", "500112197811230027")]
    for operator, (basis, name, id_number) in zip(operators, bans, strict=False):
        credit_services.person_ban_record(
            id_number=id_number,
            name=name,
            operator=operator,
            basis=basis,
            decision_no=f"渝江北市监罚〔{as_of.year}〕禁{operator.pk}号",
            decided_on=as_of - timedelta(days=60),
            department=DEPARTMENT,
            actor=actor,
        )
    return len(operators)
