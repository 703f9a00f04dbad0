"""Penalty entries as risk features: read through their partial index, judged by credit.rules (heavy, NDRC
severity, serious = more than a warning) once per distinct combination of facts, and counted per operator."""

from datetime import date

import polars as pl
from django.conf import settings
from django.db import transaction

from foodcredit.credit import policy as credit_policy
from foodcredit.credit import rules as credit_rules
from foodcredit.credit.ledger_codes import Signal

from .frames import day, planner, read_frame
from .ledger_pass import LEDGER, WINDOWS

S = Signal
# Penalty entries through their partial index: a bitmap scan reads only the heap pages that hold them.
PENALTY_INDEX = {"enable_seqscan": "off"}


def _penalties_judge(raw: pl.DataFrame) -> pl.DataFrame:
    """Penalty rows (operator_id, occurred_on, kinds JSON text, amount, circumstance, natural_person text) with their
    severity by credit.rules, decided once per distinct combination of the facts the rules read, never per row."""
    raw = raw.with_columns(
        kinds=pl.col("kinds").fill_null("[]").str.json_decode(pl.List(pl.String())).list.sort(),
        amount=pl.col("amount").cast(pl.Float64, strict=False).fill_null(0.0),
        circumstance=pl.col("circumstance").fill_null(""),
        natural_person=pl.col("natural_person").is_in(["true", "1", "True"]),
    )
    policy = credit_policy.disclosure_policy()
    combos = raw.select("kinds", "amount", "circumstance", "natural_person").unique()
    kinds, amounts = combos["kinds"].to_list(), combos["amount"].to_list()
    circumstances, natural = combos["circumstance"].to_list(), combos["natural_person"].to_list()
    heavy = [
        credit_rules.is_heavy_penalty({"kinds": k, "circumstance": c})
        for k, c in zip(kinds, circumstances, strict=True)
    ]
    ndrc = [
        credit_rules.penalty_severity({"kinds": k, "amount": a}, policy, natural_person=n)
        for k, a, n in zip(kinds, amounts, natural, strict=True)
    ]
    judged = combos.with_columns(heavy=pl.Series(heavy, dtype=pl.Boolean), ndrc=pl.Series(ndrc, dtype=pl.String))
    return raw.join(judged, on=["kinds", "amount", "circumstance", "natural_person"], how="left").with_columns(
        # A serious finding: a penalty other than a warning only.
        serious=pl.col("kinds").list.eval(pl.element() != "警告").list.any().fill_null(False),
    )


_PENALTY_SCHEMA = {
    "operator_id": pl.Int64(),
    "occurred_on": pl.Date(),
    "kinds": pl.String(),
    "amount": pl.String(),
    "circumstance": pl.String(),
    "natural_person": pl.String(),
}


def penalties_frame(*, after: date | None, before: date) -> pl.DataFrame:
    """Current penalty entries dated in [after, before): operator, date, kinds, and their severity by credit.rules."""
    lower = f"AND occurred_on >= {day(after)}" if after else ""
    with transaction.atomic(), planner(PENALTY_INDEX):
        raw = read_frame(
            f"""SELECT operator_id, occurred_on, facts->>'kinds' AS kinds, facts->>'amount' AS amount,
                       facts->>'circumstance' AS circumstance, facts->>'natural_person' AS natural_person
                FROM {LEDGER}
                WHERE signal = {S.PENALTY} AND superseded_by_id IS NULL AND occurred_on < {day(before)} {lower}""",
            _PENALTY_SCHEMA,
        )
    return _penalties_judge(raw)


def penalty_features(penalties: pl.DataFrame, as_of: date) -> pl.DataFrame:
    tau = float(settings.RISK_DECAY_DAYS)
    age = (pl.lit(as_of) - pl.col("occurred_on")).dt.total_days()
    return (
        penalties.with_columns(age=age)
        .group_by("operator_id")
        .agg(
            *[(pl.col("age") < d).sum().alias(f"penalties_{w}") for w, d in WINDOWS.items()],
            *[
                ((pl.col("age") < d) & pl.col("serious")).sum().alias(f"penalties_serious_{w}")
                for w, d in WINDOWS.items()
            ],
            pl.col("heavy").sum().alias("penalties_heavy_3y"),
            (pl.col("ndrc") == "serious").sum().alias("penalties_ndrc_serious_3y"),
            (-pl.col("age") / tau).exp().filter(pl.col("serious")).sum().alias("penalties_decayed"),
        )
    )
