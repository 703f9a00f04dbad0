"""Space-time permutation scan (Kulldorff et al. 2005, PLoS Med 2:e59; SaTScan's prospective space-time permutation
model) for complaint clusters across streets.

Cases are the complaints of the study period (`study_days` up to the sweep day), each with its street and day. The
expected count of a cylinder (a set of streets × the last `w` days) conditions on both margins:
    μ(Z, W) = N(Z) · N(W) / C
(N(Z): the study period's cases of the streets, N(W): all streets' cases in the window, C: all cases). The statistic
is the Poisson generalised likelihood ratio of the cylinder with the most excess; its p comes from Monte-Carlo
replicates of the data with the days of the cases permuted (margins kept), and the recurrence interval is
RI = 1 / (p · analyses per day) days — one analysis a day, as NYC's daily SaTScan reports. Cylinders: each street
with its 0…max_streets−1 nearest neighbours (street centroids in streets.yaml, within max_radius_km), windows ending
on the sweep day of min_window_days, + window_step_days, … max_window_days days. An alert when RI ≥ min_recurrence_days.

Permuting the days of the cases is drawing each window's cases from the streets' cases without replacement; only
the streets' counts within the windows matter, so a replicate draws them block by block back from the sweep day
(sequential hypergeometric draws, vectorised over the replicates) instead of permuting every case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from .findings import findings
from .frames import Frames, complaint_counts

STREETS_FILE = Path(__file__).with_name("streets.yaml")
EARTH_KM = 6371.0


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    raw = yaml.safe_load(STREETS_FILE.read_text(encoding="utf-8"))
    return {str(k): (float(v[0]), float(v[1])) for k, v in raw["streets"].items()}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def cylinders(streets: list[str], *, max_streets: int, max_radius_km: float) -> list[tuple[int, tuple[int, ...]]]:
    """The spatial bases: (centre, member indices) for each street and its k nearest neighbours, k < max_streets,
    all within max_radius_km of the centre; duplicates (the same set from another centre) kept once."""
    where = centroids()
    seen: set[frozenset[int]] = set()
    out: list[tuple[int, tuple[int, ...]]] = []
    for i, street in enumerate(streets):
        near = [i]
        if street in where:
            others = sorted(
                (distance_km(where[street], where[s]), j) for j, s in enumerate(streets) if j != i and s in where
            )
            near += [j for d, j in others if d <= max_radius_km][: max_streets - 1]
        for k in range(1, len(near) + 1):
            members = frozenset(near[:k])
            if members not in seen:
                seen.add(members)
                out.append((i, tuple(sorted(members))))
    return out


def llr(observed: np.ndarray, expected: np.ndarray, total: float) -> np.ndarray:
    """Poisson GLR of cylinders (Kulldorff 2005 eq. 2), 0 where the cylinder has no excess."""
    c = np.asarray(observed, dtype=float)
    mu = np.broadcast_to(np.asarray(expected, dtype=float), c.shape)
    out = np.zeros(c.shape)
    excess = (c > mu) & (mu > 0)
    c, mu = c[excess], mu[excess]
    rest = total - c
    with np.errstate(divide="ignore", invalid="ignore"):
        value = c * np.log(c / mu) + np.where(rest > 0, rest * np.log(rest / (total - mu)), 0.0)
    out[excess] = value
    return out


@dataclass(frozen=True)
class Scan:
    """Everything one scan found: per cylinder and window the observed and expected counts and the statistic, and
    the replicates' maxima."""

    streets: list[str]
    bases: list[tuple[int, tuple[int, ...]]]
    windows: np.ndarray  # window lengths (days)
    observed: np.ndarray  # bases × windows
    expected: np.ndarray  # bases × windows
    statistic: np.ndarray  # bases × windows
    maxima: np.ndarray  # replicates
    total: int

    def p_value(self, value: float) -> float:
        return float((1 + np.sum(self.maxima >= value - 1e-9)) / (self.maxima.size + 1))


def scan(table: np.ndarray, streets: list[str], p: dict[str, Any], seed: int) -> Scan:
    """The scan on `table` (streets × days of the study period, oldest first, the last day = the sweep day)."""
    table = np.asarray(table, dtype=np.int64)
    total = int(table.sum())
    by_street, by_day = table.sum(axis=1), table.sum(axis=0)
    span = min(int(p["max_window_days"]), table.shape[1])
    windows = np.arange(int(p["min_window_days"]), span + 1, int(p["window_step_days"]))
    bases = cylinders(streets, max_streets=int(p["max_streets"]), max_radius_km=float(p["max_radius_km"]))
    member = np.zeros((len(bases), len(streets)))
    for b, (_, idx) in enumerate(bases):
        member[b, list(idx)] = 1
    recent_days = by_day[::-1][:span]  # the last day first
    in_window = np.cumsum(recent_days)[windows - 1]
    expected = np.outer(member @ by_street, in_window) / max(total, 1)
    recent = np.cumsum(table[:, ::-1][:, :span], axis=1)[:, windows - 1]  # streets × windows
    observed = member @ recent
    statistic = llr(observed, expected, total)
    maxima = _replicate_maxima(by_street, np.diff(in_window, prepend=0), member, expected, total, p, seed)
    return Scan(streets, bases, windows, observed, expected, statistic, maxima, total)


def _replicate_maxima(
    by_street: np.ndarray,
    block_cases: np.ndarray,
    member: np.ndarray,
    expected: np.ndarray,
    total: int,
    p: dict[str, Any],
    seed: int,
) -> np.ndarray:
    """The largest statistic of each replicate. A replicate permutes the days of the cases; only the counts of each
    street within the windows matter, so it draws, block by block back from the sweep day (the first window, then
    each window's extra days), how many of the block's cases fall in each street — sequential hypergeometric draws
    from the streets' cases not yet drawn, vectorised over the replicates."""
    reps = int(p["replicates"])
    if total == 0:
        return np.zeros(reps)
    rng = np.random.default_rng(seed)
    streets = len(by_street)
    pool = np.tile(by_street.astype(np.int64)[:, None], (1, reps))  # streets × replicates
    drawn = np.zeros((block_cases.size, streets, reps), dtype=np.int64)  # blocks × streets × replicates
    for b, n_block in enumerate(block_cases):
        if not n_block:
            continue
        left = np.full(reps, int(n_block), dtype=np.int64)
        rest = pool.sum(axis=0)
        for z in range(streets - 1):
            rest -= pool[z]
            x = rng.hypergeometric(pool[z], rest, left)
            drawn[b, z] = x
            left -= x
            pool[z] -= x
        drawn[b, streets - 1] = left  # the last street holds the rest of the block's cases
        pool[streets - 1] -= left
    cum = np.cumsum(drawn, axis=0)  # windows × streets × replicates
    observed = np.matmul(member, cum)  # windows × bases × replicates
    return llr(observed, expected.T[:, :, None], total).max(axis=(0, 1))


def spacetime_scan(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """Clusters of complaints across streets: the most likely cluster and the secondary ones that share no street
    with a stronger one, each an alert (on its centre street) when its recurrence interval reaches
    min_recurrence_days."""
    as_of = frames.as_of
    since = as_of - timedelta(days=int(p["study_days"]) - 1)
    cases = (
        complaint_counts(frames)
        .filter(pl.col("occurred_on").is_between(since, as_of))
        .group_by("street", "occurred_on")
        .agg(pl.col("n").sum())
    )
    if cases.is_empty():
        return findings("spacetime_scan", pl.DataFrame(), cuts=p["level_cuts"])
    streets = sorted(cases["street"].unique().to_list())
    table = np.zeros((len(streets), int(p["study_days"])), dtype=np.int64)
    pos = {s: i for i, s in enumerate(streets)}
    for street, day, n in cases.iter_rows():
        table[pos[street], (day - since).days] = n
    result = scan(table, streets, p, seed=int(p["seed"]) + as_of.toordinal())
    return findings("spacetime_scan", _clusters(result, p), cuts=p["level_cuts"])


def _clusters(result: Scan, p: dict[str, Any]) -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    taken: set[int] = set()
    stat = result.statistic
    order = np.argsort(-stat, axis=None)
    for flat in order:
        value = float(stat.flat[flat])
        if value <= 0:
            break
        b, w = np.unravel_index(flat, stat.shape)
        centre, members = result.bases[b]
        if taken & set(members):
            continue
        p_value = result.p_value(value)
        recurrence = 1 / p_value  # days: one analysis a day
        taken |= set(members)
        if recurrence < p["min_recurrence_days"] or result.observed[b, w] < p["min_cases"]:
            continue
        rows.append(
            {
                "subject": f"spacetime:{result.streets[centre]}",
                "operator_id": None,
                "street": result.streets[centre],
                "score": recurrence,
                "streets": "、".join(result.streets[i] for i in members),
                "window_days": int(result.windows[w]),
                "observed": int(result.observed[b, w]),
                "expected": round(float(result.expected[b, w]), 2),
                "llr": round(value, 3),
                "p_value": round(p_value, 5),
                "recurrence_days": round(recurrence, 1),
                "replicates": int(result.maxima.size),
            }
        )
    return pl.DataFrame(rows, schema_overrides={"operator_id": pl.Int64}) if rows else pl.DataFrame()
