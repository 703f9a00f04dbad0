"""Password rules beyond Django's own (SECURITY.md A2): no words of the bureau's context, and for staff accounts
three kinds of character of five. Django's validators keep the length (12), the common-password list (≈ 20,000) and
the similarity to the user's own attributes; nothing caps the length, and any script is allowed."""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The bureau's own words and their pinyin, which dictionary attacks on a regulator's accounts try first.
CONTEXT_WORDS = (
    "市场监管",
    "市监",
    "食安",
    "食品安全",
    "信用",
    "江北",
    "重庆",
    "监管局",
    "shichangjianguan",
    "shijian",
    "shian",
    "shipinanquan",
    "xinyong",
    "jiangbei",
    "chongqing",
    "foodcredit",
    "samr",
)
EXTERNAL_ROLES = ("business", "association")  # not staff: the class rule is for the bureau's and departments' people


def _folded(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if not ch.isspace())


class ContextWordValidator:
    """No password contains one of the bureau's context words, or the username (spaces and case ignored)."""

    def __init__(self, words: tuple[str, ...] | list[str] = CONTEXT_WORDS) -> None:
        self.words = tuple(_folded(w) for w in words if w)

    def validate(self, password: str, user: Any = None) -> None:
        folded = _folded(password)
        username = _folded(str(getattr(user, "username", "") or ""))
        found = [w for w in self.words if w in folded] + (
            [username] if len(username) >= 3 and username in folded else []
        )
        if found:
            raise ValidationError(
                _("密码不得包含单位、地区或用户名等易猜词语"),
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return str(_("密码不得包含单位、地区或用户名等易猜词语。"))


def character_kinds(password: str) -> int:
    """Kinds of character present: lower-case, upper-case, digits, ASCII symbols (and spaces), other scripts."""
    kinds = {
        "lower": any("a" <= ch <= "z" for ch in password),
        "upper": any("A" <= ch <= "Z" for ch in password),
        "digit": any(ch.isdigit() and ch.isascii() for ch in password),
        "symbol": any(ch.isascii() and not ch.isalnum() for ch in password),
        "other": any(not ch.isascii() for ch in password),  # 汉字 and every other script count as one kind
    }
    return sum(kinds.values())


class StaffCharacterKindsValidator:
    """Staff accounts (every role but business and association users, and a new account whose role is not known
    yet): at least `min_kinds` of the five kinds of character — the usual 等保 测评 reading of 复杂度要求."""

    def __init__(self, min_kinds: int = 3) -> None:
        self.min_kinds = min_kinds

    def validate(self, password: str, user: Any = None) -> None:
        if getattr(user, "role", "") in EXTERNAL_ROLES:
            return
        if character_kinds(password) < self.min_kinds:
            raise ValidationError(
                _("工作人员密码须含以下%(n)s类以上字符：小写字母、大写字母、数字、符号、汉字等其他文字"),
                code="password_too_plain",
                params={"n": self.min_kinds},
            )

    def get_help_text(self) -> str:
        return str(_("工作人员密码须含小写字母、大写字母、数字、符号、汉字等其他文字中的至少三类。"))
