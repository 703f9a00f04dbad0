"""The drawn events as the normalized record frames collection takes: inspections and sampling tests as drawn;
complaints with their verification (following the on-site result when there was one); penalties following
findings, independent ones and those before revocations, with their class and fine drawn here."""

import numpy as np
import polars as pl

from . import lexicon
from .common import Calendar, Params, as_date_series, choice_by_group, pick, sigmoid, weighted_choice
from .events import (
    PRODUCTS,
    RANDOM,
    RESULTS,
    ComplaintDraw,
    InspectionDraw,
    Inspectors,
    SamplingDraw,
    _expand,
    _failure_items,
    _rank_within,
    _sector_weights,
    _years,
)
from .population import Population
from .risk import (
    INSPECTION_KINDS,
    Latent,
    independent_penalty_rate,
)

# Where in the violation's fine range a fine falls, by 情节: a general case in the lower part, a lighter one
# near the minimum, a mitigated one below the minimum (as a fraction of it), a heavier one in the upper half.
FINE_BANDS = {
    "general": (0.0, 0.4),
    "lighter": (0.0, 0.1),
    "mitigated": (-0.8, -0.1),
    "heavier": (0.5, 1.0),
    "": (0.0, 0.4),
}


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
    draw: ComplaintDraw,
    *,
    rng: np.random.Generator,
    pop: Population,
    cal: Calendar,
    latent: Latent,
    params: Params,
    inspections: InspectionDraw,
) -> pl.DataFrame:
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
    *,
    rng: np.random.Generator,
    pop: Population,
    cal: Calendar,
    latent: Latent,
    params: Params,
    inspections: InspectionDraw,
    sampling: SamplingDraw,
) -> pl.DataFrame:
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
        [
            np.full(len(nc), 0),
            np.full(len(bc), 1),
            np.full(len(fl), 2),
            np.full(len(independent.op), 3),
            np.full(len(revoked), 4),
        ]
    )
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
