"""The detectors measured on known anomalies (alerts_evaluate): a seeded simulated district, the same district with
anomalies injected, every detector run day by day over the last weeks, and per detector the probability of
detection, detection within 7 days, median days to detection, PPV and, on the undisturbed district, alerts per
1,000 operators per month. Pure polars/numpy: nothing is written to the database.

The district is simulated (not the demo seed): per-operator complaint rates are gamma-distributed with a yearly season
and a street-week random effect (overdispersion), registrations, legal representatives, revocations and sampling
failures at plausible rates, and six years of history so that Farrington Flexible has its five reference years.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from typing import Any

import numpy as np
import polars as pl

from foodcredit.operators.models import STREETS

from . import evaluation_spacetime as st
from .detectors import DETECTORS
from .detectors.frames import CLASSES, EVENTS, FAILURES, LICENCES, OPERATORS, Frames

STREET_WEIGHTS = np.array([18, 14, 12, 8, 10, 10, 7, 3, 4, 6, 4, 4], dtype=float)
SECTORS = ["catering", "circulation", "production"]
SECTOR_WEIGHTS = np.array([0.55, 0.40, 0.05])
CATEGORIES = ["粮食加工品", "肉制品", "乳制品", "饮料", "糕点", "蔬菜", "水果", "水产品", "调味品", "餐饮食品"]
FAILURE_KINDS = ["microbial", "pesticide", "vet_drug", "additive", "heavy_metal", "mycotoxin", "quality", "other"]
SIZES = (2, 3, 5)
RISK_DETECTORS = [
    "complaint_surge_operator",
    "complaint_surge_street",
    "spacetime_scan",
    "registration_address",
    "registration_churn",
    "registration_after_revocation",
    "sampling_repeated",
    "sampling_cluster",
]
SURGES = ("complaint_surge_operator", "complaint_surge_street", "spacetime_scan")  # evaluated at SIZES
SCAN_CLUSTERS, SCAN_RUNS = 6, 3  # clusters across streets: six a run (apart in place and time), three runs a size
MATCH_DAYS = 28  # an alarm up to four weeks after an anomaly's start counts as its detection
NET_DAYS = 7  # an alert within a week of an alarm of the undisturbed copy on its subject is that copy's alert
ABSORB_DAYS = 30  # alarms of one subject closer than this are one alert (an open alert absorbs repeats)


@dataclass
class World:
    """A simulated district: its frames (as of `end`) and what the injections need to know."""

    end: date
    frames: Frames
    rates: np.ndarray  # complaints per day of each operator (index = operator_id - 1), before the season
    season: Any


@dataclass(frozen=True)
class Truth:
    """One injected anomaly: the detector that should find it, its subject and its first day."""

    detector: str
    subject: str
    start: date
    also: tuple[str, ...] = ()  # other subjects whose alarm finds it (a cluster across streets: any of its streets)


def _season(day_numbers: np.ndarray) -> np.ndarray:
    return 1 + 0.25 * np.sin(2 * np.pi * (day_numbers - 30) / 365.25)


def world_simulate(*, seed: int, operators: int = 5000, years: int = 6, end: date = date(2026, 6, 30)) -> World:
    """A seeded district of `operators` food operators with `years` years of records up to `end`."""
    rng = np.random.default_rng(seed)
    n = operators
    ids = np.arange(1, n + 1)
    streets = rng.choice(len(STREETS), size=n, p=STREET_WEIGHTS / STREET_WEIGHTS.sum())
    sectors = rng.choice(3, size=n, p=SECTOR_WEIGHTS)
    malls = rng.random(n) < 0.08
    address = [
        f"{STREETS[s]}商场{rng.integers(5)}号楼" if m else f"{STREETS[s]}路{i}号"
        for i, s, m in zip(ids, streets, malls, strict=True)
    ]
    registered = [end - timedelta(days=int(d)) for d in rng.integers(30, 15 * 365, size=n)]
    persons = ids.copy()
    shared = rng.random(n) < 0.03  # a few legal representatives lead two operators
    persons[shared] = rng.integers(1, n + 1, size=int(shared.sum()))
    status = np.where(rng.random(n) < 0.1, "deregistered", "active")
    ops = pl.DataFrame(
        {
            "operator_id": ids,
            "uscc": [f"SIM{i:015d}" for i in ids],
            "street": [STREETS[s] for s in streets],
            "sector": [SECTORS[s] for s in sectors],
            "address": address,
            "person_id": persons,
            "registered_on": registered,
            "status": status,
        },
        schema=OPERATORS,
    )
    days = years * 365
    start = end - timedelta(days=days - 1)
    rates = rng.gamma(0.8, 1.6 / 0.8, size=n) / 365  # mean 1.6 complaints a year
    day_numbers = np.array([(start + timedelta(days=d)).timetuple().tm_yday for d in range(days)])
    season = _season(day_numbers)
    street_week = rng.lognormal(0, 0.12, size=(len(STREETS), days // 7 + 1))
    effect = street_week[streets][:, np.arange(days) // 7]  # operators x days
    counts = rng.poisson(rates[:, None] * season[None, :] * effect)
    op_idx, day_idx = np.nonzero(counts)
    reps = counts[op_idx, day_idx]
    complaints = pl.DataFrame(
        {
            "operator_id": np.repeat(ids[op_idx], reps),
            "occurred_on": [start + timedelta(days=int(d)) for d in np.repeat(day_idx, reps)],
        },
        schema=EVENTS,
    )
    n_fail = rng.poisson(n * 0.5 * 0.03 * years)
    failures = pl.DataFrame(
        {
            "operator_id": rng.integers(1, n + 1, size=n_fail),
            "occurred_on": [start + timedelta(days=int(d)) for d in rng.integers(0, days, size=n_fail)],
            "food_category": rng.choice(CATEGORIES, size=n_fail),
            "failure_kind": rng.choice(FAILURE_KINDS, size=n_fail),
        },
        schema=FAILURES,
    )
    revoked = rng.choice(ids, size=max(1, n // 500), replace=False)
    revocations = pl.DataFrame(
        {
            "operator_id": revoked,
            "occurred_on": [end - timedelta(days=int(d)) for d in rng.integers(30, 1800, size=revoked.size)],
        },
        schema=EVENTS,
    )
    frames = Frames(
        as_of=end,
        operators=ops,
        complaints=complaints,
        failures=failures,
        revocations=revocations,
        licences=pl.DataFrame(schema=LICENCES),
        class_changes=pl.DataFrame(schema=CLASSES),
    )
    return World(end=end, frames=frames, rates=rates, season=_season)


def _days_between(a: date, b: date) -> list[date]:
    return [a + timedelta(days=d) for d in range((b - a).days + 1)]


def inject(world: World, detector: str, size: int, rng: np.random.Generator, count: int) -> tuple[Frames, list[Truth]]:
    """The world with `count` anomalies for `detector` (complaint surges of `size` times the expected count)."""
    f, end = world.frames, world.end
    ops = f.operators
    starts = [end - timedelta(days=int(d)) for d in rng.integers(20, 75, size=count)]
    truths: list[Truth] = []
    next_id = ops.height + 1
    new_ops: list[dict[str, Any]] = []
    complaints: list[tuple[int, date]] = []
    failures: list[tuple[int, date, str, str]] = []
    revocations: list[tuple[int, date]] = []
    active = ops.filter(pl.col("status") == "active")
    if detector == "complaint_surge_operator":
        chosen = rng.choice(active["operator_id"].to_numpy(), size=count, replace=False)
        for op, start in zip(chosen, starts, strict=True):
            season = float(world.season(np.array([start.timetuple().tm_yday]))[0])
            expected = max(7 * world.rates[op - 1] * season, 1.0)  # at least one complaint a week (see the note)
            extra = round((size - 1) * expected)
            complaints += [(int(op), start + timedelta(days=int(d))) for d in rng.integers(0, 7, size=extra)]
            truths.append(Truth(detector, str(ops["uscc"][int(op) - 1]), start))
    elif detector == "complaint_surge_street":
        by_series = (
            active.with_columns(pl.Series("rate", world.rates[active["operator_id"].to_numpy() - 1]))
            .group_by("street", "sector")
            .agg(pl.col("rate").sum(), pl.col("operator_id"))
            .filter(pl.col("rate") * 7 >= 3)  # series expecting at least three complaints a week
            .sort("street", "sector")
        )
        picks = rng.choice(by_series.height, size=min(count, by_series.height), replace=False)
        for i, start in zip(picks, starts, strict=False):
            row = by_series.row(int(i), named=True)
            season = float(world.season(np.array([start.timetuple().tm_yday]))[0])
            extra = round((size - 1) * 7 * row["rate"] * season)
            members = rng.choice(row["operator_id"], size=extra)
            complaints += [
                (int(o), start + timedelta(days=int(d)))
                for o, d in zip(members, rng.integers(0, 7, size=extra), strict=True)
            ]
            truths.append(Truth(detector, f"{row['street']}|{row['sector']}", start))
    elif detector == "registration_address":
        for k, start in enumerate(starts):
            street = STREETS[int(rng.integers(len(STREETS)))]
            address = f"{street}新开路{9000 + k}号"
            for _ in range(6):
                new_ops.append(
                    _new_op(next_id, street, address, start + timedelta(days=int(rng.integers(0, 20))), next_id)
                )
                next_id += 1
            key = address.replace(" ", "").upper()
            truths.append(Truth(detector, f"address:{key}", start))
    elif detector == "registration_churn":
        for start in starts:
            person = 10_000_000 + next_id
            street = STREETS[int(rng.integers(len(STREETS)))]
            for j, back in enumerate((400, 200, 0)):
                op = _new_op(next_id, street, f"{street}某路{next_id}号", start - timedelta(days=back), person)
                op["status"] = "deregistered" if j < 2 else "active"
                new_ops.append(op)
                next_id += 1
            truths.append(Truth(detector, f"person:{person}", start))
    elif detector == "registration_after_revocation":
        for start in starts:
            person = 10_000_000 + next_id
            street = STREETS[int(rng.integers(len(STREETS)))]
            old = _new_op(next_id, street, f"{street}旧路{next_id}号", start - timedelta(days=2000), person)
            old["status"] = "revoked"
            new_ops.append(old)
            revocations.append((next_id, start - timedelta(days=700)))
            new_ops.append(_new_op(next_id + 1, street, f"{street}新路{next_id}号", start, person))
            truths.append(Truth(detector, f"SIM{next_id + 1:015d}", start))
            next_id += 2
    elif detector == "sampling_repeated":
        chosen = rng.choice(active["operator_id"].to_numpy(), size=count, replace=False)
        for op, start in zip(chosen, starts, strict=True):
            failures.append((int(op), start - timedelta(days=int(rng.integers(10, 60))), "肉制品", "microbial"))
            failures.append((int(op), start, "肉制品", "microbial"))
            truths.append(Truth(detector, str(ops["uscc"][int(op) - 1]), start))
    elif detector == "sampling_cluster":
        for k, start in enumerate(starts):
            street = STREETS[k % len(STREETS)]
            members = active.filter(pl.col("street") == street)["operator_id"].to_numpy()
            chosen = rng.choice(members, size=3, replace=False)
            category, kind = (
                CATEGORIES[int(rng.integers(len(CATEGORIES)))],
                FAILURE_KINDS[int(rng.integers(len(FAILURE_KINDS)))],
            )
            for j, op in enumerate([*chosen, chosen[0]]):
                failures.append((int(op), start + timedelta(days=3 * j), category, kind))
            truths.append(Truth(detector, f"cluster:{street}|{category}|{kind}", start))
    frames = dataclasses.replace(
        f,
        operators=pl.concat([ops, pl.DataFrame(new_ops, schema=OPERATORS)]) if new_ops else ops,
        complaints=pl.concat([f.complaints, pl.DataFrame(complaints, schema=EVENTS, orient="row")]),
        failures=pl.concat([f.failures, pl.DataFrame(failures, schema=FAILURES, orient="row")]),
        revocations=pl.concat([f.revocations, pl.DataFrame(revocations, schema=EVENTS, orient="row")]),
    )
    return frames, truths


def _new_op(op_id: int, street: str, address: str, registered_on: date, person: int) -> dict[str, Any]:
    return {
        "operator_id": op_id,
        "uscc": f"SIM{op_id:015d}",
        "street": street,
        "sector": "catering",
        "address": address,
        "person_id": person,
        "registered_on": registered_on,
        "status": "active",
    }


def alarms_daily(frames: Frames, params: dict[str, dict[str, Any]], detector: str, days: list[date]) -> pl.DataFrame:
    """Each day's findings of one detector: (subject, day, reach) — reach is the subjects the alarm covers: its
    own, or for a cluster across streets every street of its cylinder (the alert lists them to its unit)."""
    out = []
    for day in days:
        found = DETECTORS[detector](dataclasses.replace(frames, as_of=day), params[detector])
        if found.height:
            out.append(_with_reach(found).with_columns(pl.lit(day).alias("day")).select("subject", "day", "reach"))
    return pl.concat(out) if out else pl.DataFrame(schema=ALARMS)


ALARMS = pl.Schema([("subject", pl.String()), ("day", pl.Date()), ("reach", pl.List(pl.String()))])


def _with_reach(found: pl.DataFrame) -> pl.DataFrame:
    if "streets" not in found.columns:
        return found.with_columns(pl.concat_list("subject").alias("reach"))
    cylinder = pl.col("streets").str.split("、").list.eval(pl.lit("spacetime:") + pl.element())
    return found.with_columns(pl.concat_list(pl.col("subject"), cylinder).list.unique().alias("reach"))


def alerts_of(alarms: pl.DataFrame) -> list[tuple[str, date]]:
    """Alarms as alerts: a subject's alarms less than ABSORB_DAYS apart are one alert (the open one absorbs)."""
    alerts = []
    for subject, group in alarms.sort("day").group_by("subject", maintain_order=True):
        last: date | None = None
        for day in group["day"].to_list():
            if last is None or (day - last).days >= ABSORB_DAYS:
                alerts.append((str(subject[0]), day))
            last = day
    return alerts


def score(
    truths: list[Truth], alarms: pl.DataFrame, alerts: list[tuple[str, date]], baseline: set[tuple[str, date]]
) -> dict[str, Any]:
    """`baseline`: the undisturbed copy's alarms (subject, day). An alert is netted out when the undisturbed copy
    alarmed on a subject of its reach within NET_DAYS of it: the same event, raised a day earlier or later because
    the injection moved a margin or a Monte-Carlo p-value (the scan)."""
    """POD and delay from the daily alarms (an open alert absorbing the alarm still shows the anomaly to its unit);
    PPV from the alerts: matched ÷ alerts net of the undisturbed district's (the issue's definition) and matched ÷
    all alerts (raw)."""
    delays: list[int] = []
    matched: set[tuple[str, date]] = set()
    by_subject: dict[str, list[date]] = {}
    reach_of: dict[tuple[str, date], set[str]] = {}
    for subject, day, reach in alarms.select("subject", "day", "reach").iter_rows():
        reach_of[(subject, day)] = set(reach)
        for covered in reach:
            by_subject.setdefault(covered, []).append(day)
    for t in truths:
        window_end = t.start + timedelta(days=MATCH_DAYS)
        subjects = {t.subject, *t.also}
        hits = [d for s in subjects for d in by_subject.get(s, []) if t.start <= d <= window_end]
        if hits:
            delays.append((min(hits) - t.start).days)
            matched.update(a for a in alerts if reach_of.get(a, {a[0]}) & subjects and t.start <= a[1] <= window_end)
    net = [a for a in alerts if not _also_undisturbed(a, reach_of.get(a, {a[0]}), baseline)]
    return {
        "injected": len(truths),
        "pod": round(len(delays) / len(truths), 3) if truths else None,
        "pod_7d": round(sum(d <= 7 for d in delays) / len(truths), 3) if truths else None,
        "median_days": float(median(delays)) if delays else None,
        "ppv": round(len([a for a in net if a in matched]) / len(net), 3) if net else None,
        "ppv_raw": round(len(matched) / len(alerts), 3) if alerts else None,
        "alerts": len(alerts),
        "alerts_net": len(net),
    }


def _also_undisturbed(alert: tuple[str, date], reach: set[str], baseline: set[tuple[str, date]]) -> bool:
    return any(
        (subject, alert[1] + timedelta(days=k)) in baseline for subject in reach for k in range(-NET_DAYS, NET_DAYS + 1)
    )


def evaluate(
    *, seeds: list[int], params: dict[str, dict[str, Any]], operators: int = 5000, count: int = 20
) -> dict[str, Any]:
    """The report: per seed and detector, the figures per anomaly size, and the undisturbed alert rate."""
    report: dict[str, Any] = {"operators": operators, "injections_per_run": count, "seeds": {}}
    for seed in seeds:
        world = world_simulate(seed=seed, operators=operators)
        days = _days_between(world.end - timedelta(days=83), world.end)
        active = world.frames.operators.filter(pl.col("status") == "active").height
        months = len(days) / 30.44
        base_alarms = {d: alarms_daily(world.frames, params, d, days) for d in RISK_DETECTORS}
        rate = {d: round(len(alerts_of(a)) / (active / 1000) / months, 2) for d, a in base_alarms.items()}
        per_detector: dict[str, Any] = {}
        rng = np.random.default_rng(seed + 1000)
        for detector in RISK_DETECTORS:
            sizes = SIZES if detector in SURGES else (None,)
            per_detector[detector] = {}
            for size in sizes:
                if detector == "spacetime_scan":
                    key = f"{size}x"
                    per_detector[detector][key] = _scan_score(
                        world, params, size or 1, rng, days, _pairs(base_alarms[detector])
                    )
                    continue
                frames, truths = inject(world, detector, size or 1, rng, count)
                alarms = alarms_daily(frames, params, detector, days)
                key = f"{size}x" if size else "injected"
                per_detector[detector][key] = score(
                    truths, alarms, alerts_of(alarms), set(_pairs(base_alarms[detector]))
                )
        report["seeds"][str(seed)] = {
            "detectors": per_detector,
            "undisturbed_alerts_per_1000_per_month": rate,
            "undisturbed_total_per_1000_per_month": round(sum(rate.values()), 2),
        }
    return report


def _pairs(alarms: pl.DataFrame) -> list[tuple[str, date]]:
    return list(alarms.select("subject", "day").iter_rows())


def _scan_score(
    world: World, params: dict[str, Any], size: int, rng: np.random.Generator, days: list[date], base: list[Any]
) -> dict[str, Any]:
    """The space-time scan on SCAN_RUNS copies of the district, each with SCAN_CLUSTERS clusters across streets;
    the runs pooled into one score (subjects tagged by run)."""
    truths: list[Truth] = []
    alarms, alerts, baseline = [], [], set()
    for run in range(SCAN_RUNS):
        tag = str(run)
        frames, clusters = st.inject_clusters(world, size, rng, SCAN_CLUSTERS)
        found = alarms_daily(frames, params, "spacetime_scan", days)
        alarms.append(st.prefixed(tag, found))
        alerts += st.tag_alerts(tag, alerts_of(found))
        baseline |= set(st.tag_alerts(tag, base))
        truths += [
            Truth("spacetime_scan", f"{tag}|{c.subjects[0]}", c.start, tuple(f"{tag}|{x}" for x in c.subjects[1:]))
            for c in clusters
        ]
    return score(truths, pl.concat(alarms), alerts, baseline)
