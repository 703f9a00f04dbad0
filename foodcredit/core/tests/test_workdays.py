"""Chinese working days with the weekends-only fallback (DOMAIN.md Part I §4)."""

from datetime import date

from foodcredit.core.workdays import add_workdays


def test_add_workdays_skips_national_day_holiday():
    # 2025-09-30 (Tue) + 1 working day: 1-8 October 2025 is the National Day holiday; 9 October is a workday.
    assert add_workdays(date(2025, 9, 30), 1).due == date(2025, 10, 9)


def test_add_workdays_counts_adjusted_weekend_workday():
    # Sunday 2025-09-28 is an adjusted working day (调休上班).
    assert add_workdays(date(2025, 9, 26), 1).due == date(2025, 9, 28)


def test_add_workdays_beyond_calendar_coverage_is_flagged_estimated():
    deadline = add_workdays(date(2026, 12, 28), 10)
    assert deadline.estimated is True
    assert deadline.due.weekday() < 5


def test_add_workdays_fallback_respects_administrator_holidays():
    plain = add_workdays(date(2027, 3, 1), 1, extra_holidays=frozenset())
    with_holiday = add_workdays(date(2027, 3, 1), 1, extra_holidays=frozenset({date(2027, 3, 2)}))
    assert (plain.due, with_holiday.due) == (date(2027, 3, 2), date(2027, 3, 3))
