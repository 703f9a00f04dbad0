"""Reads of operators, scoped per role (DOMAIN.md Part I §5). The one place that decides who sees which operator."""

import re

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from foodcredit.accounts.models import User
from foodcredit.core.crypto import normalise_phone, phone_index

from .models import Operator

Reader = User | AnonymousUser
R = User.Role

SEARCH_LIMIT = 20
USCC_LENGTH = 18
PHONE_MIN_DIGITS = 7
_PHONE_QUERY = re.compile(r"[0-9０-９+＋()（） \-]+")


def operator_scope(*, for_user: Reader) -> QuerySet[Operator]:
    """The operators whose internal credit file `for_user` may read.

    District regulators: all. Station regulators: operators in their department's streets. Inspectors: operators
    they inspected and the operators of their inspection tasks (planning's reverse relation). Business users:
    the operators they act for. Other departments get no internal records until the sharing issue gives them
    scopes; associations see their members' public view only; the three administrator roles never read credit
    files (等保 三权分立); anonymous callers see the public view only.
    """
    operators = Operator.objects.all()
    if not isinstance(for_user, User) or not for_user.is_authenticated or not for_user.is_active:
        return operators.none()
    role = for_user.role
    if role == R.DISTRICT_REGULATOR:
        return operators
    if role == R.STATION_REGULATOR:
        streets = for_user.streets
        return operators.filter(street__in=streets) if streets else operators.none()
    if role == R.INSPECTOR:
        if not for_user.inspector_cert_no:
            return operators.none()
        # The reverse relation from inspections (by its query name) keeps this module free of an upward import.
        inspected = Operator.objects.filter(inspection__inspectors__cert_no=for_user.inspector_cert_no).values("pk")
        tasked = Operator.objects.filter(planning_tasks__inspectors__cert_no=for_user.inspector_cert_no).values("pk")
        return operators.filter(Q(pk__in=inspected) | Q(pk__in=tasked))
    if role == R.BUSINESS:
        usccs = [u for u in for_user.operator_usccs if isinstance(u, str)]
        return operators.filter(uscc__in=usccs) if usccs else operators.none()
    return operators.none()


def operator_get(*, uscc: str, for_user: Reader) -> Operator:
    """One operator inside `for_user`'s scope; Http404 otherwise, so that existence does not leak."""
    operator = operator_scope(for_user=for_user).filter(uscc=uscc.strip().upper()).first()
    if operator is None:
        raise Http404("operator not found")
    return operator


def operator_get_public(*, uscc: str) -> Operator:
    """One operator for the public view (registration data is public); Http404 if there is none."""
    operator = Operator.objects.filter(uscc=uscc.strip().upper()).first()
    if operator is None:
        raise Http404("operator not found")
    return operator


def _search_filter(query: str) -> Q:
    q = query.strip()
    if len(q) == USCC_LENGTH:
        return Q(uscc=q.upper())
    return Q(name__icontains=q) | Q(uscc__startswith=q.upper())


def _staff_search_filter(query: str) -> Q:
    """Name or USCC; and for a query that is a phone number in any format, the operators with that phone, found by
    its blind index (the phone itself is stored encrypted). Staff only: the public searches by name or USCC."""
    found = _search_filter(query)
    if _PHONE_QUERY.fullmatch(query.strip()) and len(normalise_phone(query)) >= PHONE_MIN_DIGITS:
        found |= Q(phone_index=phone_index(query))
    return found


def operator_search(*, query: str, for_user: Reader, limit: int = SEARCH_LIMIT) -> list[Operator]:
    """Operators in scope whose name contains `query` or whose USCC starts with it; an empty query lists the first."""
    operators = operator_scope(for_user=for_user)
    if query.strip():
        operators = operators.filter(_staff_search_filter(query))
    # Ordered by primary key so that the database can stop at `limit` without sorting every match.
    return list(operators.order_by("pk")[:limit])


def operator_matching(*, query: str, for_user: Reader) -> QuerySet[Operator]:
    """Operators in scope whose name contains `query` or whose USCC starts with it (all in scope for an empty
    query): the back office's operator list filters and pages these."""
    operators = operator_scope(for_user=for_user)
    return operators.filter(_staff_search_filter(query)) if query.strip() else operators


def operator_usccs_first(*, limit: int) -> list[str]:
    """The USCCs of the first `limit` operators by id (demo accounts act for them)."""
    return list(Operator.objects.order_by("pk").values_list("uscc", flat=True)[:limit])
