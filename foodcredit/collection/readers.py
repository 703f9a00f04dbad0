"""Read an uploaded table (CSV or XLSX) or an API batch into a frame of verbatim text (SECURITY.md C3/C4).

Nothing here knows a record kind's rules: every cell stays text, exactly as the clerk typed it (only surrounding
whitespace is stripped; an empty cell is null). `validate.py` decides what the text means.
"""

import codecs
import copy
import csv
import io
import itertools
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as DefusedET
import polars as pl
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from foodcredit.collection.formats import FORMATS, KNOWN_HEADER_KEYS, REQUIRED_HEADER_KEYS, header_key
from foodcredit.core.errors import DomainError

ROW = "_row"  # the spreadsheet row number a clerk sees (1-based, counting title and header rows)
EXTRA = "_extra"  # the first cell of a row that has no header above it (present only when some row has one)

HEADER_SEARCH_ROWS = 10
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and also password-protected .xlsx
_SNIFF_BYTES = 64 * 1024
_CSV_HEAD_BYTES = 256 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that never occur in text: NUL and the C0 controls other than tab, newlines and form feed.
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"
_XLSX_CHUNK = 1024 * 1024
_CHUNK_ROWS = 50_000  # XLSX rows converted per batch: bounds the Python objects alive at a time
# A member this small cannot hurt whatever its ratio (a short, repetitive XML part compresses very well).
_RATIO_MIN_BYTES = 1024 * 1024
# The XML prolog (where a DOCTYPE must sit) ends at the root element's start tag: it must end within this many bytes.
_XML_PROLOG_MAX = 64 * 1024


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


def read_table(
    path: Path, *, file_name: str, max_bytes: int | None = None, source_headers: Collection[str] = ()
) -> RawTable:
    """Read an uploaded CSV or XLSX file, refusing anything else with a DomainError before parsing it.

    The type is decided by the file's first bytes, never by its name. `source_headers` are a source
    mapping's own header texts, so a mapped file's header row is found below title rows too.
    """
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise _refuse(
            "import.too_large",
            str(_("文件大小 %(size)d 字节，超过上限 %(limit)d 字节")) % {"size": size, "limit": max_bytes},
            file_name,
            size=size,
            limit=max_bytes,
        )
    if size == 0:
        raise _refuse("import.empty_file", _("文件为空"), file_name)
    with path.open("rb") as fh:
        magic = fh.read(len(_OLE2_MAGIC))
    known = KNOWN_HEADER_KEYS | {header_key(h) for h in source_headers}
    if magic.startswith(_OLE2_MAGIC):
        raise _refuse(
            "import.legacy_xls",
            _("不接受旧版 .xls 或加密的工作簿，请另存为 XLSX 或 CSV 后再导入"),
            file_name,
        )
    if magic.startswith(_ZIP_MAGIC):
        return _read_xlsx(path, file_name, known)
    if magic.startswith(_PDF_MAGIC):  # may be all text, so the binary sniff of the CSV path can miss it
        raise _not_a_spreadsheet(file_name, "PDF")
    return _read_csv(path.read_bytes(), file_name, known)


def read_json_records(records: Sequence[Mapping[str, Any]], kind: str, *, file_name: str = "") -> RawTable:
    """An API batch as a table with the standard Chinese headers; `_row` is the record's 1-based position.

    Values may be the Chinese labels or the stored values; lists (penalty kinds) are joined with "、".
    Keys that are not English field names are kept as they are (a Chinese header is recognised, anything
    else is reported as an unknown column).
    """
    if not records:
        raise _refuse("import.empty_file", _("没有任何记录"), file_name)
    header_of = {c.field: c.header for c in FORMATS[kind].columns}
    keys = list(dict.fromkeys(itertools.chain.from_iterable(records)))
    columns = {f"c{i}": [_cell_text(record.get(key)) for record in records] for i, key in enumerate(keys)}
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return _finish(frame, [header_of.get(k, k) for k in keys], header_row=0, first_row=1, file_name=file_name)


def _refuse(code: str, message: Any, file_name: str, **context: Any) -> DomainError:
    return DomainError(code, message, file=file_name, **context)


def _not_a_spreadsheet(file_name: str, detail: str = "") -> DomainError:
    return _refuse(
        "import.not_a_spreadsheet",
        _("文件不是 XLSX 或 CSV 表格"),
        file_name,
        detail=detail,
    )


def _corrupt(file_name: str, detail: str) -> DomainError:
    return _refuse(
        "import.truncated_xlsx",
        _("XLSX 文件不完整或已损坏，请重新导出"),
        file_name,
        detail=detail,
    )


# --- CSV -------------------------------------------------------------------------------------------------


def _read_csv(data: bytes, file_name: str, known: frozenset[str]) -> RawTable:
    utf8 = _csv_as_utf8(data, file_name)
    if not utf8.strip(b" \t\r\n,;"):
        raise _refuse("import.empty_file", _("文件为空"), file_name)
    head = utf8[:_CSV_HEAD_BYTES].decode("utf-8", "ignore")
    # Excel's "Unicode text" export is tab-separated; everything else we accept uses commas.
    separator = "\t" if head.count("\t") > head.count(",") else ","
    try:
        head_rows = list(itertools.islice(csv.reader(io.StringIO(head), delimiter=separator), HEADER_SEARCH_ROWS))
    except csv.Error as exc:
        raise _not_a_spreadsheet(file_name, str(exc)) from exc
    index = _find_header(head_rows, known, file_name)
    headers = [cell.strip() for cell in head_rows[index]]
    schema = {f"c{i}": pl.String for i in range(len(headers))} | {EXTRA: pl.String}
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            skip_rows=index + 1,  # counts CSV records (quoted line breaks included), like the rows Excel shows
            schema=schema,
            separator=separator,
            truncate_ragged_lines=True,  # cells beyond the header land in EXTRA, the rest are cut off
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise _not_a_spreadsheet(file_name, str(exc)) from exc
    return _finish(frame, headers, header_row=index + 1, first_row=index + 2, file_name=file_name)


def _csv_as_utf8(data: bytes, file_name: str) -> bytes:
    """The CSV's bytes as UTF-8 without a BOM: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    bad_encoding = _refuse(
        "import.bad_encoding",
        _("无法识别文件编码，请将 CSV 保存为 UTF-8 或 GBK 编码"),
        file_name,
    )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise bad_encoding from exc
            return data[len(bom) :] if encoding == "utf-8" else text.encode("utf-8")
    head = data[:_SNIFF_BYTES]
    if len(head.translate(None, _BINARY_BYTES)) != len(head):
        raise _not_a_spreadsheet(file_name, "binary content")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return data
    try:
        return data.decode("gb18030").encode("utf-8")  # GB18030 is a superset of GBK and GB2312
    except UnicodeDecodeError as exc:
        raise bad_encoding from exc


# --- XLSX ------------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, file_name: str, known: frozenset[str]) -> RawTable:
    _check_xlsx_container(path, file_name)
    try:
        with CalamineWorkbook.from_path(path) as workbook:
            visible = [
                m.name
                for m in workbook.sheets_metadata
                if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
            ]
            if not visible:
                raise _refuse("import.empty_file", _("工作簿没有可见的工作表"), file_name)
            sheet = workbook.get_sheet_by_name(visible[0])
            end = sheet.end
            rows = sheet.iter_rows()
            head_rows = [[_cell_text(v) or "" for v in row] for row in itertools.islice(rows, HEADER_SEARCH_ROWS)]
            if end is None or (end[0] < HEADER_SEARCH_ROWS and not any(map(any, head_rows))):
                raise _refuse("import.empty_file", _("工作表没有任何内容"), file_name)
            index = _find_header(head_rows, known, file_name)
            frame = _xlsx_body(itertools.chain(head_rows[index + 1 :], rows), width=len(head_rows[index]))
    except CalamineError as exc:
        raise _corrupt(file_name, str(exc)) from exc
    # python-calamine 0.9 starts iter_rows() at the sheet's first row, but an open upstream issue may change
    # that: count back from the last row's position so the row numbers stay right either way.
    offset = end[0] + 1 - (index + 1 + frame.height)
    headers = [cell.strip() for cell in head_rows[index]]
    return _finish(frame, headers, header_row=offset + index + 1, first_row=offset + index + 2, file_name=file_name)


def _xlsx_body(rows: Iterable[list[Any]], *, width: int) -> pl.DataFrame:
    """The rows below the header as text columns c0…, plus EXTRA for cells beyond the header's width."""
    names = [f"c{i}" for i in range(width)]
    schema = dict.fromkeys([*names, EXTRA], pl.String)
    chunks = [pl.DataFrame(schema=schema)]
    while chunk := list(itertools.islice(rows, _CHUNK_ROWS)):
        columns: list[list[str | None]] = [[] for _ in range(width + 1)]
        for row in chunk:
            for i, cell in enumerate(row[:width]):
                columns[i].append(_cell_text(cell))
            for i in range(len(row), width):
                columns[i].append(None)
            columns[width].append(next((t for t in map(_cell_text, row[width:]) if t), None))
        chunks.append(pl.DataFrame(dict(zip([*names, EXTRA], columns, strict=True)), schema=schema))
    return pl.concat(chunks)


def _check_xlsx_container(path: Path, file_name: str) -> None:
    """Refuse a zip that is not a workbook, is corrupt, unpacks too far, or declares a DTD (XXE, billion laughs).

    Sizes are measured by inflating each member, not read from the headers: a bomb can declare any size.
    """
    limit: int = settings.IMPORT_XLSX_MAX_UNPACKED_BYTES
    max_ratio: float = settings.IMPORT_XLSX_MAX_RATIO
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise _not_a_spreadsheet(file_name, "zip without xl/workbook.xml")
            total = 0
            for member in members:
                size, prolog = _inflate(archive, member, budget=limit - total)
                total += size
                if total > limit:
                    raise _zip_bomb(file_name, member.filename, total, limit)
                if size > _RATIO_MIN_BYTES and size > max_ratio * max(member.compress_size, 1):
                    raise _zip_bomb(file_name, member.filename, total, limit)
                if _looks_like_xml(member.filename, prolog) and not _xml_prolog_is_safe(prolog):
                    raise _refuse(
                        "import.hostile_xml",
                        _("XLSX 内含 DOCTYPE/ENTITY 声明，疑似恶意文件，已拒绝"),
                        file_name,
                        member=member.filename,
                    )
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise _corrupt(file_name, str(exc)) from exc


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, budget: int) -> tuple[int, bytes]:
    """Inflate one member, counting its real size (stopping past `budget`); also return its first bytes."""
    # zipfile stops at the declared size; announce more so a member that lies about its size is measured.
    # (Stopping at the declared size would also trip its CRC check and misreport the bomb as corruption.)
    probe = copy.copy(member)
    probe.file_size = budget + 2 * _XLSX_CHUNK
    size = 0
    head = b""
    with archive.open(probe) as stream:
        while chunk := stream.read(_XLSX_CHUNK):
            if len(head) < _XML_PROLOG_MAX:
                head += chunk[: _XML_PROLOG_MAX - len(head)]
            size += len(chunk)
            if size > budget:
                break
    return size, head


def _looks_like_xml(name: str, head: bytes) -> bool:
    """Whether a member may be read as XML: by its name, or by its content — a relationship can point a sheet at any
    name, in UTF-8 or UTF-16 (with or without a byte-order mark)."""
    if name.endswith((".xml", ".rels")):
        return True
    start = head[:64]
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if start.startswith(bom):
            return True
    return start.lstrip(b" \t\r\n\x00").startswith(b"<")


def _xml_prolog_is_safe(head: bytes) -> bool:
    """True when an XML parser (defusedxml: DTDs, entities and external references forbidden) reaches the root
    element in `head` without meeting a DOCTYPE or an ENTITY. Parsed, not pattern-matched: a comment or processing
    instruction that holds what looks like a start tag cannot end the prolog early. A DOCTYPE
    can only come before the root element, so the parse stops there and the rest of a large part is not parsed."""
    if not head.strip():
        return True  # empty: nothing to declare (calamine judges whether the part is usable)
    try:
        for _event, _element in DefusedET.iterparse(io.BytesIO(head), events=("start",), forbid_dtd=True):
            return True  # the root element: past the prolog, no DOCTYPE
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        return False
    except DefusedET.ParseError:
        # Malformed before the root, or a prolog padded past the first 64 KB (itself an evasion attempt).
        return False
    return False


def _zip_bomb(file_name: str, member: str, total: int, limit: int) -> DomainError:
    return _refuse(
        "import.zip_bomb",
        str(_("XLSX 解压后过大或压缩比异常（%(member)s），疑似压缩炸弹，已拒绝")) % {"member": member},
        file_name,
        member=member,
        unpacked=total,
        limit=limit,
    )


# --- shared ----------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str | None:
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


def _find_header(rows: Sequence[Sequence[str]], known: frozenset[str], file_name: str) -> int:
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
        raise _refuse(
            "import.missing_header",
            str(_("前 %(n)d 行中找不到表头")) % {"n": HEADER_SEARCH_ROWS},
            file_name,
        )
    return first


def _finish(frame: pl.DataFrame, headers: list[str], *, header_row: int, first_row: int, file_name: str) -> RawTable:
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
        raise _refuse("import.header_only", _("文件只有表头，没有数据行"), file_name)
    return RawTable(frame=frame, header_row=header_row, headers=tuple(h for h in headers if h))
