"""Complaint surges: per operator (EARS C2 with a minimum sigma) and per street and sector (Farrington Flexible on
weekly counts, EWMA with a short history)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats

from .findings import findings, operator_findings
from .frames import Frames, complaint_counts

WEEKS_PER_YEAR = 52
MIN_YEARS = 3  # Noufaily et al.: Farrington with a trend needs three years; with fewer, EWMA


def complaint_surge_operator(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """EARS C2 (CDC): the last `window_days` complaints of each operator against the same-length windows of its
    baseline (`baseline_days` before a `guard_days` guard band); C2 = (observed - mean) / max(sd, min_sigma)."""
    as_of, window, guard, base = frames.as_of, p["window_days"], p["guard_days"], p["baseline_days"]
    window_start = as_of - timedelta(days=window - 1)
    base_end = window_start - timedelta(days=guard + 1)
    base_start = base_end - timedelta(days=base - 1)
    c = frames.complaints
    observed = (
        c.filter(pl.col("occurred_on").is_between(window_start, as_of))
        .group_by("operator_id")
        .agg(pl.len().alias("observed"))
        .filter(pl.col("observed") >= p["min_count"])
    )
    if observed.is_empty():
        return findings("complaint_surge_operator", pl.DataFrame(), cuts=p["level_cuts"])
    daily = (
        c.filter(pl.col("occurred_on").is_between(base_start, base_end))
        .join(observed.select("operator_id"), on="operator_id")
        .group_by("operator_id", "occurred_on")
        .agg(pl.len().alias("n"))
        .group_by("operator_id")
        .agg(pl.col("n").sum().alias("total"), (pl.col("n") ** 2).sum().alias("squares"))
    )
    scored = (
        observed.join(daily, on="operator_id", how="left")
        .with_columns(pl.col("total").fill_null(0), pl.col("squares").fill_null(0))
        .with_columns((pl.col("total") / base).alias("rate"))
        .with_columns(
            (pl.col("rate") * window).alias("expected"),
            ((pl.col("squares") / base - pl.col("rate") ** 2).clip(lower_bound=0) * window).sqrt().alias("sd"),
        )
        .with_columns(
            ((pl.col("observed") - pl.col("expected")) / pl.max_horizontal(pl.col("sd"), pl.lit(p["min_sigma"]))).alias(
                "score"
            )
        )
        .filter(pl.col("score") >= p["threshold"])
    )
    return operator_findings(
        "complaint_surge_operator",
        scored,
        frames.operators,
        score="score",
        evidence=["observed", pl.col("expected").round(2)],
        cuts=p["level_cuts"],
    )


def weekly_counts(frames: Frames, weeks: int) -> pl.DataFrame:
    """Complaints per street, sector and week, weeks counted back from as_of (week 0 = the last seven days), every
    (street, sector) with complaints filled over `weeks` weeks with zeros."""
    c = (
        complaint_counts(frames)
        .with_columns(((pl.lit(frames.as_of) - pl.col("occurred_on")).dt.total_days() // 7).alias("week"))
        .filter(pl.col("week") < weeks)
    )
    counted = c.group_by("street", "sector", "week").agg(pl.col("n").sum().cast(pl.Int64))
    grid = c.select("street", "sector").unique().join(pl.DataFrame({"week": list(range(weeks))}), how="cross")
    return grid.join(counted, on=["street", "sector", "week"], how="left").with_columns(pl.col("n").fill_null(0))


@dataclass(frozen=True)
class Bound:
    """Farrington's answer for the current week: expected count, upper bound, whether it alarms."""

    expected: float
    upper: float
    alarm: bool
    method: str


def farrington_flexible(series: np.ndarray, p: dict[str, Any], b: int) -> Bound:
    """Farrington Flexible (Noufaily et al. 2013, surveillance::farringtonFlexible with noPeriods = 1) for the last
    value of `series` (weekly counts, oldest first): a quasi-Poisson GLM with a linear trend on the reference weeks
    (weeks t - 52y ± w for y = 1..b), the trend kept when significant at pThresholdTrend and b ≥ 3, weights down for
    past outbreaks (Anscombe residuals above weightsThreshold), and the upper bound as the negative-binomial
    (1 - alpha) quantile — plug-in mean (nbPlugin) or the upper confidence limit of the mean (muan)."""
    t_now = len(series) - 1
    w = p["w"]
    times = np.array([t_now - WEEKS_PER_YEAR * y + k for y in range(1, b + 1) for k in range(-w, w + 1)], dtype=float)
    y = series[times.astype(int)].astype(float)
    X = np.column_stack([np.ones_like(times), times])
    # As surveillance's algo.farrington.glm: fit with the trend (and reweight); keep it only when significant, with
    # three years or more and no extrapolation above the largest reference count, else fit again without it.
    fit, phi, cov = _model(y, X, p)
    mu_trend = float(np.exp(fit.params @ np.array([1.0, t_now])))
    t_trend = fit.params[1] / math.sqrt(cov[1, 1]) if cov[1, 1] > 0 else 0.0
    p_trend = float(2 * stats.t.sf(abs(t_trend), fit.df_resid)) if fit.df_resid > 0 else 1.0
    use_trend = b >= MIN_YEARS and p_trend < p["pThresholdTrend"] and mu_trend <= y.max()
    if not use_trend:
        fit, phi, cov = _model(y, X[:, :1], p)
    x_now = np.array([1.0, t_now]) if use_trend else np.array([1.0])
    eta = float(x_now @ fit.params)
    se = float(math.sqrt(max(x_now @ cov @ x_now, 0.0)))
    mu = math.exp(eta)
    mu_for_bound = mu if p["thresholdMethod"] == "nbPlugin" else math.exp(eta + stats.norm.ppf(1 - p["alpha"]) * se)
    upper = _nb_quantile(1 - p["alpha"], mu_for_bound, phi)
    observed = float(series[-1])
    return Bound(mu, upper, observed > upper and observed >= p["min_count"], f"farrington_flexible(b={b})")


def _model(y: np.ndarray, X: np.ndarray, p: dict[str, Any]) -> tuple[Any, float, np.ndarray]:
    """The quasi-Poisson fit (refitted with Anscombe-residual weights when reweighting, Noufaily et al. 2013), its
    overdispersion phi ≥ 1, and the covariance the trend test and the prediction's standard error use.

    The covariance follows R's surveillance 1.20 (the reference implementation the tests compare with): after
    reweighting it replaces the model's working weights by the prior weights, so summary.glm and predict.glm
    estimate the dispersion as sum(omega · ((y - mu) / mu)^2) / df instead of the Pearson statistic; without
    reweighting both are the Pearson dispersion."""
    fit, phi = _fit(y, X, np.ones_like(y))
    if not p["reweighting"]:
        return fit, phi, np.asarray(fit.cov_params())
    omega = _anscombe_weights(y, fit, phi, p["weightsThreshold"])
    fit, phi = _fit(y, X, omega)
    mu = fit.fittedvalues
    dispersion = float(np.sum(omega * ((y - mu) / mu) ** 2) / fit.df_resid) if fit.df_resid > 0 else float(fit.scale)
    scale = float(fit.scale) if fit.scale > 0 else 1.0
    return fit, phi, np.asarray(fit.cov_params()) * dispersion / scale


def _fit(y: np.ndarray, X: np.ndarray, weights: np.ndarray) -> tuple[Any, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.GLM(y, X, family=sm.families.Poisson(), var_weights=weights)
        fit = model.fit(scale="X2")
    phi = max(1.0, float(fit.scale))
    return fit, phi


def _anscombe_weights(y: np.ndarray, fit: Any, phi: float, threshold: float) -> np.ndarray:
    mu = fit.fittedvalues
    hat = np.clip(fit.get_influence().hat_matrix_diag, 0, 0.999)
    s = 1.5 * (np.power(y, 2 / 3) - np.power(mu, 2 / 3)) / (np.power(mu, 1 / 6) * np.sqrt(phi * (1 - hat)))
    gamma_raw = np.where(s > threshold, 1 / np.maximum(s, 1e-9) ** 2, 1.0)
    return gamma_raw * len(y) / gamma_raw.sum()


def _nb_quantile(q: float, mu: float, phi: float) -> float:
    if mu <= 0:
        return 0.0
    if phi <= 1.0 + 1e-9:
        return float(stats.poisson.ppf(q, mu))
    size = mu / (phi - 1)
    return float(stats.nbinom.ppf(q, size, size / (size + mu)))


def ewma(series: np.ndarray, p: dict[str, Any]) -> Bound:
    """EWMA (ESSENCE) for a short history: the smoothed count against the baseline weeks before a two-week guard."""
    lam, n_base = p["ewma_lambda"], p["ewma_baseline_weeks"]
    base = series[-(n_base + 3) : -3].astype(float)
    mean, sd = float(base.mean()) if base.size else 0.0, float(base.std(ddof=1)) if base.size > 1 else 0.0
    sd = max(sd, 0.5)
    z = mean
    for x in series[-3:]:
        z = lam * float(x) + (1 - lam) * z
    upper = mean + p["ewma_threshold"] * sd * math.sqrt(lam / (2 - lam))
    return Bound(mean, upper, z > upper and float(series[-1]) >= p["min_count"], "ewma")


def complaint_surge_street(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """Farrington Flexible per street and sector on the weekly counts (b = the complete years available, at most
    p['b']); with fewer than three years, EWMA."""
    weeks = WEEKS_PER_YEAR * p["b"] + p["w"] + 1
    counts = weekly_counts(frames, weeks)
    daily = complaint_counts(frames)
    first = daily["occurred_on"].min() if daily.height else None
    history = frames.as_of - first if isinstance(first, date) else timedelta(0)
    years = min(p["b"], max(0, (history.days // 7 - p["w"]) // WEEKS_PER_YEAR))
    rows = []
    for (street, sector), group in counts.group_by("street", "sector"):
        series = group.sort("week", descending=True)["n"].to_numpy()
        if series[-1] < p["min_count"]:
            continue
        bound = farrington_flexible(series, p, years) if years >= MIN_YEARS else ewma(series, p)
        if bound.alarm:
            rows.append(
                {
                    "subject": f"{street}|{sector}",
                    "operator_id": None,
                    "street": street,
                    "sector": sector,
                    "score": float(series[-1]) / max(bound.upper, 1.0),
                    "observed": int(series[-1]),
                    "expected": round(bound.expected, 2),
                    "upper": round(bound.upper, 2),
                    "method": bound.method,
                }
            )
    frame = pl.DataFrame(rows, schema_overrides={"operator_id": pl.Int64}) if rows else pl.DataFrame()
    return findings("complaint_surge_street", frame, cuts=p["level_cuts"])
