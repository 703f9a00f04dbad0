"""Rows into a temporary table: COPY on PostgreSQL, executemany on SQLite."""

import io
from datetime import date, datetime
from typing import Any

import polars as pl
from django.db import connection

from ..sql import dialect_for
from .spec import RecordSpec


def _staged_columns(spec: RecordSpec) -> dict[str, str]:
    cols = {"_row": "int", spec.frame_key: "text"}
    if not spec.is_operator:
        cols["uscc"] = "text"
    for name, typ in {**spec.fields, **spec.extra, **spec.sealed}.items():
        if name != spec.key:
            cols[name] = typ
    return cols


def _prepare(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    exprs = []
    for name, typ in columns.items():
        col = pl.col(name)
        if typ == "json":
            exprs.append(col.cast(pl.Utf8).alias(name))
        elif typ == "date":
            exprs.append(col.cast(pl.Date).alias(name))
        elif typ == "decimal":
            exprs.append(col.cast(pl.Float64).alias(name))
        else:
            exprs.append(col.alias(name))
    return frame.select(exprs)


def stage_frame(cursor: Any, name: str, frame: pl.DataFrame, columns: dict[str, str], *, index_on: str) -> None:
    """Load the frame into a temporary table: COPY on PostgreSQL, executemany on SQLite.

    The staged columns have the record columns' types, so staged values are written into records as they are.
    """
    d = dialect_for(connection)
    cursor.execute(d.drop_temp(name))
    cols_sql = ", ".join(f"{c} {d.type(t)}" for c, t in columns.items())
    cursor.execute(d.create_temp(name, cols_sql))
    staged = _prepare(frame, columns)
    if d.is_postgres:
        buf = io.BytesIO()
        staged.write_csv(buf, include_header=False, null_value="\\N")
        buf.seek(0)
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        with raw.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
            while chunk := buf.read(1 << 20):
                copy.write(chunk)
    else:
        placeholders = ", ".join("%s" for _ in columns)
        rows = staged.iter_rows()
        cursor.executemany(
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders})",
            [tuple(_sqlite_value(v) for v in r) for r in rows],
        )
    cursor.execute(f"CREATE INDEX {name}_key ON {name} ({index_on})")
    # Temporary tables are never auto-analyzed: without statistics the planner takes 1M staged rows for a few.
    cursor.execute(f"ANALYZE {name}")


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, date | datetime):
        return v.isoformat()
    return v
