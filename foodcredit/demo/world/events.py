"""Records the latent risk produces: inspections, sampling tests, complaints and penalties.

Counts are Poisson draws on operators × months; each event then gets a day in its month (dropped when the
operator was not in business that day) and its attributes from the month's log-odds. No loop runs over
operators or events. The draws become record frames in frames.py.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from foodcredit.operators.models import STREETS

from . import lexicon
from .business_types import SECTOR_CODES, SECTORS
from .common import Calendar, Params, choice_by_group, sigmoid
from .population import Population
from .risk import (
    INSPECTION_KINDS,
    Latent,
    complaint_rate,
    inspection_rate,
    kind_shares,
    sampling_rate,
)

RESULTS = ["conform", "basically_conform", "nonconform"]


COMPLAINT = INSPECTION_KINDS.index("complaint")


RANDOM = INSPECTION_KINDS.index("random")


TEAM_KINDS = [INSPECTION_KINDS.index("special"), INSPECTION_KINDS.index("flying")]


PRODUCTS = list(lexicon.PRODUCTS)


@dataclass(frozen=True)
class Inspectors:
    """The inspector directory with each inspector's hidden strictness and the pools they serve."""

    cert_no: list[str]
    names: list[str]
    strictness: np.ndarray
    pools: np.ndarray  # pool × slot → inspector; pools 0–11 serve the streets, the last is the district team
    sizes: np.ndarray

    @property
    def frame(self) -> pl.DataFrame:
        """cert_no, name, strictness: the truth table demo.InspectorEffect."""
        return pl.DataFrame({"cert_no": self.cert_no, "name": self.names, "strictness": self.strictness})


@dataclass(frozen=True)
class Events:
    """Events of one kind before they become a frame: operator, month index and day."""

    op: np.ndarray
    t: np.ndarray
    day: np.ndarray

    def take(self, keep: np.ndarray) -> "Events":
        return Events(op=self.op[keep], t=self.t[keep], day=self.day[keep])


def inspectors_generate(*, rng: np.random.Generator, cal: Calendar, params: Params) -> Inspectors:
    """Inspectors with 执法证号 500105 + year + sequence; a district team and street pools (at least two each)."""
    p = params["inspectors"]
    count, team = int(p["count"]), int(p["team"])
    years = np.sort(rng.integers(p["first_cert_year"], cal.as_of.year, count))
    cert_no = [f"{lexicon.INSPECTOR_DEPARTMENT}{y}{i + 1:04d}" for i, y in enumerate(years.tolist())]
    surname = rng.integers(0, 40, count)
    given = rng.integers(0, len(lexicon.GIVEN_CHARS), (count, 2))
    names = [
        lexicon.SURNAMES[s] + lexicon.GIVEN_CHARS[a] + lexicon.GIVEN_CHARS[b]
        for s, (a, b) in zip(surname.tolist(), given.tolist(), strict=True)
    ]
    strictness = rng.normal(0, p["strictness_sd"], count)
    strictness -= strictness.mean()
    weights = np.array([params["streets"][s]["population"] for s in STREETS], dtype=np.float64)
    spare = count - team - 2 * len(STREETS)
    if spare < 0:
        raise ValueError("inspectors.count must leave at least two inspectors per street")
    ideal = spare * weights / weights.sum()
    extra = np.floor(ideal).astype(np.int64)
    extra[np.argsort(-(ideal - extra), kind="stable")[: spare - extra.sum()]] += 1
    sizes = np.concatenate([2 + extra, [team]])
    pools = np.zeros((len(sizes), sizes.max()), dtype=np.int64)
    members = np.concatenate([np.arange(team, count), np.arange(team)])
    for pool, (start, size) in enumerate(zip(np.cumsum(sizes) - sizes, sizes, strict=True)):
        pools[pool, :size] = members[start : start + size]
    return Inspectors(cert_no=cert_no, names=names, strictness=strictness, pools=pools, sizes=sizes)


def _expand(rng: np.random.Generator, *, rate: np.ndarray, pop: Population, cal: Calendar) -> Events:
    """Poisson counts per operator-month, one event per count on a uniform day; days out of business dropped."""
    counts = rng.poisson(rate)
    flat = np.flatnonzero(counts)
    idx = np.repeat(flat, counts.ravel()[flat])
    op, t = idx // cal.size, idx % cal.size
    day = cal.month_starts[t] + np.floor(rng.random(len(idx)) * cal.days_in_month[t]).astype(np.int64)
    events = Events(op=op, t=t, day=day)
    return events.take(_in_business(events.op, events.day, pop=pop, cal=cal))


def _in_business(op: np.ndarray, day: np.ndarray, *, pop: Population, cal: Calendar) -> np.ndarray:
    """Whether each operator was in business on the day, within the simulated window."""
    return (day >= np.maximum(pop.registered[op], cal.start64)) & (day <= np.minimum(pop.exit[op], cal.as_of64))


def _sector_weights(items: list[tuple[str, int, str]] | list[tuple[str, str]]) -> np.ndarray:
    """sectors × items: 1 where the item's sector letters include the sector."""
    return np.array([[1.0 if code in item[-1] else 0.0 for item in items] for code in SECTOR_CODES])


def _rank_within(keys: np.ndarray) -> np.ndarray:
    """1-based rank of each row among the rows with the same key, in row order."""
    order = np.argsort(keys, kind="stable")
    ranked = np.empty(len(keys), dtype=np.int64)
    sorted_keys = keys[order]
    ranked[order] = np.arange(len(keys)) - np.searchsorted(sorted_keys, sorted_keys, side="left") + 1
    return ranked


def _years(day: np.ndarray) -> np.ndarray:
    return day.astype("datetime64[Y]").astype(np.int64) + 1970


@dataclass
class ComplaintDraw:
    """Complaints with their follow-up inspection (index into the inspections, −1 if none)."""

    events: Events
    follow: np.ndarray  # whether an on-site verification happened
    follow_day: np.ndarray
    inspection: np.ndarray


def complaints_draw(
    *, rng: np.random.Generator, pop: Population, cal: Calendar, latent: Latent, params: Params
) -> ComplaintDraw:
    """Complaints at a rate that surges with the month's risk; half are verified on site."""
    p = params["complaints"]
    rate = complaint_rate(pop=pop, latent=latent, params=params) * latent.alive
    dispersion = float(p.get("dispersion", 0.0))
    if dispersion > 0:  # over-dispersion (a family world's dynamic): a gamma(1/d, d) factor per operator, mean 1
        rate = rate * rng.gamma(1 / dispersion, dispersion, len(pop.type_idx)).astype(np.float32)[:, None]
    events = _expand(rng, rate=rate, pop=pop, cal=cal)
    follow_day = events.day + rng.integers(1, p["follow_up_days"] + 1, len(events.op))
    follow = (rng.random(len(events.op)) < p["follow_up_share"]) & _in_business(events.op, follow_day, pop=pop, cal=cal)
    return ComplaintDraw(events=events, follow=follow, follow_day=follow_day, inspection=np.full(len(follow), -1))


@dataclass
class InspectionDraw:
    """Inspections in date order with what they found."""

    events: Events
    kind: np.ndarray
    result: np.ndarray
    major: np.ndarray
    minor: np.ndarray
    minor2: np.ndarray  # −1: a single minor finding
    inspector1: np.ndarray
    inspector2: np.ndarray


def inspections_draw(
    *,
    rng: np.random.Generator,
    pop: Population,
    cal: Calendar,
    latent: Latent,
    params: Params,
    inspectors: Inspectors,
    complaints: ComplaintDraw,
) -> InspectionDraw:
    """Planned inspections plus complaint verifications; results from the month's risk and the inspectors."""
    p = params["inspections"]
    planned = _expand(rng, rate=inspection_rate(pop=pop, cal=cal, params=params) * latent.alive, pop=pop, cal=cal)
    shares = kind_shares(cal=cal, params=params)
    group = pop.sector_idx[planned.op] * cal.size + planned.t
    kind = choice_by_group(rng, group, shares.reshape(-1, shares.shape[2]))
    follow = np.flatnonzero(complaints.follow)
    c = complaints.events
    events = Events(
        op=np.concatenate([planned.op, c.op[follow]]),
        t=np.concatenate([planned.t, c.t[follow]]),
        day=np.concatenate([planned.day, complaints.follow_day[follow]]),
    )
    kind = np.concatenate([kind, np.full(len(follow), COMPLAINT)])
    source = np.concatenate([np.full(len(planned.op), -1), follow])
    order = np.argsort(events.day, kind="stable")
    events, kind, source = events.take(order), kind[order], source[order]
    complaints.inspection[source[source >= 0]] = np.flatnonzero(source >= 0)

    n = len(events.op)
    pool = np.where(np.isin(kind, TEAM_KINDS), len(STREETS), pop.street_idx[events.op])
    size = inspectors.sizes[pool]
    slot1 = np.floor(rng.random(n) * size).astype(np.int64)
    slot2 = (slot1 + 1 + np.floor(rng.random(n) * (size - 1)).astype(np.int64)) % size
    inspector1, inspector2 = inspectors.pools[pool, slot1], inspectors.pools[pool, slot2]
    strictness = (inspectors.strictness[inspector1] + inspectors.strictness[inspector2]) / 2
    kind_effect = np.array([p["kind_effect"][k] for k in INSPECTION_KINDS])[kind]
    logit = latent.eta[events.op, events.t] + kind_effect + strictness
    u = rng.random(n)
    result = np.where(
        u < sigmoid(logit + p["nonconform_offset"]), 2, np.where(u < sigmoid(logit + p["basically_offset"]), 1, 0)
    )
    sector = pop.sector_idx[events.op]
    major = choice_by_group(rng, sector, _sector_weights(lexicon.MAJOR_FINDINGS))
    minor_w = _sector_weights(lexicon.MINOR_FINDINGS)
    minor = choice_by_group(rng, sector, minor_w)
    minor2 = choice_by_group(rng, sector, minor_w)
    two = (result == 1) & (rng.random(n) < 0.5) & (minor2 != minor) & (p["minor_findings_max"] >= 2)
    return InspectionDraw(
        events=events,
        kind=kind,
        result=result,
        major=major,
        minor=minor,
        minor2=np.where(two, minor2, -1),
        inspector1=inspector1,
        inspector2=inspector2,
    )


@dataclass
class SamplingDraw:
    """Sampling tests in date order."""

    events: Events
    product: np.ndarray
    failed: np.ndarray
    item: np.ndarray  # index into the flattened failed items, −1 when passed


def _failure_items() -> tuple[list[tuple[str, str, float]], np.ndarray, np.ndarray]:
    """Every product's failed items laid end to end, with per-product offsets and counts."""
    lists = [lexicon.PRODUCTS[p][1] for p in PRODUCTS]
    counts = np.array([len(x) for x in lists])
    return [i for x in lists for i in x], np.concatenate([[0], np.cumsum(counts)[:-1]]), counts


def sampling_draw(
    *, rng: np.random.Generator, pop: Population, cal: Calendar, latent: Latent, params: Params
) -> SamplingDraw:
    """Sampling tests at planned rates; failures from the month's risk, microbial ones peaking in summer."""
    p = params["sampling"]
    events = _expand(rng, rate=sampling_rate(pop=pop, cal=cal, params=params) * latent.alive, pop=pop, cal=cal)
    events = events.take(np.argsort(events.day, kind="stable"))
    mix = np.zeros((len(pop.types.names), len(PRODUCTS)))
    for t, name in enumerate(pop.types.names):
        sampled = p["products"].get(name) or p["products"][SECTORS[pop.types.sector[t]]]
        for product_name, w in sampled.items():
            mix[t, PRODUCTS.index(product_name)] = w
    product = choice_by_group(rng, pop.type_idx[events.op], mix)
    fail_offset = np.array([p["fail_offset"][s] for s in SECTORS])[pop.sector_idx[events.op]]
    failed = rng.random(len(events.op)) < sigmoid(latent.eta[events.op, events.t] + fail_offset)

    _, offsets, counts = _failure_items()
    season = cal.season(params["calendar"]["season_peak_month"])
    microbial = np.exp(p["microbial_season_amplitude"] * season)  # per month
    weights = np.zeros((len(PRODUCTS), cal.size, counts.max()))
    for k, product_name in enumerate(PRODUCTS):
        for j, (_, failure_kind, w) in enumerate(lexicon.PRODUCTS[product_name][1]):
            weights[k, :, j] = w * (microbial if failure_kind == "microbial" else 1.0)
    fail_idx = np.flatnonzero(failed)
    slot = choice_by_group(rng, product[fail_idx] * cal.size + events.t[fail_idx], weights.reshape(-1, counts.max()))
    item = np.full(len(events.op), -1)
    item[fail_idx] = offsets[product[fail_idx]] + slot
    return SamplingDraw(events=events, product=product, failed=failed, item=item)
