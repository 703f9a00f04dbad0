"""Builders of import files, good and hostile (SECURITY.md C3), generated on the fly into a directory.

Reusable by end-to-end tests: every builder takes the target path and returns it.
"""

import random
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from foodcredit.core.ids import org_code_check_character, uscc_check_character

INSPECTION_HEADERS = ["检查编号", "统一社会信用代码", "检查日期", "检查类型", "检查结果", "发现问题", "检查人员"]
VALID_USCC = "914403001922038216"  # 华为技术有限公司 (DOMAIN.md II §7.1)
INVALID_USCC = "914403001922038217"  # wrong check character: should be 6


def uscc(i: int, prefix: str = "91500105") -> str:
    """A valid USCC (inner organisation code included) for a small integer."""
    org = f"{i:08d}"
    first17 = prefix + org + org_code_check_character(org)
    return first17 + uscc_check_character(first17)


def inspection_row(i: int = 1, **values: Any) -> list[Any]:
    """One valid inspections row in standard column order; keyword arguments override cells by field name."""
    row = {
        "source_id": f"JC2025{i:04d}",
        "uscc": uscc(i),
        "inspected_on": "2025-03-01",
        "kind": "日常检查",
        "result": "符合",
        "findings": "后厨地面有积水",
        "inspectors": "张三、李四",
    } | values
    return list(row.values())


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", separator: str = ",") -> Path:
    """A CSV in the given encoding ("utf-8-sig" for a BOM, "utf-16" for UTF-16 with BOM); cells quoted when needed."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        if any(c in text for c in (separator, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    text = "".join(separator.join(cell(v) for v in row) + "\r\n" for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    hidden_sheet_first: bool = False,
    text_cells: Sequence[tuple[int, int]] = (),
) -> Path:
    """An XLSX written by openpyxl: dates stay real date cells, `title` becomes a merged row above the header.

    `text_cells` are 1-based (row, column) cells forced to text, so "=…" is stored as a string, not a formula.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if hidden_sheet_first:
        sheet.title = "说明"
        sheet["A1"] = "检查编号"  # a decoy header: a hidden sheet must never be read
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("数据")
    offset = 0
    if title is not None:
        sheet.cell(row=1, column=1, value=title)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
        offset = 1
    for r, row in enumerate(rows, start=1 + offset):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    for r, c in text_cells:
        sheet.cell(row=r + offset, column=c).data_type = "s"
    workbook.save(path)
    return path


def _replace_member(source: Path, target: Path, name: str, content: bytes, *, level: int = 9) -> Path:
    """Copy an XLSX, swapping one member's content (deflated at `level`)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != name:
                dst.writestr(item, src.read(item.filename))
        dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return target


def _base_xlsx(path: Path) -> Path:
    base = path.with_name(path.stem + "-base.xlsx")
    write_xlsx(base, [INSPECTION_HEADERS, inspection_row()])
    return base


def _sheet_xml(body: bytes, *, prolog: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + prolog
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + body
        + b"</sheetData></worksheet>"
    )


def zip_bomb_xlsx(path: Path, *, unpacked_bytes: int = 20 * 1024 * 1024) -> Path:
    """An XLSX whose sheet XML is a huge run of zeros: deflates about 1000:1."""
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"0" * unpacked_bytes + b"</t></is></c></row>"
    base = _base_xlsx(path)
    _replace_member(base, path, "xl/worksheets/sheet1.xml", _sheet_xml(body))
    base.unlink()
    return path


def large_xlsx(path: Path, *, unpacked_bytes: int) -> Path:
    """An honest XLSX that simply unpacks to more than `unpacked_bytes` (random text: no suspicious ratio)."""
    rng = random.Random(7)
    text = "".join(rng.choice("0123456789ABCDEF") for _ in range(unpacked_bytes)).encode()
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    base = _base_xlsx(path)
    _replace_member(base, path, "xl/worksheets/sheet1.xml", _sheet_xml(body))
    base.unlink()
    return path


def lying_zip_bomb_xlsx(path: Path, *, unpacked_bytes: int = 20 * 1024 * 1024) -> Path:
    """A zip bomb whose headers declare its sheet tiny (100 bytes): only inflating it reveals the size."""
    zip_bomb_xlsx(path, unpacked_bytes=unpacked_bytes)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name.decode()).header_offset
    data[local + 22 : local + 26] = (100).to_bytes(4, "little")  # local header: uncompressed size
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(name))  # the central entry just before the name
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def billion_laughs_xlsx(path: Path) -> Path:
    """Nested entities inside sheet1.xml (exponential expansion if an XML parser resolved them)."""
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    prolog = b"<!DOCTYPE lolz [" + entities + b"]>\n"
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    base = _base_xlsx(path)
    _replace_member(base, path, "xl/worksheets/sheet1.xml", _sheet_xml(body, prolog=prolog))
    base.unlink()
    return path


def external_entity_xlsx(path: Path, *, padding: int = 0, before: bytes = b"") -> Path:
    """An external entity (XXE) in sheet1.xml; `padding` bytes of comment first, to slip past a short look, or
    `before` (a comment or processing instruction holding what looks like a start tag) to end a naive prolog early."""
    pad = (b"<!--" + b"x" * padding + b"-->" if padding else b"") + before
    prolog = pad + b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    base = _base_xlsx(path)
    _replace_member(base, path, "xl/worksheets/sheet1.xml", _sheet_xml(body, prolog=prolog))
    base.unlink()
    return path


def external_entity_renamed_part_xlsx(path: Path, *, encoding: str = "utf-8") -> Path:
    """An XXE sheet stored under a name that does not end in .xml (the workbook's relationship points to it), and
    optionally encoded in UTF-16: the guard must judge a part by its content, not its name."""
    prolog = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    sheet = _sheet_xml(body, prolog=prolog)
    if encoding != "utf-8":
        sheet = sheet.replace(b'encoding="UTF-8"', f'encoding="{encoding.upper()}"'.encode()).decode().encode(encoding)
    base = _base_xlsx(path)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                dst.writestr("xl/worksheets/sheet1.dat", sheet)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                dst.writestr(item, data.replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat"))
            else:
                dst.writestr(item, data)
    base.unlink()
    return path


def truncated_xlsx(path: Path) -> Path:
    """A valid XLSX cut in half (an interrupted download)."""
    write_xlsx(path, [INSPECTION_HEADERS, *(inspection_row(i) for i in range(1, 50))])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def plain_zip(path: Path) -> Path:
    """A zip that is not a workbook (as a .docx or an archive of photos would be)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return path


def fake_exe(path: Path) -> Path:
    """An executable's first bytes (MZ header, PE signature), typically renamed to .xlsx."""
    path.write_bytes(
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00" + bytes(200)
    )
    return path


def legacy_xls(path: Path) -> Path:
    """The OLE2 compound-document magic of a legacy .xls (or a password-protected .xlsx)."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def random_bytes(path: Path, *, size: int = 4096, seed: int = 42) -> Path:
    """Binary junk."""
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def pdf(path: Path) -> Path:
    """A small PDF with no binary stream at all (so only its magic gives it away)."""
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return path
