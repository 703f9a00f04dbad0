"""Reading the database into polars frames for the risk model: which operators (Scope), SQL literals, readers
(text COPY for mixed columns, binary COPY for numbers) and planner settings for one block of queries."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import psycopg
from django.db import connection
from psycopg import sql as psycopg_sql

logger = logging.getLogger(__name__)


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


def is_pg() -> bool:
    return connection.vendor == "postgresql"


def day(d: date) -> str:
    """A date literal (from a date object, never from user text)."""
    return f"'{date.fromordinal(d.toordinal()).isoformat()}'"


def age(as_of: date, column: str = "occurred_on") -> str:
    if is_pg():
        return f"(DATE {day(as_of)} - {column})"
    return f"CAST(julianday({day(as_of)}) - julianday({column}) AS INTEGER)"


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def read_numbers(parts: str | list[str], schema: dict[str, pl.DataType], *, raw: Any = None) -> pl.DataFrame:
    """Queries whose columns are all BIGINT or DOUBLE PRECISION and never NULL, their rows together, into a polars
    frame (on `raw`, a sibling connection, when given). `parts` is one query or several (disjoint parts of one
    result, such as the operator ranges of the feature pass).

    On PostgreSQL each part's columns come back as arrays (array_agg within the part: parallel workers taking the
    parts whole build them side by side), one row per part of a binary COPY read with numpy: no number is formatted
    as text and parsed back, and a million rows cross the connection as a few messages, not a million.
    """
    queries = [parts] if isinstance(parts, str) else parts
    if not is_pg():
        return read_frame(" UNION ALL ".join(f"SELECT * FROM ({q}) q" for q in queries), schema)
    arrays = ", ".join(f"array_agg({name})" for name in schema)
    union = " UNION ALL ".join(f"(SELECT {arrays} FROM ({q}) q)" for q in queries)
    buf = io.BytesIO()
    with _psycopg_cursor(raw) as cursor, cursor.copy(f"COPY ({union}) TO STDOUT WITH (FORMAT binary)") as copy:
        for chunk in copy:
            buf.write(chunk)
    data = memoryview(buf.getvalue())
    if bytes(data[:11]) != _COPY_SIGNATURE:
        raise ValueError("not a PostgreSQL binary COPY stream")
    pos = 19 + int.from_bytes(data[15:19], "big")
    frames = []
    for _ in queries:
        columns, pos = _array_row(data, pos, schema)
        if columns is not None:
            frames.append(pl.DataFrame(columns, schema=schema))
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def _array_row(data: memoryview, pos: int, schema: dict[str, pl.DataType]) -> tuple[dict[str, np.ndarray] | None, int]:
    """One binary COPY row of one-dimensional arrays without NULLs (one per column of `schema`), from `pos`:
    the columns (None for array_agg of no rows) and the position after the row."""
    if int.from_bytes(data[pos : pos + 2], "big") != len(schema):
        raise ValueError("binary COPY row has an unexpected number of columns")
    pos += 2
    columns: dict[str, np.ndarray] | None = {}
    for name, dtype in schema.items():
        size = int.from_bytes(data[pos : pos + 4], "big", signed=True)
        pos += 4
        if size < 0:  # array_agg of no rows
            columns = None
            continue
        array = data[pos : pos + size]
        pos += size
        ndim, has_nulls = int.from_bytes(array[0:4], "big"), int.from_bytes(array[4:8], "big")
        if ndim != 1 or has_nulls:
            raise ValueError(f"column {name}: expected a one-dimensional array without NULLs")
        wide = ">f8" if dtype == pl.Float64() else ">i8"
        elements = np.frombuffer(array[20:], dtype=np.dtype([("len", ">i4"), ("v", wide)]))
        if (elements["len"] != 8).any():
            raise ValueError(f"column {name}: not BIGINT/DOUBLE PRECISION")
        if columns is not None:
            columns[name] = elements["v"].astype(wide.replace(">", "<"))
    return columns, pos


def double(value: int) -> str:
    """A double literal (PostgreSQL reads 1.0 as numeric, whose arithmetic and sums are many times slower)."""
    return f"CAST({int(value)} AS DOUBLE PRECISION)"


def read_frame(sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query into a polars frame: COPY … TO STDOUT on PostgreSQL (fast for a million rows), fetchall elsewhere."""
    with connection.cursor() as cursor:
        if is_pg():
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
    return rows_frame(rows, schema)


def rows_frame(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    """Fetched rows into a frame of `schema`. SQLite hands back dates as text (an aggregate's, or a raw query's) or
    as dates (plain columns through Django): polars infers, then each column is cast."""
    if not rows:
        return pl.DataFrame(schema=schema)
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(
        [
            pl.col(c).cast(pl.String).str.to_date(strict=False)
            if t == pl.Date() and frame.schema[c] == pl.String()
            else pl.col(c).cast(t, strict=False)
            for c, t in schema.items()
        ]
    )


@contextmanager
def _psycopg_cursor(raw: Any) -> Iterator[Any]:
    """A psycopg cursor on `raw` (a sibling connection) or on Django's connection."""
    if raw is not None:
        with raw.cursor() as cursor:
            yield cursor
    else:
        with connection.cursor() as cursor:
            yield cursor.cursor


@contextmanager
def planner(settings_: dict[str, str], *, raw: Any = None) -> Iterator[None]:
    """PostgreSQL planner settings for the queries of one block, inside the feature transaction (SET LOCAL, then
    the previous values again), on Django's connection or on `raw`."""
    if not is_pg():
        yield
        return
    with _psycopg_cursor(raw) as cursor:
        before = {}
        for name, value in settings_.items():
            cursor.execute("SELECT current_setting(%s)", [name])
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"SET LOCAL {name} = '{value}'")
    yield  # on an error the transaction is rolled back, and these settings with it
    with _psycopg_cursor(raw) as cursor:
        for name, value in before.items():
            cursor.execute(f"SET LOCAL {name} = '{value}'")


@contextmanager
def snapshot_siblings(count: int, *, enabled: bool) -> Iterator[list[Any]]:
    """`count` more PostgreSQL connections that read the very snapshot of Django's (all REPEATABLE READ, the snapshot
    exported once and imported by each), so that long queries can run there side by side while this connection does
    the rest; none on SQLite or when not `enabled`. Call it first in a fresh transaction (the isolation level is set
    by its first statement); a transaction that has written cannot share what it wrote, so callers inside one pass
    enabled=False.
    """
    if not (enabled and is_pg() and count > 0):
        yield []
        return
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    siblings: list[Any] = []
    try:
        for _ in range(count):
            try:
                raw = connection.get_new_connection(connection.get_connection_params())
            except psycopg.OperationalError as exc:  # e.g. max_connections reached: go on with fewer (or none)
                logger.warning("feature pass: opened %d of %d sibling connections (%s)", len(siblings), count, exc)
                break
            siblings.append(raw)
            raw.autocommit = True
            raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            raw.execute(psycopg_sql.SQL("SET TRANSACTION SNAPSHOT {}").format(psycopg_sql.Literal(snapshot)))
        yield siblings
    finally:
        for raw in siblings:
            raw.close()  # the read-only transaction ends with the connection
