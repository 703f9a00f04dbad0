"""The latent risk: a monthly log-odds per operator, the event rates it drives, and the stored truth.

eta[i, t] = type base + street effect + new-business-form effect + young-operator effect
          + persistent operator effect (shared in part by owner and premises) + AR(1) drift + sector seasonality.

The truth written to demo.LatentRisk is the month's probability of at least one serious finding
(an inspection 不符合, a sample 不合格, or a penalty beyond a warning), 1 − exp(−μ), where μ is the expected
number of such findings given eta and the month's inspection, sampling, complaint and penalty rates. The
inspector assigned is unknown in advance, so his strictness is integrated out (probit approximation of a
logistic-normal mean).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from foodcredit.operators.models import STREETS

from .business_types import SECTORS
from .common import Calendar, Params, as_date_series, sigmoid
from .population import Population

INSPECTION_KINDS = ["routine", "random", "special", "flying", "complaint"]
PLANNED_KINDS = INSPECTION_KINDS[:4]


@dataclass
class Latent:
    """The latent log-odds and the months each operator existed, both operators × months."""

    eta: np.ndarray  # float32
    alive: np.ndarray  # bool
    base: np.ndarray  # the log-odds an operator's type, street and form give it before its own effects


def latent_generate(
    *, rng: np.random.Generator, pop: Population, cal: Calendar, params: Params, tick: Callable[[], None]
) -> Latent:
    """Draw every operator's monthly log-odds (one vectorised step per month for the AR(1) drift)."""
    risk = params["risk"]
    n, months = len(pop.type_idx), cal.size
    street_effect = np.array([params["streets"][s]["effect"] for s in STREETS])
    base = (
        pop.types.base_logit[pop.type_idx] + street_effect[pop.street_idx] + risk["new_form_effect"] * pop.new_form
    ).astype(np.float32)
    static = base + pop.effect.astype(np.float32)

    eta = np.empty((n, months), dtype=np.float32)
    phi, sd = risk["drift_ar"], risk["drift_sd"]
    innovation = sd * np.sqrt(1 - phi**2)
    eta[:, 0] = sd * rng.standard_normal(n, dtype=np.float32)
    tick()
    for t in range(1, months):
        eta[:, t] = phi * eta[:, t - 1] + innovation * rng.standard_normal(n, dtype=np.float32)
        tick()
    shock_sd = float(risk.get("street_shock_sd", 0.0))
    if shock_sd > 0:  # street-wide shocks (a family world's dynamic; the demo has none): AR(1) per street
        shocks = np.empty((len(STREETS), months), dtype=np.float32)
        shocks[:, 0] = shock_sd * rng.standard_normal(len(STREETS))
        for t in range(1, months):
            shocks[:, t] = phi * shocks[:, t - 1] + shock_sd * np.sqrt(1 - phi**2) * rng.standard_normal(len(STREETS))
        eta += shocks[pop.street_idx]
    eta += static[:, None]
    eta += season_by_sector(cal=cal, params=params)[pop.sector_idx]
    eta += young_effect(pop=pop, cal=cal, params=params).astype(np.float32)

    first = cal.month_index(np.maximum(pop.registered, cal.start64))
    last = cal.month_index(np.minimum(pop.exit, cal.as_of64))
    t_idx = np.arange(months)[None, :]
    alive = (t_idx >= first[:, None]) & (t_idx <= last[:, None])
    return Latent(eta=eta, alive=alive, base=base)


def season_by_sector(*, cal: Calendar, params: Params) -> np.ndarray:
    """The seasonal term of the log-odds, sectors × months."""
    amplitude = np.array([params["risk"]["season_amplitude"][s] for s in SECTORS], dtype=np.float32)
    return amplitude[:, None] * cal.season(params["calendar"]["season_peak_month"])[None, :]


def young_effect(*, pop: Population, cal: Calendar, params: Params) -> np.ndarray:
    """The young-operator term of the log-odds, operators × months (fading from registration; 0 before it)."""
    risk = params["risk"]
    age = np.arange(cal.size)[None, :] - cal.month_index(pop.registered)[:, None]
    return np.where(age >= 0, risk["young_effect"] * np.exp(-np.maximum(age, 0) / risk["young_months"]), 0.0)


def targeting(params: Params, effect: np.ndarray) -> np.ndarray:
    """Log of the factor on an operator's inspection rate for its persistent effect (mean 1 over operators)."""
    gamma, sd = params["inspections"]["risk_targeting"], params["risk"]["operator_sd"]
    return gamma * effect - gamma**2 * sd**2 / 2


def inspection_month_factors(*, pop: Population, cal: Calendar, params: Params) -> np.ndarray:
    """Each operator's seasonal factor on its planned inspections, operators × months (schools keep term times)."""
    p = params["inspections"]
    factors = np.array([p["month_factor"], p["school_month_factor"]], dtype=np.float64)[:, cal.month_of_year]
    school = (pop.type_idx == pop.types.names.index("学校食堂")).astype(np.int64)
    return factors[school]


def inspection_rate(*, pop: Population, cal: Calendar, params: Params) -> np.ndarray:
    """Planned (non-complaint) inspections per month, operators × months, zero when not in business."""
    per_operator = pop.types.inspections[pop.type_idx] / 12 * np.exp(targeting(params, pop.effect))
    return (per_operator[:, None] * inspection_month_factors(pop=pop, cal=cal, params=params)).astype(np.float32)


def sampling_rate(*, pop: Population, cal: Calendar, params: Params) -> np.ndarray:
    """Sampling tests per month, operators × months."""
    factor = np.array(params["sampling"]["month_factor"], dtype=np.float64)[cal.month_of_year]
    return (pop.types.sampling[pop.type_idx][:, None] / 12 * factor[None, :]).astype(np.float32)


def complaint_base(*, pop: Population, params: Params) -> np.ndarray:
    """Complaints per month at eta = base, per operator: the type's rate over the surge's mean."""
    slope, risk = params["complaints"]["risk_slope"], params["risk"]
    norm = np.exp(slope**2 * (risk["operator_sd"] ** 2 + risk["drift_sd"] ** 2) / 2)
    return (pop.types.complaints[pop.type_idx] / 12 / norm).astype(np.float32)


def complaint_rate(*, pop: Population, latent: Latent, params: Params) -> np.ndarray:
    """Complaints per month: the type's rate, surging with the operator's current risk (mean kept)."""
    slope = params["complaints"]["risk_slope"]
    return complaint_base(pop=pop, params=params)[:, None] * np.exp(slope * (latent.eta - latent.base[:, None]))


def independent_penalty_rate(*, latent: Latent, params: Params) -> np.ndarray:
    """Penalties that no record in the data led to (reports, special actions), per month."""
    p = params["penalties"]
    return (p["independent_per_year"] / 12 * np.exp(latent.eta - p["independent_reference_logit"])).astype(np.float32)


def kind_shares(*, cal: Calendar, params: Params) -> np.ndarray:
    """Shares of the planned inspection kinds: sectors × months × (routine, random, special, flying)."""
    p = params["inspections"]
    special = np.array(p["special_share"], dtype=np.float64)[cal.month_of_year]
    shares = np.empty((len(SECTORS), cal.size, len(PLANNED_KINDS)))
    for s, sector in enumerate(SECTORS):
        flying = p["flying_share"][sector]
        shares[s, :, 1] = p["random_share"]
        shares[s, :, 2] = special
        shares[s, :, 3] = flying
        shares[s, :, 0] = 1.0 - p["random_share"] - special - flying
    return shares


def inspection_logit_scale(params: Params) -> float:
    """Divisor that turns a logistic-normal mean into a logistic (probit approximation, 1 + π σ² / 8).

    An inspection's strictness is the mean of two inspectors' effects, so its variance is σ² / 2.
    """
    var = params["inspectors"]["strictness_sd"] ** 2 / 2
    return float(np.sqrt(1 + np.pi * var / 8))


def serious_probability(*, pop: Population, cal: Calendar, latent: Latent, params: Params) -> np.ndarray:
    """The truth: probability of at least one serious finding per operator-month (0 when not in business)."""
    p_insp, p_samp = params["inspections"], params["sampling"]
    kappa = inspection_logit_scale(params)
    shares = kind_shares(cal=cal, params=params)[pop.sector_idx]  # operators × months × kinds
    planned = np.zeros_like(latent.eta)
    for k, kind in enumerate(PLANNED_KINDS):
        offset = p_insp["nonconform_offset"] + p_insp["kind_effect"][kind]
        planned += shares[:, :, k].astype(np.float32) * sigmoid((latent.eta + offset) / kappa)
    del shares
    mu = inspection_rate(pop=pop, cal=cal, params=params) * planned
    del planned
    follow_offset = p_insp["nonconform_offset"] + p_insp["kind_effect"]["complaint"]
    mu += (
        complaint_rate(pop=pop, latent=latent, params=params)
        * params["complaints"]["follow_up_share"]
        * sigmoid((latent.eta + follow_offset) / kappa)
    )
    fail_offset = np.array([p_samp["fail_offset"][s] for s in SECTORS], dtype=np.float32)[pop.sector_idx]
    mu += sampling_rate(pop=pop, cal=cal, params=params) * sigmoid(latent.eta + fail_offset[:, None])
    mu += independent_penalty_rate(latent=latent, params=params) * (1 - warning_only_share(params, "independent"))
    return np.where(latent.alive, -np.expm1(-mu), 0).astype(np.float32)


def warning_only_share(params: Params, origin: str) -> float:
    """The share of warning-only penalties (not a serious finding) among penalties of `origin`."""
    classes = params["penalties"]["classes"]
    warning = sum(c[origin] for c in classes if c["kinds"] == ["警告"])
    return float(warning / sum(c[origin] for c in classes))


def latent_risk_frame(
    *, pop: Population, cal: Calendar, latent: Latent, risk: np.ndarray, monthly: bool
) -> pl.DataFrame:
    """Rows for demo.LatentRisk: per operator-month, or per operator and 12-month block counted back from as-of.

    A block row starts at the operator's first month in business within the block and averages the months
    in business (a contiguous run, since an operator enters and exits once).
    """
    alive = latent.alive
    if monthly:
        op, t = np.nonzero(alive)
        return pl.DataFrame(
            {
                "operator_uscc": pop.uscc.gather(op),
                "month": as_date_series(cal.month_starts[t]),
                "months": pl.Series(np.ones(len(op), dtype=np.int16)),
                "risk": pl.Series(risk[op, t].astype(np.float64)),
            }
        )
    blocks = []
    for hi in range(cal.size, 0, -12):
        lo = max(0, hi - 12)
        covered = alive[:, lo:hi]
        count = covered.sum(axis=1)
        op = np.flatnonzero(count)
        start = lo + np.argmax(covered[op], axis=1)
        mean = risk[op, lo:hi].sum(axis=1, dtype=np.float64) / count[op]
        blocks.append(
            pl.DataFrame(
                {
                    "operator_uscc": pop.uscc.gather(op),
                    "month": as_date_series(cal.month_starts[start]),
                    "months": pl.Series(count[op].astype(np.int16)),
                    "risk": pl.Series(mean),
                }
            )
        )
    return pl.concat(blocks[::-1])
