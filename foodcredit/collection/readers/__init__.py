"""Read an uploaded table (CSV or XLSX) or an API batch into a frame of verbatim text (SECURITY.md C3/C4).

Nothing here knows a record kind's rules: every cell stays text, exactly as the clerk typed it (only surrounding
whitespace is stripped; an empty cell is null). `validate.py` decides what the text means.
"""

import itertools
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from foodcredit.collection.formats import FORMATS, KNOWN_HEADER_KEYS, header_key
from foodcredit.core import uploads

from .csv_text import read_csv
from .table import EXTRA, ROW, RawTable, cell_text, finish, not_a_spreadsheet, refuse
from .xlsx import read_xlsx

__all__ = ["EXTRA", "ROW", "RawTable", "read_json_records", "read_table"]


def read_table(
    path: Path, *, file_name: str, max_bytes: int | None = None, source_headers: Collection[str] = ()
) -> RawTable:
    """Read an uploaded CSV or XLSX file, refusing anything else with a DomainError before parsing it.

    The type is decided by the file's first bytes, never by its name. `source_headers` are a source
    mapping's own header texts, so a mapped file's header row is found below title rows too.
    """
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise refuse(
            "import.too_large",
            str(_("文件大小 %(size)d 字节，超过上限 %(limit)d 字节")) % {"size": size, "limit": max_bytes},
            file_name,
            size=size,
            limit=max_bytes,
        )
    if size == 0:
        raise refuse("import.empty_file", _("文件为空"), file_name)
    with path.open("rb") as fh:
        kind = uploads.file_kind(fh.read(uploads.HEAD_BYTES))
    known = KNOWN_HEADER_KEYS | {header_key(h) for h in source_headers}
    if kind == "ole2":  # legacy .xls, and also password-protected .xlsx
        raise refuse(
            "import.legacy_xls",
            _("不接受旧版 .xls 或加密的工作簿，请另存为 XLSX 或 CSV 后再导入"),
            file_name,
        )
    if kind == "zip":
        return read_xlsx(path, file_name, known)
    if kind == "pdf":  # may be all text, so the binary sniff of the CSV path can miss it
        raise not_a_spreadsheet(file_name, "PDF")
    return read_csv(path.read_bytes(), file_name, known)


def read_json_records(records: Sequence[Mapping[str, Any]], kind: str, *, file_name: str = "") -> RawTable:
    """An API batch as a table with the standard Chinese headers; `_row` is the record's 1-based position.

    Values may be the Chinese labels or the stored values; lists (penalty kinds) are joined with "、".
    Keys that are not English field names are kept as they are (a Chinese header is recognised, anything
    else is reported as an unknown column).
    """
    if not records:
        raise refuse("import.empty_file", _("没有任何记录"), file_name)
    header_of = {c.field: c.header for c in FORMATS[kind].columns}
    keys = list(dict.fromkeys(itertools.chain.from_iterable(records)))
    columns = {f"c{i}": [cell_text(record.get(key)) for record in records] for i, key in enumerate(keys)}
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return finish(frame, [header_of.get(k, k) for k in keys], header_row=0, first_row=1, file_name=file_name)
