"""XLSX into a table of verbatim text, after the container checks (zip bombs, DTDs: SECURITY.md C3/C4)."""

import codecs
import copy
import io
import itertools
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as DefusedET
import polars as pl
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from foodcredit.core.errors import DomainError

from .table import (
    EXTRA,
    HEADER_SEARCH_ROWS,
    RawTable,
    cell_text,
    corrupt,
    find_header,
    finish,
    not_a_spreadsheet,
    refuse,
)

_XLSX_CHUNK = 1024 * 1024
_CHUNK_ROWS = 50_000  # XLSX rows converted per batch: bounds the Python objects alive at a time
# A member this small cannot hurt whatever its ratio (a short, repetitive XML part compresses very well).
_RATIO_MIN_BYTES = 1024 * 1024
# The XML prolog (where a DOCTYPE must sit) ends at the root element's start tag: it must end within this many bytes.
_XML_PROLOG_MAX = 64 * 1024


def read_xlsx(path: Path, file_name: str, known: frozenset[str]) -> RawTable:
    """The first visible worksheet of a checked XLSX file as a table, header row found below titles."""
    _check_xlsx_container(path, file_name)
    try:
        with CalamineWorkbook.from_path(path) as workbook:
            visible = [
                m.name
                for m in workbook.sheets_metadata
                if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
            ]
            if not visible:
                raise refuse("import.empty_file", _("工作簿没有可见的工作表"), file_name)
            sheet = workbook.get_sheet_by_name(visible[0])
            end = sheet.end
            rows = sheet.iter_rows()
            head_rows = [[cell_text(v) or "" for v in row] for row in itertools.islice(rows, HEADER_SEARCH_ROWS)]
            if end is None or (end[0] < HEADER_SEARCH_ROWS and not any(map(any, head_rows))):
                raise refuse("import.empty_file", _("工作表没有任何内容"), file_name)
            index = find_header(head_rows, known, file_name)
            frame = _xlsx_body(itertools.chain(head_rows[index + 1 :], rows), width=len(head_rows[index]))
    except CalamineError as exc:
        raise corrupt(file_name, str(exc)) from exc
    # python-calamine 0.9 starts iter_rows() at the sheet's first row, but an open upstream issue may change
    # that: count back from the last row's position so the row numbers stay right either way.
    offset = end[0] + 1 - (index + 1 + frame.height)
    headers = [cell.strip() for cell in head_rows[index]]
    return finish(frame, headers, header_row=offset + index + 1, first_row=offset + index + 2, file_name=file_name)


def _xlsx_body(rows: Iterable[list[Any]], *, width: int) -> pl.DataFrame:
    """The rows below the header as text columns c0…, plus EXTRA for cells beyond the header's width."""
    names = [f"c{i}" for i in range(width)]
    schema = dict.fromkeys([*names, EXTRA], pl.String)
    chunks = [pl.DataFrame(schema=schema)]
    while chunk := list(itertools.islice(rows, _CHUNK_ROWS)):
        columns: list[list[str | None]] = [[] for _ in range(width + 1)]
        for row in chunk:
            for i, cell in enumerate(row[:width]):
                columns[i].append(cell_text(cell))
            for i in range(len(row), width):
                columns[i].append(None)
            columns[width].append(next((t for t in map(cell_text, row[width:]) if t), None))
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
                raise not_a_spreadsheet(file_name, "zip without xl/workbook.xml")
            total = 0
            for member in members:
                size, prolog = _inflate(archive, member, budget=limit - total)
                total += size
                if total > limit:
                    raise _zip_bomb(file_name, member.filename, total, limit)
                if size > _RATIO_MIN_BYTES and size > max_ratio * max(member.compress_size, 1):
                    raise _zip_bomb(file_name, member.filename, total, limit)
                if _looks_like_xml(member.filename, prolog) and not _xml_prolog_is_safe(prolog):
                    raise refuse(
                        "import.hostile_xml",
                        _("XLSX 内含 DOCTYPE/ENTITY 声明，疑似恶意文件，已拒绝"),
                        file_name,
                        member=member.filename,
                    )
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise corrupt(file_name, str(exc)) from exc


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
    return refuse(
        "import.zip_bomb",
        str(_("XLSX 解压后过大或压缩比异常（%(member)s），疑似压缩炸弹，已拒绝")) % {"member": member},
        file_name,
        member=member,
        unpacked=total,
        limit=limit,
    )
