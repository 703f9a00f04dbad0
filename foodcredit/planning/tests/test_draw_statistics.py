"""The draw's spread, on strata where ratio × size is not whole (so the random rounding runs).

A per-class mean cannot catch a draw that leaves part of a class out: the class still yields its k objects, so its
mean rate is exact by construction. This check looks at every operator: over many seeds, how many were never
drawn, and whether the per-operator counts fit their class's ratio (chi-square). It catches, for example:

    def objects_select_faulty(*, classes, keys, **kwargs):
        # never picks the last quarter of class A: their keys sort after every other key of the class
        a_rows = np.flatnonzero(classes == 0)
        keys = keys.copy()
        keys[a_rows[len(a_rows) * 3 // 4 :]] = 2.0
        return objects_select(classes=classes, keys=keys, **kwargs)

(test_spread_check_rejects_a_draw_that_never_picks_a_quarter_of_a_class runs exactly this one.)
"""

import math

import numpy as np
import polars as pl
import pytest
from scipy.stats import chisquare

from foodcredit.planning import rules
from foodcredit.planning.rules import draw as draw_module

from .test_rules import directory, seeds

RATIOS = {"A": 0.03, "B": 0.10, "C": 0.30, "D": 0.60}
# r × N = 13.11, 61.1, 87.9, 94.2: none whole, so every class's size is rounded at random in every draw.
UNEVEN = {"A": 437, "B": 611, "C": 293, "D": 157}
DRAWS = 400
P_FLOOR = 1e-6  # family-wise: four chi-square tests at this level, false alarm about 4e-6 per run


def uneven_snapshot() -> rules.Snapshot:
    objects, ins, con = directory(strata=UNEVEN, inspectors=60, conflicts=0)
    params = rules.DrawParams(ratios=RATIOS, inspectors_per_task=2, inspector_cap=60, street_quotas={})
    return rules.snapshot_parse(
        rules.snapshot_build(params=params, objects=objects, inspectors=ins, conflicts=con).listing
    )


def draw_counts(snap: rules.Snapshot) -> tuple[np.ndarray, dict[str, list[int]]]:
    """Times each operator was drawn over DRAWS seeds, and each class's sample size per draw."""
    classes = snap.objects["risk_class"].to_numpy()
    counts = np.zeros(snap.objects.height, dtype=np.int64)
    sizes: dict[str, list[int]] = {c: [] for c in RATIOS}
    for seed in seeds(DRAWS, base=31337):
        rows = rules.draw_run(snapshot=snap, seed=seed).object_rows
        counts[rows] += 1
        for cls in RATIOS:
            sizes[cls].append(int((classes[rows] == cls).sum()))
    return counts, sizes


def spread_failures(snap: rules.Snapshot, counts: np.ndarray) -> list[str]:
    """What is wrong with the spread of these counts, per class (empty: the draw looks fair).

    never drawn: an operator of ratio r escapes all DRAWS draws with probability (1 − r)^DRAWS (class A: 5e-6), so
    more than 3 in a class is an alarm. Chi-square: the counts of a class against equal expected counts; stratified
    draws without replacement vary a little less than binomial, so the test errs only on the side of passing.
    """
    failures = []
    classes = snap.objects["risk_class"].to_numpy()
    for cls in RATIOS:
        c = counts[classes == cls]
        never = int((c == 0).sum())
        if never > 3:
            failures.append(f"{cls}: {never} of {c.size} operators never drawn in {DRAWS} draws")
        p = chisquare(c, f_exp=np.full(c.size, c.sum() / c.size)).pvalue
        if p < P_FLOOR:
            failures.append(f"{cls}: per-operator counts do not fit one rate (chi-square p = {p:.1e})")
    return failures


@pytest.fixture(scope="module")
def snap() -> rules.Snapshot:
    return uneven_snapshot()


def test_uneven_strata_are_rounded_at_random_to_the_ratio(snap):
    """Each class's size is ⌊rN⌋ or ⌈rN⌉, the mean within 5 standard errors of rN (a Bernoulli of the fraction)."""
    _counts, sizes = draw_counts(snap)
    for cls, r in RATIOS.items():
        target = r * UNEVEN[cls]
        low, frac = math.floor(target), target - math.floor(target)
        assert set(sizes[cls]) == {low, low + 1}, (cls, sorted(set(sizes[cls])))
        mean = float(np.mean(sizes[cls]))
        assert abs(mean - target) <= 5 * math.sqrt(frac * (1 - frac) / DRAWS), (cls, mean, target)


def test_every_operator_is_reachable_and_counts_fit_the_class_rate(snap):
    counts, _sizes = draw_counts(snap)
    assert spread_failures(snap, counts) == []


def objects_select_faulty(*, classes: np.ndarray, keys: np.ndarray, **kwargs: np.ndarray) -> np.ndarray:
    """The faulty draw of the module docstring: the last quarter of class A is never picked."""
    a_rows = np.flatnonzero(classes == 0)
    keys = keys.copy()
    keys[a_rows[len(a_rows) * 3 // 4 :]] = 2.0
    return draw_module_objects_select(classes=classes, keys=keys, **kwargs)


draw_module_objects_select = draw_module.objects_select


def test_spread_check_rejects_a_draw_that_never_picks_a_quarter_of_a_class(snap, monkeypatch):
    monkeypatch.setattr(draw_module, "objects_select", objects_select_faulty)
    counts, sizes = draw_counts(snap)
    # The class means cannot see it: class A still yields its 13 or 14 objects per draw …
    assert set(sizes["A"]) == {13, 14}
    classes = snap.objects["risk_class"].to_numpy()
    assert abs(counts[classes == "A"].mean() / DRAWS - RATIOS["A"]) < 0.005
    # … the spread check does.
    failures = spread_failures(snap, counts)
    assert any(f.startswith("A:") and "never drawn" in f for f in failures), failures
    assert any(f.startswith("A:") and "chi-square" in f for f in failures), failures
    assert not any(f.startswith(("B:", "C:", "D:")) for f in failures), failures


def test_the_snapshot_has_the_uneven_strata(snap):
    assert dict(snap.objects.group_by("risk_class").len().iter_rows()) == UNEVEN
    assert all(not float(r * n).is_integer() for r, n in zip(RATIOS.values(), UNEVEN.values(), strict=True))
    assert snap.objects.select(pl.col("operator_id").n_unique()).item() == sum(UNEVEN.values())
