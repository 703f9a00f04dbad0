"""Pure rules of the credit report: its verification code (random characters and a check character) and the hash of
its content. No ORM, no clock: the service draws the randomness and reads the time."""

import hashlib
import json
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

# No 0/O or 1/I to misread on paper; 32 characters, so each carries 5 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_RANDOM = 15  # 75 bits: a code cannot be guessed to find another's report
CODE_LENGTH = CODE_RANDOM + 1
CODE_GROUP = 4
_SEPARATORS = re.compile(r"[\s\-－—_]+")


class CodeCheck(StrEnum):
    """What a typed or scanned code is before it is looked up."""

    WELL_FORMED = "well_formed"  # the right length and alphabet, and the check character agrees
    MALFORMED = "malformed"  # wrong length or characters: not a code this system writes
    BAD_CHECK = "bad_check"  # the check character disagrees: mistyped, or made up


def code_check_character(body: str) -> str:
    """The check character of a code's random part by the Luhn mod N algorithm over the 32 characters: it catches
    every single wrong character and almost every swap of two neighbours."""
    n = len(CODE_ALPHABET)
    total = 0
    for position, char in enumerate(reversed(body)):
        value = CODE_ALPHABET.index(char)
        if position % 2 == 0:
            value *= 2
            value = value // n + value % n
        total += value
    return CODE_ALPHABET[(n - total % n) % n]


def code_make(random_characters: Sequence[str]) -> str:
    """A code from `CODE_RANDOM` characters of the alphabet (drawn by the caller) and its check character."""
    body = "".join(random_characters)
    if len(body) != CODE_RANDOM or any(c not in CODE_ALPHABET for c in body):
        raise ValueError("a code's random part is CODE_RANDOM characters of CODE_ALPHABET")
    return body + code_check_character(body)


def code_normalise(typed: str) -> str:
    """A code as typed or scanned, upper-cased, without spaces and dashes (and the URL a QR code holds cut to its
    code)."""
    text = typed.strip()
    if "code=" in text:
        text = text.split("code=", 1)[1].split("&", 1)[0]
    return _SEPARATORS.sub("", text).upper()


def code_check(code: str) -> CodeCheck:
    """Whether a normalised code could have been issued by this system."""
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return CodeCheck.MALFORMED
    if code_check_character(code[:-1]) != code[-1]:
        return CodeCheck.BAD_CHECK
    return CodeCheck.WELL_FORMED


def code_display(code: str) -> str:
    """A code in groups of four, as printed: 'ABCD-EFGH-JKLM-NPQR'."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def content_canonical(content: dict[str, Any]) -> bytes:
    """The one serialisation of a report's content that its hash covers: JSON with sorted keys, no spaces, UTF-8 (the
    same data gives the same bytes; dates must already be ISO strings)."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(content: dict[str, Any]) -> str:
    """The SHA-256 of the canonical content, in hexadecimal."""
    return hashlib.sha256(content_canonical(content)).hexdigest()
