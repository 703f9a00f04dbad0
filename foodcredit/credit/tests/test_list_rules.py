"""List, escalation and repair rules at each boundary date (DOMAIN.md II.1-II.3): the day before, on and after."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from foodcredit.credit import rules
from foodcredit.credit.rules import DisclosurePolicy, RepairPolicy

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
    withdraw_within_workdays=3,
    serious_list_period=relativedelta(years=3),
)
REPAIR = RepairPolicy(
    min_disclosure=relativedelta(months=6),
    min_disclosure_food=relativedelta(years=1),
    serious_early_after=relativedelta(years=1),
)
LISTED = date(2025, 3, 10)


def listing(list_kind="serious", status="listed", **extra):
    return {"list_kind": list_kind, "status": status, **extra}


@pytest.mark.parametrize(
    ("facts", "day", "channel", "public"),
    [
        (listing(), LISTED - relativedelta(days=1), "gsxt", False),
        (listing(), LISTED, "gsxt", True),
        # 3 years, then removed automatically (总局令第44号)
        (listing(), date(2028, 3, 9), "gsxt", True),
        (listing(), date(2028, 3, 10), "gsxt", False),
        (listing(), date(2028, 3, 11), "gsxt", False),
        (listing(), date(2028, 3, 9), "credit_china", True),
        (listing(), date(2028, 3, 9), "district_portal", True),
        # a restriction that outlasts 3 years keeps the listing until it ends
        (listing(restriction_until="2029-06-01"), date(2029, 5, 31), "gsxt", True),
        (listing(restriction_until="2029-06-01"), date(2029, 6, 1), "gsxt", False),
        # removal ends disclosure on its day
        (listing(status="removed", removed_on="2026-01-05", removal_reason="reversed"), date(2026, 1, 4), "gsxt", True),
        (
            listing(status="removed", removed_on="2026-01-05", removal_reason="reversed"),
            date(2026, 1, 5),
            "gsxt",
            False,
        ),
        # early removal by repair: GSXT shows neither the listing nor the removal, even for the past
        (
            listing(status="removed", removed_on="2026-04-01", removal_reason="repaired"),
            date(2025, 6, 1),
            "gsxt",
            False,
        ),
        # a proposal is internal until decided
        (listing(status="proposed"), LISTED, "gsxt", False),
        (listing(status="dropped"), LISTED, "gsxt", False),
        # the abnormal list has no end by time; not on 信用中国
        (listing("abnormal"), date(2035, 1, 1), "gsxt", True),
        (listing("abnormal"), LISTED, "credit_china", False),
        (
            listing("abnormal", status="removed", removed_on="2025-09-01", removal_reason="corrected"),
            date(2025, 8, 31),
            "gsxt",
            True,
        ),
        (
            listing("abnormal", status="removed", removed_on="2025-09-01", removal_reason="corrected"),
            date(2025, 9, 1),
            "gsxt",
            False,
        ),
    ],
)
def test_list_decision_disclosure(facts, day, channel, public):
    assert rules.disclosed_on("list_decision", facts, LISTED, POLICY, day=day, channel=channel) is public


@pytest.mark.parametrize(
    ("heavy", "listable", "reasons", "no_intent", "failures"),
    [
        (True, True, "多次经营病死畜禽肉，持续半年", False, []),
        (False, True, "理由", False, ["not_heavy_penalty"]),
        (True, False, "理由", False, ["violation_not_listable"]),
        (True, True, "  ", False, ["no_serious_reasons"]),
        (True, True, "理由", True, ["no_intent_proven"]),  # proof of no intent: never listed
        (
            False,
            False,
            "",
            True,
            ["not_heavy_penalty", "violation_not_listable", "no_serious_reasons", "no_intent_proven"],
        ),
    ],
)
def test_serious_listing_conditions(heavy, listable, reasons, no_intent, failures):
    assert (
        rules.serious_listing_failures(
            heavy_penalty=heavy, listable_violation=listable, serious_reasons=reasons, no_intent_proven=no_intent
        )
        == failures
    )


@pytest.mark.parametrize(
    ("facts", "heavy"),
    [
        ({"kinds": ["罚款"], "circumstance": "heavier"}, True),  # 从重 fine
        ({"kinds": ["罚款"], "circumstance": "general"}, False),
        ({"kinds": ["警告", "吊销许可证件"]}, True),
        ({"kinds": ["限制从业"]}, True),
        ({"kinds": ["没收违法所得"], "circumstance": "heavier"}, False),
    ],
)
def test_heavy_penalty(facts, heavy):
    assert rules.is_heavy_penalty(facts) is heavy


ESCALATION = rules.escalation_dates(
    listed_on=date(2023, 5, 10), after=relativedelta(years=3), notice_before=relativedelta(days=60), within=10
)


def test_escalation_timetable():
    assert ESCALATION.propose_from == date(2026, 5, 10)
    assert ESCALATION.notice_from == date(2026, 3, 11)  # 60 days before the mark
    assert ESCALATION.decide_by == date(2026, 5, 22)  # 10 working days after Sunday 10 May 2026
    assert not ESCALATION.estimated


@pytest.mark.parametrize(
    ("notice_on", "day", "proposable"),
    [
        (None, date(2027, 1, 1), False),  # no notice, no proposal
        (date(2026, 3, 11), date(2026, 5, 9), False),
        (date(2026, 3, 11), date(2026, 5, 10), True),
        (date(2026, 3, 11), date(2026, 5, 11), True),
        # a notice served late pushes the proposal back to 60 days after it
        (date(2026, 4, 1), date(2026, 5, 30), False),
        (date(2026, 4, 1), date(2026, 5, 31), True),
    ],
)
def test_escalation_proposable(notice_on, day, proposable):
    assert rules.escalation_proposable(notice_on=notice_on, as_of=day, dates=ESCALATION) is proposable


DECIDED = date(2025, 3, 10)


def check_penalty(facts, day, *, on_a_list=False, repeated=False, food=True):
    return rules.penalty_repair_check(
        facts={"procedure": "ordinary", **facts},
        occurred_on=DECIDED,
        as_of=day,
        food_field=food,
        on_a_list=on_a_list,
        repeated_since=repeated,
        disclosure=POLICY,
        policy=REPAIR,
    )


@pytest.mark.parametrize(
    ("facts", "day", "kwargs", "rule", "eligible_from"),
    [
        # food: 1 year of disclosure served (总局令第45号 Art. 14)
        ({"kinds": ["罚款"], "amount": 200_000}, date(2026, 3, 9), {}, "min_disclosure_not_served", date(2026, 3, 10)),
        ({"kinds": ["罚款"], "amount": 200_000}, date(2026, 3, 10), {}, "", None),
        ({"kinds": ["罚款"], "amount": 200_000}, date(2026, 3, 11), {}, "", None),
        # other fields: 6 months
        (
            {"kinds": ["罚款"], "amount": 200_000},
            date(2025, 9, 9),
            {"food": False},
            "min_disclosure_not_served",
            date(2025, 9, 10),
        ),
        ({"kinds": ["罚款"], "amount": 200_000}, date(2025, 9, 10), {"food": False}, "", None),
        # never for the heavy kinds, whatever the date
        (
            {"kinds": ["罚款", "吊销许可证件"], "amount": 200_000},
            date(2030, 1, 1),
            {},
            "penalty_never_repairable",
            None,
        ),
        ({"kinds": ["责令停产停业"]}, date(2030, 1, 1), {}, "penalty_never_repairable", None),
        ({"kinds": ["限制从业"]}, date(2030, 1, 1), {}, "penalty_never_repairable", None),
        # warnings and short-period penalties: nothing to stop early
        ({"kinds": ["警告"]}, date(2026, 6, 1), {}, "penalty_not_disclosed", None),
        ({"kinds": ["罚款"], "amount": 5000}, date(2026, 6, 1), {}, "penalty_short_period", None),
        (
            {"kinds": ["罚款"], "amount": 200_000, "procedure": "simple"},
            date(2026, 6, 1),
            {},
            "penalty_not_disclosed",
            None,
        ),
        # the other conditions
        ({"kinds": ["罚款"], "amount": 200_000}, date(2026, 6, 1), {"on_a_list": True}, "on_a_list", None),
        ({"kinds": ["罚款"], "amount": 200_000}, date(2026, 6, 1), {"repeated": True}, "same_violation_repeated", None),
        (
            {"kinds": ["罚款"], "amount": 200_000, "repaired_on": "2026-04-01"},
            date(2026, 6, 1),
            {},
            "penalty_no_longer_disclosed",
            None,
        ),
    ],
)
def test_penalty_repair_eligibility(facts, day, kwargs, rule, eligible_from):
    check = check_penalty(facts, day, **kwargs)
    assert (check.rule, check.eligible_from, check.eligible) == (rule, eligible_from, rule == "")


@pytest.mark.parametrize(
    ("restriction_until", "day", "heavy_since", "rule", "eligible_from"),
    [
        (None, date(2026, 3, 9), False, "serious_min_period_not_served", date(2026, 3, 10)),
        (None, date(2026, 3, 10), False, "", None),
        (None, date(2026, 3, 11), False, "", None),
        (None, date(2026, 3, 11), True, "new_heavy_penalty", None),
        # a running restriction blocks early removal until it ends
        (date(2027, 1, 1), date(2026, 12, 31), False, "serious_min_period_not_served", date(2027, 1, 1)),
        (date(2027, 1, 1), date(2027, 1, 1), False, "", None),
    ],
)
def test_serious_early_removal(restriction_until, day, heavy_since, rule, eligible_from):
    check = rules.serious_removal_check(
        listed_on=LISTED, restriction_until=restriction_until, as_of=day, heavy_penalty_since=heavy_since, policy=REPAIR
    )
    assert (check.rule, check.eligible_from) == (rule, eligible_from)


@pytest.mark.parametrize(
    ("status", "day", "overdue"),
    [
        ("submitted", date(2026, 3, 12), False),
        ("submitted", date(2026, 3, 13), True),
        ("accepted", date(2026, 4, 2), False),
        ("accepted", date(2026, 4, 3), True),
        ("granted", date(2027, 1, 1), False),
    ],
)
def test_repair_overdue(status, day, overdue):
    flag = rules.repair_overdue(status=status, accept_by=date(2026, 3, 12), decide_by=date(2026, 4, 2), as_of=day)
    assert flag is overdue


def test_revoked_penalty_withdrawn_within_three_working_days():
    facts = {"kinds": ["罚款"], "amount": 200_000, "procedure": "ordinary", "revoked_on": "2025-09-30"}
    # 国庆/中秋 1-8 Oct 2025 are holidays; Saturday 11 Oct is a make-up working day: 9, 10, 11 Oct.
    assert rules.penalty_withdraw_by(facts, POLICY) == date(2025, 10, 11)
    assert rules.penalty_withdraw_by({"kinds": ["罚款"]}, POLICY) is None


def test_listing_published_within_twenty_working_days():
    [window] = [w for w in rules.disclosure_windows("list_decision", listing(), LISTED, POLICY) if w.channel == "gsxt"]
    assert (window.start, window.end, window.publish_by) == (LISTED, date(2028, 3, 10), date(2025, 4, 8))
