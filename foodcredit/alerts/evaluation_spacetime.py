"""Injected complaint clusters across streets for alerts_evaluate's space-time scan: a street and its nearest
neighbour (streets.yaml centroids) get (k − 1) × their expected complaints of a week, spread over seven days among
their operators. Clusters of one run are 12 days apart and never in the streets of the one before, so each is a
separate anomaly in place and time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from .detectors.frames import EVENTS, Frames
from .detectors.spacetime import centroids, distance_km

if TYPE_CHECKING:
    from .evaluation import World

SPACING_DAYS = 12
FIRST_BACK_DAYS = 75  # the first cluster starts 75 days before the end of the simulated history


@dataclass(frozen=True)
class Cluster:
    """One injected cluster: its streets (the first is the centre) and first day."""

    streets: tuple[str, str]
    start: date

    @property
    def subjects(self) -> tuple[str, ...]:
        """The alert subjects that find it: the scan names a cluster by its centre, either street may be chosen."""
        return tuple(f"spacetime:{s}" for s in self.streets)


def nearest(street: str, streets: list[str]) -> str:
    where = centroids()
    return min((s for s in streets if s != street), key=lambda s: distance_km(where[street], where[s]))


def inject_clusters(world: World, size: int, rng: np.random.Generator, count: int) -> tuple[Frames, list[Cluster]]:
    """The world with `count` two-street clusters of `size` times the streets' expected weekly complaints."""
    f, end = world.frames, world.end
    active = f.operators.filter(pl.col("status") == "active")
    rate = active.with_columns(pl.Series("rate", world.rates[active["operator_id"].to_numpy() - 1]))
    by_street = {
        s: (float(r), ids) for s, r, ids in rate.group_by("street").agg(pl.col("rate").sum(), "operator_id").iter_rows()
    }
    streets = sorted(s for s in by_street if s in centroids())
    clusters: list[Cluster] = []
    added: list[tuple[int, date]] = []
    previous: set[str] = set()
    for k in range(count):
        start = end - timedelta(days=FIRST_BACK_DAYS - SPACING_DAYS * k + int(rng.integers(0, 3)))
        centre = str(rng.choice([s for s in streets if s not in previous]))
        pair = (centre, nearest(centre, streets))
        previous = set(pair)
        season = float(world.season(np.array([start.timetuple().tm_yday]))[0])
        expected = 7 * season * sum(by_street[s][0] for s in pair)
        extra = round((size - 1) * expected)
        members = rng.choice(np.concatenate([by_street[s][1] for s in pair]), size=extra)
        added += [
            (int(o), start + timedelta(days=int(d)))
            for o, d in zip(members, rng.integers(0, 7, size=extra), strict=True)
        ]
        clusters.append(Cluster(pair, start))
    complaints = pl.concat([f.complaints, pl.DataFrame(added, schema=EVENTS, orient="row")])
    return dataclasses.replace(f, complaints=complaints), clusters


def prefixed(tag: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Alarms of one run with its subjects tagged (runs pooled into one score keep their subjects apart)."""
    return frame.with_columns(
        (pl.lit(f"{tag}|") + pl.col("subject")).alias("subject"),
        pl.col("reach").list.eval(pl.lit(f"{tag}|") + pl.element()),
    )


def tag_alerts(tag: str, alerts: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(f"{tag}|{s}", d) for s, d in alerts]
