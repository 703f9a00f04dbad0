"""API shapes of the risk domain."""

from datetime import date

from ninja import Schema
from pydantic import Field


class ClassOut(Schema):
    """An operator's current class with the indicators behind it (internal: regulators only see the score)."""

    uscc: str
    risk_class: str
    label: str
    as_of: date
    explanation: list[str]
    model_version: str
    rule: str
    score: float | None = Field(description="higher = riskier; none for a class set by a regulator before any run")


class PublicClassOut(Schema):
    """The class as disclosed on the public profile (DOMAIN.md Part I §4): class, meaning, date; no score."""

    uscc: str
    risk_class: str
    label: str
    as_of: date


class ClassHistoryItem(Schema):
    as_of: date
    risk_class: str
    score: float
    model_version: str
    rule: str


class OverrideIn(Schema):
    risk_class: str = Field(pattern="^[ABCD]$")
    reason: str = Field(min_length=1, max_length=2000)
    days: int | None = Field(default=None, ge=1)
