"""Input and output shapes of the credit-file API. Public outputs are allow-lists (SECURITY.md B3)."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from .models import LedgerEntry


class CreditFileFilter(Schema):
    """Query parameters of the credit file: the view, filters and the keyset cursor."""

    view: Literal["internal", "public"] = "public"
    kind: list[LedgerEntry.Kind] | None = Field(None, description="entry kinds; repeat the parameter for several")
    date_from: date | None = None
    date_to: date | None = None
    source: str | None = Field(None, max_length=100, description="source system name")
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the previous page")


class WindowOut(Schema):
    """A disclosure window on one channel (internal view only)."""

    channel: str
    channel_label: str
    start: date
    end: date | None
    publish_by: date | None
    open: bool


class EntryOut(Schema):
    """One timeline entry; `windows` is null in the public view."""

    kind: str
    kind_label: str
    occurred_on: date
    summary: str
    detail: str
    source: str | None
    windows: list[WindowOut] | None


class LicenceOut(Schema):
    """A food licence in the operator header."""

    number: str
    kind_label: str
    issued_on: date
    valid_until: date
    status_label: str


class PublicOperatorOut(Schema):
    """The operator as the public sees it: registration data; personal data masked (DOMAIN.md Part I §4)."""

    uscc: str
    name: str
    legal_rep: str
    phone: str
    address: str
    street: str
    sector_label: str
    business_type: str
    status_label: str
    registered_on: date
    licences: list[LicenceOut]


class OperatorOut(PublicOperatorOut):
    """The operator for internal readers."""

    sector: str
    status: str
    new_business_form: bool


class CreditFileOut(Schema):
    """A page of an operator's credit file."""

    operator: OperatorOut | PublicOperatorOut
    view: Literal["internal", "public"]
    entries: list[EntryOut]
    next_cursor: str | None


class OperatorListItemOut(Schema):
    """An operator in search results."""

    uscc: str
    name: str
    street: str
    sector: str
    status: str
