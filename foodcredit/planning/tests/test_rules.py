"""Pure planning rules: the draw's statistics and invariants, reproducibility, deadlines, facilitation."""

import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from foodcredit.core.errors import DomainError
from foodcredit.core.workdays import add_workdays
from foodcredit.planning import rules

RATIOS = {"A": 0.03, "B": 0.10, "C": 0.30, "D": 0.60}
STRATA = {"A": 500, "B": 700, "C": 500, "D": 300}  # a 2,000-operator directory
STREETS = ["观音桥街道", "华新街街道", "五里店街道", "寸滩街道"]


def directory(
    *, strata=STRATA, inspectors=120, conflicts=300, seed=7, sectors=("catering", "circulation", "production")
):
    rng = np.random.default_rng(seed)
    classes = [c for c, n in strata.items() for _ in range(n)]
    n = len(classes)
    objects = pl.DataFrame(
        {
            "uscc": [f"9150010500000{i:05d}" for i in range(n)],
            "risk_class": classes,
            "street": rng.choice(STREETS, n).tolist(),
            "sector": rng.choice(list(sectors), n).tolist(),
            "operator_id": np.arange(1, n + 1),
        }
    )
    quals = ["catering", "circulation", "production", "catering,circulation", "catering,circulation,production"]
    ins = pl.DataFrame(
        {"inspector_id": np.arange(1, inspectors + 1), "sectors": rng.choice(quals, inspectors).tolist()}
    )
    con = pl.DataFrame(
        {"inspector_id": rng.integers(1, inspectors + 1, conflicts), "operator_id": rng.integers(1, n + 1, conflicts)}
    ).unique()
    return objects, ins, con


def snapshot(params=None, **kwargs):
    objects, ins, con = directory(**kwargs)
    params = params or rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=40, street_quotas={})
    return rules.snapshot_parse(
        rules.snapshot_build(params=params, objects=objects, inspectors=ins, conflicts=con).listing
    )


def seeds(n, base=20251125):
    return [f"{base + i:064x}" for i in range(n)]


def test_draw_selection_rate_matches_stratum_ratio_over_many_draws():
    """300 draws of a 2,000-operator directory: every operator's empirical rate is within the binomial tolerance
    of its stratum's ratio (z = 5: Bonferroni over 2,000 operators at a family error of about 1e-3), and each
    stratum's mean rate within z·sqrt(r(1−r)/(draws·N)) — an upper bound, stratified draws vary less."""
    snap = snapshot()
    draws = 300
    counts = np.zeros(snap.objects.height, dtype=np.int64)
    for seed in seeds(draws):
        counts[rules.draw_run(snapshot=snap, seed=seed).object_rows] += 1
    ratio = snap.objects["risk_class"].replace_strict(RATIOS, return_dtype=pl.Float64).to_numpy()
    rate = counts / draws
    z = 5.0
    tolerance = z * np.sqrt(ratio * (1 - ratio) / draws)
    worst = np.max(np.abs(rate - ratio) / tolerance)
    assert worst <= 1.0, f"an operator's selection rate is {worst:.2f} tolerances away from its stratum's ratio"
    classes = snap.objects["risk_class"].to_numpy()
    for cls, r in RATIOS.items():
        in_stratum = classes == cls
        mean = rate[in_stratum].mean()
        assert abs(mean - r) <= z * math.sqrt(r * (1 - r) / (draws * in_stratum.sum())), (cls, mean, r)
    # Not a degenerate draw: the same few operators are not picked every time.
    assert (counts[classes == "D"] < draws).all() and (counts[classes == "A"] > 0).sum() > 100


def test_draw_every_task_has_two_distinct_qualified_unconflicted_inspectors_under_the_cap():
    for seed in seeds(20, base=99):
        snap = snapshot(seed=int(seed[-4:], 16))
        draw = rules.draw_run(snapshot=snap, seed=seed)
        ids = draw.inspector_ids
        assert ids.shape == (draw.object_rows.size, 2)
        assert (ids[:, 0] != ids[:, 1]).all()
        sectors = dict(snap.inspectors.select("inspector_id", "sectors").iter_rows())
        task_sectors = snap.objects["sector"].to_numpy()[draw.object_rows]
        task_ops = snap.objects["operator_id"].to_numpy()[draw.object_rows]
        conflicts = set(snap.conflicts.select("operator_id", "inspector_id").iter_rows())
        for sector, op, row in zip(task_sectors, task_ops, ids.tolist(), strict=True):
            for inspector in row:
                assert sector in sectors[inspector].split(",")
                assert (int(op), inspector) not in conflicts
        loads = np.bincount(ids.ravel())
        assert loads.max() <= snap.params.inspector_cap


def test_draw_conflicts_are_swapped_away():
    snap = snapshot(conflicts=3000)  # many declared conflicts: the repair must still find a clean plan
    draw = rules.draw_run(snapshot=snap, seed=seeds(1)[0])
    conflicts = set(snap.conflicts.select("operator_id", "inspector_id").iter_rows())
    ops = snap.objects["operator_id"].to_numpy()[draw.object_rows]
    assert not any(
        (int(o), i) in conflicts for o, row in zip(ops, draw.inspector_ids.tolist(), strict=True) for i in row
    )


def test_draw_workload_is_balanced_among_equally_qualified_inspectors():
    objects, _ins, con = directory(sectors=("catering",))
    ins = pl.DataFrame({"inspector_id": np.arange(1, 41), "sectors": ["catering"] * 40})
    params = rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=100, street_quotas={})
    snap = rules.snapshot_build(params=params, objects=objects, inspectors=ins, conflicts=con.head(0))
    loads = np.bincount(rules.draw_run(snapshot=snap, seed=seeds(1)[0]).inspector_ids.ravel())[1:]
    assert loads.max() - loads.min() <= 1


def test_same_seed_and_snapshot_give_the_same_plan_and_another_seed_another():
    snap = snapshot()
    a, b = (rules.draw_run(snapshot=rules.snapshot_parse(snap.listing), seed=seeds(1)[0]) for _ in range(2))
    assert np.array_equal(a.object_rows, b.object_rows) and np.array_equal(a.inspector_ids, b.inspector_ids)
    c = rules.draw_run(snapshot=snap, seed=seeds(2)[1])
    assert not np.array_equal(a.object_rows, c.object_rows)


def test_snapshot_listing_round_trips_and_its_hash_covers_the_parameters():
    objects, ins, con = directory()
    p1 = rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=40, street_quotas={})
    p2 = rules.DrawParams(ratios={**RATIOS, "B": 0.2}, inspectors_per_task=2, inspector_cap=40, street_quotas={})
    s1 = rules.snapshot_build(params=p1, objects=objects, inspectors=ins, conflicts=con)
    parsed = rules.snapshot_parse(s1.listing)
    assert parsed.sha256 == s1.sha256 and parsed.objects.equals(s1.objects) and parsed.inspectors.equals(s1.inspectors)
    assert parsed.conflicts.equals(s1.conflicts) and parsed.params == p1
    # Row order of the input does not matter (canonical), a parameter does.
    shuffled = rules.snapshot_build(params=p1, objects=objects.reverse(), inspectors=ins.reverse(), conflicts=con)
    assert shuffled.sha256 == s1.sha256
    assert rules.snapshot_build(params=p2, objects=objects, inspectors=ins, conflicts=con).sha256 != s1.sha256


def test_street_quota_caps_a_street_keeping_riskier_classes():
    params = rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=100, street_quotas={"观音桥街道": 10})
    snap = snapshot(params)
    draw = rules.draw_run(snapshot=snap, seed=seeds(1)[0])
    drawn = snap.objects[draw.object_rows]
    in_street = drawn.filter(pl.col("street") == "观音桥街道")
    assert in_street.height == 10
    assert set(in_street["risk_class"].to_list()) == {"D"}  # D is drawn at 60 %: far more than 10 in the street


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"ratios": {"B": 1.5}}, "planning.bad_ratio"),
        ({"ratios": {"B": -0.1}}, "planning.bad_ratio"),
        ({"ratios": {"E": 0.1}}, "planning.bad_class"),
        ({"inspectors_per_task": 1}, "planning.too_few_per_task"),
        ({"inspector_cap": 0}, "planning.bad_cap"),
        ({"street_quotas": {"观音桥街道": -1}}, "planning.bad_quota"),
    ],
)
def test_params_check_rejects_bad_parameters(params, code):
    base = {"ratios": RATIOS, "inspectors_per_task": 2, "inspector_cap": 10, "street_quotas": {}}
    with pytest.raises(DomainError) as err:
        rules.params_check(rules.DrawParams(**{**base, **params}))
    assert err.value.code == code and str(err.value.message)


def test_draw_errors_empty_scope_too_few_inspectors_and_cap():
    objects, ins, con = directory()
    params = rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=40, street_quotas={})
    empty = rules.snapshot_build(params=params, objects=objects.head(0), inspectors=ins, conflicts=con)
    with pytest.raises(DomainError) as err:
        rules.draw_run(snapshot=empty, seed=seeds(1)[0])
    assert err.value.code == "planning.empty_scope"
    one = ins.head(1).with_columns(pl.lit("catering,circulation,production").alias("sectors"))
    with pytest.raises(DomainError) as err:
        rules.draw_run(
            snapshot=rules.snapshot_build(params=params, objects=objects, inspectors=one, conflicts=con),
            seed=seeds(1)[0],
        )
    assert err.value.code == "planning.too_few_inspectors"
    tight = rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=1, street_quotas={})
    with pytest.raises(DomainError) as err:
        rules.draw_run(
            snapshot=rules.snapshot_build(params=tight, objects=objects, inspectors=ins, conflicts=con),
            seed=seeds(1)[0],
        )
    assert err.value.code == "planning.cap_exceeded"


def test_inspectors_shared_by_two_sectors_are_kept_for_the_one_that_needs_them():
    """X0, X1 may inspect production and circulation, Z0–Z2 circulation only; cap 2, two inspectors a task. Levelling
    circulation first (the scarcer by ratio) gives every inspector a slot there and a third one to someone, so the
    one production task could find only one free X: the old draw refused it as over the cap. There is a way — each
    X once in circulation, once in production — and it is found."""
    sectors = np.array([0, 1, 1, 1, 1])  # one production task, four circulation tasks
    qualified = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]], dtype=bool)
    for keys in ([0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]):  # whatever the draw's inspector order
        out = rules.inspectors_assign(
            task_sectors=sectors,
            task_objects=np.arange(5),
            qualified=qualified,
            conflicts=set(),
            per_task=2,
            cap=2,
            task_keys=np.arange(5),
            inspector_keys=np.array(keys),
        )
        assert (out >= 0).all() and all(len(set(row)) == 2 for row in out.tolist())
        assert all(qualified[i, s] for row, s in zip(out.tolist(), sectors, strict=True) for i in row)
        assert np.bincount(out.ravel(), minlength=5).max() <= 2
        assert set(out[0].tolist()) == {0, 1}
    with pytest.raises(DomainError) as err:  # one slot a head: truly too few
        rules.inspectors_assign(
            task_sectors=sectors,
            task_objects=np.arange(5),
            qualified=qualified,
            conflicts=set(),
            per_task=2,
            cap=1,
            task_keys=np.arange(5),
            inspector_keys=np.arange(5),
        )
    assert err.value.code == "planning.cap_exceeded"
    assert (err.value.context["slots"], err.value.context["capacity"]) == (10, 5)


def test_seed_commitment_is_sha256_of_the_seed():
    assert rules.seed_commitment("00" * 32) == "60e05bd1b195af2f94112fa7197a5c88289058840ce7c6df9693756bc6250f55"


@pytest.mark.parametrize(
    ("new_form", "cls", "registered_on", "as_of", "expected"),
    [
        (True, "B", date(2025, 1, 31), date(2026, 1, 31), True),  # the last day of 12 months
        (True, "B", date(2025, 1, 31), date(2026, 2, 1), False),
        (True, "A", date(2025, 6, 1), date(2025, 12, 1), True),
        (True, "C", date(2025, 6, 1), date(2025, 12, 1), False),  # C/D: no observation period
        (False, "B", date(2025, 6, 1), date(2025, 12, 1), False),
    ],
)
def test_in_observation(new_form, cls, registered_on, as_of, expected):
    assert (
        rules.in_observation(
            new_business_form=new_form, risk_class=cls, registered_on=registered_on, months=12, as_of=as_of
        )
        is expected
    )


def test_overdue_at_the_20_working_day_boundary():
    inspected = date(2025, 9, 15)  # the deadline crosses the 2025 National Day / Mid-Autumn holiday
    deadline = rules.publish_deadline(inspected_on=inspected, workdays=20)
    assert deadline == add_workdays(inspected, 20) and not deadline.estimated
    # 16–19, 22–26, 28 (Sun, adjusted workday), 29, 30 Sep; 9, 10, 11 (Sat, adjusted), 13–17 Oct.
    assert deadline.due == date(2025, 10, 17)
    due = deadline.due
    assert not rules.task_overdue(due_on=due, published_on=None, as_of=due)
    assert rules.task_overdue(due_on=due, published_on=None, as_of=date(2025, 10, 18))
    assert not rules.task_overdue(due_on=due, published_on=due, as_of=date(2026, 1, 1))
    assert rules.task_overdue(due_on=due, published_on=date(2025, 10, 18), as_of=date(2026, 1, 1))
    assert not rules.task_overdue(due_on=None, published_on=None, as_of=date(2030, 1, 1))


def test_deadline_beyond_the_calendar_is_flagged_estimated():
    assert rules.publish_deadline(inspected_on=date(2026, 12, 20), workdays=20).estimated


@pytest.mark.parametrize(
    ("cls", "green", "lenient", "commit"),
    [("A", True, True, True), ("B", False, True, True), ("C", False, True, True), ("D", False, False, False)],
)
def test_facilitation_for(cls, green, lenient, commit):
    f = rules.facilitation_for(cls)
    assert (f.green_channel, f.lenient_acceptance, f.notify_commit) == (green, lenient, commit)


def test_snapshot_with_an_empty_street_round_trips_and_draws():
    objects, ins, con = directory()
    objects = objects.with_columns(
        pl.when(pl.col("operator_id") % 7 == 0).then(None).otherwise(pl.col("street")).alias("street")
    )
    params = rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=40, street_quotas={})
    built = rules.snapshot_build(params=params, objects=objects, inspectors=ins, conflicts=con)
    parsed = rules.snapshot_parse(built.listing)
    assert parsed.objects.equals(built.objects) and parsed.sha256 == built.sha256
    assert rules.draw_run(snapshot=parsed, seed=seeds(1)[0]).object_rows.size > 0


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Quarterly plans at the default ratios (about 4 a year): every class falls short of its minimum.
        (date(2026, 1, 1), date(2026, 3, 31), {"A": 0.122, "B": 0.406, "C": 1.217, "D": 2.433}),
        # Plans every 28 days: A (0.39 < 0.5) still falls short; B 1.3, C 3.9 and D 7.8 meet their minimum.
        (date(2026, 2, 1), date(2026, 2, 28), {"A": 0.391}),
    ],
)
def test_frequency_shortfall(start, end, expected):
    ratios = {"A": 0.03, "B": 0.10, "C": 0.30, "D": 0.60}
    minimum = {"A": 0.5, "B": 1.0, "C": 2.0, "D": 3.0}
    assert (
        rules.frequency_shortfall(ratios=ratios, min_frequency=minimum, period_start=start, period_end=end) == expected
    )
