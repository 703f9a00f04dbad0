"""Disclosure rules: which ledger entries are public, on which channel, from when until when.

Pure functions over an entry's facts and the settings in force (DOMAIN.md Part I §6, Part II §2).
"""

from dataclasses import dataclass
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
    if facts.get("revoked_on"):
        return []
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
    cc_period = policy.credit_china_general if severity == "general" else policy.credit_china_serious
    return [
        Window("district_portal", occurred_on, end, publish_by),
        Window("gsxt", occurred_on, end, publish_by),
        Window("credit_china", occurred_on, occurred_on + cc_period, publish_by),
    ]


def disclosure_windows(kind: str, facts: dict[str, Any], occurred_on: date, policy: DisclosurePolicy) -> list[Window]:
    """Every channel's window for one ledger entry; an empty list means internal only."""
    if kind == "penalty":
        return _penalty_windows(facts, occurred_on, policy)
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
