"""Space-time permutation scan: the expected-count formula on a case worked by hand, a planted multi-street cluster
found (and nothing on the null series), and the sweep raising it from complaints filed through the writers."""

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from foodcredit.alerts import evaluation, services
from foodcredit.alerts.detectors import params_load
from foodcredit.alerts.detectors.spacetime import cylinders, llr, scan
from foodcredit.alerts.evaluation_spacetime import inject_clusters
from foodcredit.alerts.models import Alert
from foodcredit.credit.tests.factories import complaint_add, make_uscc, operator_register

STREETS = ["观音桥街道", "华新街街道", "五里店街道", "江北城街道", "石马河街道", "大石坝街道", "寸滩街道", "鱼嘴镇"]


@pytest.fixture(scope="module")
def p():
    return params_load()[1]["spacetime_scan"]


def test_expected_count_and_statistic_by_hand(p):
    # Two streets far apart (no neighbours within 0 km), four days; windows of 1 and 2 days.
    table = np.array([[1, 2, 0, 6], [3, 1, 2, 1]])
    result = scan(
        table,
        ["甲", "乙"],
        {**p, "min_window_days": 1, "max_window_days": 2, "window_step_days": 1, "replicates": 99},
        seed=1,
    )
    # C = 16; N(甲) = 9, N(乙) = 7; last day: 7 cases, last two days: 9.
    # μ(甲, 1 day) = 9·7/16 = 3.9375; μ(甲, 2 days) = 9·9/16 = 5.0625; μ(乙, 1 day) = 7·7/16 = 3.0625.
    assert result.bases == [(0, (0,)), (1, (1,))]
    assert result.expected[0].tolist() == pytest.approx([3.9375, 5.0625])
    assert result.expected[1].tolist() == pytest.approx([3.0625, 3.9375])
    assert result.observed.tolist() == [[6, 6], [1, 3]]
    # GLR of (甲, 1 day): 6·ln(6/3.9375) + 10·ln(10/12.0625); 乙 has no excess: 0.
    by_hand = 6 * np.log(6 / 3.9375) + 10 * np.log(10 / 12.0625)
    assert result.statistic[0, 0] == pytest.approx(by_hand)
    assert result.statistic[1].tolist() == [0.0, 0.0]
    assert llr(np.array([2.0]), np.array([3.0]), 10.0)[0] == 0.0


def test_cylinders_are_a_street_and_its_nearest_neighbours():
    bases = cylinders(["观音桥街道", "华新街街道", "五宝镇"], max_streets=2, max_radius_km=8.0)
    sets = {tuple(members) for _, members in bases}
    assert (0, 1) in sets  # 观音桥 and 华新街 are ~1.7 km apart
    assert not any(2 in m and len(m) > 1 for m in sets)  # 五宝镇 is 30 km from both: alone


def quiet_table(seed: int, days: int = 365, rate: float = 3.0) -> np.ndarray:
    return np.random.default_rng(seed).poisson(rate, size=(len(STREETS), days))


def test_planted_two_street_cluster_is_found(p):
    table = quiet_table(5)
    table[0, -7:] += 4  # 观音桥 and 华新街 (neighbours): four extra complaints a day each for the last week
    table[1, -7:] += 4
    result = scan(table, STREETS, p, seed=9)
    best = np.unravel_index(np.argmax(result.statistic), result.statistic.shape)
    _, members = result.bases[best[0]]
    assert {STREETS[i] for i in members} == {"观音桥街道", "华新街街道"}
    assert 1 / result.p_value(float(result.statistic[best])) >= p["min_recurrence_days"]


def test_null_series_raise_no_alert(p):
    # 20 independent quiet districts: at RI ≥ 100 days (p ≤ 0.01) one false alarm in 20 would already be unusual.
    alarms = 0
    for seed in range(20):
        result = scan(quiet_table(100 + seed), STREETS, p, seed=seed)
        alarms += 1 / result.p_value(float(result.statistic.max())) >= p["min_recurrence_days"]
    assert alarms == 0


def test_sweep_raises_a_cross_street_cluster(db, district):
    as_of = date(2026, 11, 20)
    ops = {
        s: [operator_register(uscc=make_uscc(300 + 10 * i + k), street=s) for k in range(3)]
        for i, s in enumerate(STREETS)
    }
    rng = np.random.default_rng(3)
    for members in ops.values():
        for back in range(0, 120, 6):  # background: a complaint every six days per street over four months
            complaint_add(members[int(rng.integers(3))], on=as_of - timedelta(days=back + int(rng.integers(6))))
    for back in range(6):  # the cluster: 观音桥 and 华新街, three a day each for the last six days
        for street in ("观音桥街道", "华新街街道"):
            for k in range(3):
                complaint_add(ops[street][k], on=as_of - timedelta(days=back))
    services.alerts_sweep(as_of=as_of, only=["spacetime_scan"])
    alert = Alert.objects.get(detector="spacetime_scan")
    assert alert.subject in ("spacetime:观音桥街道", "spacetime:华新街街道")
    assert set(alert.evidence["streets"].split("、")) == {"观音桥街道", "华新街街道"}
    assert alert.evidence["recurrence_days"] >= 100 and alert.unit == district
    assert alert.operator is None


def test_injected_clusters_across_streets_are_found(p):
    world = evaluation.world_simulate(seed=7, operators=2000, years=2, end=date(2026, 6, 30))
    frames, clusters = inject_clusters(world, 3, np.random.default_rng(2), 3)
    assert all(len(set(c.streets)) == 2 for c in clusters)
    days = evaluation._days_between(clusters[0].start, world.end)
    alarms = evaluation.alarms_daily(frames, {"spacetime_scan": p}, "spacetime_scan", days)
    truths = [evaluation.Truth("spacetime_scan", c.subjects[0], c.start, c.subjects[1:]) for c in clusters]
    figures = evaluation.score(truths, alarms, evaluation.alerts_of(alarms), set())
    assert figures["pod"] == 1.0 and figures["median_days"] <= 7


def test_a_cluster_named_by_a_third_street_is_found_where_its_cylinder_holds_the_injected_streets():
    """The scan may centre the most likely cylinder on a neighbour of the injected pair; its alert lists the
    cylinder's streets, so the unit is shown the cluster. A cylinder off the pair finds nothing."""
    start = date(2026, 6, 1)
    truths = [evaluation.Truth("spacetime_scan", "spacetime:A", start, ("spacetime:B",))]
    on_pair = pl.DataFrame({"subject": ["spacetime:C"], "streets": ["C、A、B"]})
    off_pair = pl.DataFrame({"subject": ["spacetime:D"], "streets": ["D、E"]})
    for found, pod, ppv in ((on_pair, 1.0, 1.0), (off_pair, 0.0, 0.0)):
        alarms = evaluation._with_reach(found).with_columns(pl.lit(start + timedelta(days=3)).alias("day"))
        figures = evaluation.score(truths, alarms, evaluation.alerts_of(alarms), set())
        assert (figures["pod"], figures["ppv"]) == (pod, ppv)


def test_an_alert_the_undisturbed_district_raised_a_day_earlier_is_netted_out_of_ppv():
    """The undisturbed district's own cluster alarmed from 27 June; in the disturbed copy the scan's p-value moved and
    the same street first alarmed on the 28th. That alert is the copy's own, not a false alert of the detector; an
    alert on a street the undisturbed copy never alarmed is still counted against it."""
    start = date(2026, 6, 1)
    truths = [evaluation.Truth("spacetime_scan", "spacetime:A", start, ("spacetime:B",))]
    found = pl.DataFrame({"subject": ["spacetime:A", "spacetime:C", "spacetime:D"], "streets": ["A、B", "C", "D"]})
    days = [start + timedelta(days=3), date(2026, 6, 28), date(2026, 6, 28)]
    alarms = evaluation._with_reach(found).with_columns(pl.Series("day", days))
    baseline = {("spacetime:C", date(2026, 6, 27))}
    figures = evaluation.score(truths, alarms, evaluation.alerts_of(alarms), baseline)
    assert (figures["alerts"], figures["alerts_net"], figures["ppv"]) == (3, 2, 0.5)
