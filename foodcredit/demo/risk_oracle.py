"""The oracle for `risk_backtest`: the seeded district's hidden latent risk, registered with risk in DemoConfig.ready.

Risk never imports demo (layers point downwards): demo hands the backtest this callable, which gives back only the
oracle's population, labels and scores, to compute the model's AUC on exactly the same operators.
"""

from datetime import date

import polars as pl

from . import selectors as demo_selectors
from .world.oracle import oracle_table


def oracle_for_backtest(*, as_of: date, horizon_days: int) -> pl.DataFrame | None:
    """uscc, oracle_score, label — the table behind `seed_oracle_report`'s AUC; None if nothing is seeded."""
    if demo_selectors.seed_run_latest() is None:
        return None
    frames = demo_selectors.oracle_frames(as_of=as_of, horizon_days=horizon_days)
    return oracle_table(**frames, as_of=as_of, horizon_days=horizon_days)
