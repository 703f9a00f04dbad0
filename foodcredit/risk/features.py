"""Features of every operator as of a date, from the credit ledger, with no look-ahead (issue 3 §1).

Only current entries (not superseded) dated strictly before `as_of` are read. The ledger is aggregated in SQL (one
pass with conditional aggregates, a second for who inspected) and the rest — penalties by severity, inspector
strictness, relationships, static attributes — is joined in polars. Nothing loops over rows in Python.

What is deliberately *not* a feature: registration and licence *status*. Both are stored as of the last import,
not as of the date they changed, so on a past `as_of` they would tell the model about exits that had not happened
yet. Licence validity is derived from the issue and expiry dates instead.
"""

import io
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection, transaction

from foodcredit.credit import policy as credit_policy
from foodcredit.credit import rules as credit_rules
from foodcredit.credit.ledger_codes import FAIL_FIRST, FAIL_LAST, FAILURE_KINDS, INSPECTOR_SLOTS, Signal

LEDGER = "credit_ledgerentry"
OPERATORS = "operators_operator"

WINDOWS = {"1y": 365, "2y": 730, "3y": 1095}
LOOKBACK_DAYS = WINDOWS["3y"]
NO_INSPECTION_DAYS = 3650  # "never inspected" as a number of days, so that the feature stays monotone
SECTOR_CODES = {"production": 0, "circulation": 1, "catering": 2}
_STEMS = ["inspections", "nonconform", "basically", "samples", "sample_fail", "complaints", "complaints_verified"]
_DECAYED = ["inspections", "nonconform", "basically", "samples", "sample_fail", "complaints_verified"]

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
    **{f"{stem}_decayed": (0 if stem in ("inspections", "samples") else 1) for stem in _DECAYED},
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


@dataclass(frozen=True)
class Scope:
    """Which operators' rows to return: all, an id range [lo, hi] (a partition), or a list of ids."""

    lo: int | None = None
    hi: int | None = None
    ids: tuple[int, ...] | None = None

    @property
    def everything(self) -> bool:
        return self.lo is None and self.hi is None and self.ids is None

    def sql(self, column: str) -> str:
        """A condition on an operator id column; values are ints, inlined (never user text)."""
        parts = []
        if self.lo is not None:
            parts.append(f"{column} >= {int(self.lo)}")
        if self.hi is not None:
            parts.append(f"{column} <= {int(self.hi)}")
        if self.ids is not None:
            parts.append(f"{column} IN ({', '.join(str(int(i)) for i in self.ids) or 'NULL'})")
        return " AND ".join(parts) or "1 = 1"

    def expr(self) -> pl.Expr:
        e = pl.lit(True)
        if self.lo is not None:
            e &= pl.col("operator_id") >= self.lo
        if self.hi is not None:
            e &= pl.col("operator_id") <= self.hi
        if self.ids is not None:
            e &= pl.col("operator_id").is_in(list(self.ids))
        return e


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _day(d: date) -> str:
    """A date literal (from a date object, never from user text)."""
    return f"'{date.fromordinal(d.toordinal()).isoformat()}'"


def _age(as_of: date, column: str = "occurred_on") -> str:
    if _pg():
        return f"(DATE {_day(as_of)} - {column})"
    return f"CAST(julianday({_day(as_of)}) - julianday({column}) AS INTEGER)"


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def read_numbers(sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A query whose columns are all BIGINT or DOUBLE PRECISION and never NULL, into a polars frame.

    On PostgreSQL each column comes back as one array (array_agg over the query) in a one-row binary COPY, read with
    numpy: no number is formatted as text and parsed back, and a million rows cross the connection as one message,
    not a million (for a million operators' twenty aggregates, either costs more than computing them).
    """
    if not _pg():
        return read_frame(sql, schema)
    arrays = ", ".join(f"array_agg({name})" for name in schema)
    buf = io.BytesIO()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY (SELECT {arrays} FROM ({sql}) q) TO STDOUT WITH (FORMAT binary)") as copy,
    ):
        for chunk in copy:
            buf.write(chunk)
    data = memoryview(buf.getvalue())
    if bytes(data[:11]) != _COPY_SIGNATURE:
        raise ValueError("not a PostgreSQL binary COPY stream")
    pos = 19 + int.from_bytes(data[15:19], "big")
    if int.from_bytes(data[pos : pos + 2], "big") != len(schema):
        raise ValueError("binary COPY row has an unexpected number of columns")
    pos += 2
    columns = {}
    for name, dtype in schema.items():
        size = int.from_bytes(data[pos : pos + 4], "big", signed=True)
        pos += 4
        if size < 0:  # array_agg of no rows
            return pl.DataFrame(schema=schema)
        array = data[pos : pos + size]
        pos += size
        ndim, has_nulls = int.from_bytes(array[0:4], "big"), int.from_bytes(array[4:8], "big")
        if ndim != 1 or has_nulls:
            raise ValueError(f"column {name}: expected a one-dimensional array without NULLs")
        wide = ">f8" if dtype == pl.Float64() else ">i8"
        elements = np.frombuffer(array[20:], dtype=np.dtype([("len", ">i4"), ("v", wide)]))
        if (elements["len"] != 8).any():
            raise ValueError(f"column {name}: not BIGINT/DOUBLE PRECISION")
        columns[name] = elements["v"].astype(wide.replace(">", "<"))
    return pl.DataFrame(columns, schema=schema)


def _double(value: int) -> str:
    """A double literal (PostgreSQL reads 1.0 as numeric, whose arithmetic and sums are many times slower)."""
    return f"CAST({int(value)} AS DOUBLE PRECISION)"


def read_frame(sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query into a polars frame: COPY … TO STDOUT on PostgreSQL (fast for a million rows), fetchall elsewhere."""
    with connection.cursor() as cursor:
        if _pg():
            buf = io.BytesIO()
            raw = cursor.cursor
            with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for chunk in copy:
                    buf.write(chunk)
            if buf.tell() == 0:
                return pl.DataFrame(schema=schema)
            buf.seek(0)
            return pl.read_csv(buf, schema=schema)
        cursor.execute(sql)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    # SQLite hands back dates as text (or as dates, for plain columns): let polars infer, then cast.
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(
        [
            pl.col(c).cast(pl.String).str.to_date(strict=False)
            if t == pl.Date() and frame.schema[c] == pl.String()
            else pl.col(c).cast(t, strict=False)
            for c, t in schema.items()
        ]
    )


STRICTNESS_SAMPLE_ROWS = 1_000_000  # PostgreSQL: inspector rates from a block sample of about this many entries
S = Signal
_INSPECTED = f"c BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM}"
_FAILED = f"c BETWEEN {S.SAMPLE_FAIL} AND {FAIL_LAST}"
_COMPLAINED = f"c BETWEEN {S.COMPLAINT_VERIFIED} AND {S.COMPLAINT_OTHER}"
# The seven packed counters (decoded in _counts_unpack): which entries each counts.
_COUNTERS = {
    1: f"c = {S.INSPECTION_CONFORM}", 2: f"c = {S.INSPECTION_BASICALLY}", 3: f"c = {S.INSPECTION_NONCONFORM}",
    4: f"c = {S.SAMPLE_PASS}", 5: _FAILED, 6: f"c = {S.COMPLAINT_VERIFIED}", 7: f"c = {S.COMPLAINT_OTHER}",
}  # fmt: skip
_INSPECTOR_COLUMNS = [f"inspector_{k + 1}" for k in range(INSPECTOR_SLOTS)]


def _inspector_rates(as_of: date) -> tuple[float, dict[int, float]]:
    """Each inspector's nonconform rate over the 3 years before `as_of`, shrunk towards the district's (empirical
    Bayes, prior weight settings.RISK_STRICTNESS_PRIOR_WEIGHT): (district rate, {inspector id: rate − district rate}).
    An inspection counts for each of its first three inspectors (the ledger's inspector columns).

    On a large PostgreSQL ledger the rates come from a repeatable block sample (TABLESAMPLE … REPEATABLE): hundreds
    of visits per inspector, and the same sample for every partition of a run.
    """
    since = as_of - timedelta(days=LOOKBACK_DAYS)
    sample = ""
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [LEDGER])
            row = cursor.fetchone()
        total = float(row[0]) if row else 0.0
        if total > STRICTNESS_SAMPLE_ROWS:
            sample = f"TABLESAMPLE SYSTEM ({100.0 * STRICTNESS_SAMPLE_ROWS / total:.4f}) REPEATABLE (42)"
    visits = f"""SELECT signal AS c, {", ".join(_INSPECTOR_COLUMNS)} FROM {LEDGER} {sample}
                 WHERE signal BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM}
                   AND superseded_by_id IS NULL AND occurred_on < {_day(as_of)} AND occurred_on >= {_day(since)}"""
    slots = " UNION ALL ".join(f"SELECT {col} AS inspector, c FROM v" for col in _INSPECTOR_COLUMNS)
    frame = read_frame(
        f"""WITH v AS ({visits})
            SELECT inspector, count(*) AS n, sum(CASE WHEN c = {S.INSPECTION_NONCONFORM} THEN 1 ELSE 0 END) AS k
            FROM ({slots}) x WHERE inspector IS NOT NULL GROUP BY inspector""",
        {"inspector": pl.Int64(), "n": pl.Int64(), "k": pl.Int64()},
    )
    if frame.height == 0:
        return 0.0, {}
    p = float(frame["k"].sum()) / max(float(frame["n"].sum()), 1.0)
    m = float(settings.RISK_STRICTNESS_PRIOR_WEIGHT)
    excess = frame.select("inspector", d=(pl.col("k") + m * p) / (pl.col("n") + m) - p).sort("inspector")
    return p, {i: round(d, 6) for i, d in zip(excess["inspector"].to_list(), excess["d"].to_list(), strict=True)}


ARRAY_LOOKUP_SPAN = 1_000_000  # PostgreSQL: inspector ids spanning at most this many values are looked up in an array


def _excess_sql(rates: dict[int, float]) -> str:
    """Per inspection row: the mean (rate − district rate) of its known inspectors (0 if none is known)."""
    if not rates:
        return "0.0"
    if _pg() and max(rates) - min(rates) < ARRAY_LOOKUP_SPAN:
        lo, hi = min(rates), max(rates)
        values = ",".join(repr(float(rates.get(i, 0.0))) for i in range(lo, hi + 1))
        table = f"'[{lo}:{hi}]={{{values}}}'::float8[]"  # out-of-range subscripts give NULL
        look = [f"coalesce(({table})[{col}], 0)" for col in _INSPECTOR_COLUMNS]
    else:
        literal = json.dumps({str(i): d for i, d in rates.items()}, separators=(",", ":"))
        if _pg():
            look = [f"coalesce(('{literal}'::jsonb ->> CAST({col} AS TEXT))::float8, 0)" for col in _INSPECTOR_COLUMNS]
        else:
            look = [f"coalesce(json_extract('{literal}', '$.\"' || {col} || '\"'), 0)" for col in _INSPECTOR_COLUMNS]
    known = " + ".join(f"CASE WHEN {col} IS NULL THEN 0 ELSE 1 END" for col in _INSPECTOR_COLUMNS)
    return f"(({' + '.join(look)}) / (CASE WHEN ({known}) = 0 THEN 1 ELSE ({known}) END))"


def _ledger_aggregate(as_of: date, scope: Scope, rates: dict[int, float]) -> pl.DataFrame:
    """One pass over the ledger's timeline index (typed columns only, no facts): counts per window, decayed counts,
    failure kinds, last inspection, the inspectors' expected excess of findings and the latest licence expiry."""
    tau = float(settings.RISK_DECAY_DAYS)
    since = as_of - timedelta(days=LOOKBACK_DAYS)
    aggs = []
    schema: dict[str, pl.DataType] = {"operator_id": pl.Int64()}

    def add(sql: str, name: str, dtype: pl.DataType) -> None:
        aggs.append(f"{sql} AS {name}")
        schema[name] = dtype

    # Counts per counter (1–7) and window, three to a double: each entry adds 1 + 2^17 if under 2 years old + 2^34 if
    # under 1 year old (`k` below), so one aggregate per counter gives its 3-, 2- and 1-year counts (decoded in
    # _counts_unpack); the aggregates, not the scan, are what a wide feature pass pays for. A double holds integers
    # exactly up to 2^53, and PostgreSQL sums doubles far faster than bigints (which it sums as numeric).
    for slot, condition in _COUNTERS.items():
        add(f"CAST(coalesce(sum(k) FILTER (WHERE {condition}), 0) AS BIGINT)", f"packed_{slot}", pl.Int64())
        if slot <= 6:
            add(f"coalesce(sum(w) FILTER (WHERE {condition}), {_double(0)})", f"decayed_{slot}", pl.Float64())
    # Failure kinds as bit masks (bit k for FAILURE_KINDS[k]): two aggregates instead of one per kind and window.
    bits = (
        f"bit_or(1 << (c - {FAIL_FIRST}))" if _pg() else f"sum(DISTINCT 1 << (c - {FAIL_FIRST}))"
    )  # SQLite: no bit_or
    kinds = f"c BETWEEN {FAIL_FIRST} AND {FAIL_LAST}"
    add(f"CAST(coalesce({bits} FILTER (WHERE {kinds} AND a < 365), 0) AS BIGINT)", "fail_mask_1y", pl.Int64())
    add(f"CAST(coalesce({bits} FILTER (WHERE {kinds}), 0) AS BIGINT)", "fail_mask_3y", pl.Int64())
    add(f"CAST(count(*) FILTER (WHERE (c = {S.INSPECTION_NONCONFORM} OR {_FAILED}) AND a < 180) AS BIGINT)",
        "serious_180d", pl.Int64())  # fmt: skip
    add(f"CAST(count(*) FILTER (WHERE {_COMPLAINED} AND a < 90) AS BIGINT)", "complaints_90d", pl.Int64())
    add(f"CAST(coalesce(min(a) FILTER (WHERE {_INSPECTED}), -1) AS BIGINT)", "days_since_inspection", pl.Int64())
    add(f"coalesce(sum(ex) FILTER (WHERE {_INSPECTED} AND a < 365), {_double(0)})", "excess_1y", pl.Float64())
    add(f"coalesce(sum(ex) FILTER (WHERE {_INSPECTED}), {_double(0)})", "excess_3y", pl.Float64())
    add(f"coalesce(sum(ex * w) FILTER (WHERE {_INSPECTED}), {_double(0)})", "excess_decayed", pl.Float64())
    # A licence counts whatever its age: the latest expiry among the licence entries dated before as-of (YYYYMMDD).
    add(f"CAST(coalesce(max(vu) FILTER (WHERE c = {S.LICENCE}), 0) AS BIGINT)", "licence_ymd", pl.Int64())
    # The decay weight is a double, never a (slow) numeric. PostgreSQL flattens the inner query (each aggregate
    # computes what it names — cheap on typed columns) and, told to (TIMELINE_ORDER), reads the timeline index in
    # operator order: no sort and no hash table of a million operators. On PostgreSQL the operators are split into
    # disjoint id ranges, one branch of a UNION ALL each, which parallel workers take whole (Parallel Append): each
    # branch's groups are final, so there is no merge of partial aggregates between the workers.
    branch = f"""
        SELECT operator_id, {", ".join(aggs)}
        FROM (
            SELECT operator_id, signal AS c, {_age(as_of)} AS a,
                   exp(-CAST({_age(as_of)} AS DOUBLE PRECISION) / CAST({tau} AS DOUBLE PRECISION)) AS w,
                   {_double(1)} + CASE WHEN {_age(as_of)} < 730 THEN {_double(PACK)} ELSE {_double(0)} END
                     + CASE WHEN {_age(as_of)} < 365 THEN {_double(PACK * PACK)} ELSE {_double(0)} END AS k,
                   CASE WHEN signal BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM}
                        THEN {_excess_sql(rates)} ELSE 0 END AS ex,
                   valid_until_ymd AS vu
            FROM {LEDGER}
            WHERE superseded_by_id IS NULL AND occurred_on < {_day(as_of)} AND __OPERATORS__
              AND ((signal BETWEEN 1 AND {FAIL_LAST} AND occurred_on >= {_day(since)}) OR signal = {S.LICENCE})
        ) e
        GROUP BY operator_id"""
    branches = [branch.replace("__OPERATORS__", part) for part in _id_ranges(scope)]
    sql = branches[0] if len(branches) == 1 else " UNION ALL ".join(f"({b})" for b in branches)
    with _planner(TIMELINE_ORDER):
        frame = read_numbers(sql, schema)
    return (
        _counts_unpack(frame)
        .with_columns(
            days_since_inspection=pl.when(pl.col("days_since_inspection") >= 0).then(pl.col("days_since_inspection")),
            licence_valid_until=pl.when(pl.col("licence_ymd") > 0)
            .then(pl.col("licence_ymd").cast(pl.String))
            .str.to_date("%Y%m%d", strict=False),
        )
        .drop("licence_ymd")
    )


# Aggregate per operator along the timeline index (an index-only scan, parallel) rather than a sequential scan of the
# heap into a hash table, which the planner prefers by its cost model and which is two to three times slower here
# (bench/risk_classify.py); and compile the twenty-odd filtered aggregates per row (JIT, inlined and optimised): they
# then run in about half the time of the interpreter, compiling included.
TIMELINE_ORDER = {
    "enable_seqscan": "off", "enable_hashagg": "off", "parallel_setup_cost": "0", "parallel_tuple_cost": "0",
    "min_parallel_index_scan_size": "0", "jit": "on", "jit_above_cost": "0", "jit_inline_above_cost": "0",
    "jit_optimize_above_cost": "0",
}  # fmt: skip
# Penalty entries through their partial index: a bitmap scan reads only the heap pages that hold them.
PENALTY_INDEX = {"enable_seqscan": "off"}


def _id_ranges(scope: Scope) -> list[str]:
    """Conditions on operator_id that split `scope` into disjoint ranges, one per parallel worker (PostgreSQL)."""
    if not _pg() or scope.ids is not None:
        return [scope.sql("operator_id")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')::int")
        parts = max(1, cursor.fetchone()[0])
        cursor.execute(f"SELECT min(id), max(id) FROM {OPERATORS} WHERE {Scope(lo=scope.lo, hi=scope.hi).sql('id')}")
        lo, hi = cursor.fetchone()
    if lo is None:
        return [scope.sql("operator_id")]
    bounds = [lo + (hi - lo + 1) * k // parts for k in range(parts)] + [hi + 1]
    return [f"operator_id >= {int(a)} AND operator_id < {int(b)}" for a, b in itertools.pairwise(bounds) if b > a]


@contextmanager
def _planner(settings_: dict[str, str]) -> Iterator[None]:
    """PostgreSQL planner settings for the queries of one block, inside the feature transaction (SET LOCAL, then
    the previous values again)."""
    if not _pg():
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in settings_.items():
            cursor.execute("SELECT current_setting(%s)", [name])
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"SET LOCAL {name} = '{value}'")
    yield  # on an error the transaction is rolled back, and these settings with it
    with connection.cursor() as cursor:
        for name, value in before.items():
            cursor.execute(f"SET LOCAL {name} = '{value}'")


PACK = 1 << 17  # counts per operator, counter and window stay far below 2^17 (three of them in a double's 53 bits)


def _counts_unpack(frame: pl.DataFrame) -> pl.DataFrame:
    """Window counts and decayed counts per feature stem from the packed per-code aggregates."""

    def window(code: int, w: str) -> pl.Expr:
        packed = pl.col(f"packed_{code}").cast(pl.Int64)
        return {"3y": packed % PACK, "2y": (packed // PACK) % PACK, "1y": packed // (PACK * PACK)}[w]

    codes = {
        "inspections": (1, 2, 3), "nonconform": (3,), "basically": (2,), "samples": (4, 5), "sample_fail": (5,),
        "complaints": (6, 7), "complaints_verified": (6,),
    }  # fmt: skip
    counts = [
        pl.sum_horizontal([window(c, w) for c in members]).alias(f"{stem}_{w}")
        for stem, members in codes.items()
        for w in WINDOWS
    ]
    decayed = [
        pl.sum_horizontal([pl.col(f"decayed_{c}") for c in codes[stem]]).alias(f"{stem}_decayed") for stem in _DECAYED
    ]
    return frame.with_columns(counts + decayed).drop(
        [f"packed_{c}" for c in range(1, 8)] + [f"decayed_{c}" for c in range(1, 7)]
    )


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
        # A serious finding (issue 3): a penalty other than a warning only.
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
    lower = f"AND occurred_on >= {_day(after)}" if after else ""
    with transaction.atomic(), _planner(PENALTY_INDEX):
        raw = read_frame(
            f"""SELECT operator_id, occurred_on, facts->>'kinds' AS kinds, facts->>'amount' AS amount,
                       facts->>'circumstance' AS circumstance, facts->>'natural_person' AS natural_person
                FROM {LEDGER}
                WHERE signal = {S.PENALTY} AND superseded_by_id IS NULL AND occurred_on < {_day(before)} {lower}""",
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
            FROM {OPERATORS} WHERE registered_on < {_day(as_of)} AND {where}""",
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
                   count(*) FILTER (WHERE {_INSPECTED}) AS inspections_3y,
                   count(*) FILTER (WHERE c = {S.SAMPLE_PASS} OR {_FAILED}) AS samples_3y,
                   count(*) FILTER (WHERE c = {S.INSPECTION_BASICALLY}) AS basically_3y,
                   count(*) FILTER (WHERE {_FAILED}) AS sample_fail_3y,
                   count(*) FILTER (WHERE c = {S.INSPECTION_NONCONFORM} OR {_FAILED}) AS n
            FROM (SELECT operator_id, signal AS c FROM {LEDGER}
                  WHERE superseded_by_id IS NULL AND occurred_on < {_day(as_of)} AND occurred_on >= {_day(since)}
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
    with transaction.atomic():
        if _pg():
            with connection.cursor() as cursor:
                # Hash aggregates over a million operators stay in memory; JIT compiling costs more than it saves here.
                cursor.execute("SET LOCAL work_mem = '512MB'")
                cursor.execute("SET LOCAL jit = off")
        return _features(as_of, scope, indicators.business_type_tiers())


def _features(as_of: date, scope: Scope, tiers: dict[str, int]) -> pl.DataFrame:
    everyone = operators_frame(as_of=as_of)
    ops = everyone.filter(scope.expr()) if not scope.everything else everyone
    district_rate, inspector_excess = _inspector_rates(as_of)
    ledger = _ledger_aggregate(as_of, scope, inspector_excess)
    # Penalties are few (a few per cent of the ledger): every operator's are read, whatever the partition.
    district_pen = _penalty_features(penalties_frame(after=as_of - timedelta(days=LOOKBACK_DAYS), before=as_of), as_of)
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
        .join(ledger.lazy(), on="operator_id", how="left")
        .join(pen.lazy(), on="operator_id", how="left")
        .join(related.lazy(), on="operator_id", how="left")
        .join(rates.lazy(), on="operator_id", how="left")
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
    return frame.select(*identity, *[pl.col(c).cast(pl.Float64) for c in FEATURE_NAMES]).sort("operator_id").collect()


def outcomes_after(*, as_of: date, horizon_days: int) -> pl.DataFrame:
    """Serious findings dated in (as_of, as_of + horizon]: per operator, whether any and the date of the first.

    A serious finding: an inspection 不符合, a sampling test 不合格, or a penalty other than a warning only.
    """
    until = as_of + timedelta(days=horizon_days)
    records = read_frame(
        f"""SELECT operator_id, occurred_on FROM {LEDGER}
            WHERE superseded_by_id IS NULL AND occurred_on > {_day(as_of)} AND occurred_on <= {_day(until)}
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
              AND occurred_on > {_day(as_of)} AND occurred_on <= {_day(until)}""",
        {"operator_id": pl.Int64(), "occurred_on": pl.Date(), "nonconform": pl.Int64()},
    )
