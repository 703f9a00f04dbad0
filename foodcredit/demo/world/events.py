"""Records the latent risk produces: inspections, sampling tests, complaints and penalties.

Counts are Poisson draws on operators × months; each event then gets a day in its month (dropped when the
operator was not in business that day) and its attributes from the month's log-odds. No loop runs over
operators or events.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from foodcredit.operators.models import STREETS

from . import lexicon
from .common import Calendar, Params, as_date_series, choice_by_group, pick, sigmoid, weighted_choice
from .population import SECTOR_CODES, SECTORS, Population
from .risk import (
    INSPECTION_KINDS,
    Latent,
    complaint_rate,
    independent_penalty_rate,
    inspection_rate,
    kind_shares,
    sampling_rate,
)

RESULTS = ["conform", "basically_conform", "nonconform"]
COMPLAINT = INSPECTION_KINDS.index("complaint")
RANDOM = INSPECTION_KINDS.index("random")
TEAM_KINDS = [INSPECTION_KINDS.index("special"), INSPECTION_KINDS.index("flying")]
PRODUCTS = list(lexicon.PRODUCTS)
# Where in the violation's fine range a fine falls, by 情节: a general case in the lower part, a lighter one
# near the minimum, a mitigated one below the minimum (as a fraction of it), a heavier one in the upper half.
FINE_BANDS = {
    "general": (0.0, 0.4),
    "lighter": (0.0, 0.1),
    "mitigated": (-0.8, -0.1),
    "heavier": (0.5, 1.0),
    "": (0.0, 0.4),
}


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
    *, rng: np.random.Generator, pop: Population, cal: Calendar, latent: Latent, params: Params,
    inspectors: Inspectors, complaints: ComplaintDraw,
) -> InspectionDraw:  # fmt: skip
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


def inspections_frame(draw: InspectionDraw, *, pop: Population, inspectors: Inspectors) -> pl.DataFrame:
    """The normalized inspections frame; 双随机 inspections are numbered by their own platform."""
    e = draw.events
    year = _years(e.day)
    is_random = draw.kind == RANDOM
    seq = _rank_within(np.where(is_random, 1, 0) * 10_000 + year)
    majors = [f[0] for f in lexicon.MAJOR_FINDINGS]
    minors = [f[0] for f in lexicon.MINOR_FINDINGS]
    major, minor = pick(majors, draw.major), pick(minors, draw.minor)
    minor2 = pick(minors, np.maximum(draw.minor2, 0))
    findings = (
        pl.when(pl.Series(draw.result == 2))
        .then(pl.concat_str([major, pl.lit("；"), minor]))
        .when(pl.Series(draw.minor2 >= 0))
        .then(pl.concat_str([minor, pl.lit("；"), minor2]))
        .when(pl.Series(draw.result == 1))
        .then(minor)
        .otherwise(pl.lit(""))
    )
    return pl.select(
        source_id=pl.format(
            "{}{}{}",
            pl.when(pl.Series(is_random)).then(pl.lit("SJCC")).otherwise(pl.lit("JBJC")),
            pl.Series(year),
            pl.Series(seq).cast(pl.String).str.zfill(7),
        ),
        uscc=pop.uscc.gather(e.op),
        inspected_on=as_date_series(e.day),
        kind=pick(INSPECTION_KINDS, draw.kind),
        result=pick(RESULTS, draw.result),
        findings=findings,
        inspectors=pl.concat_str(
            [pick(inspectors.cert_no, draw.inspector1), pl.lit("、"), pick(inspectors.cert_no, draw.inspector2)]
        ),
        _row=pl.int_range(1, len(e.op) + 1, dtype=pl.Int64),
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


def sampling_frame(draw: SamplingDraw, *, pop: Population) -> pl.DataFrame:
    """The normalized sampling frame."""
    e = draw.events
    items, _, _ = _failure_items()
    item = np.maximum(draw.item, 0)
    failed = pl.Series(draw.failed)
    yy = _years(e.day) % 100
    return pl.select(
        source_id=pl.format(
            "DC{}500105{}",
            pl.Series(yy).cast(pl.String).str.zfill(2),
            pl.Series(_rank_within(yy)).cast(pl.String).str.zfill(7),
        ),
        uscc=pop.uscc.gather(e.op),
        sampled_on=as_date_series(e.day),
        product=pick(PRODUCTS, draw.product),
        food_category=pick([lexicon.PRODUCTS[p][0] for p in PRODUCTS], draw.product),
        conclusion=pl.when(failed).then(pl.lit("fail")).otherwise(pl.lit("pass")),
        failed_items=pl.when(failed).then(pick([i[0] for i in items], item)).otherwise(pl.lit("")),
        failure_kind=pl.when(failed).then(pick([i[1] for i in items], item)).otherwise(pl.lit("")),
        _row=pl.int_range(1, len(e.op) + 1, dtype=pl.Int64),
    )


def complaints_frame(
    draw: ComplaintDraw, *, rng: np.random.Generator, pop: Population, cal: Calendar, latent: Latent,
    params: Params, inspections: InspectionDraw,
) -> pl.DataFrame:  # fmt: skip
    """The normalized complaints frame; verification follows the on-site result when there was one."""
    p = params["complaints"]
    e = draw.events
    n = len(e.op)
    channels = list(p["channels"])
    channel = weighted_choice(rng, [p["channels"][c] for c in channels], n)
    report = rng.random(n) < p["report_share"]
    category_weights = np.array([p["categories"][c[0]] for c in lexicon.COMPLAINT_CATEGORIES])
    category = choice_by_group(
        rng, pop.sector_idx[e.op], _sector_weights(lexicon.COMPLAINT_CATEGORIES) * category_weights
    )

    u = rng.random(n)
    verified = draw.inspection >= 0
    on_site = np.where(verified, inspections.result[np.maximum(draw.inspection, 0)], -1)
    by_site = np.select(
        [on_site == 2, (on_site == 1) & (u < 0.6), on_site == 1, u < 0.8], [0, 1, 0, 2], default=1
    )  # 0 true, 1 partly true, 2 untrue
    p_true = sigmoid(latent.eta[e.op, e.t] + p["verified_true_offset"])
    by_desk = np.where(u < p_true, 0, np.where(rng.random(n) < 0.3, 1, 2))
    recent = e.day > cal.as_of64 - p["pending_days"]
    blank = rng.random(n) < p["blank_share"]
    verification = np.select([verified, recent, blank], [by_site, 3, 4], default=by_desk)  # 3 pending, 4 not recorded
    order = np.argsort(e.day, kind="stable")
    year = _years(e.day[order])
    return pl.select(
        source_id=pl.format("TS{}{}", pl.Series(year), pl.Series(_rank_within(year)).cast(pl.String).str.zfill(7)),
        uscc=pop.uscc.gather(e.op[order]),
        received_on=as_date_series(e.day[order]),
        channel=pick(channels, channel[order]),
        kind=pl.when(pl.Series(report[order])).then(pl.lit("report")).otherwise(pl.lit("complaint")),
        category=pick([c[0] for c in lexicon.COMPLAINT_CATEGORIES], category[order]),
        verification=pick(["true", "partly_true", "untrue", "pending", ""], verification[order]),
        _row=pl.int_range(1, n + 1, dtype=pl.Int64),
    )


def penalties_frame(
    *, rng: np.random.Generator, pop: Population, cal: Calendar, latent: Latent, params: Params,
    inspections: InspectionDraw, sampling: SamplingDraw,
) -> pl.DataFrame:  # fmt: skip
    """Penalties following findings (不符合, 基本符合, 不合格), independent ones, and those before revocations."""
    p = params["penalties"]
    classes = p["classes"]
    origins = ["nonconform", "basically", "fail", "independent"]
    ins, smp = inspections, sampling

    nc = np.flatnonzero((ins.result == 2) & (rng.random(len(ins.result)) < p["after_nonconform"]))
    bc = np.flatnonzero((ins.result == 1) & (rng.random(len(ins.result)) < p["after_basically"]))
    fl = np.flatnonzero(smp.failed & (rng.random(len(smp.failed)) < p["after_fail"]))
    items, _, _ = _failure_items()
    fail_violation = np.array([lexicon.FAILURE_VIOLATION[i[1]] for i in items])
    major_violation = np.array([f[1] for f in lexicon.MAJOR_FINDINGS])
    minor_violation = np.array([f[1] for f in lexicon.MINOR_FINDINGS])
    independent = _expand(
        rng, rate=independent_penalty_rate(latent=latent, params=params) * latent.alive, pop=pop, cal=cal
    )
    revoked = np.flatnonzero((pop.status_idx == 2) & (rng.random(len(pop.status_idx)) < p["revoked_penalty_share"]))

    op = np.concatenate([ins.events.op[nc], ins.events.op[bc], smp.events.op[fl], independent.op, revoked])
    origin_day = np.concatenate(
        [ins.events.day[nc], ins.events.day[bc], smp.events.day[fl], independent.day, pop.exit[revoked]]
    )
    origin = np.concatenate(
        [np.full(len(nc), 0), np.full(len(bc), 1), np.full(len(fl), 2), np.full(len(independent.op), 3),
         np.full(len(revoked), 4)]
    )  # fmt: skip
    independent_violation = np.array(lexicon.INDEPENDENT_VIOLATIONS)
    violation = np.concatenate(
        [
            major_violation[ins.major[nc]],
            minor_violation[ins.minor[bc]],
            fail_violation[smp.item[fl]],
            independent_violation[rng.integers(0, len(independent_violation), len(independent.op))],
            np.array([0, 1, 11])[rng.integers(0, 3, len(revoked))],
        ]
    )
    lag = rng.integers(p["lag_days"][0], p["lag_days"][1] + 1, len(op))
    decided = np.where(origin == 4, origin_day - lag // 3, origin_day + lag)
    keep = (decided >= np.maximum(pop.registered[op], cal.start64)) & (decided <= cal.as_of64)
    keep &= (decided <= pop.exit[op]) | (origin == 4)
    op, decided, origin, violation = op[keep], decided[keep], origin[keep], violation[keep]
    order = np.argsort(decided, kind="stable")
    op, decided, origin, violation = op[order], decided[order], origin[order], violation[order]
    n = len(op)

    weights = np.array([[c[o] for c in classes] for o in origins])
    revocation_class = next(i for i, c in enumerate(classes) if "吊销许可证件" in c["kinds"])
    klass = np.where(origin == 4, revocation_class, choice_by_group(rng, np.minimum(origin, 3), weights))
    warning_only = np.array([c["kinds"] == ["警告"] for c in classes])[klass]
    has_fine = np.array(["罚款" in c["kinds"] for c in classes])[klass]
    has_confiscation = np.array(["没收违法所得" in c["kinds"] for c in classes])[klass]
    circumstances = list(p["circumstances"])
    circumstance = weighted_choice(rng, [p["circumstances"][c] for c in circumstances], n)
    circumstance = np.where(warning_only, circumstances.index(""), circumstance)

    lo = np.array([v[2] for v in lexicon.VIOLATIONS], dtype=np.float64)[violation]
    hi = np.array([v[3] for v in lexicon.VIOLATIONS], dtype=np.float64)[violation]
    band_lo = np.array([FINE_BANDS[c][0] for c in circumstances])[circumstance]
    band_hi = np.array([FINE_BANDS[c][1] for c in circumstances])[circumstance]
    position = band_lo + rng.random(n) * (band_hi - band_lo)
    fine = np.where(position < 0, lo * (1 + position), lo + position * (hi - lo))
    fine_cents = np.round(fine / 100) * 10_000
    confiscated = np.round(np.exp(rng.normal(5.5, 1.0, n)) * 100)
    cents = (np.where(has_fine, fine_cents, 0) + np.where(has_confiscation, confiscated, 0)).astype(np.int64)
    year = _years(decided)
    kinds = pl.Series([c["kinds"] for c in classes], dtype=pl.List(pl.String))
    return pl.select(
        decision_no=pl.format("渝江北市监处罚〔{}〕{}号", pl.Series(year), pl.Series(_rank_within(year))),
        uscc=pop.uscc.gather(op),
        decided_on=as_date_series(decided),
        violation=pick([v[0] for v in lexicon.VIOLATIONS], violation),
        legal_basis=pick([v[1] for v in lexicon.VIOLATIONS], violation),
        kinds=kinds.gather(klass),
        amount=pl.when(pl.Series(cents > 0)).then(
            pl.format(
                "{}.{}",
                pl.Series(cents // 100),
                pl.Series(cents % 100).cast(pl.String).str.zfill(2),
            )
        ),
        procedure=pl.when(pl.Series(warning_only)).then(pl.lit("simple")).otherwise(pl.lit("ordinary")),
        circumstance=pick(circumstances, circumstance),
        _row=pl.int_range(1, n + 1, dtype=pl.Int64),
    )
