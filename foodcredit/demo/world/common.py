"""Shared pieces of the simulation: parameters, the month grid, random streams and vectorised draws."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml
from dateutil.relativedelta import relativedelta

PARAMS_PATH = Path(__file__).resolve().parent.parent / "params.yaml"

Params = dict[str, Any]


def params_load(path: Path = PARAMS_PATH) -> Params:
    """The simulation parameters (params.yaml)."""
    with path.open(encoding="utf-8") as fh:
        params: Params = yaml.safe_load(fh)
    return params


def params_digest(params: Params) -> str:
    """A stable SHA-256 of the parameters, recorded with each seeding."""
    return hashlib.sha256(repr(params).encode("utf-8")).hexdigest()


def stream(seed: int, stage: int) -> np.random.Generator:
    """An independent random stream per stage, so that changing one stage leaves the others' draws alone."""
    return np.random.default_rng([seed, stage])


@dataclass(frozen=True)
class Calendar:
    """The simulated months: from the month of `start` to the month of `as_of`, both partly covered."""

    start: date
    as_of: date

    @classmethod
    def for_years(cls, *, as_of: date, years: int) -> "Calendar":
        """`years` years up to and including `as_of`."""
        return cls(start=as_of - relativedelta(years=years) + timedelta(days=1), as_of=as_of)

    @property
    def first_month(self) -> np.datetime64:
        return np.datetime64(self.start, "M")

    @property
    def months(self) -> np.ndarray:
        """First days of the simulated months (datetime64[M])."""
        return np.arange(self.first_month, np.datetime64(self.as_of, "M") + 1)

    @property
    def size(self) -> int:
        return len(self.months)

    @property
    def month_starts(self) -> np.ndarray:
        return self.months.astype("datetime64[D]")

    @property
    def days_in_month(self) -> np.ndarray:
        return ((self.months + 1).astype("datetime64[D]") - self.month_starts).astype(np.int64)

    @property
    def month_of_year(self) -> np.ndarray:
        """0 for January … 11 for December, per simulated month."""
        return self.months.astype(np.int64) % 12

    @property
    def start64(self) -> np.datetime64:
        return np.datetime64(self.start, "D")

    @property
    def as_of64(self) -> np.datetime64:
        return np.datetime64(self.as_of, "D")

    def month_index(self, days: np.ndarray) -> np.ndarray:
        """The simulated month index of each date (may fall outside 0 … size − 1)."""
        return (days.astype("datetime64[M]") - self.first_month).astype(np.int64)

    def season(self, peak_month: float) -> np.ndarray:
        """cos(2π (month − peak) / 12) per simulated month: +1 at the peak, −1 six months away."""
        return np.cos(2 * np.pi * (self.month_of_year + 1 - peak_month) / 12).astype(np.float32)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, keeping the input's float width."""
    return 1.0 / (1.0 + np.exp(-x))


def weighted_choice(rng: np.random.Generator, weights: np.ndarray | list[float], size: int) -> np.ndarray:
    """`size` indices drawn with the given (unnormalised) weights."""
    w = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(w), size=size, p=w / w.sum())


def choice_by_group(rng: np.random.Generator, group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One index per row, drawn with the weights of the row's group: `weights[group[row]]` (groups × options).

    Vectorised with one searchsorted over the groups' cumulative weights laid end to end (group g occupies
    [g, g + 1)); a zero weight is never drawn.
    """
    w = np.asarray(weights, dtype=np.float64)
    totals = w.sum(axis=1, keepdims=True)
    cum = np.cumsum(w / np.where(totals > 0, totals, 1.0), axis=1)
    cum[:, -1] = 1.0
    flat = (cum + np.arange(len(w))[:, None]).ravel()
    u = rng.random(len(group))
    picked = np.searchsorted(flat, group + u, side="right") - group * w.shape[1]
    return np.minimum(picked, w.shape[1] - 1)


def pick(words: list[str], idx: np.ndarray) -> pl.Series:
    """The words at the given indices, as a string Series."""
    return pl.Series(words, dtype=pl.String).gather(idx)


def uniform_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniformly drawn day in [lo, hi] (datetime64[D] arrays; hi ≥ lo)."""
    span = (hi - lo).astype(np.int64) + 1
    return lo + np.floor(rng.random(len(lo)) * span).astype(np.int64)


def as_date_series(days: np.ndarray) -> pl.Series:
    """datetime64[D] values as a polars Date Series."""
    return pl.Series(days.astype("datetime64[D]"), dtype=pl.Date)
