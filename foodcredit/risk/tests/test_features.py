"""Features as of a date: no look-ahead, corrections, inspector strictness, relationships, partitions."""

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from foodcredit.collection import services as collection_services
from foodcredit.credit.models import LedgerEntry
from foodcredit.operators.models import Operator
from foodcredit.risk.features import FEATURE_NAMES, Scope, features_as_of

from .world import INSPECTORS

AS_OF = dt.date(2025, 6, 1)


def _write(kind, frame):
    collection_services.records_write(kind=kind, frame=frame, source_name="测试来源", job_label="risk-test")


def _inspection(uscc, on, result, *, inspectors=None, source_id="X1"):
    return pl.DataFrame(
        {
            "source_id": [source_id],
            "uscc": [uscc],
            "inspected_on": [on],
            "kind": ["routine"],
            "result": [result],
            "findings": [""],
            "inspectors": [inspectors or f"{INSPECTORS[4]}、{INSPECTORS[5]}"],
            "_row": [2],
        }
    )


def test_features_as_of_ignores_records_dated_on_or_after_as_of(district):
    before = features_as_of(as_of=AS_OF)
    target = district["operators"]["uscc"][0]
    _write("inspections", _inspection(target, AS_OF, "nonconform", source_id="LATE1"))
    _write("inspections", _inspection(target, AS_OF + dt.timedelta(days=40), "nonconform", source_id="LATE2"))
    penalty = (
        district["penalties"]
        .head(1)
        .with_columns(
            decision_no=pl.lit("渝江北市监罚〔2026〕1号"), uscc=pl.lit(target), decided_on=pl.lit(dt.date(2025, 9, 1))
        )
    )
    _write("penalties", penalty)
    assert_frame_equal(features_as_of(as_of=AS_OF), before)


def test_features_as_of_counts_a_record_dated_the_day_before(district):
    target = district["operators"]["uscc"][0]
    before = features_as_of(as_of=AS_OF).filter(pl.col("uscc") == target)
    _write("inspections", _inspection(target, AS_OF - dt.timedelta(days=1), "nonconform", source_id="EARLY"))
    after = features_as_of(as_of=AS_OF).filter(pl.col("uscc") == target)
    assert after["nonconform_1y"][0] == before["nonconform_1y"][0] + 1
    assert after["days_since_inspection"][0] == 1


def test_features_as_of_reads_only_current_entries_after_a_correction(district):
    target = district["operators"]["uscc"][1]
    _write("inspections", _inspection(target, dt.date(2025, 3, 1), "nonconform", source_id="FIX"))
    first = features_as_of(as_of=AS_OF).filter(pl.col("uscc") == target)["nonconform_1y"][0]
    _write("inspections", _inspection(target, dt.date(2025, 3, 1), "conform", source_id="FIX"))
    assert LedgerEntry.objects.filter(superseded_by__isnull=False).count() == 1
    assert features_as_of(as_of=AS_OF).filter(pl.col("uscc") == target)["nonconform_1y"][0] == first - 1


def test_strict_inspectors_findings_count_for_less(district):
    strict_op, lenient_op = district["operators"]["uscc"][20], district["operators"]["uscc"][21]
    on = dt.date(2025, 5, 1)
    _write(
        "inspections",
        _inspection(strict_op, on, "nonconform", inspectors=f"{INSPECTORS[0]}、{INSPECTORS[1]}", source_id="S1"),
    )
    _write(
        "inspections",
        _inspection(lenient_op, on, "nonconform", inspectors=f"{INSPECTORS[4]}、{INSPECTORS[5]}", source_id="L1"),
    )
    f = features_as_of(as_of=AS_OF).filter(pl.col("uscc").is_in([strict_op, lenient_op]))
    strict = f.filter(pl.col("uscc") == strict_op)
    lenient = f.filter(pl.col("uscc") == lenient_op)
    # The same finding counts for less after a strict inspector: observed minus what its inspectors would find anyway.
    strict_excess = strict["nonconform_1y"][0] - strict["nonconform_adj_1y"][0]
    lenient_excess = lenient["nonconform_1y"][0] - lenient["nonconform_adj_1y"][0]
    assert strict_excess > lenient_excess


def test_relationships_link_operators_by_legal_representative_and_address(district):
    f = features_as_of(as_of=AS_OF).sort("uscc")
    codes = district["operators"]["uscc"]
    pair = f.filter(pl.col("uscc").is_in([codes[0], codes[1]]))
    assert pair["related_person_operators"].to_list() == [1.0, 1.0]
    assert pair["related_address_operators"].to_list() == [1.0, 1.0]
    assert f.filter(pl.col("uscc") == codes[50])["related_person_operators"][0] == 0
    serious = f.filter(pl.col("uscc").is_in([codes[0], codes[1]]))["serious_3y"].to_list()
    assert pair["related_person_serious_3y"].to_list() == serious[::-1]


def test_features_of_a_partition_equal_those_of_the_whole(district):
    whole = features_as_of(as_of=AS_OF)
    ids = sorted(Operator.objects.values_list("pk", flat=True))
    middle = ids[len(ids) // 2]
    parts = pl.concat(
        [
            features_as_of(as_of=AS_OF, scope=Scope(lo=ids[0], hi=middle)),
            features_as_of(as_of=AS_OF, scope=Scope(lo=middle + 1, hi=ids[-1])),
        ]
    )
    assert_frame_equal(parts, whole)
    some = features_as_of(as_of=AS_OF, operator_ids=ids[:5])
    assert_frame_equal(some, whole.head(5))
    assert set(FEATURE_NAMES) <= set(whole.columns)


@pytest.mark.pg_only("the split of the feature pass into operator ranges (Parallel Append) is PostgreSQL's")
def test_features_split_into_operator_ranges_equal_one_pass(district, monkeypatch):
    from django.db import connection, transaction

    from foodcredit.risk import ledger_pass

    monkeypatch.setattr(ledger_pass, "LARGE_LEDGER_ROWS", 0)  # split and compile as on a city's ledger

    def with_workers(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL max_parallel_workers_per_gather = {n}")
            return features_as_of(as_of=AS_OF)

    one, split = with_workers(0), with_workers(3)
    assert one.height == len(district["operators"])
    assert_frame_equal(one, split)


@pytest.mark.pg_only("read_numbers parses PostgreSQL's binary COPY")
def test_read_numbers_refuses_nulls_with_a_clear_error(db):
    from foodcredit.risk.frames import read_numbers

    frame = read_numbers(
        "SELECT g::bigint AS n, g * 0.5::float8 AS half FROM generate_series(1, 3) g",
        {"n": pl.Int64(), "half": pl.Float64()},
    )
    assert frame.to_dict(as_series=False) == {"n": [1, 2, 3], "half": [0.5, 1.0, 1.5]}
    with pytest.raises(ValueError, match="NULL"):
        read_numbers("SELECT NULL::bigint AS n", {"n": pl.Int64()})


@pytest.mark.pg_only("other connections in the same snapshot (pg_export_snapshot) are PostgreSQL's")
@pytest.mark.parametrize("large", [False, True], ids=["one-sibling", "a-range-per-sibling"])
def test_ledger_pass_on_snapshot_siblings_equals_one_connection(transactional_db, monkeypatch, large):
    from django.db import transaction

    from foodcredit.risk import ledger_pass

    from .world import world_frames, world_write

    if large:  # as on a city's ledger: one operator range per connection, fenced and compiled
        monkeypatch.setattr(ledger_pass, "LARGE_LEDGER_ROWS", 0)
    frames = world_frames()
    world_write(frames)
    used = []
    read = ledger_pass.read_numbers
    monkeypatch.setattr(
        ledger_pass, "read_numbers", lambda sql, schema, raw=None: used.append(raw) or read(sql, schema, raw=raw)
    )
    beside = features_as_of(as_of=AS_OF)  # outside a transaction: the ledger pass runs beside, on siblings
    besides, used[:] = list(used), []
    with transaction.atomic():
        here = features_as_of(as_of=AS_OF)  # inside one: on this connection
    assert len({id(raw) for raw in besides}) == (2 if large else 1) and None not in besides
    assert used == [None]
    assert beside.height == len(frames["operators"])
    assert_frame_equal(beside, here)


@pytest.mark.pg_only("snapshot siblings are PostgreSQL connections")
def test_ledger_pass_goes_on_with_fewer_siblings_or_none(transactional_db, monkeypatch, settings):
    """Behind a pgbouncer (RISK_PASS_CONNECTIONS = 0) or when the server refuses a connection, the pass runs on what
    it has, with the same answers."""
    import psycopg
    from django.db import connection

    from foodcredit.risk import ledger_pass

    from .world import world_frames, world_write

    monkeypatch.setattr(ledger_pass, "LARGE_LEDGER_ROWS", 0)  # two ranges, two siblings wanted
    world_write(world_frames())
    used = []
    read = ledger_pass.read_numbers
    monkeypatch.setattr(
        ledger_pass, "read_numbers", lambda sql, schema, raw=None: used.append(raw) or read(sql, schema, raw=raw)
    )
    expected = features_as_of(as_of=AS_OF)
    assert len({id(r) for r in used}) == 2

    used.clear()
    opened = []
    connect = connection.get_new_connection

    def second_refused(params):
        if opened:
            raise psycopg.OperationalError("FATAL: sorry, too many clients already")
        opened.append(True)
        return connect(params)

    monkeypatch.setattr(connection, "get_new_connection", second_refused)
    assert_frame_equal(features_as_of(as_of=AS_OF), expected)
    assert len(used) == 1 and used[0] is not None  # both ranges on the one sibling it got

    used.clear()
    settings.RISK_PASS_CONNECTIONS = 0
    assert_frame_equal(features_as_of(as_of=AS_OF), expected)
    assert used == [None]  # all on Django's connection
