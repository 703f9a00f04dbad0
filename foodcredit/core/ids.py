"""Identifier checks: USCC (GB 32100-2015) and food licence numbers (DOMAIN.md II §7). Pure functions."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# Registration department (position 1) → known organisation categories (position 2). DOMAIN.md II §7.1 [M].
USCC_TYPES: dict[str, set[str]] = {
    "1": {"1", "2", "3", "9"},
    "2": {"1", "9"},
    "3": {"1", "2", "3", "4", "5", "9"},
    "4": {"1", "9"},
    "5": {"1", "2", "3", "9"},
    "6": {"1", "2", "9"},
    "7": {"1", "2", "9"},
    "8": {"1", "9"},
    "9": {"1", "2", "3"},
    "A": {"1", "9"},
    "N": {"1", "2", "3", "9"},
    "Y": {"1"},
}
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

LICENCE_BUSINESS = re.compile(r"^JY[1-3][0-9]{13}$")
LICENCE_PRODUCTION = re.compile(r"^SC[12][0-9]{13}$")
# Historical formats still found in old data: QS (12 digits), 餐饮服务许可证 and 食品流通许可证 numbers.
LICENCE_LEGACY = re.compile(r"^(QS\d{12}|.*餐证字.*|.*食药监.*|SP\d{16}|\d{10,20})$")


@dataclass
class IdCheck:
    """Result of an identifier check: errors reject, warnings are reported and accepted."""

    value: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    legacy: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def uscc_check_character(first17: str) -> str:
    """The 18th character for 17 USCC characters."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_character(first8: str) -> str:
    """The GB 11714 organisation-code check character for its first 8 characters."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def uscc_validate(value: str, *, exceptions: frozenset[str] = frozenset()) -> IdCheck:
    """Check a 统一社会信用代码: format and check character reject; unknown type codes and inner check warn."""
    code = (value or "").strip().upper()
    check = IdCheck(code)
    if len(code) != 18:
        check.errors.append(str(_("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)}))
        return check
    if not _USCC_FORMAT.match(code):
        bad = sorted({c for c in code if c not in USCC_ALPHABET})
        check.errors.append(
            str(_("统一社会信用代码含非法字符 %(bad)s（不得含 I、O、S、V、Z）/ USCC has invalid characters %(bad)s"))
            % {"bad": "".join(bad) or code[2:8]}
        )
        return check
    expected = uscc_check_character(code[:17])
    if expected != code[17]:
        if code in exceptions:
            check.warnings.append(str(_("校验位不符，但在例外名单中")))
        else:
            check.errors.append(
                str(_("统一社会信用代码校验位错误：应为 %(exp)s，实际为 %(got)s")) % {"exp": expected, "got": code[17]}
            )
            return check
    if code[1] not in USCC_TYPES.get(code[0], set()):
        check.warnings.append(str(_("登记管理部门代码或机构类别代码 %(c)s 不在已知范围")) % {"c": code[:2]})
    org = code[8:17]
    if all(c in _ORG_ALPHABET for c in org[:8]) and org_code_check_character(org[:8]) != org[8]:
        check.warnings.append(str(_("内嵌组织机构代码校验不通过")))
    return check


def licence_validate(value: str, *, kind: str) -> IdCheck:
    """Check a licence number's structure: JY+14 digits (business) or SC+14 digits (production)."""
    number = (value or "").strip().upper()
    check = IdCheck(number)
    pattern = LICENCE_PRODUCTION if kind == "production" else LICENCE_BUSINESS
    if pattern.match(number):
        return check
    if not number.startswith(("JY", "SC")) and LICENCE_LEGACY.match(number):
        check.legacy = True
        check.warnings.append(str(_("许可证编号为旧版格式，已标记")))
        return check
    expected = "SC + 14位数字" if kind == "production" else "JY + 14位数字"
    check.errors.append(str(_("许可证编号格式错误，应为 %(exp)s")) % {"exp": expected})
    return check
