"""What every reader shares: the read table, the refusals, a cell's text and the header search."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from foodcredit.collection.formats import REQUIRED_HEADER_KEYS, header_key
from foodcredit.core.errors import DomainError

ROW = "_row"  # the spreadsheet row number a clerk sees (1-based, counting title and header rows)
EXTRA = "_extra"  # the first cell of a row that has no header above it (present only when some row has one)

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class RawTable:
    """A table as read: text columns in file order, then `_extra` (if any) and the Int64 `_row`.

    `headers[i]` is the verbatim header of `frame.columns[i]`; frame names are the headers made unique
    (a repeated header gets a `#2` suffix), so the validator can still see and refuse the repetition.
    `header_row` is the header's spreadsheet row (0 for an API batch, which has none).
    """

    frame: pl.DataFrame
    header_row: int
    headers: tuple[str, ...]


def refuse(code: str, message: Any, file_name: str, **context: Any) -> DomainError:
    """A DomainError that refuses the whole file, naming it."""
    return DomainError(code, message, file=file_name, **context)


def not_a_spreadsheet(file_name: str, detail: str = "") -> DomainError:
    """The file is neither XLSX nor CSV."""
    return refuse(
        "import.not_a_spreadsheet",
        _("文件不是 XLSX 或 CSV 表格"),
        file_name,
        detail=detail,
    )


def corrupt(file_name: str, detail: str) -> DomainError:
    """The workbook is truncated or damaged."""
    return refuse(
        "import.truncated_xlsx",
        _("XLSX 文件不完整或已损坏，请重新导出"),
        file_name,
        detail=detail,
    )


def cell_text(value: Any) -> str | None:
    """A cell as the text Excel shows: integral numbers without ".0", dates as YYYY-MM-DD, lists joined by "、"."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel keeps 15 significant digits; format like it so 0.1+0.2 reads "0.3" and 5000.0 reads "5000".
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def find_header(rows: Sequence[Sequence[str]], known: frozenset[str], file_name: str) -> int:
    """Index of the header row among the first rows: title and note rows above it are skipped.

    A row is the header when it holds all required headers of some kind, or when at least half of its
    non-empty cells are known headers. Failing that, the first non-empty row is taken, so the validator
    can say which headers are missing.
    """
    first = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [header_key(cell) for cell in row if cell and cell.strip()]
        if not keys:
            continue
        if first is None:
            first = index
        has_required = any(required <= set(keys) for required in REQUIRED_HEADER_KEYS)
        if has_required or 2 * sum(k in known for k in keys) >= len(keys):
            return index
    if first is None:
        raise refuse(
            "import.missing_header",
            str(_("前 %(n)d 行中找不到表头")) % {"n": HEADER_SEARCH_ROWS},
            file_name,
        )
    return first


def finish(frame: pl.DataFrame, headers: list[str], *, header_row: int, first_row: int, file_name: str) -> RawTable:
    """Strip cells, name columns after their headers, fold header-less cells into EXTRA, number the rows.

    `frame` holds positional text columns c0… matching `headers`, optionally followed by EXTRA.
    Completely empty rows are dropped (their numbers are simply skipped).
    """
    stripped = [
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c).str.strip_chars()).alias(c) for c in frame.columns
    ]
    frame = frame.with_columns(*stripped, pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias(ROW))
    named: dict[str, str] = {}
    orphans = [EXTRA] if EXTRA in frame.columns else []
    for i, header in enumerate(headers):
        if not header:
            orphans.append(f"c{i}")
            continue
        name, n = header, 1
        while name in named.values() or name in (ROW, EXTRA):
            n += 1
            name = f"{header}#{n}"
        named[f"c{i}"] = name
    extra = [pl.coalesce(orphans).alias(EXTRA)] if orphans else []
    frame = frame.select(*(pl.col(c).alias(name) for c, name in named.items()), *extra, ROW)
    if EXTRA in frame.columns and frame.get_column(EXTRA).null_count() == frame.height:
        frame = frame.drop(EXTRA)
    cells = [c for c in frame.columns if c != ROW]
    frame = frame.filter(pl.any_horizontal(pl.col(cells).is_not_null())) if cells else frame.clear()
    if frame.is_empty():
        raise refuse("import.header_only", _("文件只有表头，没有数据行"), file_name)
    return RawTable(frame=frame, header_row=header_row, headers=tuple(h for h in headers if h))
