"""Masking for public output, DOMAIN.md Part I §4 — the only place the formats are defined."""

import re

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_STREET_CUT = re.compile(r"^(.*?(?:街道|镇|乡))")


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
    digits = re.sub(r"\D", "", value)
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


def mask_free_text(value: str | None) -> str:
    """Scrub ID and mobile numbers from free text (findings, failed items)."""
    if not value:
        return ""
    return _MOBILE.sub(r"\1****\2", _ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(2), value))
