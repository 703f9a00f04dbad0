"""Reads of the credit file (信用档案): an operator's ledger as a timeline, internal or public.

The public view shows what is disclosed today on the district portal (`rules.disclosure_windows`), masked per
DOMAIN.md Part I §4. The internal view for a business user leaves out other parties' data (inspector names,
complainant-side details). The timeline reads the ledger through its index (operator, -occurred_on, -id) with
keyset pagination, and fetches the records a page refers to with one query per kind — through the models the record
domains register (`credit.records`), never by naming them. Each entry's text is written by `credit_file_text`.
"""

import base64
import binascii
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts.models import User
from foodcredit.core import masking
from foodcredit.core.errors import DomainError
from foodcredit.operators.models import Operator

from .. import policy as credit_policy
from .. import rules
from ..models import LedgerEntry
from ..records import record_model
from .credit_file_text import Audience, WindowDisplay, choice_label, entry_text, entry_windows
from .disclosure import HoldMark, hold_marks, unheld

View = Literal["internal", "public"]
Reader = User | AnonymousUser | None

K = LedgerEntry.Kind
PORTAL = "district_portal"
# Public pages drop a few rows the SQL pre-filter lets through (warnings only, short-period fines, revoked
# decisions); fetching this many extra rows per round trip keeps a page to one query in the usual case.
PUBLIC_FETCH_SLACK = 10


@dataclass(frozen=True)
class CreditFileEntry:
    """One line of the timeline: what happened, when, from which source; windows only in the internal view."""

    id: int
    kind: str
    kind_label: str
    occurred_on: date
    summary: str
    detail: str
    source: str | None
    windows: list[WindowDisplay] | None
    # The record's 不予公示 mark, shown on the internal file (a held record is never on the public one).
    hold: HoldMark | None = None


@dataclass(frozen=True)
class CreditFilePage:
    """A page of the timeline and the opaque cursor of the next one (None on the last page)."""

    entries: list[CreditFileEntry]
    next_cursor: str | None


@dataclass(frozen=True)
class LicenceCard:
    """A licence as shown in the operator header."""

    number: str
    kind_label: str
    issued_on: date
    valid_until: date
    status_label: str


@dataclass(frozen=True)
class OperatorCard:
    """The operator header of a credit file; personal data already masked for the public view."""

    uscc: str
    name: str
    legal_rep: str
    phone: str
    address: str
    street: str
    sector: str
    sector_label: str
    business_type: str
    status: str
    status_label: str
    registered_on: date
    new_business_form: bool
    licences: list[LicenceCard]


@dataclass(frozen=True)
class YearSeries:
    """Entries per year for one kind (the credit file chart)."""

    kind: str
    label: str
    counts: list[int]


@dataclass(frozen=True)
class YearCounts:
    """Entries per year by kind: the years on the x axis and one series per kind."""

    years: list[int]
    series: list[YearSeries]


def kinds_hidden_from(audience: Audience) -> list[str]:
    """Entry kinds an audience never sees on its timeline: where the deployment keeps risk classes internal
    (DISCLOSE_RISK_CLASS off, DOMAIN.md Part I §4), the operator's own users do not see its class changes either.
    (The public timeline holds only what the disclosure rules list, which never includes class changes.)"""
    if audience == "party" and not settings.DISCLOSE_RISK_CLASS:
        return [K.CLASS_CHANGE]
    return []


def credit_file_audience(*, view: View, for_user: Reader) -> Audience:
    """Who the file is shown to: a business user's internal view leaves out other parties' data."""
    if view == "public":
        return "public"
    if isinstance(for_user, User) and for_user.role == User.Role.BUSINESS:
        return "party"
    return "staff"


# --- cursor -------------------------------------------------------------------------------------------------------


def cursor_encode(*, occurred_on: date, entry_id: int) -> str:
    """An opaque keyset cursor for the position after (occurred_on, id)."""
    return base64.urlsafe_b64encode(f"{occurred_on.isoformat()}|{entry_id}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[date, int]:
    """The (occurred_on, id) position of a cursor; DomainError if it was not made by `cursor_encode`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, entry_id = raw.split("|")
        return date.fromisoformat(day), int(entry_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise DomainError("credit_file.bad_cursor", _("翻页游标无效。"), cursor=cursor[:40]) from exc


# --- queries ------------------------------------------------------------------------------------------------------


def _public_prefilter(*, as_of: date, policy: rules.DisclosurePolicy) -> Q:
    """The rows that can be public on the district portal on `as_of`: a superset of `rules.disclosed_on`, less the
    records marked 不予公示 (the mark is exact here: no row it excludes is public).

    Kinds with no portal window never reach Python. A window [occurred_on, occurred_on + period) is open on as_of
    only if occurred_on > as_of - period (relativedelta clamps month ends downwards, so this never drops an open
    window). Penalties with a restriction period may stay public longer; the exact rule runs in Python.
    """
    penalty_cutoff = min(as_of - policy.penalty_long, as_of - policy.penalty_short)
    return (
        Q(occurred_on__lte=as_of)
        & unheld()
        & (
            Q(kind__in=[K.REGISTRATION, K.LICENCE])
            | Q(kind=K.LIST_DECISION, facts__status__in=["listed", "removed"])
            | Q(kind=K.COMMITMENT)
            | Q(kind=K.INSPECTION, occurred_on__gt=as_of - policy.inspection_period)
            | Q(kind=K.SAMPLING_TEST, occurred_on__gt=as_of - policy.sampling_period)
            | (
                Q(kind=K.PENALTY, facts__procedure="ordinary")
                & (Q(occurred_on__gt=penalty_cutoff) | Q(facts__has_key="restriction_until"))
            )
        )
    )


def _timeline(
    *,
    operator: Operator,
    kinds: Iterable[str] | None,
    date_from: date | None,
    date_to: date | None,
    source: str | None,
) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(operator=operator, superseded_by__isnull=True)
    if kinds:
        entries = entries.filter(kind__in=list(kinds))
    if date_from:
        entries = entries.filter(occurred_on__gte=date_from)
    if date_to:
        entries = entries.filter(occurred_on__lte=date_to)
    if source:
        entries = entries.filter(source__name=source)
    return entries.select_related("source").order_by("-occurred_on", "-id")


def _after(position: tuple[date, int]) -> Q:
    # The first clause is an index condition on (operator, occurred_on); the second resolves ties on the same day.
    day, entry_id = position
    return Q(occurred_on__lte=day) & (Q(occurred_on__lt=day) | Q(id__lt=entry_id))


def _disclosed_today(entry: LedgerEntry, *, as_of: date, policy: rules.DisclosurePolicy) -> bool:
    return rules.disclosed_on(entry.kind, entry.facts, entry.occurred_on, policy, day=as_of, channel=PORTAL)


def credit_file_page(
    *,
    operator: Operator,
    view: View,
    as_of: date,
    kinds: Iterable[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    source: str | None = None,
    cursor: str | None = None,
    page_size: int | None = None,
    for_user: Reader = None,
) -> CreditFilePage:
    """A page of the operator's current entries, newest first by (occurred_on, id), with the next page's cursor.

    `view="public"` keeps only what is disclosed on the district portal on `as_of`, masked; `for_user` (the
    reader, already checked to be in scope by the caller) decides whether other parties' data is left out.
    """
    size = page_size or settings.CREDIT_FILE_PAGE_SIZE
    policy = credit_policy.disclosure_policy()
    audience = credit_file_audience(view=view, for_user=for_user)
    entries = _timeline(operator=operator, kinds=kinds, date_from=date_from, date_to=date_to, source=source)
    if hidden := kinds_hidden_from(audience):
        entries = entries.exclude(kind__in=hidden)
    if audience == "public":
        entries = entries.filter(_public_prefilter(as_of=as_of, policy=policy))
    position = cursor_decode(cursor) if cursor else None

    wanted = size + 1  # one more than a page tells whether there is a next page
    chosen: list[LedgerEntry] = []
    while len(chosen) < wanted:
        batch_size = wanted - len(chosen) + (PUBLIC_FETCH_SLACK if audience == "public" else 0)
        batch = list((entries.filter(_after(position)) if position else entries)[:batch_size])
        for entry in batch:
            if audience != "public" or _disclosed_today(entry, as_of=as_of, policy=policy):
                chosen.append(entry)
                if len(chosen) == wanted:
                    break
        if len(batch) < batch_size:
            break
        position = (batch[-1].occurred_on, batch[-1].pk)

    page = chosen[:size]
    next_cursor = cursor_encode(occurred_on=page[-1].occurred_on, entry_id=page[-1].pk) if len(chosen) > size else None
    return CreditFilePage(
        entries=_display(page, audience=audience, as_of=as_of, policy=policy), next_cursor=next_cursor
    )


def credit_file_year_counts(*, operator: Operator, as_of: date, audience: Audience = "staff") -> YearCounts:
    """Current entries per year and kind up to `as_of`, for the internal credit file's chart (kinds the audience
    does not see left out)."""
    rows = {
        (row["year"], row["kind"]): row["n"]
        for row in LedgerEntry.objects.filter(operator=operator, superseded_by__isnull=True, occurred_on__lte=as_of)
        .exclude(kind__in=kinds_hidden_from(audience))
        .annotate(year=ExtractYear("occurred_on"))
        .values("year", "kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    years = sorted({year for year, _kind in rows})
    kinds = [k for k in K.values if any(kind == k for _year, kind in rows)]
    return YearCounts(
        years=years,
        series=[
            YearSeries(kind=k, label=gettext(K(k).label), counts=[rows.get((y, k), 0) for y in years]) for k in kinds
        ],
    )


def credit_file_sources(*, operator: Operator) -> list[str]:
    """The names of the sources the operator's current entries came from (the timeline's source filter)."""
    return sorted(
        set(
            LedgerEntry.objects.filter(operator=operator, superseded_by__isnull=True, source__isnull=False)
            .values_list("source__name", flat=True)
            .distinct()
        )
    )


# --- the operator header ------------------------------------------------------------------------------------------


def credit_file_operator(*, operator: Operator, view: View) -> OperatorCard:
    """The operator header, masked for the public view (DOMAIN.md Part I §4).

    A 个体工商户's operator name is registration data and stays public, but its address may be the person's home
    and is cut to the street; any other legal representative's name is masked (张*); phones are always masked.
    """
    public = view == "public"
    legal_rep, address = operator.legal_rep, operator.address
    if public and operator.is_individual_business:
        address = masking.mask_address(address)
    elif public:
        legal_rep = masking.mask_person_name(legal_rep)
    if public:
        # An address is free text as registered: a contact number written into it is masked like any other.
        address = masking.mask_free_text(address)
    registered = record_model(K.LICENCE)
    licence_model = registered.model if registered else None
    found_licences = licence_model._default_manager.filter(operator=operator) if licence_model else None
    if found_licences is not None and public:
        found_licences = found_licences.filter(unheld(ref_kind="licence", ref_id_field="pk"))
    found: list[Any] = list(found_licences.order_by("-issued_on")) if found_licences is not None else []
    licences = [
        LicenceCard(
            number=licence.number,
            kind_label=choice_label(licence_model, "kind", licence.kind),
            issued_on=licence.issued_on,
            valid_until=licence.valid_until,
            status_label=choice_label(licence_model, "status", licence.status),
        )
        for licence in found
    ]
    return OperatorCard(
        uscc=operator.uscc,
        name=operator.name,
        legal_rep=legal_rep,
        phone=masking.mask_phone(operator.phone) if public else operator.phone,
        address=address,
        street=operator.street,
        sector=operator.sector,
        sector_label=choice_label(Operator, "sector", operator.sector),
        business_type=operator.business_type,
        status=operator.status,
        status_label=choice_label(Operator, "status", operator.status),
        registered_on=operator.registered_on,
        new_business_form=operator.new_business_form,
        licences=licences,
    )


# --- display of a page --------------------------------------------------------------------------------------------


def _records(page: list[LedgerEntry], *, audience: Audience) -> dict[tuple[str, int], Any]:
    """The records a page refers to, one query per kind (the record domains' registered models); relations only
    staff read (inspectors) only for staff."""
    ids: dict[str, set[int]] = defaultdict(set)
    for entry in page:
        if record_model(entry.kind) is not None:
            ids[entry.kind].add(entry.ref_id)
    found: dict[tuple[str, int], Any] = {}
    for kind, ref_ids in ids.items():
        registered = record_model(kind)
        if registered is None:
            continue
        records = registered.model._default_manager.filter(pk__in=ref_ids)
        if audience == "staff" and registered.staff_prefetch:
            records = records.prefetch_related(*registered.staff_prefetch)
        found.update({(kind, record.pk): record for record in records})
    return found


def _display(
    page: list[LedgerEntry], *, audience: Audience, as_of: date, policy: rules.DisclosurePolicy
) -> list[CreditFileEntry]:
    records = _records(page, audience=audience)
    marks = hold_marks(page) if audience != "public" else {}
    shown = []
    for entry in page:
        summary, detail = entry_text(entry, records.get((entry.kind, entry.ref_id)), audience)
        shown.append(
            CreditFileEntry(
                id=entry.pk,
                kind=entry.kind,
                kind_label=gettext(entry.get_kind_display()),
                occurred_on=entry.occurred_on,
                summary=summary,
                detail=detail,
                # The channel a complaint came through can hint at who made it: only staff see it.
                source=entry.source.name
                if entry.source and (audience == "staff" or entry.kind != K.COMPLAINT)
                else None,
                windows=None if audience == "public" else entry_windows(entry, as_of=as_of, policy=policy),
                hold=marks.get((entry.ref_kind, entry.ref_id)),
            )
        )
    return shown
