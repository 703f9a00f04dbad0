"""CSV (comma- or tab-separated; UTF-8, UTF-16 with BOM, or GBK/GB18030) into a table of verbatim text."""

import codecs
import csv
import io
import itertools

import polars as pl
from django.utils.translation import gettext_lazy as _

from .table import EXTRA, HEADER_SEARCH_ROWS, RawTable, find_header, finish, not_a_spreadsheet, refuse

_SNIFF_BYTES = 64 * 1024
_CSV_HEAD_BYTES = 256 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that never occur in text: NUL and the C0 controls other than tab, newlines and form feed.
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"


def read_csv(data: bytes, file_name: str, known: frozenset[str]) -> RawTable:
    """A CSV file's bytes as a table: encoding and separator detected, header row found below titles."""
    utf8 = _csv_as_utf8(data, file_name)
    if not utf8.strip(b" \t\r\n,;"):
        raise refuse("import.empty_file", _("文件为空"), file_name)
    head = utf8[:_CSV_HEAD_BYTES].decode("utf-8", "ignore")
    # Excel's "Unicode text" export is tab-separated; everything else we accept uses commas.
    separator = "\t" if head.count("\t") > head.count(",") else ","
    try:
        head_rows = list(itertools.islice(csv.reader(io.StringIO(head), delimiter=separator), HEADER_SEARCH_ROWS))
    except csv.Error as exc:
        raise not_a_spreadsheet(file_name, str(exc)) from exc
    index = find_header(head_rows, known, file_name)
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
        raise not_a_spreadsheet(file_name, str(exc)) from exc
    return finish(frame, headers, header_row=index + 1, first_row=index + 2, file_name=file_name)


def _csv_as_utf8(data: bytes, file_name: str) -> bytes:
    """The CSV's bytes as UTF-8 without a BOM: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    bad_encoding = refuse(
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
        raise not_a_spreadsheet(file_name, "binary content")
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
