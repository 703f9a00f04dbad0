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
from django.db import connection, transaction

from foodcredit.credit.ledger_codes import FAILURE_KINDS, Signal

from .district import district_counts, district_rates, relationships
from .frames import Scope, day, is_pg, read_frame, snapshot_siblings
from .ledger_pass import (
    DECAYED_STEMS,
    LOOKBACK_DAYS,
    OPERATORS,
    WINDOWS,
    inspector_rates,
    ledger_aggregate,
    ledger_rows,
    pass_connections,
    pass_plan,
)
from .penalties import penalties_frame, penalty_features

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
    "last_inspection_result": 1,
    "inspections_180d": 0,
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
    "nonconform_rate_1y": 1,
    "nonconform_rate_decayed": 1,
    "findings_3y": 1,
    "findings_rate": 1,
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
    district_pen = penalty_features(penalties, as_of)
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
        district = district_counts(as_of)
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
    related = relationships(everyone, district)
    rates = district_rates(everyone, district, as_of)
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
        # The same, over the last year and recency-weighted (recent visits count more).
        nonconform_rate_1y=(pl.col("nonconform_1y") - pl.col("excess_1y") + RATE_PRIOR * pl.col("district_rate"))
        / (pl.col("inspections_1y") + RATE_PRIOR),
        nonconform_rate_decayed=(
            pl.col("nonconform_decayed") - pl.col("excess_decayed") + RATE_PRIOR * pl.col("district_rate")
        )
        / (pl.col("inspections_decayed") + RATE_PRIOR),
        basically_rate=(pl.col("basically_3y") + RATE_PRIOR * basically_share)
        / (pl.col("inspections_3y") + RATE_PRIOR),
        # Inspections that found anything (不符合 or 基本符合): how many, and their shrunk share of the visits.
        findings_3y=pl.col("nonconform_3y") + pl.col("basically_3y"),
        findings_rate=(
            pl.col("nonconform_3y") + pl.col("basically_3y") + RATE_PRIOR * (pl.col("district_rate") + basically_share)
        )
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
        "operator_id",
        "uscc",
        "sector",
        "business_type",
        "street",
        "status",
        "licence_valid_until",
        "fail_mask_1y",
        "fail_mask_3y",
    ]
    # In operator order: the operators are read in id order and every join keeps the left frame's order.
    return frame.select(*identity, *[pl.col(c).cast(pl.Float64) for c in FEATURE_NAMES]).collect()
