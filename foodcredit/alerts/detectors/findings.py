"""The shape every detector returns: one row per finding."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from .. import rules

FINDINGS = {
    "detector": pl.String,
    "subject": pl.String,
    "operator_id": pl.Int64,
    "street": pl.String,
    "sector": pl.String,
    "level": pl.String,
    "score": pl.Float64,
    "is_notice": pl.Boolean,
    "evidence": pl.String,
}


def findings(detector: str, frame: pl.DataFrame, *, cuts: list[float], notice: bool = False) -> pl.DataFrame:
    """Rows of `frame` (subject, operator_id, street, sector, score and evidence columns) as findings."""
    if frame.is_empty():
        return pl.DataFrame(schema=FINDINGS)
    evidence_cols = [c for c in frame.columns if c not in ("subject", "operator_id", "street", "sector", "score")]
    rows = frame.select(evidence_cols).to_dicts()
    return pl.DataFrame(
        {
            "detector": [detector] * frame.height,
            "subject": frame["subject"].cast(pl.String),
            "operator_id": frame["operator_id"].cast(pl.Int64) if "operator_id" in frame.columns else None,
            "street": frame["street"].cast(pl.String),
            "sector": frame["sector"].cast(pl.String).fill_null("") if "sector" in frame.columns else "",
            "level": [rules.level_of(float(s), cuts) for s in frame["score"].to_list()],
            "score": frame["score"].cast(pl.Float64),
            "is_notice": [notice] * frame.height,
            "evidence": [json.dumps(_plain(r), ensure_ascii=False) for r in rows],
        },
        schema=FINDINGS,
    )


def operator_findings(
    detector: str,
    frame: pl.DataFrame,
    operators: pl.DataFrame,
    *,
    score: str,
    evidence: list[str | pl.Expr],
    cuts: list[float],
    subject: pl.Expr | None = None,
) -> pl.DataFrame:
    """Findings about operators: `frame` (one row per operator_id) with the operator's street and sector, subject its
    USCC unless `subject` says otherwise, score the column `score`, evidence the columns named."""
    located = frame.join(operators.select("operator_id", "uscc", "street", "sector"), on="operator_id")
    return findings(
        detector,
        located.select(
            (pl.col("uscc") if subject is None else subject).alias("subject"),
            "operator_id",
            "street",
            "sector",
            pl.col(score).cast(pl.Float64).alias("score"),
            *evidence,
        ),
        cuts=cuts,
    )


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
