"""Observation periods, publication deadlines, minimum frequencies and facilitation per class."""

import math
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from foodcredit.core.workdays import Deadline, add_workdays

from .params import CLASSES


def observation_ends(*, registered_on: date, months: int) -> date:
    """The last day a new-business-form operator is inside its observation period."""
    return registered_on + relativedelta(months=months)


def in_observation(*, new_business_form: bool, risk_class: str, registered_on: date, months: int, as_of: date) -> bool:
    """New business forms in class A/B get no proactive inspection during the observation period (DOMAIN.md §8)."""
    return (
        new_business_form
        and risk_class in ("A", "B")
        and as_of <= observation_ends(registered_on=registered_on, months=months)
    )


def publish_deadline(*, inspected_on: date, workdays: int, extra_holidays: frozenset[date] = frozenset()) -> Deadline:
    """Results are published within `workdays` working days of the inspection (DOMAIN.md II.6)."""
    return add_workdays(inspected_on, workdays, extra_holidays=extra_holidays)


def task_overdue(*, due_on: date | None, published_on: date | None, as_of: date) -> bool:
    """A result published after its deadline, or still unpublished once the deadline has passed."""
    if due_on is None:
        return False
    return (published_on or as_of) > due_on


def frequency_shortfall(
    *, ratios: dict[str, float], min_frequency: dict[str, float], period_start: date, period_end: date
) -> dict[str, float]:
    """Classes whose minimum frequency (visits a year) random plans like this one cannot reach alone: the expected
    random visits a year (ratio × plans a year, one plan per period) for each class that falls short — the rest
    must come from routine inspections (DOMAIN.md Part I §8, II.A 9)."""
    days = (period_end - period_start).days + 1
    per_year = 365 / days if days > 0 else 0.0
    expected = {cls: float(ratios.get(cls, 0.0)) * per_year for cls in CLASSES}
    return {cls: round(v, 3) for cls, v in expected.items() if v < float(min_frequency.get(cls, 0.0))}


def frequency_interval_days(min_frequency: dict[str, float]) -> dict[str, int]:
    """Days between on-site inspections each class's minimum frequency allows (visits a year → ⌈365 / visits⌉):
    A 0.5 → 730, B 1 → 365, C 2 → 183, D 3 → 122. A class without a minimum gets none."""
    return {cls: math.ceil(365 / float(v)) for cls, v in min_frequency.items() if float(v) > 0}


@dataclass(frozen=True)
class Facilitation:
    """What the class means for facilitation and strictness (DOMAIN.md Part I §8)."""

    risk_class: str
    green_channel: bool  # 绿色通道 (class A)
    lenient_acceptance: bool  # 容缺受理 (never for class D)
    notify_commit: bool  # 告知承诺 (never for class D)


def facilitation_for(risk_class: str) -> Facilitation:
    """Class A: green channel; class D: no 容缺受理 and no 告知承诺; others: the ordinary procedure."""
    return Facilitation(
        risk_class=risk_class,
        green_channel=risk_class == "A",
        lenient_acceptance=risk_class != "D",
        notify_commit=risk_class != "D",
    )
