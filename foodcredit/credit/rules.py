"""Disclosure rules: which ledger entries are public, on which channel, from when until when.

Pure functions over an entry's facts and the settings in force (DOMAIN.md Part I §6, Part II §2).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from foodcredit.core.workdays import add_workdays

CHANNELS = ("district_portal", "gsxt", "credit_china")
CHANNEL_LABELS = {"district_portal": "区信用门户", "gsxt": "国家企业信用信息公示系统", "credit_china": "信用中国"}

# 总局令第45号 Art. 14(3): never stopped early.
NON_REPAIRABLE_PENALTY_KINDS = frozenset(
    {"责令停产停业", "限制开展生产经营活动", "限制从业", "降低资质等级", "吊销许可证件", "吊销营业执照"}
)
# 较重行政处罚 (总局令第44号): penalty kinds that make a penalty heavier than ordinary.
HEAVY_PENALTY_KINDS = frozenset(
    {"责令停产停业", "限制开展生产经营活动", "限制从业", "降低资质等级", "吊销许可证件", "吊销营业执照", "责令关闭"}
)


@dataclass(frozen=True)
class DisclosurePolicy:
    """The settings the rules read; built once from django.conf.settings by the caller."""

    penalty_long: relativedelta
    penalty_short: relativedelta
    low_fine_legal_person: Decimal
    low_fine_natural_person: Decimal
    publish_within_workdays: int
    credit_china_serious: relativedelta
    credit_china_general: relativedelta
    inspection_period: relativedelta
    sampling_period: relativedelta
    withdraw_within_workdays: int = 3
    serious_list_period: relativedelta = field(default_factory=lambda: relativedelta(years=3))
    false_commitment_period: relativedelta = field(default_factory=lambda: relativedelta(years=3))
    list_publish_within_workdays: int = 20


@dataclass(frozen=True)
class Window:
    """A disclosure window on one channel: public from `start` until `end` (exclusive); end None = open."""

    channel: str
    start: date
    end: date | None
    publish_by: date | None = None

    def open_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def penalty_severity(facts: dict[str, Any], policy: DisclosurePolicy, *, natural_person: bool = False) -> str:
    """NDRC tier of a penalty: 'minor' (warning only), 'general' (通报批评/较低数额罚款), 'serious' otherwise."""
    kinds = set(facts.get("kinds") or [])
    if not kinds or kinds <= {"警告"}:
        return "minor"
    amount = Decimal(str(facts.get("amount") or 0))
    threshold = policy.low_fine_natural_person if natural_person else policy.low_fine_legal_person
    if kinds <= {"警告", "通报批评", "罚款"} and ("罚款" not in kinds or amount < threshold):
        return "general"
    return "serious"


def is_heavy_penalty(facts: dict[str, Any]) -> bool:
    """较重行政处罚: an aggravated (从重) fine or a heavy penalty kind (DOMAIN.md II §1.1)."""
    kinds = set(facts.get("kinds") or [])
    return bool(kinds & HEAVY_PENALTY_KINDS) or (facts.get("circumstance") == "heavier" and "罚款" in kinds)


def _penalty_windows(facts: dict[str, Any], occurred_on: date, policy: DisclosurePolicy) -> list[Window]:
    severity = penalty_severity(facts, policy, natural_person=bool(facts.get("natural_person")))
    # 总局令第45号 Art. 2: only ordinary-procedure penalties, and not warnings only.
    if facts.get("procedure") != "ordinary" or severity == "minor":
        return []
    publish_by = add_workdays(occurred_on, policy.publish_within_workdays).due
    period = policy.penalty_short if severity == "general" else policy.penalty_long
    end = occurred_on + period
    restriction_until = facts.get("restriction_until")
    if restriction_until:
        end = max(end, date.fromisoformat(restriction_until))
    cc_end = occurred_on + (policy.credit_china_general if severity == "general" else policy.credit_china_serious)
    # A revoked decision (总局令第45号 Art. 11) and a granted repair (Art. 14) end the disclosure on every channel;
    # both arrive as facts of a later entry for the same penalty, never as an edit.
    stops = [date.fromisoformat(facts[k]) for k in ("revoked_on", "repaired_on") if facts.get(k)]
    if stops:
        end, cc_end = min(end, *stops), min(cc_end, *stops)
    return [
        Window("district_portal", occurred_on, end, publish_by),
        Window("gsxt", occurred_on, end, publish_by),
        Window("credit_china", occurred_on, cc_end, publish_by),
    ]


def penalty_withdraw_by(facts: dict[str, Any], policy: DisclosurePolicy) -> date | None:
    """The day by which a revoked penalty must be withdrawn from public view (总局令第45号 Art. 11), or None."""
    if not facts.get("revoked_on"):
        return None
    return add_workdays(date.fromisoformat(facts["revoked_on"]), policy.withdraw_within_workdays).due


def _commitment_windows(facts: dict[str, Any], occurred_on: date, policy: DisclosurePolicy) -> list[Window]:
    """Commitments are shown publicly (国办发〔2019〕35号); a false one is disclosed as a breach for a period."""
    if facts.get("verification") == "false":
        end = occurred_on + policy.false_commitment_period
        return [Window(c, occurred_on, end) for c in ("district_portal", "gsxt")]
    return [Window("district_portal", occurred_on, None)]


def _list_windows(facts: dict[str, Any], occurred_on: date, policy: DisclosurePolicy) -> list[Window]:
    """A list decision is public from the listing until its removal or the end of its period.

    After early removal by repair GSXT shows neither the listing nor the removal (DOMAIN.md II §1.5): no window.
    """
    if facts.get("status") not in ("listed", "removed") or facts.get("removal_reason") == "repaired":
        return []
    end = list_period_end(
        list_kind=facts.get("list_kind", ""),
        listed_on=occurred_on,
        restriction_until=date.fromisoformat(facts["restriction_until"]) if facts.get("restriction_until") else None,
        period=policy.serious_list_period,
    )
    if facts.get("removed_on"):
        removed_on = date.fromisoformat(facts["removed_on"])
        end = removed_on if end is None else min(end, removed_on)
    channels = CHANNELS if facts.get("list_kind") == "serious" else ("district_portal", "gsxt")
    publish_by = add_workdays(occurred_on, policy.list_publish_within_workdays).due
    return [Window(c, occurred_on, end, publish_by) for c in channels]


def disclosure_windows(kind: str, facts: dict[str, Any], occurred_on: date, policy: DisclosurePolicy) -> list[Window]:
    """Every channel's window for one ledger entry; an empty list means internal only."""
    if kind == "penalty":
        return _penalty_windows(facts, occurred_on, policy)
    if kind == "list_decision":
        return _list_windows(facts, occurred_on, policy)
    if kind == "commitment":
        return _commitment_windows(facts, occurred_on, policy)
    if kind in ("licence", "registration"):
        return [Window(c, occurred_on, None) for c in ("district_portal", "gsxt")]
    if kind == "inspection":
        end = occurred_on + policy.inspection_period
        return [Window(c, occurred_on, end) for c in ("district_portal", "gsxt")]
    if kind == "sampling_test":
        return [Window("district_portal", occurred_on, occurred_on + policy.sampling_period)]
    # Complaints are published only as aggregates (食品安全法 Art. 115: the reporter is confidential).
    return []


def disclosed_on(
    kind: str, facts: dict[str, Any], occurred_on: date, policy: DisclosurePolicy, *, day: date, channel: str
) -> bool:
    """Whether an entry is public on `channel` on `day`."""
    return any(w.channel == channel and w.open_on(day) for w in disclosure_windows(kind, facts, occurred_on, policy))


# --- lists (DOMAIN.md II.1, II.3) -----------------------------------------------------------------------------------


def list_period_end(
    *, list_kind: str, listed_on: date, restriction_until: date | None, period: relativedelta
) -> date | None:
    """The day a listing ends by itself: serious list after its period, or when a longer restriction ends; the
    abnormal list never ends by time (only on correction, escalation or deregistration)."""
    if list_kind != "serious":
        return None
    end = listed_on + period
    return max(end, restriction_until) if restriction_until else end


def serious_listing_failures(
    *, heavy_penalty: bool, listable_violation: bool, serious_reasons: str, no_intent_proven: bool
) -> list[str]:
    """The listing conditions (总局令第44号, DOMAIN.md II §1.2) that do not hold; empty means the party may be listed."""
    failures = []
    if not heavy_penalty:
        failures.append("not_heavy_penalty")
    if not listable_violation:
        failures.append("violation_not_listable")
    if not serious_reasons.strip():
        failures.append("no_serious_reasons")
    if no_intent_proven:
        failures.append("no_intent_proven")
    return failures


@dataclass(frozen=True)
class EscalationDates:
    """When an abnormal listing's escalation to the serious list is noticed, proposed and due."""

    notice_from: date  # the GSXT notice, 60 days before the 3-year mark
    propose_from: date  # the 3-year mark: the system proposes, an officer decides
    decide_by: date  # 10 working days after the mark
    estimated: bool


def escalation_dates(
    *, listed_on: date, after: relativedelta, notice_before: relativedelta, within: int
) -> EscalationDates:
    """The escalation timetable of an abnormal listing (企业信息公示暂行条例 Art. 17; DOMAIN.md II §3.4)."""
    mark = listed_on + after
    deadline = add_workdays(mark, within)
    return EscalationDates(mark - notice_before, mark, deadline.due, deadline.estimated)


def escalation_proposable(*, notice_on: date | None, as_of: date, dates: EscalationDates) -> bool:
    """Whether escalation is proposed on `as_of`: the 3-year mark reached and the notice served at least the notice
    period before (a notice served late pushes the proposal back, it is never skipped)."""
    if notice_on is None:
        return False
    return as_of >= max(dates.propose_from, notice_on + (dates.propose_from - dates.notice_from))


# --- credit repair (DOMAIN.md II.2) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairPolicy:
    """The repair periods in force."""

    min_disclosure: relativedelta
    min_disclosure_food: relativedelta
    serious_early_after: relativedelta


@dataclass(frozen=True)
class RepairCheck:
    """The outcome of the eligibility rules: `rule` names the first failing rule ("" when eligible);
    `eligible_from` is the day it will hold (None when time alone will not make the application eligible)."""

    rule: str
    eligible_from: date | None = None

    @property
    def eligible(self) -> bool:
        return not self.rule


def penalty_repair_check(
    *,
    facts: dict[str, Any],
    occurred_on: date,
    as_of: date,
    food_field: bool,
    on_a_list: bool,
    repeated_since: bool,
    disclosure: DisclosurePolicy,
    policy: RepairPolicy,
) -> RepairCheck:
    """Early stop of a penalty's disclosure (总局令第45号 Art. 14; 国市监信规〔2021〕3号 Art. 6)."""
    if set(facts.get("kinds") or []) & NON_REPAIRABLE_PENALTY_KINDS:
        return RepairCheck("penalty_never_repairable")
    if facts.get("revoked_on") or facts.get("repaired_on"):
        return RepairCheck("penalty_no_longer_disclosed")
    severity = penalty_severity(facts, disclosure, natural_person=bool(facts.get("natural_person")))
    if facts.get("procedure") != "ordinary" or severity == "minor":
        return RepairCheck("penalty_not_disclosed")
    if severity == "general":
        return RepairCheck("penalty_short_period")  # ends after 3 months by itself
    eligible_from = occurred_on + (policy.min_disclosure_food if food_field else policy.min_disclosure)
    if as_of < eligible_from:
        return RepairCheck("min_disclosure_not_served", eligible_from)
    if on_a_list:
        return RepairCheck("on_a_list")
    if repeated_since:
        return RepairCheck("same_violation_repeated")
    return RepairCheck("")


def serious_removal_check(
    *, listed_on: date, restriction_until: date | None, as_of: date, heavy_penalty_since: bool, policy: RepairPolicy
) -> RepairCheck:
    """Early removal from the serious list: ≥ 1 year listed, restrictions ended, no new 较重处罚 (DOMAIN.md II §1.5)."""
    eligible_from = listed_on + policy.serious_early_after
    if restriction_until:
        eligible_from = max(eligible_from, restriction_until)
    if as_of < eligible_from:
        return RepairCheck("serious_min_period_not_served", eligible_from)
    if heavy_penalty_since:
        return RepairCheck("new_heavy_penalty")
    return RepairCheck("")


def repair_overdue(*, status: str, accept_by: date | None, decide_by: date | None, as_of: date) -> bool:
    """Whether an application has passed its working-day deadline: acceptance while submitted, decision while
    accepted."""
    if status == "submitted":
        return accept_by is not None and as_of > accept_by
    if status == "accepted":
        return decide_by is not None and as_of > decide_by
    return False


# --- joint punishment and facilitation (DOMAIN.md II §1.6, II.9) ----------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A restriction or facilitation in force, with its legal basis; `until` None = until lifted (or lifetime)."""

    code: str
    until: date | None
    legal_basis: str


def industry_ban_until(*, basis: str, decided_on: date, period: relativedelta) -> date | None:
    """The end of a person-level ban: 5 years from a licence revocation, lifetime (None) after a food-safety crime."""
    return None if basis == "food_crime" else decided_on + period


def operator_restrictions(
    *,
    memberships: list[tuple[str, date | None]],
    licence_revoked_on: date | None,
    false_commitment: bool,
    as_of: date,
    ban_period: relativedelta,
) -> list[Measure]:
    """Restrictions on an operator from its listings (list kind, end), a licence revocation and a false commitment."""
    measures: list[Measure] = []
    for list_kind, ends_on in memberships:
        measures.append(Measure("procurement_bidding_land_honours", ends_on, "《企业信息公示暂行条例》第十八条"))
        if list_kind == "serious":
            measures += [
                Measure("no_notify_commit", ends_on, "《市场监督管理严重违法失信名单管理办法》（总局令第44号）"),
                Measure("key_supervision", ends_on, "《市场监督管理严重违法失信名单管理办法》（总局令第44号）"),
                Measure("no_samr_honours", ends_on, "《市场监督管理严重违法失信名单管理办法》（总局令第44号）"),
            ]
    if licence_revoked_on is not None and as_of < licence_revoked_on + ban_period:
        measures.append(Measure("no_food_licence", licence_revoked_on + ban_period, "《食品安全法》第一百三十五条"))
    if false_commitment:
        measures.append(Measure("no_notify_commit", None, "国办发〔2019〕35号：虚假承诺终止告知承诺"))
    # One row per code: the latest end wins (None, "until lifted", is the latest).
    merged: dict[str, Measure] = {}
    for m in measures:
        seen = merged.get(m.code)
        if seen is None or (seen.until is not None and (m.until is None or m.until > seen.until)):
            merged[m.code] = m
    return list(merged.values())


def operator_facilitations(*, restrictions: list[Measure]) -> list[Measure]:
    """Facilitations still open: 告知承诺 unless restricted. The class-based measures (class-A green channel, class-D
    bars on 容缺受理 and 告知承诺) are added above credit, by the eligibility check (sharing.rules.measures_merge)."""
    if any(m.code == "no_notify_commit" for m in restrictions):
        return []
    return [Measure("notify_commit", None, "国办发〔2019〕35号")]
