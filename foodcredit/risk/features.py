"""Features of every operator as of a date, from the credit ledger, with no look-ahead.

Only current entries (not superseded) dated strictly before `as_of` are read. The ledger is aggregated in SQL
(ledger_pass: inspectors' strictness from a sample, then one pass over the timeline index), penalties are read from
their partial index and judged by credit.rules, and the rest — relationships, district rates, static attributes — is
joined in polars. Nothing loops over rows in Python.

What is deliberately *not* a feature: registration and licence *status*. Both are stored as of the last import,
not as of the date they changed, so on a past `as_of` they would tell the model about exits that had not happened
yet. Licence validity is derived from the licence entries' expiry dates instead.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction

from foodcredit.credit import policy as credit_policy
from foodcredit.credit import rules as credit_rules
from foodcredit.credit.ledger_codes import FAIL_LAST, FAILURE_KINDS, Signal

from .frames import Scope, day, is_pg, planner, read_frame, snapshot_siblings
from .ledger_pass import (
    DECAYED_STEMS,
    FAILED_SQL,
    INSPECTED_SQL,
    LEDGER,
    LOOKBACK_DAYS,
    OPERATORS,
    WINDOWS,
    inspector_rates,
    ledger_aggregate,
    ledger_rows,
    pass_connections,
    pass_plan,
)

S = Signal
# Penalty entries through their partial index: a bitmap scan reads only the heap pages that hold them.
PENALTY_INDEX = {"enable_seqscan": "off"}

NO_INSPECTION_DAYS = 3650  # "never inspected" as a number of days, so that the feature stays monotone
SECTOR_CODES = {"production": 0, "circulation": 1, "catering": 2}
_STEMS = ["inspections", "nonconform", "basically", "samples", "sample_fail", "complaints", "complaints_verified"]

# The feature list, in model order, with the direction of its effect on risk where it is known (+1 / -1 / 0).
FEATURES: dict[str, int] = {
    "sector_code": 0,
    "business_type_risk": 1,
    "years_in_business": 0,
    "new_business_form": 1,
    "has_licence": 0,
    "licence_valid": -1,
    "licence_days_to_expiry": 0,
    **{
        f"{stem}_{w}": (0 if stem in ("inspections", "samples", "complaints") else 1)
        for stem in _STEMS
        for w in WINDOWS
    },
    **{f"{stem}_decayed": (0 if stem in ("inspections", "samples") else 1) for stem in DECAYED_STEMS},
    **{f"sample_fail_{k}_3y": 1 for k in FAILURE_KINDS},
    "nonconform_adj_1y": 1,
    "nonconform_adj_3y": 1,
    "nonconform_adj_decayed": 1,
    "inspector_strictness_3y": 0,
    "days_since_inspection": 0,
    **{f"penalties_{w}": 1 for w in WINDOWS},
    **{f"penalties_serious_{w}": 1 for w in WINDOWS},
    "penalties_heavy_3y": 1,
    "penalties_ndrc_serious_3y": 1,
    "penalties_decayed": 1,
    "complaints_90d": 1,
    "complaint_surge": 1,
    "serious_3y": 1,
    "serious_decayed": 1,
    "serious_180d": 1,
    "nonconform_rate": 1,
    "basically_rate": 1,
    "sample_fail_rate": 1,
    "complaints_per_year": 1,
    "type_serious_rate": 1,
    "type_inspection_rate": 0,
    "type_sample_rate": 0,
    "street_serious_rate": 1,
    "related_person_operators": 0,
    "related_person_serious_3y": 1,
    "related_address_operators": 0,
    "related_address_serious_3y": 1,
    "related_person_serious_rate": 1,
    "related_address_serious_rate": 1,
}
RATE_PRIOR = 3.0  # pseudo-events shrinking an operator's own rates towards the district's
FEATURE_NAMES = list(FEATURES)


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


def _penalty_features(penalties: pl.DataFrame, as_of: date) -> pl.DataFrame:
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


def operators_frame(*, as_of: date, scope: Scope | None = None) -> pl.DataFrame:
    """Operators registered before `as_of`: static attributes and relationship keys."""
    where = scope.sql("id") if scope else "1 = 1"
    return read_frame(
        f"""SELECT id AS operator_id, uscc, sector, business_type, street, registered_on,
                   CASE WHEN new_business_form THEN 1 ELSE 0 END AS new_business_form,
                   legal_rep_person_id, address, status
            FROM {OPERATORS} WHERE registered_on < {day(as_of)} AND {where} ORDER BY id""",
        {
            "operator_id": pl.Int64(),
            "uscc": pl.String(),
            "sector": pl.String(),
            "business_type": pl.String(),
            "street": pl.String(),
            "registered_on": pl.Date(),
            "new_business_form": pl.Int64(),
            "legal_rep_person_id": pl.Int64(),
            "address": pl.String(),
            "status": pl.String(),
        },
    )


def _district_counts(as_of: date) -> pl.DataFrame:
    """Inspections, samples and serious inspection/sampling findings of the 3 years before `as_of`, all operators."""
    since = as_of - timedelta(days=LOOKBACK_DAYS)
    return read_frame(
        f"""SELECT operator_id,
                   count(*) FILTER (WHERE {INSPECTED_SQL}) AS inspections_3y,
                   count(*) FILTER (WHERE c = {S.SAMPLE_PASS} OR {FAILED_SQL}) AS samples_3y,
                   count(*) FILTER (WHERE c = {S.INSPECTION_BASICALLY}) AS basically_3y,
                   count(*) FILTER (WHERE {FAILED_SQL}) AS sample_fail_3y,
                   count(*) FILTER (WHERE c = {S.INSPECTION_NONCONFORM} OR {FAILED_SQL}) AS n
            FROM (SELECT operator_id, signal AS c FROM {LEDGER}
                  WHERE superseded_by_id IS NULL AND occurred_on < {day(as_of)} AND occurred_on >= {day(since)}
                    AND signal BETWEEN {S.INSPECTION_CONFORM} AND {FAIL_LAST}) e
            GROUP BY operator_id""",
        {
            "operator_id": pl.Int64(),
            "inspections_3y": pl.Int64(),
            "samples_3y": pl.Int64(),
            "basically_3y": pl.Int64(),
            "sample_fail_3y": pl.Int64(),
            "n": pl.Int64(),
        },
    )


def _district_rates(operators: pl.DataFrame, district: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per operator, the district's rates over the 3 years before `as_of` for its business type and street:
    serious findings, inspections and samples per operator-year (how often such operators are visited and found
    wanting — the exposure a single operator's short history cannot show).
    """
    exposure = ((pl.lit(as_of) - pl.col("registered_on")).dt.total_days() / 365.25).clip(0.1, 3.0)
    frame = operators.select("operator_id", "business_type", "street", exposure.alias("exposure")).join(
        district, on="operator_id", how="left"
    )
    frame = frame.with_columns(pl.col("serious_3y", "inspections_3y", "samples_3y").fill_null(0))

    def rate(col: str, over: str) -> pl.Expr:
        return pl.col(col).sum().over(over) / pl.col("exposure").sum().over(over)

    return frame.select(
        "operator_id",
        type_serious_rate=rate("serious_3y", "business_type"),
        type_inspection_rate=rate("inspections_3y", "business_type"),
        type_sample_rate=rate("samples_3y", "business_type"),
        street_serious_rate=rate("serious_3y", "street"),
    )


def _relationships(operators: pl.DataFrame, serious: pl.DataFrame) -> pl.DataFrame:
    """Other operators with the same legal representative (person id) or the same address, and their findings."""
    frame = operators.select("operator_id", "legal_rep_person_id", "address").join(
        serious.select("operator_id", "serious_3y"), on="operator_id", how="left"
    )
    frame = frame.with_columns(pl.col("serious_3y").fill_null(0))
    person = pl.col("legal_rep_person_id").is_not_null()
    address = pl.col("address").fill_null("").str.strip_chars() != ""
    return frame.select(
        "operator_id",
        related_person_operators=pl.when(person).then(pl.len().over("legal_rep_person_id") - 1).otherwise(0),
        related_person_serious_3y=pl.when(person)
        .then(pl.col("serious_3y").sum().over("legal_rep_person_id") - pl.col("serious_3y"))
        .otherwise(0),
        related_address_operators=pl.when(address).then(pl.len().over("address") - 1).otherwise(0),
        related_address_serious_3y=pl.when(address)
        .then(pl.col("serious_3y").sum().over("address") - pl.col("serious_3y"))
        .otherwise(0),
    )


def features_as_of(*, as_of: date, operator_ids: list[int] | None = None, scope: Scope | None = None) -> pl.DataFrame:
    """One row per operator registered before `as_of`: identity columns, then FEATURE_NAMES, from the ledger.

    `operator_ids` or `scope` (an id range, for partitions) limit the rows returned, never the statistics the
    features are relative to (inspector strictness and relationships are district-wide), so a partitioned run
    gives the same rows as a single one.
    """
    from . import indicators  # the business-type tiers are part of the indicator system (data)

    if operator_ids is not None:
        scope = Scope(ids=tuple(sorted(operator_ids)))
    scope = scope or Scope()
    # Outside any transaction, the ledger pass runs on other connections in the same snapshot (one per operator range
    # on a large ledger) while this one reads operators and penalties; inside one (a caller's, a test's) all runs here.
    beside = not connection.in_atomic_block
    # Read before the transaction (its first query sets the isolation level): the ledger's size, once for the pass.
    size = ledger_rows()
    connections = pass_connections(ledger_size=size) if beside else 0
    with transaction.atomic(), snapshot_siblings(connections, enabled=beside) as siblings:
        if is_pg():
            with connection.cursor() as cursor:
                # Hash aggregates over a million operators stay in memory; JIT compiling costs more than it saves here.
                cursor.execute("SET LOCAL work_mem = '512MB'")
                cursor.execute("SET LOCAL jit = off")
        return _features(as_of, scope, indicators.business_type_tiers(), siblings, size)


def _features(
    as_of: date, scope: Scope, tiers: dict[str, int], siblings: list[Any], ledger_size: float
) -> pl.DataFrame:
    district_rate, inspector_excess = inspector_rates(as_of, ledger_size=ledger_size)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        if siblings:
            plan = pass_plan(scope, len(siblings), ledger_size=ledger_size)  # on this connection, in this thread
            pending = pool.submit(ledger_aggregate, as_of, scope, inspector_excess, plan=plan, raws=siblings)
        everyone = operators_frame(as_of=as_of)
        penalties = penalties_frame(after=as_of - timedelta(days=LOOKBACK_DAYS), before=as_of)
        ledger = (
            pending.result()
            if pending
            else ledger_aggregate(as_of, scope, inspector_excess, plan=pass_plan(scope, ledger_size=ledger_size))
        )
    ops = everyone.filter(scope.expr()) if not scope.everything else everyone
    # Penalties are few (a few per cent of the ledger): every operator's are read, whatever the partition.
    district_pen = _penalty_features(penalties, as_of)
    pen = district_pen.filter(scope.expr()) if not scope.everything else district_pen
    if scope.everything:
        district = ledger.select(
            "operator_id",
            "inspections_3y",
            "samples_3y",
            "basically_3y",
            "sample_fail_3y",
            n=pl.col("nonconform_3y") + pl.col("sample_fail_3y"),
        )
    else:
        # A partition's relationships and shares still need every operator's counts (a lighter pass).
        district = _district_counts(as_of)
    district = district.join(
        district_pen.select("operator_id", "penalties_serious_3y"), on="operator_id", how="full", coalesce=True
    ).select(
        "operator_id",
        pl.col("inspections_3y", "samples_3y", "basically_3y", "sample_fail_3y").fill_null(0),
        serious_3y=pl.col("n").fill_null(0) + pl.col("penalties_serious_3y").fill_null(0),
    )
    # District-wide shares that shrink an operator's own rates (from every operator, whatever the partition).
    basically_share = float(district["basically_3y"].sum()) / max(float(district["inspections_3y"].sum()), 1.0)
    fail_share = float(district["sample_fail_3y"].sum()) / max(float(district["samples_3y"].sum()), 1.0)
    related = _relationships(everyone, district)
    rates = _district_rates(everyone, district, as_of)
    # One lazy plan for the assembly: polars joins and computes the columns in parallel, without wide intermediates.
    frame = (
        ops.lazy()
        .join(ledger.lazy(), on="operator_id", how="left", maintain_order="left")
        .join(pen.lazy(), on="operator_id", how="left", maintain_order="left")
        .join(related.lazy(), on="operator_id", how="left", maintain_order="left")
        .join(rates.lazy(), on="operator_id", how="left", maintain_order="left")
    )
    names = [*ops.columns, *ledger.columns, *pen.columns, *related.columns, *rates.columns]
    count_cols = [c for c in dict.fromkeys(names) if c in FEATURES and c != "days_since_inspection"]
    frame = frame.with_columns([pl.col(c).fill_null(0) for c in count_cols]).with_columns(
        pl.col("excess_1y", "excess_3y", "excess_decayed").fill_null(0.0),
        pl.col("fail_mask_1y", "fail_mask_3y").fill_null(0),
        district_rate=pl.lit(district_rate),
    )
    years = (pl.lit(as_of) - pl.col("registered_on")).dt.total_days() / 365.25
    frame = frame.with_columns(
        sector_code=pl.col("sector").replace_strict(SECTOR_CODES, default=-1, return_dtype=pl.Int64),
        business_type_risk=pl.col("business_type").replace_strict(tiers, default=2, return_dtype=pl.Int64),
        years_in_business=years,
        has_licence=pl.col("licence_valid_until").is_not_null().cast(pl.Int64),
        licence_valid=(pl.col("licence_valid_until") >= pl.lit(as_of)).fill_null(False).cast(pl.Int64),
        licence_days_to_expiry=(pl.col("licence_valid_until") - pl.lit(as_of)).dt.total_days().fill_null(0),
        nonconform_adj_1y=pl.col("nonconform_1y")
        - pl.col("district_rate") * pl.col("inspections_1y")
        - pl.col("excess_1y"),
        nonconform_adj_3y=pl.col("nonconform_3y")
        - pl.col("district_rate") * pl.col("inspections_3y")
        - pl.col("excess_3y"),
        nonconform_adj_decayed=pl.col("nonconform_decayed")
        - pl.col("district_rate") * pl.col("inspections_decayed")
        - pl.col("excess_decayed"),
        inspector_strictness_3y=pl.when(pl.col("inspections_3y") > 0)
        .then(pl.col("excess_3y") / pl.col("inspections_3y"))
        .otherwise(0.0),
        days_since_inspection=pl.col("days_since_inspection").fill_null(NO_INSPECTION_DAYS),
        **{f"sample_fail_{k}_3y": (pl.col("fail_mask_3y") & (1 << i)) != 0 for i, k in enumerate(FAILURE_KINDS)},
        complaint_surge=pl.col("complaints_90d") - pl.col("complaints_2y") * (90 / 730),
        serious_3y=pl.col("nonconform_3y") + pl.col("sample_fail_3y") + pl.col("penalties_serious_3y"),
        # Shrunk rates: an operator's findings per visit, whatever its history's length (new operators included).
        nonconform_rate=(pl.col("nonconform_3y") - pl.col("excess_3y") + RATE_PRIOR * pl.col("district_rate"))
        / (pl.col("inspections_3y") + RATE_PRIOR),
        basically_rate=(pl.col("basically_3y") + RATE_PRIOR * basically_share)
        / (pl.col("inspections_3y") + RATE_PRIOR),
        sample_fail_rate=(pl.col("sample_fail_3y") + RATE_PRIOR * fail_share) / (pl.col("samples_3y") + RATE_PRIOR),
        complaints_per_year=pl.col("complaints_3y") / years.clip(0.25, 3.0),
        related_person_serious_rate=pl.col("related_person_serious_3y")
        / pl.col("related_person_operators").clip(1, None),
        related_address_serious_rate=pl.col("related_address_serious_3y")
        / pl.col("related_address_operators").clip(1, None),
        serious_decayed=pl.col("nonconform_decayed") + pl.col("sample_fail_decayed") + pl.col("penalties_decayed"),
    )
    identity = [
        "operator_id", "uscc", "sector", "business_type", "street", "status", "licence_valid_until",
        "fail_mask_1y", "fail_mask_3y",
    ]  # fmt: skip
    # In operator order: the operators are read in id order and every join keeps the left frame's order.
    return frame.select(*identity, *[pl.col(c).cast(pl.Float64) for c in FEATURE_NAMES]).collect()


def outcomes_after(*, as_of: date, horizon_days: int) -> pl.DataFrame:
    """Serious findings dated in (as_of, as_of + horizon]: per operator, whether any and the date of the first.

    A serious finding: an inspection 不符合, a sampling test 不合格, or a penalty other than a warning only.
    """
    until = as_of + timedelta(days=horizon_days)
    records = read_frame(
        f"""SELECT operator_id, occurred_on FROM {LEDGER}
            WHERE superseded_by_id IS NULL AND occurred_on > {day(as_of)} AND occurred_on <= {day(until)}
              AND (signal = {S.INSPECTION_NONCONFORM} OR signal BETWEEN {S.SAMPLE_FAIL} AND {FAIL_LAST})""",
        {"operator_id": pl.Int64(), "occurred_on": pl.Date()},
    )
    penalties = penalties_frame(after=as_of + timedelta(days=1), before=until + timedelta(days=1)).filter(
        pl.col("serious")
    )
    return (
        pl.concat([records, penalties.select("operator_id", "occurred_on")])
        .group_by("operator_id")
        .agg(first_serious_on=pl.col("occurred_on").min(), serious_count=pl.len())
        .with_columns(serious=pl.lit(1))
    )


def inspections_after(*, as_of: date, horizon_days: int) -> pl.DataFrame:
    """Inspections dated in (as_of, as_of + horizon]: operator, date, and whether the result was 不符合."""
    until = as_of + timedelta(days=horizon_days)
    return read_frame(
        f"""SELECT operator_id, occurred_on,
                   CASE WHEN signal = {S.INSPECTION_NONCONFORM} THEN 1 ELSE 0 END AS nonconform
            FROM {LEDGER}
            WHERE signal BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM} AND superseded_by_id IS NULL
              AND occurred_on > {day(as_of)} AND occurred_on <= {day(until)}""",
        {"operator_id": pl.Int64(), "occurred_on": pl.Date(), "nonconform": pl.Int64()},
    )
