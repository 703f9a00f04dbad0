"""A simulated Jiangbei district: operators, their records, and the hidden risk that produced them.

`world_generate` returns normalized frames ready for collection's bulk path, plus the truth tables
(latent risk, inspector strictness). Same arguments, same rows: every draw comes from numpy Generators
seeded by (seed, stage), and no step depends on hashing or set order.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import polars as pl
from tqdm import tqdm

from .common import Calendar, Params, params_digest, params_load, stream
from .events import (
    ComplaintDraw,
    InspectionDraw,
    Inspectors,
    SamplingDraw,
    complaints_draw,
    inspections_draw,
    inspectors_generate,
    sampling_draw,
)
from .frames import complaints_frame, inspections_frame, penalties_frame, sampling_frame
from .oracle import oracle_now_table
from .population import Population, population_generate
from .risk import Latent, latent_generate, latent_risk_frame, serious_probability
from .schemas import SCHEMAS, frame_conform

__all__ = ["KINDS", "SOURCES", "World", "world_generate"]

KINDS = list(SCHEMAS)

# Source systems each kind is collected from; 双随机 inspections come from their own platform.
SOURCES = {
    "operators": "市场主体登记系统",
    "licences": "食品经营许可系统",
    "inspections": "江北区市场监管局执法办案系统",
    "random_inspections": "双随机监管平台",
    "sampling": "抽检监测系统",
    "penalties": "江北区市场监管局执法办案系统",
    "complaints": "12315平台",
}


@dataclass
class Draws:
    """The draws behind a world's frames, kept when asked (`keep_draws`): what an oracle that replays the generator's
    own model needs (bench/risk_posterior.py). Arrays indexed by operator and month, events in draw order."""

    cal: Calendar
    pop: Population
    latent: Latent
    inspectors: Inspectors
    complaints: ComplaintDraw
    inspections: InspectionDraw
    sampling: SamplingDraw
    complaints_frame: pl.DataFrame  # before normalisation: rows in date order, verification codes


@dataclass
class World:
    """The simulated district: one normalized frame per record kind and the hidden truth."""

    calendar: Calendar
    frames: dict[str, pl.DataFrame]
    latent_risk: pl.DataFrame  # operator_uscc, month, months, risk
    inspectors: pl.DataFrame  # cert_no, name, strictness
    monthly: bool
    params_sha256: str
    draws: Draws | None = None

    def oracle_now(self, as_of: date) -> pl.DataFrame:
        """uscc, oracle_score, label, oracle_now: the oracles of issue 13 §6 at `as_of` (oracle.oracle_now_table)."""
        f = self.frames
        return oracle_now_table(
            operators=f["operators"].select("uscc", "registered_on"),
            latent=self.latent_risk,
            inspections=f["inspections"],
            sampling=f["sampling"],
            penalties=f["penalties"],
            as_of=as_of,
        )

    def batches(self) -> Iterator[tuple[str, str, pl.DataFrame]]:
        """(kind, source name, frame) in load order: operators first, penalties last; rows renumbered per batch."""
        for kind in KINDS:
            frame = self.frames[kind]
            if kind != "inspections":
                yield kind, SOURCES[kind], frame
                continue
            random = pl.col("kind") == "random"
            for source, part in ((SOURCES["inspections"], ~random), (SOURCES["random_inspections"], random)):
                yield kind, source, frame.filter(part).with_columns(_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))

    @property
    def counts(self) -> dict[str, int]:
        """Rows per kind, and of latent risk."""
        return {**{k: len(f) for k, f in self.frames.items()}, "latent_risk": len(self.latent_risk)}


@contextmanager
def _stage(name: str, *, total: int = 1, progress: bool) -> Iterator[tqdm]:
    bar = tqdm(total=total, desc=f"seed_demo: {name}", disable=not progress, leave=True, unit="step")
    try:
        yield bar
        bar.update(total - bar.n)
    finally:
        bar.close()


def world_generate(
    *,
    operators: int,
    years: int,
    seed: int,
    as_of: date,
    params: Params | None = None,
    progress: bool = False,
    keep_draws: bool = False,
) -> World:
    """Simulate `operators` operators over `years` years up to `as_of` (vectorised: about 25 s for 1 M operators × 3 years)."""
    if operators < 1 or years < 1:
        raise ValueError("operators and years must be positive")
    params = params or params_load()
    cal = Calendar.for_years(as_of=as_of, years=years)
    with _stage("operators and licences", progress=progress):
        pop = population_generate(rng=stream(seed, 1), n=operators, cal=cal, params=params)
    with _stage("latent risk", total=cal.size + 1, progress=progress) as bar:
        latent = latent_generate(rng=stream(seed, 2), pop=pop, cal=cal, params=params, tick=lambda: bar.update(1))
        monthly = operators <= params["latent_risk"]["monthly_max_operators"]
        risk = serious_probability(pop=pop, cal=cal, latent=latent, params=params)
        latent_risk = latent_risk_frame(pop=pop, cal=cal, latent=latent, risk=risk, monthly=monthly)
        del risk
    inspectors = inspectors_generate(rng=stream(seed, 3), cal=cal, params=params)
    with _stage("inspections and complaints", progress=progress):
        complaints = complaints_draw(rng=stream(seed, 4), pop=pop, cal=cal, latent=latent, params=params)
        inspections = inspections_draw(
            rng=stream(seed, 5),
            pop=pop,
            cal=cal,
            latent=latent,
            params=params,
            inspectors=inspectors,
            complaints=complaints,
        )
        complaints_out = complaints_frame(
            complaints, rng=stream(seed, 8), pop=pop, cal=cal, latent=latent, params=params, inspections=inspections
        )
        inspections_out = inspections_frame(inspections, pop=pop, inspectors=inspectors)
    with _stage("sampling", progress=progress):
        sampling = sampling_draw(rng=stream(seed, 6), pop=pop, cal=cal, latent=latent, params=params)
        sampling_out = sampling_frame(sampling, pop=pop)
    with _stage("penalties", progress=progress):
        penalties_out = penalties_frame(
            rng=stream(seed, 7),
            pop=pop,
            cal=cal,
            latent=latent,
            params=params,
            inspections=inspections,
            sampling=sampling,
        )
    frames = {
        "operators": pop.operators,
        "licences": pop.licences,
        "inspections": inspections_out,
        "sampling": sampling_out,
        "penalties": penalties_out,
        "complaints": complaints_out,
    }
    return World(
        calendar=cal,
        frames={kind: frame_conform(kind, frames[kind]) for kind in KINDS},
        latent_risk=latent_risk,
        inspectors=inspectors.frame,
        monthly=monthly,
        params_sha256=params_digest(params),
        draws=Draws(cal, pop, latent, inspectors, complaints, inspections, sampling, complaints_out)
        if keep_draws
        else None,
    )
