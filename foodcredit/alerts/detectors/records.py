"""Detectors on records: licences about to expire (a notice), repeated sampling failures and failure clusters, a
class jump of two steps or more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from .findings import findings, operator_findings
from .frames import Frames, issuers

CLASS_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}


def licence_expiry(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """A valid licence of an operator in business expiring within `within_days`: a notice to the business."""
    until = frames.as_of + timedelta(days=p["within_days"])
    due = (
        frames.licences.filter(pl.col("valid_until").is_between(frames.as_of, until))
        .join(frames.operators.filter(pl.col("status") == "active"), on="operator_id")
        .select(
            pl.concat_str(pl.lit("licence:"), pl.col("number")).alias("subject"),
            "operator_id",
            "street",
            "sector",
            (pl.col("valid_until") - pl.lit(frames.as_of)).dt.total_days().cast(pl.Float64).alias("score"),
            "number",
            "valid_until",
        )
    )
    return findings("licence_expiry", due, cuts=p["level_cuts"], notice=True)


def sampling_repeated(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """An operator with `min_failures` failed sampling tests within `window_days`."""
    since = frames.as_of - timedelta(days=p["window_days"] - 1)
    repeated = (
        frames.failures.filter(pl.col("occurred_on").is_between(since, frames.as_of))
        .group_by("operator_id")
        .agg(
            pl.len().alias("failures"),
            pl.col("occurred_on").max().alias("last_failed_on"),
            issuers(frames.failures),
        )
        .filter(pl.col("failures") >= p["min_failures"])
    )
    return operator_findings(
        "sampling_repeated",
        repeated,
        frames.operators,
        score="failures",
        evidence=["failures", "last_failed_on", "issuers"],
        cuts=p["level_cuts"],
    )


def sampling_cluster(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """`min_failures` failures of one food category and failure kind among `min_operators` operators of one street
    within `window_days`: a street-level alert."""
    since = frames.as_of - timedelta(days=p["window_days"] - 1)
    clusters = (
        frames.failures.filter(pl.col("occurred_on").is_between(since, frames.as_of))
        .join(frames.operators.select("operator_id", "street"), on="operator_id")
        .with_columns(pl.col("food_category").fill_null(""))
        .group_by("street", "food_category", "failure_kind")
        .agg(pl.len().alias("failures"), pl.col("operator_id").n_unique().alias("operators"), issuers(frames.failures))
        .filter((pl.col("failures") >= p["min_failures"]) & (pl.col("operators") >= p["min_operators"]))
        .select(
            pl.concat_str(
                pl.lit("cluster:"), "street", pl.lit("|"), "food_category", pl.lit("|"), "failure_kind"
            ).alias("subject"),
            pl.lit(None, dtype=pl.Int64).alias("operator_id"),
            "street",
            pl.col("failures").cast(pl.Float64).alias("score"),
            "food_category",
            "failure_kind",
            "failures",
            "operators",
            "issuers",
        )
    )
    return findings("sampling_cluster", clusters, cuts=p["level_cuts"])


def class_jump(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """A classification of the last `window_days` that moved an operator `min_steps` classes or more towards D."""
    since = frames.as_of - timedelta(days=p["window_days"] - 1)
    order = pl.DataFrame({"k": list(CLASS_ORDER), "v": list(CLASS_ORDER.values())})
    jumps = (
        frames.class_changes.filter(pl.col("occurred_on").is_between(since, frames.as_of))
        .join(order.rename({"k": "risk_class", "v": "to"}), on="risk_class")
        .join(order.rename({"k": "previous_class", "v": "from"}), on="previous_class")
        .with_columns((pl.col("to") - pl.col("from")).alias("steps"))
        .filter(pl.col("steps") >= p["min_steps"])
    )
    return operator_findings(
        "class_jump",
        jumps,
        frames.operators,
        score="steps",
        evidence=["previous_class", "risk_class"],
        cuts=p["level_cuts"],
    )
