"""The Bayes oracle of a synthetic world: what the best possible classifier could know at T from the ledger.

oracle_now (issue 13 §6) scores operators by the true latent risk of T's month, which nobody observes: the ledger
sees it through about one inspection, a sampling test and a few complaints a year. This module asks how much of
it *any* classifier could recover from those records, by computing the posterior of each operator's latent
log-odds at T given every record dated before T, with the generator's own model and parameters
(foodcredit/demo/world/risk.py, events.py): a forward filter over a grid of (persistent operator effect u,
AR(1) drift d), per operator, month by month, then the expected risk of T's month under that posterior.

What it reads, per operator and month before T (all of it in the ledger, or estimable from it):
- the number of planned inspections (their rate is targeted at u: `risk_targeting`);
- each inspection's result (符合 / 基本符合 / 不符合), with its kind and its two inspectors' strictness (the
  generator's truth: the ledger names the inspectors and holds hundreds of visits each, so a classifier can
  estimate it; using the truth makes this oracle stronger, not weaker);
- complaints (their number; Poisson in the latent risk) and the desk verification of those not inspected;
- sampling tests and whether they failed.
- in a world with over-dispersed complaints, each operator's gamma complaint factor (a third grid dimension).
Left out (so the oracle is approximate, and can be beaten where these matter): the owner's and the premises'
other operators (their shared effect), street shocks, penalties not preceded by a record (0.004 a year).
Known to it as to the generator: the type, street, form, age and season terms of the log-odds.

The score is E[risk of T's month | records before T]: the same quantity as oracle_now, with the truth replaced
by what the records say of it. `bayes_scores` reads the draws behind a world's frames
(`world_generate(..., keep_draws=True)`) and returns uscc → score.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

if TYPE_CHECKING:  # the world package needs Django set up: imported by the functions that run after it
    from foodcredit.demo.world import Draws

U_POINTS, D_POINTS = 41, 15


def _verification(draws: Draws) -> np.ndarray:
    """Per complaint event (draw order): 0 true, 1 partly true, 2 untrue, 3 pending, 4 not recorded."""
    codes = {"true": 0, "partly_true": 1, "untrue": 2, "pending": 3, "": 4}
    in_frame_order = np.array([codes[v] for v in draws.complaints_frame.get_column("verification").to_list()])
    verification = np.empty_like(in_frame_order)
    verification[np.argsort(draws.complaints.events.day, kind="stable")] = in_frame_order  # the frame is by date
    return verification


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def known_logit(draws: Draws, params: dict[str, Any]) -> np.ndarray:
    """The part of every operator-month's log-odds a classifier knows: type, street, form, age and season."""
    from foodcredit.demo.world.risk import season_by_sector, young_effect

    cal, pop = draws.cal, draws.pop
    season = season_by_sector(cal=cal, params=params)[pop.sector_idx]
    return draws.latent.base[:, None].astype(np.float64) + season + young_effect(pop=pop, cal=cal, params=params)


def month_risk(
    draws: Draws, params: dict[str, Any], *, t: int, eta: np.ndarray, u: np.ndarray, frailty: Any = 1.0
) -> np.ndarray:
    """The generator's serious-finding probability of month `t` (risk.serious_probability) for log-odds `eta`
    (operators × states), persistent effects `u` (states or operators × states) and, in a world with over-dispersed
    complaints, the operator's complaint factor `frailty` (serious_probability leaves it out: 1)."""
    from foodcredit.demo.world.common import sigmoid
    from foodcredit.demo.world.risk import (
        PLANNED_KINDS,
        complaint_base,
        inspection_logit_scale,
        kind_shares,
        sampling_rate,
        targeting,
        warning_only_share,
    )

    cal, pop, latent = draws.cal, draws.pop, draws.latent
    p_insp, p_comp, p_pen = params["inspections"], params["complaints"], params["penalties"]
    kappa = inspection_logit_scale(params)
    shares = kind_shares(cal=cal, params=params)[pop.sector_idx, t]  # operators × kinds
    planned = sum(
        shares[:, k, None] * sigmoid((eta + p_insp["nonconform_offset"] + p_insp["kind_effect"][kind]) / kappa)
        for k, kind in enumerate(PLANNED_KINDS)
    )
    mu = _inspection_base(draws, params)[:, t, None] * np.exp(targeting(params, u)) * planned
    complaint = (
        frailty
        * complaint_base(pop=pop, params=params)[:, None]
        * np.exp(p_comp["risk_slope"] * (eta - latent.base[:, None]))
    )
    follow = p_insp["nonconform_offset"] + p_insp["kind_effect"]["complaint"]
    mu = mu + complaint * p_comp["follow_up_share"] * sigmoid((eta + follow) / kappa)
    mu = mu + sampling_rate(pop=pop, cal=cal, params=params)[:, t, None] * sigmoid(
        eta + _fail_offset(draws, params)[:, None]
    )
    independent = p_pen["independent_per_year"] / 12 * np.exp(eta - p_pen["independent_reference_logit"])
    mu = mu + independent * (1 - warning_only_share(params, "independent"))
    return -np.expm1(-mu)


def _inspection_base(draws: Draws, params: dict[str, Any]) -> np.ndarray:
    """Planned inspections per operator-month before the targeting factor (operators × months)."""
    from foodcredit.demo.world.risk import inspection_month_factors

    pop = draws.pop
    per_operator = pop.types.inspections[pop.type_idx] / 12
    return per_operator[:, None] * inspection_month_factors(pop=pop, cal=draws.cal, params=params)


def _fail_offset(draws: Draws, params: dict[str, Any]) -> np.ndarray:
    """Each operator's sampling-failure offset (its sector's)."""
    from foodcredit.demo.world.business_types import SECTORS

    return np.array([params["sampling"]["fail_offset"][s] for s in SECTORS])[draws.pop.sector_idx]


def _grid(params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """u and d grids with their log priors, and the drift's monthly transition matrix (d → d')."""
    risk = params["risk"]
    sd, dsd, phi = risk["operator_sd"], risk["drift_sd"], risk["drift_ar"]
    u = np.linspace(-4 * sd, 4 * sd, U_POINTS)
    d = np.linspace(-3.5 * dsd, 3.5 * dsd, D_POINTS) if dsd > 0 else np.zeros(1)
    log_u = -0.5 * (u / sd) ** 2
    innovation = dsd * np.sqrt(1 - phi**2)
    if dsd > 0:
        move = np.exp(-0.5 * ((d[None, :] - phi * d[:, None]) / innovation) ** 2)
        move /= move.sum(axis=1, keepdims=True)
    else:
        move = np.ones((1, 1))
    return u, d, log_u - np.logaddexp.reduce(log_u), move


def bayes_scores(
    draws: Draws, params: dict[str, Any], *, as_of: date, horizon_months: int = 12, records: bool = True
) -> pl.DataFrame:
    """uscc, bayes_horizon: P(a serious finding in the horizon's months | every record dated before as-of). With `records` False, no record is read: the prior alone (what
    the generator's parameters say of each operator's type, street, form and age), for comparison."""
    cal, pop, latent = draws.cal, draws.pop, draws.latent
    p_insp, p_comp = params["inspections"], params["complaints"]
    n = len(pop.type_idx)
    t_now = int(cal.month_index(np.array([np.datetime64(as_of, "D")]))[0])
    u, d, log_prior_u, move = _grid(params)
    g, log_prior_g = _frailty_grid(float(p_comp.get("dispersion", 0.0)))
    # States (u, g, d) flattened, d last (the drift moves, u and g stay): r = u + d is the risk's own part.
    u_state = np.repeat(u, len(g) * len(d))
    g_state = np.tile(np.repeat(g, len(d)), len(u))
    r = u_state + np.tile(d, len(u) * len(g))
    log_d0 = np.log(np.linalg.matrix_power(move.T, 200)[:, 0].clip(1e-300))  # the drift's stationary law
    prior = log_prior_u[:, None, None] + log_prior_g[None, :, None] + log_d0[None, None, :]
    alpha = np.tile(prior.ravel(), (n, 1))
    from foodcredit.demo.world.common import sigmoid
    from foodcredit.demo.world.events import COMPLAINT
    from foodcredit.demo.world.risk import INSPECTION_KINDS, complaint_base, targeting

    known = known_logit(draws, params)
    slope, desk = p_comp["risk_slope"], p_comp["verified_true_offset"]
    inspection_base, complaints_base = _inspection_base(draws, params), complaint_base(pop=pop, params=params)
    before = as_of.toordinal() - date(1970, 1, 1).toordinal()
    ins, com, smp = draws.inspections, draws.complaints, draws.sampling
    verification = _verification(draws)
    ins_ok, com_ok, smp_ok = (e.events.day.astype(np.int64) < before for e in (ins, com, smp))
    kind_effect = np.array([p_insp["kind_effect"][k] for k in INSPECTION_KINDS])
    strict = (draws.inspectors.strictness[ins.inspector1] + draws.inspectors.strictness[ins.inspector2]) / 2
    fail = _fail_offset(draws, params)
    targeted = targeting(params, u_state)[None, :]  # log of the inspection rate's factor, per state
    log_g = np.log(g_state)[None, :]
    for t in range(t_now if records else 0):
        alive = latent.alive[:, t, None]
        eta = known[:, t, None] + r[None, :]  # operators × states
        loglik = np.zeros((n, len(r)))
        # planned inspections: a Poisson count whose rate is targeted at u
        month = (ins.events.t == t) & ins_ok
        count = np.bincount(ins.events.op[month & (ins.kind != COMPLAINT)], minlength=n)
        loglik += count[:, None] * targeted - inspection_base[:, t, None] * np.exp(targeted) * alive
        # complaints: a Poisson count surging with the month's risk
        here = (com.events.t == t) & com_ok
        count = np.bincount(com.events.op[here], minlength=n)
        excess = eta - latent.base[:, None]
        loglik += (
            count[:, None] * (slope * excess + log_g)
            - complaints_base[:, None] * g_state * np.exp(slope * excess) * alive
        )
        # desk verification of complaints not inspected on site: 属实 with probability sigmoid(eta + offset)
        desk_rows = np.flatnonzero(here & (com.inspection < 0) & (verification <= 2))
        if len(desk_rows):
            x = eta[com.events.op[desk_rows]] + desk
            ll = np.where((verification[desk_rows] == 0)[:, None], _log_sigmoid(x), _log_sigmoid(-x))
            np.add.at(loglik, com.events.op[desk_rows], ll)
        # inspection results, with each visit's kind and inspectors
        rows = np.flatnonzero(month)
        if len(rows):
            x = eta[ins.events.op[rows]] + (kind_effect[ins.kind[rows]] + strict[rows])[:, None]
            p2 = sigmoid(x + p_insp["nonconform_offset"])
            p1 = sigmoid(x + p_insp["basically_offset"])
            res = ins.result[rows][:, None]
            prob = np.where(res == 2, p2, np.where(res == 1, p1 - p2, 1 - p1))
            np.add.at(loglik, ins.events.op[rows], np.log(prob.clip(1e-300)))
        # sampling tests
        rows = np.flatnonzero((smp.events.t == t) & smp_ok)
        if len(rows):
            x = eta[smp.events.op[rows]] + fail[smp.events.op[rows]][:, None]
            ll = np.where(smp.failed[rows][:, None], _log_sigmoid(x), _log_sigmoid(-x))
            np.add.at(loglik, smp.events.op[rows], ll)
        alpha = _advance(alpha + loglik, move)
    post = np.exp(alpha - alpha.max(axis=1, keepdims=True))
    post /= post.sum(axis=1, keepdims=True)
    u_grid = np.broadcast_to(u_state, post.shape)
    # The label's chance itself: no serious finding in any month of the horizon, the drift moving on meanwhile
    # (the score a ranking by P(label | records) uses: the AUC-optimal one, Neyman–Pearson).
    clear = post
    for t in range(t_now, min(t_now + horizon_months, cal.size)):
        risk = month_risk(draws, params, t=t, eta=known[:, t, None] + r[None, :], u=u_grid, frailty=g_state[None, :])
        clear = _advance_linear(clear * (1 - risk), move)  # exits after T are not known at T: not read
    return pl.DataFrame({"uscc": pop.uscc, "bayes_horizon": 1 - clear.sum(axis=1)})


def _frailty_grid(dispersion: float, points: int = 9) -> tuple[np.ndarray, np.ndarray]:
    """The complaint factor's grid and log prior: a gamma(1/d, d) law at `points` equal-probability bins' medians
    (one point, 1, without over-dispersion)."""
    if dispersion <= 0:
        return np.ones(1), np.zeros(1)
    from scipy.stats import gamma

    g = gamma(1 / dispersion, scale=dispersion).ppf((np.arange(points) + 0.5) / points)
    return g, np.full(points, -np.log(points))


def _advance_linear(prob: np.ndarray, move: np.ndarray) -> np.ndarray:
    """One month of drift on unnormalised probabilities over (u, d) states."""
    n = prob.shape[0]
    return (prob.reshape(n, -1, move.shape[0]) @ move).reshape(n, -1)


def _advance(alpha: np.ndarray, move: np.ndarray) -> np.ndarray:
    """One month of drift: log α over (u, d) states → the same after d → d' (normalised per operator)."""
    prob = _advance_linear(np.exp(alpha - alpha.max(axis=1, keepdims=True)), move)
    return np.log((prob / prob.sum(axis=1, keepdims=True)).clip(1e-300))
