"""Validation against the standard exchange format: header refusals, row errors a clerk can act on, typed rows."""

import datetime as dt
import random

import polars as pl
import pytest

from foodcredit.collection.readers import read_json_records, read_table
from foodcredit.collection.tests import hostile
from foodcredit.collection.validate import validate
from foodcredit.core.errors import DomainError
from foodcredit.core.ids import USCC_ALPHABET, uscc_check_character, uscc_validate

uscc = hostile.uscc
HEADERS = hostile.INSPECTION_HEADERS


def operator(i: int = 1, **values):
    return {
        "uscc": uscc(i),
        "name": f"重庆江北某某餐饮有限公司{i}",
        "legal_rep": "张三",
        "legal_rep_id_no": "",
        "phone": "13800001111",
        "address": "重庆市江北区建新北路1号",
        "street": "观音桥街道",
        "sector": "餐饮",
        "business_type": "小型餐馆",
        "registered_on": "2020-01-01",
        "status": "存续",
        "new_business_form": "否",
    } | values


def licence(i: int = 1, **values):
    return {
        "number": f"JY1500105{i:06d}1",
        "uscc": uscc(i),
        "kind": "食品经营许可证",
        "scope": "热食类食品制售",
        "issued_on": "2021-05-01",
        "valid_until": "2026-04-30",
        "status": "有效",
    } | values


def inspection(i: int = 1, **values):
    return (
        dict(
            zip(
                ["source_id", "uscc", "inspected_on", "kind", "result", "findings", "inspectors"],
                hostile.inspection_row(i),
                strict=True,
            )
        )
        | values
    )


def sampling(i: int = 1, **values):
    return {
        "source_id": f"CJ{i}",
        "uscc": uscc(i),
        "sampled_on": "2025-04-01",
        "product": "散装大米",
        "food_category": "粮食加工品",
        "conclusion": "不合格",
        "failed_items": "镉（以Cd计）",
        "failure_kind": "重金属",
    } | values


def penalty(i: int = 1, **values):
    return {
        "decision_no": f"渝江北市监罚〔2025〕{i}号",
        "uscc": uscc(i),
        "decided_on": "2025-06-01",
        "violation": "经营超过保质期的食品",
        "legal_basis": "《食品安全法》第一百二十四条",
        "kinds": "罚款、没收违法所得",
        "amount": "5000",
        "procedure": "普通程序",
        "circumstance": "从轻",
    } | values


def complaint(i: int = 1, **values):
    return {
        "source_id": f"TS{i}",
        "uscc": uscc(i),
        "received_on": "2025-05-01",
        "channel": "12315",
        "kind": "投诉",
        "category": "食品变质",
        "verification": "属实",
    } | values


def check(kind, *records, **options):
    options = {
        "file_name": "api",
        "mapping_columns": None,
        "mapping_values": None,
        "uscc_exceptions": frozenset(),
    } | options
    return validate(read_json_records(list(records), kind), kind=kind, **options)


def codes(result):
    return [(e["row"], e["column"], e["code"]) for e in result.errors]


S, D, B, L = pl.String, pl.Date, pl.Boolean, pl.List(pl.String)
GOOD_SCHEMAS = {
    "operators": (
        operator,
        {
            "uscc": S,
            "name": S,
            "legal_rep": S,
            "legal_rep_id_no": S,
            "phone": S,
            "address": S,
            "street": S,
            "sector": S,
            "business_type": S,
            "registered_on": D,
            "status": S,
            "new_business_form": B,
        },
    ),
    "licences": (
        licence,
        {
            "number": S,
            "uscc": S,
            "kind": S,
            "scope": S,
            "issued_on": D,
            "valid_until": D,
            "status": S,
            "legacy_format": B,
        },
    ),
    "inspections": (
        inspection,
        {"source_id": S, "uscc": S, "inspected_on": D, "kind": S, "result": S, "findings": S, "inspectors": S},
    ),
    "sampling": (
        sampling,
        {
            "source_id": S,
            "uscc": S,
            "sampled_on": D,
            "product": S,
            "food_category": S,
            "conclusion": S,
            "failed_items": S,
            "failure_kind": S,
        },
    ),
    "penalties": (
        penalty,
        {
            "decision_no": S,
            "uscc": S,
            "decided_on": D,
            "violation": S,
            "legal_basis": S,
            "kinds": L,
            "amount": S,
            "procedure": S,
            "circumstance": S,
        },
    ),
    "complaints": (
        complaint,
        {"source_id": S, "uscc": S, "received_on": D, "channel": S, "kind": S, "category": S, "verification": S},
    ),
}


@pytest.mark.parametrize("kind", GOOD_SCHEMAS)
def test_validate_good_rows_are_typed_with_english_names(kind):
    build, schema = GOOD_SCHEMAS[kind]
    result = check(kind, build(1), build(2))
    assert (result.errors, result.warnings) == ([], [])
    assert dict(result.good.schema) == schema | {"_row": pl.Int64}
    assert result.good["_row"].to_list() == [1, 2]


def test_validate_stores_choice_values_and_typed_cells():
    good = check("penalties", penalty(amount="5000.5"), penalty(2, amount="", circumstance="")).good
    assert good.row(0, named=True) | {"_row": 0} == {
        "decision_no": "渝江北市监罚〔2025〕1号",
        "uscc": uscc(1),
        "decided_on": dt.date(2025, 6, 1),
        "violation": "经营超过保质期的食品",
        "legal_basis": "《食品安全法》第一百二十四条",
        "kinds": ["罚款", "没收违法所得"],
        "amount": "5000.50",
        "procedure": "ordinary",
        "circumstance": "lighter",
        "_row": 0,
    }
    assert (good["amount"][1], good["circumstance"][1]) == (None, "")
    ops = check("operators", operator(new_business_form="是"), operator(2, new_business_form=None)).good
    assert ops.select("sector", "status", "new_business_form").rows() == [
        ("catering", "active", True),
        ("catering", "active", False),
    ]
    assert check("complaints", complaint(channel="来信")).good["channel"].to_list() == ["letter"]


def test_validate_accepts_stored_values_from_the_api():
    result = check("inspections", inspection(kind="random", result="nonconform"), inspection(2, result="基本符合"))
    assert result.good["result"].to_list() == ["nonconform", "basically_conform"]


def test_validate_optional_text_is_empty_not_null():
    good = check("inspections", inspection(findings=None, inspectors="")).good
    assert good.select("findings", "inspectors").row(0) == ("", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("2025/3/1", dt.date(2025, 3, 1)),
        ("2025-3-1", dt.date(2025, 3, 1)),
        ("2025.3.1", dt.date(2025, 3, 1)),
        ("2024/02/29", dt.date(2024, 2, 29)),
    ],
)
def test_validate_accepts_the_standard_date_forms(text, expected):
    assert check("inspections", inspection(inspected_on=text)).good["inspected_on"].to_list() == [expected]


@pytest.mark.parametrize(
    "text", ["2025-02-30", "2025-13-01", "2023/2/29", "20250301", "2025年3月1日", "3/1/2025", "昨天"]
)
def test_validate_rejects_impossible_or_unknown_dates(text):
    result = check("inspections", inspection(inspected_on=text))
    assert result.good.is_empty()
    [error] = result.errors
    assert (error["row"], error["column"], error["field"], error["value"]) == (1, "检查日期", "inspected_on", text)
    assert error["code"] == "import.bad_date"
    assert "YYYY-MM-DD" in error["reason"]


def test_validate_csv_file_errors_name_the_row_and_column_a_clerk_sees(tmp_path):
    rows = [
        ["2025年江北区监督检查记录"],
        HEADERS,
        hostile.inspection_row(1),
        hostile.inspection_row(2, result="合格", inspected_on="2025-02-30"),
        hostile.inspection_row(3, uscc=hostile.INVALID_USCC, source_id=""),
    ]
    path = hostile.write_csv(tmp_path / "检查.csv", rows, encoding="gbk")
    result = validate(
        read_table(path, file_name="检查.csv"),
        kind="inspections",
        file_name="检查.csv",
        mapping_columns=None,
        mapping_values=None,
        uscc_exceptions=frozenset(),
    )
    assert result.good["_row"].to_list() == [3]
    assert codes(result) == [
        (4, "检查日期", "import.bad_date"),
        (4, "检查结果", "import.bad_choice"),
        (5, "检查编号", "import.required"),
        (5, "统一社会信用代码", "import.bad_uscc"),
    ]
    by_code = {e["code"]: e for e in result.errors}
    assert (
        by_code["import.bad_choice"]["reason"]
        == "“检查结果”应为以下之一：符合、基本符合、不符合 / “检查结果” must be one of: 符合、基本符合、不符合"
    )
    assert by_code["import.bad_choice"]["value"] == "合格"
    assert by_code["import.bad_uscc"]["value"] == hostile.INVALID_USCC
    assert "应为 6，实际为 7" in by_code["import.bad_uscc"]["reason"]
    assert all(e["file"] == "检查.csv" for e in result.errors)


def test_validate_xlsx_dates_and_numbers_pass(tmp_path):
    rows = [HEADERS, ["JC1", hostile.VALID_USCC, dt.date(2025, 3, 1), "日常检查", "不符合", '=HYPERLINK("x")', 12345]]
    path = hostile.write_xlsx(tmp_path / "a.xlsx", rows, title="2025年检查", text_cells=[(2, 6)])
    result = validate(read_table(path, file_name="a.xlsx"), kind="inspections", file_name="a.xlsx")
    assert result.errors == []
    assert result.good.select("inspected_on", "result", "findings", "inspectors", "_row").row(0) == (
        dt.date(2025, 3, 1),
        "nonconform",
        '=HYPERLINK("x")',
        "12345",
        3,
    )


def test_validate_keeps_hostile_text_verbatim():
    texts = [
        "<script>alert('食品')</script>",
        "'); DROP TABLE operators;--",
        "=cmd|'/C calc'!A0",
        "{{7*7}}",
        "１＇ｏｒ＇１＇＝＇１",
    ]
    result = check("inspections", *(inspection(i, findings=t) for i, t in enumerate(texts, 1)))
    assert result.good["findings"].to_list() == texts


def test_validate_a_row_can_have_several_errors_in_column_order():
    result = check("inspections", inspection(uscc="", inspected_on="x", kind="抽查", result=None))
    assert codes(result) == [
        (1, "统一社会信用代码", "import.required"),
        (1, "检查日期", "import.bad_date"),
        (1, "检查类型", "import.bad_choice"),
        (1, "检查结果", "import.required"),
    ]


def test_validate_bad_uscc_is_rejected_and_an_excepted_one_passes_with_a_warning():
    exception = "91350203M0001QAY9B"  # a real code that fails its check character (DOMAIN.md II §7.1)
    result = check("inspections", inspection(uscc=exception), inspection(2, uscc=hostile.INVALID_USCC))
    assert codes(result) == [(1, "统一社会信用代码", "import.bad_uscc"), (2, "统一社会信用代码", "import.bad_uscc")]
    result = check("inspections", inspection(uscc=exception), uscc_exceptions=frozenset({exception}))
    assert result.good["uscc"].to_list() == [exception]
    [warning] = result.warnings
    assert (warning["code"], warning["row"]) == ("import.uscc_doubt", 1)
    assert "例外名单" in warning["reason"]


def test_validate_uscc_doubts_warn_once_per_code():
    first17 = "9Y5001050000000" + "1X"  # unknown category code, inner organisation-code check fails
    doubtful = first17 + uscc_check_character(first17)
    result = check("inspections", *(inspection(i, uscc=doubtful) for i in range(1, 4)))
    assert result.good.height == 3
    [warning] = result.warnings
    assert (warning["row"], warning["value"]) == (1, doubtful)
    assert "9Y" in warning["reason"]
    assert "内嵌组织机构代码" in warning["reason"]
    assert "该代码共 3 行" in warning["reason"]


def test_validate_uscc_full_width_and_lower_case_are_folded():
    full_width = hostile.VALID_USCC.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    result = check("inspections", inspection(uscc=full_width), inspection(2, uscc="91110108551385082q"))
    assert result.good["uscc"].to_list() == [hostile.VALID_USCC, "91110108551385082Q"]


def test_validate_uscc_with_foreign_digits_is_an_error_not_a_crash():
    code = "91٤403001922038216"  # an Arabic-Indic digit: core.ids' \\d lets it past its format check
    [error] = check("inspections", inspection(uscc=code)).errors
    assert (error["code"], error["value"]) == ("import.bad_uscc", code)
    assert "٤" in error["reason"]


def test_validate_uscc_verdicts_match_core_ids():
    rng = random.Random(20251125)
    pool = [uscc(i, prefix) for i in range(40) for prefix in ("91500105", "92500105", "A1500105", "51110000")]
    pool += ["".join(rng.choice(USCC_ALPHABET) for _ in range(18)) for _ in range(400)]
    pool += [
        c[:k] + rng.choice(USCC_ALPHABET + "IOSVZ") + c[k + 1 :] for c in pool[:160] for k in (0, 1, 5, 12, 16, 17)
    ]
    # Right check character, random type codes and inner codes: the warnings.
    heads = ["".join(rng.choice(USCC_ALPHABET) for _ in range(2)) + f"{rng.randrange(10**6):06d}" for _ in range(300)]
    first17 = [h + "".join(rng.choice(USCC_ALPHABET) for _ in range(9)) for h in heads]
    pool += [f + uscc_check_character(f) for f in first17]
    pool += ["9150010500000000", "915001050000000000X"]
    pool = sorted(set(pool))
    result = check("inspections", *(inspection(i, uscc=c) for i, c in enumerate(pool, 1)))
    errors = {e["value"]: e["reason"] for e in result.errors}
    warnings = {w["value"]: w["reason"] for w in result.warnings}
    verdicts = {code: uscc_validate(code) for code in pool}
    assert sum(bool(v.warnings and not v.errors) for v in verdicts.values()) > 100  # the pool covers all three
    assert sum(v.ok and not v.warnings for v in verdicts.values()) > 100
    for code, verdict in verdicts.items():
        assert errors.get(code) == ("；".join(verdict.errors) or None), code
        assert (code in warnings) == bool(verdict.warnings and not verdict.errors), code


@pytest.mark.parametrize(
    ("text", "stored"),
    [("5000", "5000.00"), ("5000.5", "5000.50"), ("0.05", "0.05"), ("007", "7.00"), ("0", "0.00"), ("", None)],
)
def test_validate_amounts_become_two_decimal_strings(text, stored):
    assert check("penalties", penalty(amount=text)).good["amount"].to_list() == [stored]


@pytest.mark.parametrize("text", ["-100", "1.234", "1,000", "5000元", "1e3", "abc", "1234567890123"])
def test_validate_rejects_bad_amounts(text):
    assert codes(check("penalties", penalty(amount=text))) == [(1, "罚没金额（元）", "import.bad_amount")]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [("罚款", ["罚款"]), ("警告、罚款", ["警告", "罚款"]), ("罚款, 没收违法所得，罚款", ["罚款", "没收违法所得"])],
)
def test_validate_penalty_kinds_become_a_list_of_labels(text, kinds):
    assert check("penalties", penalty(kinds=text)).good["kinds"].to_list() == [kinds]


def test_validate_penalty_kind_outside_the_list_is_named():
    [error] = check("penalties", penalty(kinds="罚款、拘留")).errors
    assert (error["code"], error["value"]) == ("import.bad_choice", "罚款、拘留")
    assert error["reason"].startswith("“处罚种类”含不允许的值“拘留”")
    assert codes(check("penalties", penalty(kinds="、"))) == [(1, "处罚种类", "import.required")]


def test_validate_licence_number_follows_its_kind_and_legacy_numbers_are_flagged():
    result = check(
        "licences",
        licence(1),
        licence(2, number="SC10150010500021", kind="食品生产许可证"),
        licence(3, number="SC10150010500031"),  # an SC number on a business licence
        licence(4, number="QS500105010001"),
        licence(5, number="JY1500"),
    )
    assert codes(result) == [
        (3, "许可证编号", "import.bad_licence_number"),
        (5, "许可证编号", "import.bad_licence_number"),
    ]
    assert "JY + 14位数字" in result.errors[0]["reason"]
    assert result.good.select("number", "legacy_format").rows() == [
        ("JY15001050000011", False),
        ("SC10150010500021", False),
        ("QS500105010001", True),
    ]
    assert [(w["row"], w["code"]) for w in result.warnings] == [(4, "import.legacy_licence")]


def test_validate_duplicate_keys_reject_every_copy_and_name_the_others():
    result = check("inspections", inspection(1), inspection(2), inspection(1), inspection(1, findings="改"))
    assert [(e["row"], e["code"], e["reason"]) for e in result.errors] == [
        (1, "import.duplicate_key", "与第 3、4 行的“检查编号”重复"),
        (3, "import.duplicate_key", "与第 1、4 行的“检查编号”重复"),
        (4, "import.duplicate_key", "与第 1、3 行的“检查编号”重复"),
    ]
    assert result.good["_row"].to_list() == [2]
    assert codes(check("operators", operator(1), operator(1, name="另一个名字"))) == [
        (1, "统一社会信用代码", "import.duplicate_key"),
        (2, "统一社会信用代码", "import.duplicate_key"),
    ]


def test_validate_operator_street_must_be_in_the_district():
    [error] = check("operators", operator(street="解放碑街道")).errors
    assert (error["code"], error["column"]) == ("import.bad_choice", "所属街道")
    assert "观音桥街道" in error["reason"]


def test_validate_bool_accepts_yes_no_and_excel_booleans():
    records = [operator(i, new_business_form=v) for i, v in enumerate(["是", "否", "TRUE", "false"], 1)]
    assert check("operators", *records).good["new_business_form"].to_list() == [True, False, True, False]
    assert codes(check("operators", operator(new_business_form="Y"))) == [(1, "是否新业态", "import.bad_choice")]


def test_validate_text_longer_than_the_model_allows_is_an_error():
    [error] = check("operators", operator(name="食" * 201)).errors
    assert (error["code"], error["column"]) == ("import.too_long", "主体名称")
    assert check("inspections", inspection(findings="问" * 10_000)).errors == []  # a TextField has no limit


def test_validate_cells_outside_the_header_reject_the_row(tmp_path):
    rows = [HEADERS, hostile.inspection_row(1), [*hostile.inspection_row(2)[:5], "重庆市", "江北区", "张三"]]
    path = hostile.write_csv(tmp_path / "a.csv", rows)
    result = validate(read_table(path, file_name="a.csv"), kind="inspections", file_name="a.csv")
    [error] = result.errors
    assert (error["row"], error["code"], error["value"]) == (3, "import.extra_cells", "张三")
    assert result.good["_row"].to_list() == [2]


def test_validate_refuses_a_repeated_header(tmp_path):
    path = hostile.write_csv(tmp_path / "a.csv", [[*HEADERS, "检查日期"], [*hostile.inspection_row(), "2025-03-02"]])
    with pytest.raises(DomainError) as caught:
        validate(read_table(path, file_name="a.csv"), kind="inspections", file_name="a.csv")
    assert (caught.value.code, caught.value.context["column"]) == ("import.duplicate_header", "检查日期")
    assert "“检查日期”出现多次" in str(caught.value.message)


def test_validate_refuses_a_header_repeated_through_the_mapping():
    records = [inspection() | {"检查时间": "2025-03-01"}]
    with pytest.raises(DomainError) as caught:
        check("inspections", *records, mapping_columns={"检查时间": "检查日期"})
    assert caught.value.context["sources"] == ["检查日期", "检查时间"]


def test_validate_refuses_missing_required_headers_and_names_them(tmp_path):
    rows = [[h for h in HEADERS if h not in ("检查日期", "检查结果")], ["JC1", hostile.VALID_USCC, "日常检查", "", ""]]
    path = hostile.write_csv(tmp_path / "a.csv", rows)
    with pytest.raises(DomainError) as caught:
        validate(read_table(path, file_name="a.csv"), kind="inspections", file_name="a.csv")
    assert caught.value.code == "import.missing_header"
    assert caught.value.context["missing"] == ["检查日期", "检查结果"]
    assert str(caught.value.message).startswith("缺少必填列：检查日期、检查结果")


def test_validate_missing_header_says_which_kind_the_file_looks_like(tmp_path):
    path = hostile.write_csv(tmp_path / "a.csv", [HEADERS, hostile.inspection_row()])
    with pytest.raises(DomainError) as caught:
        validate(read_table(path, file_name="a.csv"), kind="penalties", file_name="a.csv")
    assert caught.value.context["looks_like"] == "inspections"
    assert "监督检查" in str(caught.value.message)


def test_validate_wrong_header_spelling_is_missing_but_width_and_asterisks_are_forgiven(tmp_path):
    headers = [
        "处罚决定书文号*",
        "统一社会信用代码",
        "处罚决定日期",
        "违法行为类型",
        "处罚种类",
        "罚没金额(元)",
        " 程序类型 ",
    ]
    rows = [headers, ["渝江北市监罚〔2025〕1号", uscc(1), "2025-06-01", "x", "罚款", "200", "简易程序"]]
    path = hostile.write_csv(tmp_path / "a.csv", rows)
    result = validate(read_table(path, file_name="a.csv"), kind="penalties", file_name="a.csv")
    assert result.good.select("amount", "procedure").row(0) == ("200.00", "simple")
    rows[0][2] = "决定日期"
    hostile.write_csv(path, rows)
    with pytest.raises(DomainError) as caught:
        validate(read_table(path, file_name="a.csv"), kind="penalties", file_name="a.csv")
    assert caught.value.context["missing"] == ["处罚决定日期"]


def test_validate_unknown_columns_are_ignored_with_a_warning():
    result = check("inspections", inspection() | {"备注": "无"})
    assert result.errors == []
    [warning] = result.warnings
    assert (warning["column"], warning["code"], warning["row"]) == ("备注", "import.unknown_column", None)


def test_validate_applies_the_source_mapping_and_reports_the_raw_text():
    records = [
        {"编号": "X1", "企业信用代码": uscc(1), "日期": "2025-03-01", "类型": "日常", "结论": "通过"},
        {"编号": "X2", "企业信用代码": uscc(2), "日期": "2025-03-01", "类型": "日常", "结论": "未知"},
    ]
    result = check(
        "inspections",
        *records,
        mapping_columns={
            "编号": "检查编号",
            "企业信用代码": "统一社会信用代码",
            "日期": "检查日期",
            "类型": "检查类型",
            "结论": "检查结果",
        },
        mapping_values={"检查类型": {"日常": "日常检查"}, "检查结果": {"通过": "符合"}},
    )
    assert result.good.select("source_id", "kind", "result").rows() == [("X1", "routine", "conform")]
    [error] = result.errors
    assert (error["row"], error["column"], error["value"]) == (2, "检查结果", "未知")
