"""The ledger's generated columns (signal, inspector_1..3) agree with the Python rule in ledger_codes, on whatever
database runs the tests — PostgreSQL and SQLite each have their own SQL for the same rule."""

import datetime as dt

import pytest

from foodcredit.credit import ledger_codes
from foodcredit.credit.ledger_codes import FAIL_FIRST, FAILURE_KINDS, Signal
from foodcredit.credit.models import LedgerEntry

CASES = [
    ("inspection", {"result": "conform", "inspector_ids": [5, 6, 7, 8]}),
    ("inspection", {"result": "basically_conform", "inspector_ids": ["12", "x", "0013"]}),
    ("inspection", {"result": "nonconform", "inspector_ids": [True, -1, 1.5]}),
    ("inspection", {"result": 3, "inspector_ids": "5"}),
    ("inspection", {"inspector_ids": {"0": 5}}),
    ("inspection", {"result": "nonconform", "inspector_ids": [10**15, 999_999_999_999_999, None]}),
    ("inspection", {"result": "nonconform", "inspector_ids": []}),
    ("inspection", {"result": "nonconform", "inspector_ids": ["１２", "", "9" * 16]}),
    ("sampling_test", {"conclusion": "pass"}),
    ("sampling_test", {"conclusion": "fail"}),
    ("sampling_test", {"conclusion": "fail", "failure_kind": "unheard-of"}),
    ("sampling_test", {"conclusion": "fail", "failure_kind": ""}),
    *[("sampling_test", {"conclusion": "fail", "failure_kind": k}) for k in FAILURE_KINDS],
    ("sampling_test", {"conclusion": True, "failure_kind": "microbial"}),
    ("complaint", {"verification": "true"}),
    ("complaint", {"verification": "partly_true"}),
    ("complaint", {"verification": "untrue"}),
    ("complaint", {}),
    ("licence", {"valid_until": "2027-01-01"}),
    ("licence", {"valid_until": "2027-02-30"}),
    ("licence", {"valid_until": "2027/01/01"}),
    ("licence", {"valid_until": "2027-01-01T00:00"}),
    ("licence", {"valid_until": 20270101}),
    ("licence", {}),
    ("penalty", {"valid_until": "2027-01-01"}),
    ("penalty", {"kinds": ["警告"]}),
    ("registration", {"status": "active", "inspector_ids": [1]}),
    ("class_change", {"to": "D"}),
]


@pytest.fixture
def entries(operator):
    rows = [
        LedgerEntry(
            operator=operator,
            kind=kind,
            occurred_on=dt.date(2026, 1, 1),
            ref_kind=kind,
            ref_id=i,
            facts=facts,
            recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        for i, (kind, facts) in enumerate(CASES)
    ]
    created = LedgerEntry.objects.bulk_create(rows)
    # Read back from the database (its computed columns), without the operator's own registration entry.
    return {e.ref_id: e for e in LedgerEntry.objects.filter(pk__in=[e.pk for e in created])}


@pytest.mark.parametrize("index", range(len(CASES)))
def test_database_columns_agree_with_the_python_rule(entries, index):
    kind, facts = CASES[index]
    entry = entries[index]
    assert entry.signal == ledger_codes.signal_of(kind, facts), (kind, facts)
    assert [entry.inspector_1, entry.inspector_2, entry.inspector_3] == ledger_codes.inspectors_of(kind, facts)
    assert entry.valid_until_ymd == ledger_codes.valid_until_of(kind, facts)


def test_the_rule_says_what_the_features_rely_on():
    assert ledger_codes.signal_of("inspection", {"result": "nonconform"}) == Signal.INSPECTION_NONCONFORM
    assert ledger_codes.signal_of("sampling_test", {"conclusion": "fail", "failure_kind": "pesticide"}) == (
        FAIL_FIRST + FAILURE_KINDS.index("pesticide")
    )
    assert ledger_codes.signal_of("sampling_test", {"conclusion": "fail", "failure_kind": "?"}) == Signal.SAMPLE_FAIL
    assert ledger_codes.inspectors_of("inspection", {"inspector_ids": [7, "8"]}) == [7, 8, None]
    assert ledger_codes.inspectors_of("complaint", {"inspector_ids": [7]}) == [None, None, None]
    assert ledger_codes.valid_until_of("licence", {"valid_until": "2027-03-31"}) == 20270331


def test_a_correction_keeps_the_columns_of_its_own_facts(operator):
    """An entry's columns follow its facts even when it is written by a raw UPDATE (the database recomputes)."""
    entry = LedgerEntry.objects.create(
        operator=operator,
        kind="inspection",
        occurred_on=dt.date(2026, 1, 1),
        ref_kind="inspection",
        ref_id=1,
        facts={"result": "conform", "inspector_ids": [3]},
        recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    LedgerEntry.objects.filter(pk=entry.pk).update(facts={"result": "nonconform", "inspector_ids": [4, 5]})
    entry.refresh_from_db()
    assert (entry.signal, entry.inspector_1, entry.inspector_2) == (Signal.INSPECTION_NONCONFORM, 4, 5)
