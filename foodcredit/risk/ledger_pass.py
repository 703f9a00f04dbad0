"""The feature pass over the credit ledger: per operator, counts by window, decayed counts, kinds of failure, last
inspection (its age and result), inspections of the last 180 days, the inspectors' expected excess of findings and the latest licence expiry, in one aggregate that reads
the ledger's timeline index alone (typed columns, credit.ledger_codes); and each inspector's strictness."""

import itertools
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection

from foodcredit.credit.ledger_codes import FAIL_FIRST, FAIL_LAST, INSPECTOR_SLOTS, Signal

from .frames import Scope, age, day, double, is_pg, planner, read_frame, read_numbers

LEDGER = "credit_ledgerentry"
OPERATORS = "operators_operator"
WINDOWS = {"1y": 365, "2y": 730, "3y": 1095}
LOOKBACK_DAYS = WINDOWS["3y"]
DECAYED_STEMS = ["inspections", "nonconform", "basically", "samples", "sample_fail", "complaints_verified"]
STRICTNESS_SAMPLE_ROWS = 1_000_000  # PostgreSQL: inspector rates from a block sample of about this many entries
S = Signal
INSPECTED_SQL = f"c BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM}"
FAILED_SQL = f"c BETWEEN {S.SAMPLE_FAIL} AND {FAIL_LAST}"
_COMPLAINED = f"c BETWEEN {S.COMPLAINT_VERIFIED} AND {S.COMPLAINT_OTHER}"
# The seven packed counters (decoded in counts_unpack): which entries each counts.
_COUNTERS = {
    1: f"c = {S.INSPECTION_CONFORM}",
    2: f"c = {S.INSPECTION_BASICALLY}",
    3: f"c = {S.INSPECTION_NONCONFORM}",
    4: f"c = {S.SAMPLE_PASS}",
    5: FAILED_SQL,
    6: f"c = {S.COMPLAINT_VERIFIED}",
    7: f"c = {S.COMPLAINT_OTHER}",
}
_INSPECTOR_COLUMNS = [f"inspector_{k + 1}" for k in range(INSPECTOR_SLOTS)]


def inspector_rates(as_of: date, *, ledger_size: float) -> tuple[float, dict[int, float]]:
    """Each inspector's nonconform rate over the 3 years before `as_of`, shrunk towards the district's (empirical
    Bayes, prior weight settings.RISK_STRICTNESS_PRIOR_WEIGHT): (district rate, {inspector id: rate − district rate}).
    An inspection counts for each of its first three inspectors (the ledger's inspector columns).

    On a large PostgreSQL ledger the rates come from a repeatable block sample (TABLESAMPLE … REPEATABLE): hundreds
    of visits per inspector, and the same sample for every partition of a run. `ledger_size`: ledger_rows().
    """
    since = as_of - timedelta(days=LOOKBACK_DAYS)
    sample = ""
    if ledger_size > STRICTNESS_SAMPLE_ROWS:
        sample = f"TABLESAMPLE SYSTEM ({100.0 * STRICTNESS_SAMPLE_ROWS / ledger_size:.4f}) REPEATABLE (42)"
    visits = f"""SELECT signal AS c, {", ".join(_INSPECTOR_COLUMNS)} FROM {LEDGER} {sample}
                 WHERE signal BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM}
                   AND superseded_by_id IS NULL AND occurred_on < {day(as_of)} AND occurred_on >= {day(since)}"""
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
    if is_pg() and max(rates) - min(rates) < ARRAY_LOOKUP_SPAN:
        lo, hi = min(rates), max(rates)
        values = ",".join(repr(float(rates.get(i, 0.0))) for i in range(lo, hi + 1))
        table = f"'[{lo}:{hi}]={{{values}}}'::float8[]"  # out-of-range subscripts give NULL
        look = [f"coalesce(({table})[{col}], 0)" for col in _INSPECTOR_COLUMNS]
    else:
        literal = json.dumps({str(i): d for i, d in rates.items()}, separators=(",", ":"))
        if is_pg():
            look = [f"coalesce(('{literal}'::jsonb ->> CAST({col} AS TEXT))::float8, 0)" for col in _INSPECTOR_COLUMNS]
        else:
            look = [f"coalesce(json_extract('{literal}', '$.\"' || {col} || '\"'), 0)" for col in _INSPECTOR_COLUMNS]
    known = " + ".join(f"CASE WHEN {col} IS NULL THEN 0 ELSE 1 END" for col in _INSPECTOR_COLUMNS)
    return f"(({' + '.join(look)}) / (CASE WHEN ({known}) = 0 THEN 1 ELSE ({known}) END))"


def ledger_aggregate(
    as_of: date, scope: Scope, rates: dict[int, float], *, plan: "PassPlan | None" = None, raws: Sequence[Any] = ()
) -> pl.DataFrame:
    """One pass over the ledger's timeline index (typed columns only, no facts): counts per window, decayed counts,
    failure kinds, last inspection (its age and result), inspections of the last 180 days, the inspectors' expected excess of findings and the latest licence expiry.
    `plan` (pass_plan(scope, len(raws), ledger_size=…), made beforehand on Django's connection) and `raws` (snapshot siblings) let it
    run on other connections, from another thread: one operator range on each when the plan has one per sibling.
    """
    tau = float(settings.RISK_DECAY_DAYS)
    since = as_of - timedelta(days=LOOKBACK_DAYS)
    aggs = []
    schema: dict[str, pl.DataType] = {"operator_id": pl.Int64()}

    def add(sql: str, name: str, dtype: pl.DataType) -> None:
        aggs.append(f"{sql} AS {name}")
        schema[name] = dtype

    # Counts per counter (1–7) and window, three to a double: each entry adds 1 + 2^17 if under 2 years old + 2^34 if
    # under 1 year old (`k` below), so one aggregate per counter gives its 3-, 2- and 1-year counts (decoded in
    # counts_unpack); the aggregates, not the scan, are what a wide feature pass pays for. A double holds integers
    # exactly up to 2^53, and PostgreSQL sums doubles far faster than bigints (which it sums as numeric).
    for slot, condition in _COUNTERS.items():
        add(f"CAST(coalesce(sum(k) FILTER (WHERE {condition}), 0) AS BIGINT)", f"packed_{slot}", pl.Int64())
        if slot <= 6:
            add(f"coalesce(sum(w) FILTER (WHERE {condition}), {double(0)})", f"decayed_{slot}", pl.Float64())
    # Failure kinds as bit masks (bit k for FAILURE_KINDS[k]): two aggregates instead of one per kind and window.
    bits = (
        f"bit_or(1 << (c - {FAIL_FIRST}))" if is_pg() else f"sum(DISTINCT 1 << (c - {FAIL_FIRST}))"
    )  # SQLite: no bit_or
    kinds = f"c BETWEEN {FAIL_FIRST} AND {FAIL_LAST}"
    add(f"CAST(coalesce({bits} FILTER (WHERE {kinds} AND a < 365), 0) AS BIGINT)", "fail_mask_1y", pl.Int64())
    add(f"CAST(coalesce({bits} FILTER (WHERE {kinds}), 0) AS BIGINT)", "fail_mask_3y", pl.Int64())
    add(
        f"CAST(count(*) FILTER (WHERE (c = {S.INSPECTION_NONCONFORM} OR {FAILED_SQL}) AND a < 180) AS BIGINT)",
        "serious_180d",
        pl.Int64(),
    )
    add(f"CAST(count(*) FILTER (WHERE {_COMPLAINED} AND a < 90) AS BIGINT)", "complaints_90d", pl.Int64())
    # The last inspection's age and result in one aggregate: min(age × 4 + 3 − signal) is the latest inspection and,
    # among several that day, the worst result (signals 1–3: 符合, 基本符合, 不符合); decoded in ledger_aggregate.
    add(
        f"CAST(coalesce(min(a * 4 + {S.INSPECTION_NONCONFORM} - c) FILTER (WHERE {INSPECTED_SQL}), -1) AS BIGINT)",
        "last_inspection",
        pl.Int64(),
    )
    add(f"CAST(count(*) FILTER (WHERE {INSPECTED_SQL} AND a < 180) AS BIGINT)", "inspections_180d", pl.Int64())
    add(f"coalesce(sum(ex) FILTER (WHERE {INSPECTED_SQL} AND a < 365), {double(0)})", "excess_1y", pl.Float64())
    add(f"coalesce(sum(ex) FILTER (WHERE {INSPECTED_SQL}), {double(0)})", "excess_3y", pl.Float64())
    add(f"coalesce(sum(ex * w) FILTER (WHERE {INSPECTED_SQL}), {double(0)})", "excess_decayed", pl.Float64())
    # A licence counts whatever its age: the latest expiry among the licence entries dated before as-of (YYYYMMDD).
    add(f"CAST(coalesce(max(vu) FILTER (WHERE c = {S.LICENCE}), 0) AS BIGINT)", "licence_ymd", pl.Int64())
    # The decay weight is a double, never a (slow) numeric. Told to (BRANCH_ORDER, TIMELINE_ORDER), PostgreSQL reads
    # the timeline index in operator order: no sort and no hash table of a million operators. On a large ledger the
    # operators are split into disjoint id ranges, each aggregated whole by one process — a sibling connection of its
    # own, or a parallel worker taking one branch of a UNION ALL (Parallel Append) — so each range's groups are final
    # and there is no merge of partial aggregates.
    branch = f"""
        SELECT operator_id, {", ".join(aggs)}
        FROM (
            SELECT operator_id, signal AS c, {age(as_of)} AS a,
                   exp(-CAST({age(as_of)} AS DOUBLE PRECISION) / CAST({tau} AS DOUBLE PRECISION)) AS w,
                   {double(1)} + CASE WHEN {age(as_of)} < 730 THEN {double(PACK)} ELSE {double(0)} END
                     + CASE WHEN {age(as_of)} < 365 THEN {double(PACK * PACK)} ELSE {double(0)} END AS k,
                   CASE WHEN signal BETWEEN {S.INSPECTION_CONFORM} AND {S.INSPECTION_NONCONFORM}
                        THEN {_excess_sql(rates)} ELSE 0 END AS ex,
                   valid_until_ymd AS vu
            FROM {LEDGER}
            WHERE superseded_by_id IS NULL AND occurred_on < {day(as_of)} AND __OPERATORS__
              AND ((signal BETWEEN 1 AND {FAIL_LAST} AND occurred_on >= {day(since)}) OR signal = {S.LICENCE})
            __FENCE__
        ) e
        GROUP BY operator_id"""
    plan = plan or pass_plan(scope, len(raws), ledger_size=ledger_rows())
    branches = [branch.replace("__OPERATORS__", part).replace("__FENCE__", plan.fence) for part in plan.ranges]
    if len(raws) > 1 and len(raws) == len(branches):

        def one(branch: str, raw: Any) -> pl.DataFrame:
            with planner(plan.settings, raw=raw):
                return read_numbers(branch, schema, raw=raw)

        with ThreadPoolExecutor(max_workers=len(raws)) as pool:
            frame = pl.concat(list(pool.map(one, branches, raws)))
    else:
        raw = raws[0] if raws else None
        with planner(plan.settings, raw=raw):
            frame = read_numbers(branches, schema, raw=raw)
    return (
        counts_unpack(frame)
        .with_columns(
            days_since_inspection=pl.when(pl.col("last_inspection") >= 0).then(pl.col("last_inspection") // 4),
            # 0 符合, 1 基本符合, 2 不符合 (the worst of the latest day); 0 without any inspection
            last_inspection_result=pl.when(pl.col("last_inspection") >= 0)
            .then(2 - pl.col("last_inspection") % 4)
            .otherwise(0),
            licence_valid_until=pl.when(pl.col("licence_ymd") > 0)
            .then(pl.col("licence_ymd").cast(pl.String))
            .str.to_date("%Y%m%d", strict=False),
        )
        .drop("licence_ymd", "last_inspection")
    )


# Aggregate per operator along the timeline index (an index-only scan) rather than a sequential scan of the heap into
# a hash table, which the planner prefers by its cost model and which is two to three times slower here
# (bench/risk_classify.py); and compile the twenty-odd filtered aggregates per row (JIT, inlined and optimised): they
# then run in about half the time of the interpreter, compiling included.
_COMPILED = {"jit": "on", "jit_above_cost": "0", "jit_inline_above_cost": "0", "jit_optimize_above_cost": "0"}
# One operator range per connection (snapshot siblings): one process each, no workers.
BRANCH_ORDER = {
    "enable_seqscan": "off",
    "enable_bitmapscan": "off",
    "enable_hashagg": "off",
    "max_parallel_workers_per_gather": "0",
    **_COMPILED,
}
# All ranges on one connection: parallel workers take the UNION ALL's branches whole (Parallel Append).
TIMELINE_ORDER = {
    "enable_seqscan": "off",
    "enable_hashagg": "off",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0",
    "min_parallel_index_scan_size": "0",
    **_COMPILED,
}
# On its own connection a range's per-entry query is kept apart from the aggregate (a subquery PostgreSQL does not
# flatten, still in operator order): each entry's age, decay weight, packed window counts and inspectors' excess
# (three array look-ups) are then computed once, not once for each aggregate that reads them — a seventh less time.
# Under Parallel Append the same fence would make the planner parallelise inside each branch instead, one at a time.
ROW_FENCE = "ORDER BY operator_id OFFSET 0"

LARGE_LEDGER_ROWS = 1_000_000  # PostgreSQL: from this size on the feature pass is split, parallel and compiled


def ledger_rows() -> float:
    """PostgreSQL's estimate of the ledger's entries (pg_class.reltuples; 0 before its first ANALYZE, and on SQLite).
    Small ledgers (a test, a demo) keep the planner's own choices: workers and JIT cost more than they save there."""
    if not is_pg():
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [LEDGER])
        row = cursor.fetchone()
    return max(float(row[0]), 0.0) if row else 0.0


def _large(ledger_size: float) -> bool:
    return is_pg() and ledger_size >= LARGE_LEDGER_ROWS


def _workers() -> int:
    """The server's limit of processes for one query (max_parallel_workers_per_gather), PostgreSQL only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')::int")
        return int(cursor.fetchone()[0])


def pass_connections(*, ledger_size: float) -> int:
    """How many extra connections the feature pass opens: settings.RISK_PASS_CONNECTIONS when set (0: none, all on
    Django's connection — behind a transaction-pooling pgbouncer, which cannot share a snapshot); else, on a large
    PostgreSQL ledger, one per process the server lets one query use (max_parallel_workers_per_gather, at least 1),
    and 1 on a small one."""
    configured = getattr(settings, "RISK_PASS_CONNECTIONS", None)
    if configured is not None:
        return max(0, int(configured))
    return max(1, _workers()) if _large(ledger_size) else 1


@dataclass(frozen=True)
class PassPlan:
    """How the feature pass runs: its operator ranges (one UNION ALL branch each) and planner settings."""

    ranges: list[str]
    settings: dict[str, str]
    fence: str = ""


def pass_plan(scope: Scope, connections: int = 1, *, ledger_size: float) -> PassPlan:
    """On a large PostgreSQL ledger: disjoint operator ranges, one per connection when there are several (snapshot
    siblings), else one per parallel worker; the planner's own choices on a small one."""
    if not _large(ledger_size) or scope.ids is not None:
        return PassPlan([scope.sql("operator_id")], {})
    if connections > 1:
        return PassPlan(_id_ranges(scope, connections), BRANCH_ORDER, ROW_FENCE)
    workers = _workers()
    if workers <= 1:
        return PassPlan([scope.sql("operator_id")], BRANCH_ORDER, ROW_FENCE)
    return PassPlan(_id_ranges(scope, workers), TIMELINE_ORDER)


def _id_ranges(scope: Scope, parts: int) -> list[str]:
    """Conditions on operator_id that split `scope` into `parts` disjoint ranges (fewer if it has fewer ids)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {OPERATORS} WHERE {Scope(lo=scope.lo, hi=scope.hi).sql('id')}")
        lo, hi = cursor.fetchone()
    if lo is None:
        return [scope.sql("operator_id")]
    bounds = [lo + (hi - lo + 1) * k // parts for k in range(parts)] + [hi + 1]
    return [f"operator_id >= {int(a)} AND operator_id < {int(b)}" for a, b in itertools.pairwise(bounds) if b > a]


PACK = 1 << 17  # counts per operator, counter and window stay far below 2^17 (three of them in a double's 53 bits)


def counts_unpack(frame: pl.DataFrame) -> pl.DataFrame:
    """Window counts and decayed counts per feature stem from the packed per-code aggregates."""

    def window(code: int, w: str) -> pl.Expr:
        packed = pl.col(f"packed_{code}").cast(pl.Int64)
        return {"3y": packed % PACK, "2y": (packed // PACK) % PACK, "1y": packed // (PACK * PACK)}[w]

    codes = {
        "inspections": (1, 2, 3),
        "nonconform": (3,),
        "basically": (2,),
        "samples": (4, 5),
        "sample_fail": (5,),
        "complaints": (6, 7),
        "complaints_verified": (6,),
    }
    counts = [
        pl.sum_horizontal([window(c, w) for c in members]).alias(f"{stem}_{w}")
        for stem, members in codes.items()
        for w in WINDOWS
    ]
    decayed = [
        pl.sum_horizontal([pl.col(f"decayed_{c}") for c in codes[stem]]).alias(f"{stem}_decayed")
        for stem in DECAYED_STEMS
    ]
    return frame.with_columns(counts + decayed).drop(
        [f"packed_{c}" for c in range(1, 8)] + [f"decayed_{c}" for c in range(1, 7)]
    )
