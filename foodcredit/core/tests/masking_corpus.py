"""The masking corpus (DOMAIN.md Part I §4): personal numbers that must never reach public or business-facing output,
and public identifiers that must survive it. Test data as a module, shared by the unit test of `mask_free_text` and
the crawl test that plants it through the import writers.

Every ID number here is valid (area code, birth date and, for 18 characters, the check character), computed below
rather than typed, so that a typo cannot make a test pass.
"""

import re
from dataclasses import dataclass

from foodcredit.core.ids import uscc_check_character

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id18(first17: str) -> str:
    """An 18-character ID number: 17 digits and their ISO 7064 MOD 11-2 check character."""
    return first17 + _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def reg_no(first14: str) -> str:
    """A 15-digit 注册号 (old business registration number): 14 digits and their ISO 7064 MOD 11,10 check digit."""
    p = 10
    for c in first14:
        s = p % 11 + int(c)
        p = (s % 10 or 10) * 2
    return first14 + str((1 - p % 11) % 10)


def uscc(first17: str) -> str:
    """A 统一社会信用代码 with its GB 32100 check character."""
    return first17 + uscc_check_character(first17)


def uscc_all_digits(first16: str) -> str:
    """An all-digit 统一社会信用代码: the first 17th digit after `first16` whose check character is a digit."""
    return next(code for d in "0123456789" if (code := uscc(first16 + d))[-1].isdigit())


@dataclass(frozen=True)
class Secret:
    """A personal number as written in free text, and its digits (which must not appear in output either)."""

    written: str
    digits: str
    what: str


def _secret(written: str, what: str) -> Secret:
    import unicodedata

    normal = unicodedata.normalize("NFKC", written)
    return Secret(written, re.sub(r"[^0-9Xx]", "", normal).upper().removeprefix("0086").removeprefix("86"), what)


ID18 = [
    id18("50010519850317123"),  # Jiangbei district
    id18("11010519491231002"),  # the old test's number
    id18("44030520000229456"),  # a leap day
    id18("50011219700101078"),
    id18("32058319911111555"),
]
# At least one ID ending in X, written upper and lower case.
ID18_X = next(x for n in range(1000) if (x := id18(f"50010519880808{n:03d}"))[-1] == "X")
ID15 = ["500105850317123", "110105491231002", "440305760229456", "320583911111555"]
MOBILES = [
    "13812345678",
    "+8613912345678",
    "+86 137 1234 5678",
    "138-2234-5678",
    "139 8765 4321",
    "008615012345678",
    "0086 151 1234 5678",
    "+86-186-1234-5678",
    "(+86)17712345678",
    "１８８１２３４５６７８",  # full-width digits, as an input method writes them
    "199 0000 1111",
    "1351 2345 678",  # 4-4-3, as some write it
    "＋８６－１３６－１２３４－５６７８",  # full-width plus and hyphens
]
LANDLINES = ["023-67001234", "(023)67881234", "023 6788 1235", "010-88886666", "（0755）8888 6666", "023－67001299"]

SECRETS: list[Secret] = [
    *[_secret(v, "ID 18") for v in ID18],
    _secret(ID18_X, "ID 18 with X"),
    _secret(ID18_X[:-1] + "x", "ID 18 with lower-case x"),
    _secret(f"{ID18[0][:6]} {ID18[0][6:14]} {ID18[0][14:]}", "ID 18 in groups"),
    _secret(f"{ID18[1][:6]} {ID18[1][6:10]} {ID18[1][10:14]} {ID18[1][14:]}", "ID 18 in groups of 6-4-4-4"),
    _secret(f"{ID15[1][:6]}-{ID15[1][6:12]}-{ID15[1][12:]}", "ID 15 in groups"),
    *[_secret(v, "ID 15") for v in ID15],
    *[_secret(v, "mobile") for v in MOBILES],
    *[_secret(v, "landline") for v in LANDLINES],
]

# Public identifiers: registration data and decisions that the disclosure rules publish as they are.
PUBLIC: list[str] = [
    uscc("91500105MA5U8K3D1"),
    uscc("92500105MA60ABCD4"),
    # All-digit USCCs: 18 digits like an ID number, but their 3rd–8th characters are an area code, so the "birth
    # date" starts with the area's last two digits (05 → year 05xx) and no ID check applies.
    uscc_all_digits("9150010520394857"),
    uscc_all_digits("9250010509384756"),
    uscc_all_digits("9350010570881234"),
    uscc_all_digits("1250000045040662"),
    uscc_all_digits("5250010534567890"),
    # 15-digit 注册号: registration authority code, sequence, MOD 11,10 check digit.
    reg_no("50010500001234"),
    reg_no("50010500015678"),
    reg_no("50010560000123"),
    reg_no("50010540009876"),
    # Its sequence reads like a birth date (60-01-23), so only its label tells it from a 15-digit ID number.
    "注册号：" + reg_no("50010560012345"),
    "JY15001050012345",
    "JY25001050098765",
    "SC10650010500012",
    "渝江北市监罚〔2024〕138号",
    "江北市监处罚[2023]00012号",
    "渝江北市监罚字〔2025〕第1380号",
    "138,000.00",
    "50000.00",
    "1234567.89",
    "2024-01-15",
    "2024年1月15日",
    "20240115",
    "12315",
    "400-823-1234",
    "GB 2763-2021",
]

# Contexts a number is written in: Chinese and Latin text, right after letters or Chinese characters, at the ends.
CONTEXTS = [
    "当事人张三（身份证号{}）拒不整改",
    "联系电话{}，地址观音桥街道",
    "Tel:{} ask for Mr Zhang",
    "ID{}",
    "号码{}号",
    "{}",
    "见附件{}。",
    "abc{}def",
    "电话：{}；",
]


def planted_text(values: list[str]) -> str:
    """One free-text value holding each value once in turn through the contexts, as a regulator might type it."""
    return "；".join(CONTEXTS[i % len(CONTEXTS)].format(v) for i, v in enumerate(values))


def leaks(output: str) -> list[Secret]:
    """The secrets whose written form or whose digits appear in `output`."""
    import unicodedata

    normal = unicodedata.normalize("NFKC", output)
    squeezed = re.sub(r"[\s\-+()（）]", "", normal).upper()
    return [s for s in SECRETS if s.written in output or s.digits in squeezed]


def false_masks(output: str, planted: list[str] | None = None) -> list[str]:
    """The public identifiers (of `planted`, by default all) that no longer appear in `output` as written."""
    return [p for p in (planted if planted is not None else PUBLIC) if p not in output]
