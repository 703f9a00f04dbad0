"""Request and response shapes of the planning API. Public schemas are allow-lists (DOMAIN.md Part I §4)."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

Sector = Literal["production", "circulation", "catering"]
RiskClass = Literal["A", "B", "C", "D"]


class ObjectFilter(Schema):
    street: str = ""
    sector: Sector | None = None
    business_type: str = ""
    risk_class: RiskClass | None = None
    limit: int = Field(default=100, ge=1, le=1000)


class FrequencyFilter(Schema):
    street: str = ""
    sector: Sector | None = None
    risk_class: RiskClass | None = None
    overdue: bool = Field(default=True, description="only operators due or overdue on today's date")
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class FrequencyRowOut(Schema):
    uscc: str
    name: str
    street: str
    sector: str
    risk_class: str
    last_inspected_on: date | None = Field(description="latest on-site inspection of any kind; none if never")
    due_on: date = Field(description="the class's interval after the last inspection (or the registration)")
    overdue_days: int = Field(description="days since due_on; negative: days left")


class FrequencyClassOut(Schema):
    interval_days: int
    operators: int
    overdue: int


class FrequencyPageOut(Schema):
    as_of: date
    classes: dict[str, FrequencyClassOut]
    count: int
    items: list[FrequencyRowOut]


class ObjectOut(Schema):
    uscc: str
    name: str
    street: str
    sector: str
    business_type: str
    risk_class: str
    new_business_form: bool


class ObjectPageOut(Schema):
    count: int
    items: list[ObjectOut]


class InspectorOut(Schema):
    id: int
    cert_no: str | None
    name: str
    department_code: str
    verified: bool
    sectors: list[str]
    available: bool
    conflict_count: int


class InspectorProfileIn(Schema):
    sectors: list[Sector]
    available: bool = True


class ConflictIn(Schema):
    uscc: str = Field(max_length=18)
    kind: Literal["relative", "former_employer", "other"]
    note: str = Field(default="", max_length=200)


class PlanIn(Schema):
    name: str = Field(max_length=200)
    period_start: date
    period_end: date
    streets: list[str] = []
    sectors: list[Sector] = []
    business_types: list[str] = []
    ratios: dict[str, float] | None = None
    min_frequency: dict[str, float] | None = None
    street_quotas: dict[str, int] | None = None
    exclude_inspected_within_days: int | None = Field(default=None, ge=0, le=3650)
    observation_months: int | None = Field(default=None, ge=0, le=120)
    inspectors_per_task: int | None = Field(default=None, ge=1, le=20)
    inspector_cap: int | None = Field(default=None, ge=1, le=1_000_000)
    draw: bool = True


class PlanReviseIn(Schema):
    reason: str = Field(max_length=300)
    ratios: dict[str, float] | None = None
    street_quotas: dict[str, int] | None = None
    inspector_cap: int | None = Field(default=None, ge=1, le=1_000_000)


class PlanOut(Schema):
    """A plan as published: the seed appears only once revealed (after the draw)."""

    id: int
    name: str
    version: int
    previous_id: int | None
    status: str
    period_start: date
    period_end: date
    scope: dict[str, list[str]]
    ratios: dict[str, float]
    min_frequency: dict[str, float]
    frequency_shortfall: dict[str, float]  # expected random visits a year, for classes below their minimum
    street_quotas: dict[str, int]
    inspectors_per_task: int
    inspector_cap: int
    seed_commitment: str
    committed_at: datetime
    snapshot_sha256: str
    snapshot_at: datetime | None
    seed: str | None
    algorithm: str
    object_count: int
    task_count: int
    drawn_at: datetime | None


class TaskOut(Schema):
    id: int
    plan_id: int | None
    kind: str
    status: str
    uscc: str
    operator_name: str
    street: str
    risk_class: str
    inspector_ids: list[int]
    trigger_kind: str | None
    inspected_on: date | None
    result: str
    findings: str
    publish_due_on: date | None
    publish_due_estimated: bool
    published_on: date | None
    overdue: bool


class ResultIn(Schema):
    result: Literal["conform", "basically_conform", "nonconform"]
    findings: str = Field(default="", max_length=5000)
    inspected_on: date
    publish: bool = False


class PublicPlanOut(Schema):
    id: int
    name: str
    version: int
    status: str
    period_start: date
    period_end: date
    ratios: dict[str, float]
    seed_commitment: str
    snapshot_sha256: str
    seed: str | None
    task_count: int


class PublicObjectOut(Schema):
    uscc: str
    name: str
    street: str


class PublicResultOut(Schema):
    uscc: str
    name: str
    plan_id: int | None
    kind: str
    inspected_on: date | None
    result: str
    findings: str
    inspectors: list[str]
    published_on: date | None


class FacilitationOut(Schema):
    risk_class: str
    green_channel: bool
    lenient_acceptance: bool
    notify_commit: bool
