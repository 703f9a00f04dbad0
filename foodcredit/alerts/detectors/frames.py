"""The inputs of the detectors as polars frames: read from the ledger and the registers in a few queries (the sweep),
or built by alerts_evaluate's simulated district. Detectors see only these frames, never the ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from foodcredit.credit.ledger_codes import FAIL_FIRST, FAIL_LAST, FAILURE_KINDS, Signal
from foodcredit.risk.frames import day, read_frame

OPERATORS: dict[str, pl.DataType] = {
    "operator_id": pl.Int64(),
    "uscc": pl.String(),
    "street": pl.String(),
    "sector": pl.String(),
    "address": pl.String(),
    "person_id": pl.Int64(),
    "registered_on": pl.Date(),
    "status": pl.String(),
}
EVENTS: dict[str, pl.DataType] = {"operator_id": pl.Int64(), "occurred_on": pl.Date()}
FAILURES: dict[str, pl.DataType] = {
    "operator_id": pl.Int64(),
    "occurred_on": pl.Date(),
    "food_category": pl.String(),
    "failure_kind": pl.String(),
}
LICENCES: dict[str, pl.DataType] = {
    "licence_id": pl.Int64(),
    "operator_id": pl.Int64(),
    "number": pl.String(),
    "valid_until": pl.Date(),
}
# Complaints per street, sector and day: what the street-level detectors read (set-based from the database).
COMPLAINT_COUNTS: dict[str, pl.DataType] = {
    "street": pl.String(),
    "sector": pl.String(),
    "occurred_on": pl.Date(),
    "n": pl.Int64(),
}
CLASSES: dict[str, pl.DataType] = {
    "operator_id": pl.Int64(),
    "occurred_on": pl.Date(),
    "risk_class": pl.String(),
    "previous_class": pl.String(),
}


@dataclass(frozen=True)
class Frames:
    """Everything the detectors read, as of one day."""

    as_of: date
    operators: pl.DataFrame  # OPERATORS
    complaints: pl.DataFrame  # EVENTS: one row per complaint
    failures: pl.DataFrame  # FAILURES: failed sampling tests
    revocations: pl.DataFrame  # EVENTS: penalties revoking a licence or the business licence
    licences: pl.DataFrame  # LICENCES: valid licences
    class_changes: pl.DataFrame  # CLASSES
    # COMPLAINT_COUNTS counted by the database (the sweep); None: counted from `complaints` (alerts_evaluate), which
    # then holds every complaint — in the sweep it holds only the complaints of operators the operator-level surge
    # detector will look at.
    complaint_counts: pl.DataFrame | None = None


def complaint_counts(frames: Frames) -> pl.DataFrame:
    """Complaints per street, sector and day up to as_of (COMPLAINT_COUNTS)."""
    if frames.complaint_counts is not None:
        return frames.complaint_counts.filter(pl.col("occurred_on") <= frames.as_of)
    return (
        frames.complaints.filter(pl.col("occurred_on") <= frames.as_of)
        .join(frames.operators.select("operator_id", "street", "sector"), on="operator_id")
        .group_by("street", "sector", "occurred_on")
        .agg(pl.len().cast(pl.Int64).alias("n"))
    )


# A penalty that takes away the licence or the business licence (处罚种类 吊销许可证件 / 吊销营业执照).
REVOKING = "AND facts->>'kinds' LIKE '%吊销%'"


def _ids_clause(column: str, operator_ids: list[int] | None) -> str:
    """An IN list of whole numbers (never user text), or nothing: the frames of some operators only."""
    if operator_ids is None:
        return ""
    return f"AND {column} IN ({','.join(str(int(i)) for i in operator_ids) or 'NULL'})"


# The department whose system the record came from (its source's department code; '' for the bureau's own): an
# alert about another department's record is also copied to that department (DOMAIN.md II §12).
ISSUER = "COALESCE((SELECT department_code FROM core_source s WHERE s.id = source_id), '') AS issuer"


def issuers(frame: pl.DataFrame) -> pl.Expr:
    """The distinct non-empty issuing departments of a group's records (an empty list where frames carry none)."""
    if "issuer" not in frame.columns:
        return pl.lit([], dtype=pl.List(pl.String)).alias("issuers")
    return pl.col("issuer").filter(pl.col("issuer") != "").unique().sort().alias("issuers")


def _current(kind: str, since: date, as_of: date, extra: str = "") -> str:
    return (
        f"FROM credit_ledgerentry WHERE kind = '{kind}' AND superseded_by_id IS NULL "
        f"AND occurred_on >= {day(since)} AND occurred_on <= {day(as_of)} {extra}"
    )


def _hot_complaints(since: date, as_of: date, surge: dict[str, Any], only: str) -> str:
    """The complaints since `since` of the operators with at least `min_count` in the last `window_days` (the only
    ones EARS C2 can flag): a few thousand rows instead of every complaint of the district."""
    window_start = as_of - timedelta(days=int(surge["window_days"]) - 1)
    hot = (
        f"SELECT operator_id {_current('complaint', window_start, as_of, only)} "
        f"GROUP BY operator_id HAVING count(*) >= {int(surge['min_count'])}"
    )
    return f"SELECT operator_id, occurred_on {_current('complaint', since, as_of, only)} AND operator_id IN ({hot})"


def _counts_sql(since: date, as_of: date) -> str:
    return (
        "SELECT o.street, o.sector, e.occurred_on, count(*) AS n FROM credit_ledgerentry e "
        "JOIN operators_operator o ON o.id = e.operator_id "
        f"WHERE e.kind = 'complaint' AND e.superseded_by_id IS NULL AND e.occurred_on >= {day(since)} "
        f"AND e.occurred_on <= {day(as_of)} GROUP BY o.street, o.sector, e.occurred_on"
    )


def frames_read(
    *, as_of: date, history_days: int, operator_ids: list[int] | None = None, surge: dict[str, Any] | None = None
) -> Frames:
    """The detectors' frames from the database: current ledger entries of the last `history_days` days, operators
    and valid licences — of `operator_ids` only when given (the check of operators with new records).

    With `surge` (complaint_surge_operator's parameters) the complaints are read set-based: counted per street,
    sector and day by the database for the street-level detectors, and as rows only for the operators with enough
    complaints in the last window to be flagged; without it, every complaint as a row."""
    since = as_of - timedelta(days=history_days)
    only = _ids_clause("operator_id", operator_ids)
    if surge is not None:
        base_since = as_of - timedelta(days=int(surge["baseline_days"]) + int(surge["guard_days"]) + 60)
        complaints = read_frame(_hot_complaints(base_since, as_of, surge, only), EVENTS)
        counts = read_frame(_counts_sql(since, as_of), COMPLAINT_COUNTS) if operator_ids is None else None
    else:
        complaints = read_frame(f"SELECT operator_id, occurred_on {_current('complaint', since, as_of, only)}", EVENTS)
        counts = None
    kind_case = " ".join(f"WHEN {FAIL_FIRST + i} THEN '{k}'" for i, k in enumerate(FAILURE_KINDS))
    return Frames(
        as_of=as_of,
        operators=read_frame(
            "SELECT id AS operator_id, uscc, street, sector, address, legal_rep_person_id AS person_id, "
            "registered_on, status FROM operators_operator WHERE 1 = 1 " + _ids_clause("id", operator_ids),
            OPERATORS,
        ),
        complaints=complaints,
        failures=read_frame(
            f"SELECT operator_id, occurred_on, facts->>'food_category' AS food_category, "
            f"CASE signal {kind_case} ELSE 'other' END AS failure_kind, {ISSUER} "
            + _current(
                "sampling_test", since, as_of, f"AND signal BETWEEN {int(Signal.SAMPLE_FAIL)} AND {FAIL_LAST} {only}"
            ),
            {**FAILURES, "issuer": pl.String()},
        ),
        revocations=read_frame(
            f"SELECT operator_id, occurred_on, {ISSUER} " + _current("penalty", since, as_of, f"{REVOKING} {only}"),
            {**EVENTS, "issuer": pl.String()},
        ),
        licences=read_frame(
            "SELECT id AS licence_id, operator_id, number, valid_until FROM licences_licence WHERE status = 'valid' "
            + only,
            LICENCES,
        ),
        class_changes=read_frame(
            f"SELECT operator_id, occurred_on, facts->>'risk_class' AS risk_class, "
            f"facts->>'previous_class' AS previous_class {_current('class_change', as_of - timedelta(days=92), as_of, only)}",
            CLASSES,
        ),
        complaint_counts=counts,
    )
