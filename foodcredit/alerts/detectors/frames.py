"""The inputs of the detectors as polars frames: read from the ledger and the registers in a few queries (the sweep),
or built by alerts_evaluate's simulated district. Detectors see only these frames, never the ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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


def frames_read(*, as_of: date, history_days: int, operator_ids: list[int] | None = None) -> Frames:
    """The detectors' frames from the database: current ledger entries of the last `history_days` days (complaints
    over the whole history the street detector needs), operators and valid licences — of `operator_ids` only when
    given (the check of operators with new records)."""
    since = as_of - timedelta(days=history_days)
    only = _ids_clause("operator_id", operator_ids)
    kind_case = " ".join(f"WHEN {FAIL_FIRST + i} THEN '{k}'" for i, k in enumerate(FAILURE_KINDS))
    return Frames(
        as_of=as_of,
        operators=read_frame(
            "SELECT id AS operator_id, uscc, street, sector, address, legal_rep_person_id AS person_id, "
            "registered_on, status FROM operators_operator WHERE 1 = 1 " + _ids_clause("id", operator_ids),
            OPERATORS,
        ),
        complaints=read_frame(f"SELECT operator_id, occurred_on {_current('complaint', since, as_of, only)}", EVENTS),
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
    )
