"""Request and response shapes of the planning API. Public schemas are allow-lists (DOMAIN.md Part I §4)."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from foodcredit.core.masking import mask_free_text
from foodcredit.inspections.models import Inspector

from . import rules
from .models import Plan, Task

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
    """An inspector of the directory (read from the model: its planning profile and annotated conflict count)."""

    id: int
    cert_no: str | None
    name: str
    department_code: str
    verified: bool
    sectors: list[str]
    available: bool
    conflict_count: int

    @staticmethod
    def resolve_sectors(obj: Inspector) -> list[str]:
        profile = getattr(obj, "planning_profile", None)
        return list(profile.sectors) if profile else []

    @staticmethod
    def resolve_available(obj: Inspector) -> bool:
        profile = getattr(obj, "planning_profile", None)
        return bool(profile.available) if profile else False


class InspectorProfileIn(Schema):
    sectors: list[Sector]
    available: bool = True


class ConflictIn(Schema):
    uscc: str = Field(max_length=18)
    kind: Literal["relative", "former_employer", "other"]
    note: str = Field(default="", max_length=200)


# Targets a plan may draw in one street: bounded like the inspector cap (a quota past 2^63 was a 500).
StreetQuota = Annotated[int, Field(ge=0, le=1_000_000)]


class PlanIn(Schema):
    name: str = Field(max_length=200)
    period_start: date
    period_end: date
    streets: list[str] = []
    sectors: list[Sector] = []
    business_types: list[str] = []
    ratios: dict[str, float] | None = None
    min_frequency: dict[str, float] | None = None
    street_quotas: dict[str, StreetQuota] | None = None
    exclude_inspected_within_days: int | None = Field(default=None, ge=0, le=3650)
    observation_months: int | None = Field(default=None, ge=0, le=120)
    inspectors_per_task: int | None = Field(default=None, ge=1, le=20)
    inspector_cap: int | None = Field(default=None, ge=1, le=1_000_000)
    draw: bool = True


class PlanReviseIn(Schema):
    reason: str = Field(max_length=300)
    ratios: dict[str, float] | None = None
    street_quotas: dict[str, StreetQuota] | None = None
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

    @staticmethod
    def resolve_frequency_shortfall(obj: Plan) -> dict[str, float]:
        return rules.frequency_shortfall(
            ratios=obj.ratios,
            min_frequency=obj.min_frequency,
            period_start=obj.period_start,
            period_end=obj.period_end,
        )

    @staticmethod
    def resolve_seed(obj: Plan) -> str | None:
        return obj.seed if obj.seed_revealed else None


class TaskOut(Schema):
    id: int
    plan_id: int | None
    kind: str
    status: str
    uscc: str = Field(alias="operator.uscc")
    operator_name: str = Field(alias="operator.name")
    street: str = Field(alias="operator.street")
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

    @staticmethod
    def resolve_inspector_ids(obj: Task) -> list[int]:
        return sorted(i.pk for i in obj.inspectors.all())

    @staticmethod
    def resolve_trigger_kind(obj: Task) -> str | None:
        return obj.trigger.kind if obj.trigger is not None else None

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        # The interface layer reads the clock (STYLE.md rule 7): today, as the list is served.
        return rules.task_overdue(due_on=obj.publish_due_on, published_on=obj.published_on, as_of=timezone.localdate())


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

    @staticmethod
    def resolve_seed(obj: Plan) -> str | None:
        # Public once the drawn plan is published (not while it is reviewed).
        published = obj.status in (Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED)
        return obj.seed if obj.seed_revealed and published else None


class PublicObjectOut(Schema):
    """A drawn object: registration data only (public)."""

    uscc: str = Field(alias="operator.uscc")
    name: str = Field(alias="operator.name")
    street: str = Field(alias="operator.street")


class PublicInspectorOut(Schema):
    """An inspector of a published result: officials acting in office are public by name and 执法证号 (一公开)."""

    name: str
    cert_no: str


class PublicResultOut(Schema):
    uscc: str = Field(alias="operator.uscc")
    name: str = Field(alias="operator.name")
    plan_id: int | None
    kind: str
    inspected_on: date | None
    result: str
    findings: str
    inspectors: list[PublicInspectorOut]
    published_on: date | None

    @staticmethod
    def resolve_findings(obj: Task) -> str:
        return mask_free_text(obj.findings)

    @staticmethod
    def resolve_inspectors(obj: Task) -> list[PublicInspectorOut]:
        return [PublicInspectorOut(name=i.name, cert_no=i.cert_no or "") for i in obj.inspectors.all()]


class FacilitationOut(Schema):
    risk_class: str
    green_channel: bool
    lenient_acceptance: bool
    notify_commit: bool


class InspectorIn(Schema):
    """An inspector added to the directory by 执法证号 (or an imported entry completed), verified or not."""

    cert_no: str = Field(min_length=6, max_length=40, pattern=r"^[0-9A-Za-z]+$")
    name: str = Field(min_length=1, max_length=100)
    department_code: str = Field(default="", max_length=40)


class InspectorVerifyIn(Schema):
    """What was checked against the 执法证 (its holder's name as on the certificate)."""

    name: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=200)


class ConflictWithdrawIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class TaskAssignIn(Schema):
    """The inspectors of a task (at least two, qualified for its sector, without a declared conflict)."""

    inspector_ids: list[int] = Field(min_length=2, max_length=20)
    reason: str = Field(default="", max_length=300)


class TaskCloseIn(Schema):
    """Closing a task without a result (撤销), with the reason."""

    reason: str = Field(min_length=1, max_length=300)
