"""The operators' food business and production licences (JY/SC numbers, five-year periods, predecessors)."""

from datetime import date

import numpy as np
import polars as pl

from . import lexicon
from .business_types import SECTORS, TypeTable
from .common import Calendar, Params, as_date_series
from .names import pick_within


def licences_draw(
    rng: np.random.Generator,
    *,
    types: TypeTable,
    type_idx: np.ndarray,
    registered: np.ndarray,
    exit_: np.ndarray,
    status_idx: np.ndarray,
    uscc: pl.Series,
    cal: Calendar,
    params: Params,
) -> pl.DataFrame:
    """The current licence of every licensed operator and, when issued under the JY/SC system, its predecessor."""
    kind_code = np.array(types.licence)[type_idx]
    licensed = kind_code != "none"
    first = registered + np.round(rng.exponential(params["population"]["licence_delay_days"], len(type_idx))).astype(
        np.int64
    )
    end = np.minimum(exit_, cal.as_of64)
    take = licensed & (first <= end)
    idx = np.flatnonzero(take)
    scopes = [
        lexicon.LICENCE_SCOPES.get(name, lexicon.LICENCE_SCOPES.get(SECTORS[types.sector[t]], ["预包装食品销售"]))
        for t, name in enumerate(types.names)
    ]
    frame = pl.DataFrame(
        {
            "uscc": uscc.gather(idx),
            "code": pl.Series(kind_code[idx]),
            "first": as_date_series(first[idx]),
            "end": as_date_series(end[idx]),
            "status_idx": status_idx[idx],
            "scope": pick_within(rng, scopes, type_idx[idx]),
        }
    )
    periods = pl.col("first").dt.offset_by(pl.format("{}y", pl.col("k") * 5))
    frame = (
        frame.with_columns(k=((pl.col("end") - pl.col("first")).dt.total_days() // 1826).cast(pl.Int64))
        .with_columns(k=pl.when(periods > pl.col("end")).then(pl.col("k") - 1).otherwise(pl.col("k")))
        .with_columns(
            issued_on=periods,
            prev_issued=pl.col("first").dt.offset_by(pl.format("{}y", (pl.col("k") - 1) * 5)),
        )
    )
    current = frame.select(
        "uscc",
        "code",
        "scope",
        "issued_on",
        valid_until=pl.col("issued_on").dt.offset_by("5y").dt.offset_by("-1d"),
        status=pl.col("status_idx").replace_strict([0, 1, 2], ["valid", "cancelled", "revoked"]),
    )
    previous = frame.filter((pl.col("k") >= 1) & (pl.col("prev_issued") >= pl.lit(date(2015, 10, 1)))).select(
        "uscc",
        "code",
        "scope",
        issued_on=pl.col("prev_issued"),
        valid_until=pl.col("issued_on").dt.offset_by("-1d"),
        status=pl.lit("expired"),
    )
    licences = pl.concat([current, previous]).with_columns(_tie=pl.Series(rng.random(len(current) + len(previous))))
    # Sequence numbers follow issue dates within each JY business form / SC food category; past the 6 (JY) or
    # 4 (SC) digit sequence the check digit keeps numbers unique (the real check digit is not published).
    licences = licences.sort(["issued_on", "_tie"]).with_columns(rank=pl.int_range(pl.len()).over("code"))
    width = pl.when(pl.col("code").str.starts_with("JY")).then(999_999).otherwise(9_999)
    seq = pl.col("rank") % width + 1
    cycle = pl.col("rank") // width
    if licences.select((cycle >= 10).any()).item():
        raise ValueError("too many licences of one kind for the JY/SC sequence numbers")
    check = (cycle + (seq * 7 + seq // 10 * 3 + seq // 1000)) % 10
    number = (
        pl.when(pl.col("code").str.starts_with("JY"))
        .then(
            pl.concat_str([pl.col("code"), pl.lit("500105"), seq.cast(pl.String).str.zfill(6), check.cast(pl.String)])
        )
        .otherwise(
            pl.concat_str(
                [
                    pl.col("code").str.slice(0, 5),
                    pl.lit("500105"),
                    seq.cast(pl.String).str.zfill(4),
                    check.cast(pl.String),
                ]
            )
        )
    )
    return licences.select(
        number=number,
        uscc=pl.col("uscc"),
        kind=pl.when(pl.col("code").str.starts_with("SC")).then(pl.lit("production")).otherwise(pl.lit("business")),
        scope=pl.col("scope"),
        issued_on=pl.col("issued_on"),
        valid_until=pl.col("valid_until"),
        status=pl.col("status"),
        legacy_format=pl.lit(False),
    ).with_columns(_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
