"""Masking for public and business-facing output, DOMAIN.md Part I §4 — the only place the formats are defined.

Structured fields have their own maskers (`mask_id_number`, `mask_phone`, `mask_person_name`, `mask_address`).
Free text (findings, failed items, product names, violations, complaint categories, typical cases) goes through
ONE function, `mask_free_text`, driven by ONE list of patterns, `PATTERNS`:

- ID numbers of 18 characters, masked when the area code (a province code; or 9 + a province code, the 2023
  foreigner's permanent residence card), the birth date (1900 to today) and the ISO 7064 MOD 11-2 check character
  are valid; of 15 digits (issued before 1999), when the area code and the birth date 19yymmdd are valid. Digits
  may be full-width and the groups (6-8-4 or 6-4-4-4) separated by a space or a dash. Shown as the first 6 and
  last 4 characters.
- mobile numbers 1[3-9]x xxxx xxxx, with or without +86 / 0086 / 86 / (+86), in one run or in 3-4-4 (or 4-4-3)
  groups separated by spaces or dashes, full-width digits too. Shown as 138****5678 (a country prefix is kept).
- landlines with an area code (0 + 2 or 3 digits, e.g. 023-67001234, (023)67881234, 023 6788 1234): in free text
  a number written with its area code is more often a person's contact than the operator's published one, and an
  operator's phone is masked in its header as well, so they are masked too: the area code and the last 4 digits
  stay (023-****1234). Numbers without an area code (67001234) are left alone: they cannot be told from amounts
  and serial numbers. Service numbers (400-, 800-, 12315) are public and left alone.

A number counts only where no digit stands right before or after it; letters and Chinese characters do not
shield it (no \\b, which treats 汉字 and digits alike as word characters).

Public identifiers survive: an all-digit 统一社会信用代码 has its area code where an ID has its birth year, so it is
almost never a valid ID; a 15-digit 注册号 is told from a 15-digit ID by its MOD 11,10 check digit. Where a number is
valid both ways, privacy wins — it is masked — unless the label of the public identifier stands right before it
(统一社会信用代码, 注册号, 营业执照…) and its own check passes. JY/SC licence numbers, decision numbers, amounts
and dates never match (letters before them are not digits, but their digit runs have the wrong length or shape).
"""

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils import timezone

from .ids import uscc_check_character

_STREET_CUT = re.compile(r"^(.*?(?:街道|镇|乡))")

# --- structured fields ------------------------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """ID number: first 6 and last 4 characters."""
    if not value:
        return ""
    v = value.strip()
    return v[:6] + "*" * max(len(v) - 10, 0) + v[-4:] if len(v) > 10 else "*" * len(v)


def mask_phone(value: str | None) -> str:
    """Mobile 138****5678; other numbers keep only their last 4 digits."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def mask_person_name(value: str | None) -> str:
    """Natural persons other than a 个体工商户's operator: 张*."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_address(value: str | None) -> str:
    """A natural person's address: down to the street or town."""
    if not value:
        return ""
    m = _STREET_CUT.match(value)
    return (m.group(1) if m else value[:6]) + "****"


# --- free text: the one list of patterns ------------------------------------------------------------------------

_D = "[0-9０-９]"  # a digit, ASCII or full-width (not \d: other scripts' digits are not numbers here)
_S = "[ \u00a0\u3000\\-‐－–—]"  # one separator between digit groups
_NO_DIGIT_BEFORE = f"(?<!{_D})"
_NO_DIGIT_AFTER = f"(?!{_D})"

# GB/T 2260 province-level codes (the first two digits of an ID number's area code); 71/81/82/83: Taiwan, Hong Kong,
# Macao and the residence permits of their residents.
_PROVINCE_RANGES = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
PROVINCES = frozenset(str(code) for low, high in _PROVINCE_RANGES for code in range(low, high + 1))
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# A public identifier's label right before a number that could also be an ID number.
_PUBLIC_LABEL = re.compile(
    r"(统一社会信用代码|社会信用代码|信用代码|USCC|注册号|注册编号|营业执照(号码?)?)[\s:：是为]*$", re.I
)


def _plain(text: str) -> str:
    """ASCII digits and upper-case X, without separators."""
    return re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", text).upper())


def _birth_date_valid(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= timezone.localdate()


def id18_valid(number: str) -> bool:
    """An 18-character ID number: province code (or 9 + a province code), birth date and check character."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    area_ok = number[:2] in PROVINCES or (number[0] == "9" and number[1:3] in PROVINCES)
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True)) % 11]
    return (
        area_ok
        and number[17] == expected
        and _birth_date_valid(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    )


def id15_valid(number: str) -> bool:
    """A 15-digit ID number (no check digit): province code and birth date 19yymmdd."""
    return (
        bool(re.fullmatch(r"\d{15}", number))
        and number[:2] in PROVINCES
        and _birth_date_valid(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    )


def reg_no_valid(number: str) -> bool:
    """A 15-digit 注册号: its ISO 7064 MOD 11,10 check digit."""
    if not re.fullmatch(r"\d{15}", number):
        return False
    p = 10
    for c in number[:14]:
        p = ((p % 11 + int(c)) % 10 or 10) * 2
    return (p % 11 + int(number[14])) % 10 == 1


def _uscc_valid(number: str) -> bool:
    return uscc_check_character(number[:17]) == number[17]


def _labelled_public(text: str, start: int) -> bool:
    return bool(_PUBLIC_LABEL.search(text[max(start - 12, 0) : start]))


def _mask_id(match: re.Match[str]) -> str:
    number = _plain(match.group())
    if len(number) == 18:
        if not id18_valid(number) or (_labelled_public(match.string, match.start()) and _uscc_valid(number)):
            return match.group()
    elif not id15_valid(number) or (_labelled_public(match.string, match.start()) and reg_no_valid(number)):
        return match.group()
    return mask_id_number(number)


_MOBILE_PREFIX = r"(?:(?:\+|＋|00|００)?(?:86|８６)|[(（](?:\+|＋)?(?:86|８６)[)）])"
# 3-4-4 (with or without separators), or 4-4-3 with separators.
_MOBILE_CORE = f"(?:[1１][3-9３-９]{_D}{_S}?{_D}{{4}}{_S}?{_D}{{4}}|[1１][3-9３-９]{_D}{{2}}{_S}{_D}{{4}}{_S}{_D}{{3}})"
_MOBILE_PARTS = re.compile(f"(?P<prefix>{_MOBILE_PREFIX}{_S}?)?(?P<core>{_MOBILE_CORE})")


def _mask_mobile(match: re.Match[str]) -> str:
    parts = _MOBILE_PARTS.fullmatch(match.group())
    if parts is None:  # pragma: no cover - the same expression matched
        return match.group()
    digits = _plain(parts.group("core"))
    return (parts.group("prefix") or "") + f"{digits[:3]}****{digits[-4:]}"


_LANDLINE_PARTS = re.compile(f"(?P<area>[(（]?0[1-9]{_D}{{1,2}}[)）]?{_S}?)(?P<local>{_D}{{3,4}}{_S}?{_D}{{4}})")


def _mask_landline(match: re.Match[str]) -> str:
    parts = _LANDLINE_PARTS.fullmatch(match.group())
    if parts is None:  # pragma: no cover - the same expression matched
        return match.group()
    return parts.group("area") + "****" + _plain(parts.group("local"))[-4:]


# (name, expression, masker), applied in this order, each over the text the previous one left: a masked number has
# stars in it and cannot match again, and a candidate one pattern rejects (00861501234567 is no 15-digit ID) stays
# for the next. A masker given a match that is not what it masks returns it unchanged.
PATTERNS: list[tuple[str, str, Callable[[re.Match[str]], str]]] = [
    ("id18", f"{_D}{{6}}{_S}?{_D}{{4}}{_S}?{_D}{{4}}{_S}?{_D}{{3}}[0-9０-９XxＸｘ]", _mask_id),
    ("id15", f"{_D}{{6}}{_S}?{_D}{{6}}{_S}?{_D}{{3}}(?![XxＸｘ])", _mask_id),
    ("mobile", f"{_MOBILE_PREFIX}?{_S}?{_MOBILE_CORE}", _mask_mobile),
    ("landline", _LANDLINE_PARTS.pattern, _mask_landline),
]
_COMPILED = [(re.compile(f"{_NO_DIGIT_BEFORE}{expr}{_NO_DIGIT_AFTER}"), masker) for _name, expr, masker in PATTERNS]


def mask_free_text(value: str | None) -> str:
    """Free text with every ID and phone number masked (the patterns above); public identifiers left as written."""
    if not value:
        return ""
    for pattern, masker in _COMPILED:
        value = pattern.sub(masker, value)
    return value


_DIGEST = re.compile(r"[0-9a-f]{32,}|[0-9A-F]{32,}")


def mask_values(value: Any) -> Any:
    """A JSON-like value (an audit diff) with every string through `mask_free_text`; hex digests are left whole."""
    if isinstance(value, str):
        return value if _DIGEST.fullmatch(value) else mask_free_text(value)
    if isinstance(value, list):
        return [mask_values(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_values(v) for k, v in value.items()}
    return value
