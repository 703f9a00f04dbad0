"""不予公示 marks as the readers see them: the one test every public selector applies (`unheld`), and the marks
the internal file shows. A record is held while a mark on its (ref_kind, ref_id) stands (removed_on empty)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.selectors import Reader

from .. import rules
from ..models import DisclosureHold, LedgerEntry, ListEntry

H = DisclosureHold


@dataclass(frozen=True)
class HoldMark:
    """The mark as the internal file shows it: the legal ground, the statement and since when."""

    hold_id: int
    ground_label: str
    ground_note: str
    set_on: date


def _active() -> QuerySet[DisclosureHold]:
    return H.objects.filter(removed_on__isnull=True)


def unheld(*, ref_kind: str | None = None, ref_kind_field: str = "ref_kind", ref_id_field: str = "ref_id") -> Q:
    """Rows whose record carries no standing 不予公示 mark: every public output filters with this.

    `ref_kind` fixes the record kind (rows of one record table, e.g. listings by their pk); otherwise the row's own
    `ref_kind_field` is compared (ledger entries)."""
    holds = _active().filter(ref_id=OuterRef(ref_id_field))
    holds = holds.filter(ref_kind=ref_kind) if ref_kind else holds.filter(ref_kind=OuterRef(ref_kind_field))
    return ~Q(Exists(holds))


def hold_marks(entries: list[LedgerEntry]) -> dict[tuple[str, int], HoldMark]:
    """The standing marks of these entries' records, by (ref_kind, ref_id), for the internal file."""
    ids_by_kind: dict[str, list[int]] = {}
    for entry in entries:
        ids_by_kind.setdefault(entry.ref_kind, []).append(entry.ref_id)
    marks: dict[tuple[str, int], HoldMark] = {}
    for ref_kind, ids in ids_by_kind.items():
        for hold in _active().filter(ref_kind=ref_kind, ref_id__in=ids):
            marks[(hold.ref_kind, hold.ref_id)] = HoldMark(
                hold_id=hold.pk,
                ground_label=gettext(hold.get_ground_display()),
                ground_note=hold.ground_note,
                set_on=hold.set_on,
            )
    return marks


def disclosure_holds(*, for_user: Reader) -> QuerySet[DisclosureHold]:
    """Every mark (standing and lifted) on the operators in the reader's scope, newest first."""
    return (
        H.objects.filter(operator__in=operator_selectors.operator_scope(for_user=for_user))
        .select_related("operator", "set_by", "removed_by")
        .order_by("-set_on", "-pk")
    )


def disclosure_hold_get(*, pk: int, for_user: Reader) -> DisclosureHold:
    """One mark in the reader's scope; Http404 otherwise."""
    found = disclosure_holds(for_user=for_user).filter(pk=pk).first()
    if found is None:
        raise Http404("hold not found")
    return found


def disclosure_hold_current(*, entry: LedgerEntry) -> DisclosureHold | None:
    """The standing mark of the entry's record, or None."""
    return _active().filter(ref_kind=entry.ref_kind, ref_id=entry.ref_id).first()


def listed_operator_ids_public(*, list_kind: str, as_of: date) -> set[int]:
    """Operators whose listing on `list_kind` is in force and disclosed on the district portal on `as_of` (public
    search's list filter): a held listing is left out, as on the roster."""
    policy_period = settings.SERIOUS_LIST_PERIOD
    rows = ListEntry.objects.filter(
        Q(unheld(ref_kind="list_entry", ref_id_field="pk")),
        list_kind=list_kind,
        status=ListEntry.Status.LISTED,
        decided_on__lte=as_of,
    )
    listed: set[int] = set()
    for operator_id, decided_on, restriction_until in rows.values_list(
        "operator_id", "decided_on", "restriction_until"
    ):
        assert decided_on is not None  # filtered on above
        ends_on = rules.list_period_end(
            list_kind=list_kind, listed_on=decided_on, restriction_until=restriction_until, period=policy_period
        )
        if ends_on is None or as_of < ends_on:
            listed.add(operator_id)
    return listed


def ledger_entry_get(*, pk: int, for_user: Reader) -> LedgerEntry:
    """A current (not superseded) entry of an operator in the reader's scope; Http404 otherwise."""
    found = (
        LedgerEntry.objects.filter(
            pk=pk, superseded_by__isnull=True, operator__in=operator_selectors.operator_scope(for_user=for_user)
        )
        .select_related("operator")
        .first()
    )
    if found is None:
        raise Http404("entry not found")
    return found
