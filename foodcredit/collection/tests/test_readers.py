"""Reading uploads: encodings, title rows, row numbers, Excel cells, and every refusal of SECURITY.md C3/C4."""

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
import pytest

from foodcredit.collection import readers
from foodcredit.collection.readers import read_json_records, read_table
from foodcredit.collection.tests import hostile
from foodcredit.core.errors import DomainError

HEADERS = hostile.INSPECTION_HEADERS
HOSTILE_TEXT = ["<script>alert('食品')</script>", "'); DROP TABLE operators;--", "=cmd|'/C calc'!A0", "+1", "@SUM(A1)"]


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """A temp directory the code under test would use for scratch files; tests assert it stays empty."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def raw_bytes(data: bytes):
    """A builder that writes these exact bytes."""

    def build(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return build


def refused(path: Path, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        read_table(path, file_name=path.name, **kwargs)
    assert caught.value.context["file"] == path.name
    assert " / " not in str(caught.value.message)  # one language per message (the English is in the catalogue)
    return caught.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_read_table_csv_encodings_give_the_same_text(tmp_path, encoding):
    path = hostile.write_csv(
        tmp_path / "检查.csv", [HEADERS, hostile.inspection_row(1, findings="冷藏柜温度记录不全")], encoding=encoding
    )
    table = read_table(path, file_name=path.name)
    assert table.headers == tuple(HEADERS)
    assert table.frame.columns == [*HEADERS, "_row"]
    assert table.frame.row(0) == (*hostile.inspection_row(1, findings="冷藏柜温度记录不全"), 2)
    assert table.frame.schema["_row"] == pl.Int64
    assert all(table.frame.schema[h] == pl.String for h in HEADERS)


def test_read_table_utf16_tab_separated_as_excel_unicode_text(tmp_path):
    path = hostile.write_csv(
        tmp_path / "检查.txt", [HEADERS, hostile.inspection_row()], encoding="utf-16", separator="\t"
    )
    assert read_table(path, file_name=path.name).frame.row(0)[:2] == ("JC20250001", hostile.uscc(1))


def test_read_table_csv_row_numbers_count_title_blank_and_multiline_rows(tmp_path):
    rows = [
        ["2025年江北区监督检查记录"],
        [],
        HEADERS,
        hostile.inspection_row(1, findings="第一行\n第二行"),  # one row in Excel, two lines in the file
        [],
        hostile.inspection_row(2),
        ["", "", "", "", "", "", ""],
        [],
    ]
    table = read_table(hostile.write_csv(tmp_path / "a.csv", rows), file_name="a.csv")
    assert table.header_row == 3
    assert table.frame["_row"].to_list() == [4, 6]
    assert table.frame["发现问题"][0] == "第一行\n第二行"


def test_read_table_keeps_cells_verbatim_but_strips_surrounding_whitespace(tmp_path):
    rows = [HEADERS, *(hostile.inspection_row(i, findings=f"  {text}\u3000") for i, text in enumerate(HOSTILE_TEXT, 1))]
    table = read_table(hostile.write_csv(tmp_path / "a.csv", rows), file_name="a.csv")
    assert table.frame["发现问题"].to_list() == HOSTILE_TEXT


def test_read_table_empty_cells_are_null(tmp_path):
    path = hostile.write_csv(tmp_path / "a.csv", [HEADERS, hostile.inspection_row(findings="   ", inspectors="")])
    assert read_table(path, file_name="a.csv").frame.select("发现问题", "检查人员").row(0) == (None, None)


def test_read_table_cells_beyond_the_header_go_to_extra(tmp_path):
    rows = [HEADERS, hostile.inspection_row(1), [*hostile.inspection_row(2), "多出来的"]]
    table = read_table(hostile.write_csv(tmp_path / "a.csv", rows), file_name="a.csv")
    assert table.frame[readers.EXTRA].to_list() == [None, "多出来的"]


def test_read_table_repeated_headers_stay_visible(tmp_path):
    rows = [[*HEADERS, "检查日期"], [*hostile.inspection_row(), "2025-03-02"]]
    table = read_table(hostile.write_csv(tmp_path / "a.csv", rows), file_name="a.csv")
    assert table.headers.count("检查日期") == 2
    assert table.frame.columns[-2:] == ["检查日期#2", "_row"]


def test_read_table_xlsx_title_row_date_cells_numbers_and_formula_text(tmp_path, own_tmp):
    rows = [
        [*HEADERS, "金额"],
        ["JC1", hostile.VALID_USCC, dt.date(2025, 3, 1), "日常检查", "符合", "=cmd|'/C calc'!A0", "张三", 5000.0],
        # Excel date-times carry no time zone (openpyxl refuses aware ones).
        ["JC2", hostile.VALID_USCC, dt.datetime(2025, 3, 2, 14, 30), "日常检查", "符合", "=1+1", "李四", 1234.5],  # noqa: DTZ001
        ["JC3", 914403001922038, "2025/3/3", "日常检查", "符合", None, None, 12],
    ]
    path = hostile.write_xlsx(
        tmp_path / "检查.xlsx", rows, title="2025年江北区监督检查记录", hidden_sheet_first=True, text_cells=[(2, 6)]
    )
    table = read_table(path, file_name=path.name)
    assert table.header_row == 2
    assert table.frame["_row"].to_list() == [3, 4, 5]
    assert table.frame["检查日期"].to_list() == ["2025-03-01", "2025-03-02", "2025/3/3"]
    assert table.frame["金额"].to_list() == ["5000", "1234.5", "12"]
    assert table.frame["统一社会信用代码"][2] == "914403001922038"  # numeric cell, no ".0"
    assert table.frame["发现问题"][0] == "=cmd|'/C calc'!A0"  # text that looks like a formula: verbatim
    assert table.frame["发现问题"][1] is None  # a real formula is never evaluated (no cached value)
    assert not list(own_tmp.iterdir())


def test_read_table_xlsx_rows_keep_their_numbers_below_empty_rows(tmp_path):
    path = tmp_path / "a.xlsx"
    hostile.write_xlsx(path, [[], [], [], HEADERS, hostile.inspection_row(1), [], hostile.inspection_row(2), [], []])
    table = read_table(path, file_name="a.xlsx")
    assert (table.header_row, table.frame["_row"].to_list()) == (4, [5, 7])


def test_read_table_finds_the_header_below_title_and_note_rows(tmp_path):
    rows = [
        ["江北区市场监管局"],
        ["说明：带*为必填项", "", "填表人：王五"],
        [h + "*" for h in HEADERS],
        hostile.inspection_row(),
    ]
    table = read_table(hostile.write_csv(tmp_path / "a.csv", rows), file_name="a.csv")
    assert table.header_row == 3
    assert table.headers[0] == "检查编号*"


def test_read_table_finds_a_mapped_header_through_source_headers(tmp_path):
    rows = [["某系统导出"], ["编号", "企业信用代码", "日期"], ["A1", hostile.VALID_USCC, "2025-03-01"]]
    path = hostile.write_csv(tmp_path / "a.csv", rows)
    assert read_table(path, file_name="a.csv").header_row == 1  # unknown headers: falls back to the first row
    assert read_table(path, file_name="a.csv", source_headers=["编号", "企业信用代码", "日期"]).header_row == 2


def test_read_json_records_uses_the_standard_headers_and_record_positions():
    records = [
        {
            "decision_no": "渝江北市监罚〔2025〕1号",
            "uscc": 914403001922038216,
            "kinds": ["罚款", "警告"],
            "amount": 5000.5,
        },
        {"decision_no": "渝江北市监罚〔2025〕2号", "amount": 300, "备注": "x"},
    ]
    table = read_json_records(records, "penalties")
    assert table.headers == ("处罚决定书文号", "统一社会信用代码", "处罚种类", "罚没金额（元）", "备注")
    assert table.header_row == 0
    assert table.frame["_row"].to_list() == [1, 2]
    assert table.frame["处罚种类"].to_list() == ["罚款、警告", None]
    assert table.frame["罚没金额（元）"].to_list() == ["5000.5", "300"]
    assert table.frame["统一社会信用代码"][0] == "914403001922038216"


def test_read_json_records_refuses_an_empty_batch():
    with pytest.raises(DomainError) as caught:
        read_json_records([], "inspections")
    assert caught.value.code == "import.empty_file"


@pytest.mark.parametrize(
    ("build", "name", "code"),
    [
        (raw_bytes(b""), "empty.csv", "import.empty_file"),
        (raw_bytes(b" \r\n,,,\r\n\r\n"), "blank.csv", "import.empty_file"),
        (
            lambda p: hostile.write_csv(p, [["2025年检查记录"], HEADERS, [], ["", "", ""]]),
            "header.csv",
            "import.header_only",
        ),
        (lambda p: hostile.write_xlsx(p, [HEADERS], title="标题"), "header.xlsx", "import.header_only"),
        (lambda p: hostile.write_xlsx(p, []), "nothing.xlsx", "import.empty_file"),
        (hostile.random_bytes, "junk.csv", "import.not_a_spreadsheet"),
        (hostile.fake_exe, "invoice.xlsx", "import.not_a_spreadsheet"),
        (hostile.pdf, "report.csv", "import.not_a_spreadsheet"),
        (hostile.plain_zip, "report.xlsx", "import.not_a_spreadsheet"),
        (hostile.legacy_xls, "old.xls", "import.legacy_xls"),
        (hostile.legacy_xls, "renamed.xlsx", "import.legacy_xls"),
        (hostile.truncated_xlsx, "cut.xlsx", "import.truncated_xlsx"),
        (hostile.zip_bomb_xlsx, "bomb.xlsx", "import.zip_bomb"),
        (hostile.lying_zip_bomb_xlsx, "liar.xlsx", "import.zip_bomb"),
        (hostile.billion_laughs_xlsx, "lol.xlsx", "import.hostile_xml"),
        (hostile.external_entity_xlsx, "xxe.xlsx", "import.hostile_xml"),
        (lambda p: hostile.external_entity_xlsx(p, padding=100_000), "padded.xlsx", "import.hostile_xml"),
        # What looks like a start tag inside a comment or processing instruction before the
        # DOCTYPE ended the pattern-matched prolog early; a parser knows where the root element starts.
        (lambda p: hostile.external_entity_xlsx(p, before=b"<!-- <a> -->"), "comment.xlsx", "import.hostile_xml"),
        (lambda p: hostile.external_entity_xlsx(p, before=b"<!--<worksheet-->\n"), "c2.xlsx", "import.hostile_xml"),
        (lambda p: hostile.external_entity_xlsx(p, before=b"<?pi <x?>"), "pi.xlsx", "import.hostile_xml"),
        (hostile.external_entity_renamed_part_xlsx, "renamed.xlsx", "import.hostile_xml"),
        (lambda p: hostile.external_entity_renamed_part_xlsx(p, encoding="utf-16"), "u16.xlsx", "import.hostile_xml"),
        (raw_bytes("检查编号\n".encode() + b"\xff\xfe\xfd\n"), "mixed.csv", "import.bad_encoding"),
        (raw_bytes(b"\xef\xbb\xbf" + "检查编号\n".encode("gbk")), "bom.csv", "import.bad_encoding"),
    ],
)
def test_read_table_refuses_bad_files_without_leaving_files_behind(tmp_path, own_tmp, build, name, code):
    path = build(tmp_path / name)
    before = sorted(tmp_path.rglob("*"))
    assert refused(path).code == code
    assert sorted(tmp_path.rglob("*")) == before
    assert not list(own_tmp.iterdir())


def test_read_table_refuses_a_file_over_max_bytes_before_reading_it(tmp_path):
    path = hostile.write_csv(tmp_path / "a.csv", [HEADERS, hostile.inspection_row()])
    size = path.stat().st_size
    error = refused(path, max_bytes=size - 1)
    assert (error.code, error.context["size"], error.context["limit"]) == ("import.too_large", size, size - 1)
    assert read_table(path, file_name="a.csv", max_bytes=size).frame.height == 1


def test_read_table_refuses_an_xlsx_over_the_unpacked_limit(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 200_000
    error = refused(hostile.large_xlsx(tmp_path / "big.xlsx", unpacked_bytes=300_000))
    assert (error.code, error.context["member"]) == ("import.zip_bomb", "xl/worksheets/sheet1.xml")


def test_read_table_refuses_a_compression_ratio_over_the_limit(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_RATIO = 2000
    path = hostile.zip_bomb_xlsx(tmp_path / "bomb.xlsx", unpacked_bytes=3 * 1024 * 1024)
    assert refused(path).code == "import.header_only"  # ~1000:1 is within a 2000 limit: parsed (one odd cell)
    settings.IMPORT_XLSX_MAX_RATIO = 100
    assert refused(path).code == "import.zip_bomb"


def test_read_table_reports_the_first_rows_without_a_header(tmp_path):
    path = hostile.write_xlsx(tmp_path / "a.xlsx", [[]] * 12 + [HEADERS, hostile.inspection_row()])
    assert refused(path).code == "import.missing_header"
