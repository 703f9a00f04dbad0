"""District-wide context of each operator's features: the counts every operator contributes, the rates of its
business type and street, and the operators related to it by legal representative or address."""

from datetime import date, timedelta

import polars as pl

from foodcredit.credit.ledger_codes import FAIL_LAST, Signal

from .frames import day, read_frame
from .ledger_pass import FAILED_SQL, INSPECTED_SQL, LEDGER, LOOKBACK_DAYS

S = Signal


def district_counts(as_of: date) -> pl.DataFrame:
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


def district_rates(operators: pl.DataFrame, district: pl.DataFrame, as_of: date) -> pl.DataFrame:
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


def relationships(operators: pl.DataFrame, serious: pl.DataFrame) -> pl.DataFrame:
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
