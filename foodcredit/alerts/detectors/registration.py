"""Abnormal registrations: many operators at one address in a short time, a legal representative registering and
cancelling repeatedly, a registration by a legal representative whose business lost its licence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from .findings import findings, operator_findings
from .frames import Frames, issuers


def _normalised_address() -> pl.Expr:
    return pl.col("address").str.replace_all(r"[\s,，、()（）\-－]", "").str.to_uppercase()


def registration_address(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """At least `min_operators` operators registered at one address (spaces and punctuation ignored) within
    `window_days`: a street-level alert on the address."""
    since = frames.as_of - timedelta(days=p["window_days"] - 1)
    recent = frames.operators.filter(pl.col("registered_on").is_between(since, frames.as_of)).with_columns(
        _normalised_address().alias("key")
    )
    grouped = (
        recent.group_by("key")
        .agg(
            pl.len().alias("operators"),
            pl.col("street").mode().first().alias("street"),
            pl.col("address").first().alias("address"),
            pl.col("uscc").sort().alias("usccs"),
        )
        .filter(pl.col("operators") >= p["min_operators"])
        .select(
            pl.concat_str(pl.lit("address:"), pl.col("key")).alias("subject"),
            pl.lit(None, dtype=pl.Int64).alias("operator_id"),
            "street",
            pl.col("operators").cast(pl.Float64).alias("score"),
            "address",
            "operators",
            pl.col("usccs").list.join("、"),
        )
    )
    return findings("registration_address", grouped, cuts=p["level_cuts"])


def registration_churn(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """A legal representative with `min_registrations` operators registered within `window_days`, of which at least
    `min_deregistered` already deregistered: an alert on the newest operator still in business."""
    since = frames.as_of - timedelta(days=p["window_days"] - 1)
    ops = frames.operators.filter(
        pl.col("person_id").is_not_null() & pl.col("registered_on").is_between(since, frames.as_of)
    )
    per_person = (
        ops.sort("registered_on")
        .group_by("person_id")
        .agg(
            pl.len().alias("registrations"),
            (pl.col("status") == "deregistered").sum().alias("deregistered"),
            pl.col("operator_id").filter(pl.col("status") == "active").last().alias("operator_id"),
        )
        .filter(
            (pl.col("registrations") >= p["min_registrations"])
            & (pl.col("deregistered") >= p["min_deregistered"])
            & pl.col("operator_id").is_not_null()
        )
    )
    return operator_findings(
        "registration_churn",
        per_person,
        frames.operators,
        score="registrations",
        evidence=["registrations", "deregistered"],
        cuts=p["level_cuts"],
        subject=pl.concat_str(pl.lit("person:"), pl.col("person_id").cast(pl.String)),
    )


def registration_after_revocation(frames: Frames, p: dict[str, Any]) -> pl.DataFrame:
    """An operator registered within `window_days` whose legal representative led an operator that lost its licence
    less than `ban_years` before (食品安全法 Art. 135)."""
    ban_since = frames.as_of - timedelta(days=365 * p["ban_years"])
    revoked_people = (
        frames.revocations.filter(pl.col("occurred_on") >= ban_since)
        .join(frames.operators.select("operator_id", "person_id"), on="operator_id")
        .filter(pl.col("person_id").is_not_null())
        .group_by("person_id")
        .agg(
            pl.col("occurred_on").max().alias("revoked_on"),
            pl.col("operator_id").first().alias("revoked_operator"),
            issuers(frames.revocations),
        )
    )
    since = frames.as_of - timedelta(days=p["window_days"] - 1)
    new = (
        frames.operators.filter(pl.col("registered_on").is_between(since, frames.as_of))
        .join(revoked_people, on="person_id")
        .filter(
            (pl.col("registered_on") > pl.col("revoked_on")) & (pl.col("operator_id") != pl.col("revoked_operator"))
        )
        .select(
            pl.col("uscc").alias("subject"),
            "operator_id",
            "street",
            "sector",
            pl.lit(1.0).alias("score"),
            "revoked_on",
            "issuers",
        )
    )
    return findings("registration_after_revocation", new, cuts=p["level_cuts"])
