"""Penalty and record disclosure windows per channel, at each boundary (DOMAIN.md II.A items 2-3)."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from foodcredit.credit.rules import DisclosurePolicy, disclosed_on, disclosure_windows, is_heavy_penalty

POLICY = DisclosurePolicy(
    penalty_long=relativedelta(years=3),
    penalty_short=relativedelta(months=3),
    low_fine_legal_person=Decimal(100_000),
    low_fine_natural_person=Decimal(10_000),
    publish_within_workdays=20,
    credit_china_serious=relativedelta(years=3),
    credit_china_general=relativedelta(years=1),
    inspection_period=relativedelta(years=3),
    sampling_period=relativedelta(years=3),
)
DECIDED = date(2025, 3, 10)


def penalty(kinds, amount=None, procedure="ordinary", **extra):
    return {"kinds": kinds, "amount": amount, "procedure": procedure, **extra}


@pytest.mark.parametrize(
    ("facts", "day", "public"),
    [
        (penalty(["警告"]), DECIDED, False),  # warnings only: never disclosed (Order 45 Art. 2)
        (penalty(["罚款"], 5000, procedure="simple"), DECIDED, False),  # simple procedure: not disclosed
        (penalty(["罚款"], 5000), DECIDED - relativedelta(days=1), False),  # before the decision
        (penalty(["罚款"], 5000), DECIDED, True),
        # 较低数额罚款: 3 months
        (penalty(["罚款"], 5000), date(2025, 6, 9), True),
        (penalty(["罚款"], 5000), date(2025, 6, 10), False),
        (penalty(["通报批评"]), date(2025, 6, 9), True),
        (penalty(["通报批评"]), date(2025, 6, 10), False),
        # fine at the threshold is not "lower": 3 years
        (penalty(["罚款"], 100_000), date(2028, 3, 9), True),
        (penalty(["罚款"], 100_000), date(2028, 3, 10), False),
        (penalty(["罚款", "没收违法所得"], 5000), date(2027, 3, 10), True),
        # a restriction longer than 3 years keeps the disclosure until it ends
        (penalty(["限制从业"], restriction_until="2030-03-10"), date(2030, 3, 9), True),
        (penalty(["限制从业"], restriction_until="2030-03-10"), date(2030, 3, 10), False),
        # a revoked decision leaves public view on the day of revocation (总局令第45号 Art. 11)
        (penalty(["罚款"], 200_000, revoked_on="2025-05-01"), date(2025, 4, 30), True),
        (penalty(["罚款"], 200_000, revoked_on="2025-05-01"), date(2025, 5, 1), False),
        # a granted repair stops the disclosure early (Art. 14), the facts of a later entry
        (penalty(["罚款"], 200_000, repaired_on="2026-03-10"), date(2026, 3, 9), True),
        (penalty(["罚款"], 200_000, repaired_on="2026-03-10"), date(2026, 3, 10), False),
        (penalty(["罚款"], 200_000, repaired_on="2026-03-10"), date(2026, 3, 11), False),
    ],
)
def test_penalty_disclosure_on_gsxt(facts, day, public):
    assert disclosed_on("penalty", facts, DECIDED, POLICY, day=day, channel="gsxt") is public


def test_penalty_natural_person_threshold_is_lower():
    facts = penalty(["罚款"], 20_000, natural_person=True)
    assert disclosed_on("penalty", facts, DECIDED, POLICY, day=date(2025, 7, 1), channel="gsxt")  # 3 years
    facts = penalty(["罚款"], 9_999, natural_person=True)
    assert not disclosed_on("penalty", facts, DECIDED, POLICY, day=date(2025, 7, 1), channel="gsxt")


def test_penalty_credit_china_uses_its_own_period():
    facts = penalty(["罚款"], 5000)  # 一般 under NDRC: up to 1 year
    windows = {w.channel: w for w in disclosure_windows("penalty", facts, DECIDED, POLICY)}
    assert windows["gsxt"].end == date(2025, 6, 10)
    assert windows["credit_china"].end == date(2026, 3, 10)


def test_penalty_publish_by_is_20_working_days():
    windows = disclosure_windows("penalty", penalty(["罚款"], 5000), DECIDED, POLICY)
    assert windows[0].publish_by == date(2025, 4, 8)  # 20 working days after 2025-03-10 (清明 4 April)


def test_complaints_are_never_disclosed_individually():
    assert disclosure_windows("complaint", {"kind": "complaint"}, DECIDED, POLICY) == []


def test_inspection_disclosed_for_three_years_on_the_portal():
    assert disclosed_on("inspection", {}, DECIDED, POLICY, day=date(2028, 3, 9), channel="district_portal")
    assert not disclosed_on("inspection", {}, DECIDED, POLICY, day=date(2028, 3, 10), channel="district_portal")


@pytest.mark.parametrize(
    ("facts", "heavy"),
    [
        ({"kinds": ["罚款"], "circumstance": "heavier"}, True),
        ({"kinds": ["罚款"], "circumstance": "general"}, False),
        ({"kinds": ["吊销许可证件"]}, True),
        ({"kinds": ["警告"], "circumstance": "heavier"}, False),
    ],
)
def test_is_heavy_penalty(facts, heavy):
    assert is_heavy_penalty(facts) is heavy
