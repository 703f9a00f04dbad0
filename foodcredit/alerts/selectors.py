"""Reads of alerts, scoped per role (DOMAIN.md Part I §5): a district regulator sees every alert, a station the
alerts routed to it or about its streets, another department the copies of alerts about records it issued, a business
user the alerts about its own operators."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404

from foodcredit.accounts.models import User
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator

from . import rules
from .models import Alert

Reader = User | AnonymousUser
R = User.Role


def alert_scope(*, for_user: Reader) -> QuerySet[Alert]:
    """The alerts `for_user` may read."""
    alerts = Alert.objects.select_related("operator", "unit", "copy_unit")
    if not isinstance(for_user, User) or not for_user.is_authenticated or not for_user.is_active:
        return alerts.none()
    if for_user.role == R.DISTRICT_REGULATOR:
        return alerts
    if for_user.role == R.STATION_REGULATOR:
        return alerts.filter(Q(unit_id=for_user.department_id) | Q(street__in=for_user.streets))
    if for_user.role == R.OTHER_DEPARTMENT:
        # The copy for its records: alerts about records the department issued (read only; the unit acts).
        return alerts.filter(copy_unit_id=for_user.department_id) if for_user.department_id else alerts.none()
    if for_user.role == R.BUSINESS:
        own = operator_selectors.operator_scope(for_user=for_user).values("pk")
        return alerts.filter(operator_id__in=own)
    return alerts.none()


def alert_get(*, pk: int, for_user: Reader) -> Alert:
    """One alert in scope; Http404 otherwise (existence does not leak)."""
    alert = alert_scope(for_user=for_user).filter(pk=pk).first()
    if alert is None:
        raise Http404("alert not found")
    return alert


def alerts_of_operator(*, operator: Operator, for_user: Reader) -> QuerySet[Alert]:
    """The alerts about one operator, newest first (its credit file)."""
    return alert_scope(for_user=for_user).filter(operator=operator).order_by("-raised_on", "-pk")


def alert_overdue(alert: Alert, *, today: date) -> bool:
    return rules.overdue(status=alert.status, measure_due=alert.measure_due, action_due=alert.action_due, today=today)


def overdue_filter(*, today: date) -> Q:
    """Alerts past the deadline of their stage (the same rule as rules.overdue, as a query)."""
    return Q(status=Alert.Status.ROUTED, measure_due__lt=today, is_notice=False) | Q(
        status=Alert.Status.MEASURED, action_due__lt=today
    )


def alerts_open_export() -> pl.DataFrame:
    """The open alerts for the sweep's export: 统一社会信用代码 (empty for a street-level alert), 所属街道, detector,
    raised on, level."""
    rows = (
        Alert.objects.exclude(status=Alert.Status.CLOSED)
        .order_by("raised_on", "pk")
        .values_list("operator__uscc", "street", "detector", "raised_on", "level")
    )
    return pl.DataFrame(
        [(u or "", s, d, r.isoformat(), lv) for u, s, d, r, lv in rows],
        schema=["统一社会信用代码", "所属街道", "detector", "raised_on", "level"],
        orient="row",
    )


def alerts_by_month(*, for_user: Reader, field: str) -> list[dict[str, object]]:
    """Alert counts per month and per `field` (detector, street or outcome) for the chart."""
    if field not in ("detector", "street", "outcome"):
        raise ValueError(field)
    return list(
        alert_scope(for_user=for_user)
        .annotate(month=TruncMonth("raised_on"))
        .values("month", field)
        .annotate(n=Count("pk"))
        .order_by("month", field)
    )


def alerts_for_business(*, for_user: Reader) -> dict[str, list[Alert]]:
    """A business user's alert page: the measures about its operators waiting for its reply (警示, 约谈), those it
    answered (newest first), and the open notices addressed to it."""
    own = alert_scope(for_user=for_user)
    asking = own.filter(measure__in=rules.MEASURES_ASKING_REPLY)
    return {
        "waiting": list(asking.filter(status=Alert.Status.MEASURED).order_by("action_due", "pk")),
        "answered": list(asking.filter(replied_on__isnull=False).order_by("-replied_on", "-pk")[:50]),
        "notices": list(own.filter(is_notice=True).exclude(status=Alert.Status.CLOSED).order_by("raised_on", "pk")),
    }
