"""Chinese working days (chinese-calendar), with a weekends-only fallback for years it does not cover."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True)
class Deadline:
    """A due date; `estimated` is True when a year outside chinese-calendar's coverage was crossed."""

    due: date
    estimated: bool


@lru_cache(maxsize=8192)  # chinese_calendar scans its holiday tables on every call; pages ask for the same days
def _is_workday(day: date, extra_holidays: frozenset[date]) -> tuple[bool, bool]:
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5 and day not in extra_holidays, True


def add_workdays(start: date, n: int, *, extra_holidays: frozenset[date] = frozenset()) -> Deadline:
    """The n-th working day after start (start itself not counted)."""
    day, counted, estimated = start, 0, False
    while counted < n:
        day += timedelta(days=1)
        ok, guessed = _is_workday(day, extra_holidays)
        estimated |= guessed
        counted += ok
    return Deadline(day, estimated)
