"""Shapes of the alerts API."""

from datetime import date

from ninja import Field, Schema


class AlertOut(Schema):
    id: int
    detector: str
    is_notice: bool
    level: str
    uscc: str | None = Field(None, alias="operator.uscc")
    street: str
    sector: str
    unit_id: int | None
    raised_on: date
    last_seen_on: date
    repeats: int
    status: str
    measure_due: date
    measure: str
    action_due: date | None
    outcome: str


class MeasureIn(Schema):
    measure: str = Field(..., max_length=12)
    note: str = Field("", max_length=2000)


class InterviewIn(Schema):
    held_on: date
    rectification: str = Field(..., min_length=1, max_length=2000)


class ReplyIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)


class CloseIn(Schema):
    outcome: str = Field(..., max_length=20)
    note: str = Field("", max_length=2000)
