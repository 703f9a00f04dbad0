"""The workbench (工作台), the back office's home: per role, the day's work as counts, each a link to the list it
counts (STYLE.md: "a workbench is a set of counts, each count a link to a filtered list"), then the district at a
glance in charts whose bars open their lists.

A tile names a list by URL name and query string. When that list is an `OfficeListView` (office/tables.py), the
count is the list's own row count for that query (`count_for`: the same selector scoped with `for_user`, the same
filter set), so the number on the tile is the number of rows the link shows. A list built another way is counted by
the selector given as the tile's fallback. A tile whose list does not exist (yet), or that the role may not open, is
not shown — pages built by other parts of the office (the 未分类 violation queue, list proposals, administration)
appear here as soon as their URL names resolve.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext

from foodcredit.accounts.models import User
from foodcredit.operators.models import STREETS, Operator
from foodcredit.planning.models import Task
from foodcredit.planning.selectors import workbench as planning_workbench
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk.rules import CLASSES

from .tables import OfficeListView
from .workbench_tiles import ROLE_INTROS, ROLE_LINKS, ROLE_TILES, Spec

logger = logging.getLogger(__name__)
R = User.Role
Count = Callable[[User, date], int]


@dataclass(frozen=True)
class Tile:
    label: str
    count: int | None
    url: str
    note: str = ""
    urgent: bool = False


def list_url(url_name: str, params: dict[str, str] | None = None) -> str | None:
    """The list's address with its filters, or None when no such page exists."""
    try:
        path = reverse(url_name)
    except NoReverseMatch:
        return None
    return f"{path}?{urlencode(params)}" if params else path


def unknown_filters(view_class: type[OfficeListView], params: dict[str, str]) -> set[str]:
    """Query parameters of a tile that its list's filter set does not know (and would silently ignore)."""
    filterset_class = view_class.filterset_class
    known = set(getattr(filterset_class, "base_filters", {})) if filterset_class else set()
    names = set()
    for key in params:
        names.add(next((f for f in known if key == f or key.startswith(f + "_")), key))
    return names - known


def tile(request: HttpRequest, spec: Spec, *, as_of: date) -> Tile | None:
    """The tile of `spec` for the caller, or None (no such list, or the role may not open it)."""
    params = spec.params(as_of) if callable(spec.params) else spec.params
    url = list_url(spec.url_name, params)
    if url is None:
        return None
    view_class = getattr(resolve(reverse(spec.url_name)).func, "view_class", None)
    count: int | None
    if isinstance(view_class, type) and issubclass(view_class, OfficeListView):
        if unknown_filters(view_class, params):
            logger.warning("workbench tile %s: %s has no filter among %s", spec.label, spec.url_name, sorted(params))
            return None  # the list would ignore the filter: its count would not be the tile's
        count = view_class.count_for(request, params)
        if count is None:
            return None
    elif spec.fallback is not None:
        assert isinstance(request.user, User)
        count = spec.fallback(request.user, as_of)
    else:
        count = None
    return Tile(label=str(spec.label), count=count, url=url, note=str(spec.note), urgent=spec.urgent)


def _links(role: str) -> list[tuple[str, str]]:
    out = []
    for label, name in ROLE_LINKS.get(role, []):
        url = list_url(name)
        if url is not None:
            out.append((str(label), url))
    return out


# ── the district at a glance ────────────────────────────────────────────────────────────────────────────────────


def _class_chart(
    groups: dict[str, dict[str, int]], *, names: list[str], labels: dict[str, str], param: str
) -> dict[str, Any]:
    """Stacked bars (core/static/js/app.js), each bar's list address in `links[series][category]`."""
    base = reverse("office:operator_search")
    return {
        "years": [labels.get(n, n) for n in names],
        "series": [{"name": c, "data": [groups.get(n, {}).get(c, 0) for n in names]} for c in CLASSES],
        "links": [
            [f"{base}?{urlencode({param: n, 'risk_class': c, 'status': Operator.Status.ACTIVE})}" for n in names]
            for c in CLASSES
        ],
    }


def glance(user: User, *, as_of: date) -> dict[str, Any]:
    """Charts for a regulator: classes by street and by sector (scoped), the classes' trend, plan progress."""
    by_street = planning_workbench.class_counts(for_user=user, by="street", as_of=as_of)
    by_sector = planning_workbench.class_counts(for_user=user, by="sector", as_of=as_of)
    streets = [s for s in STREETS if s in by_street]
    sectors = [s for s in Operator.Sector.values if s in by_sector]
    sector_labels = {k: gettext(v) for k, v in Operator.Sector.choices}
    charts: dict[str, Any] = {
        "by_street": _class_chart(by_street, names=streets, labels={}, param="street"),
        "by_sector": _class_chart(by_sector, names=sectors, labels=sector_labels, param="sector"),
    }
    totals = {c: sum(g.get(c, 0) for g in by_street.values()) for c in CLASSES}
    if user.role == R.DISTRICT_REGULATOR:
        trend = risk_selectors.class_trend(limit=12)
        if trend:
            charts["trend"] = {
                "years": [f"{day:%Y-%m-%d}" for day, _counts in trend],
                "series": [{"name": c, "data": [counts.get(c, 0) for _day, counts in trend]} for c in CLASSES],
            }
    progress = planning_workbench.plan_progress(for_user=user)
    if progress:
        tasks_url = reverse("office:planning_tasks")
        statuses = [s for s in Task.Status if s != Task.Status.CANCELLED]
        charts["plans"] = {
            "years": [p.name for p, _c in progress],
            "series": [{"name": gettext(s.label), "data": [c.get(s.value, 0) for _p, c in progress]} for s in statuses],
            "links": [
                [f"{tasks_url}?{urlencode({'plan': p.pk, 'status': s.value})}" for p, _c in progress] for s in statuses
            ],
        }
    class_links = [
        (c, totals[c], list_url("office:operator_search", {"risk_class": c, "status": Operator.Status.ACTIVE}))
        for c in CLASSES
    ]
    return {"charts": charts, "class_totals": class_links}


def workbench_for(request: HttpRequest) -> dict[str, Any]:
    """The workbench's context for the caller's role."""
    user = request.user
    assert isinstance(user, User)
    as_of = timezone.localdate()
    role = user.role
    tiles = [t for spec in ROLE_TILES.get(role, []) if (t := tile(request, spec, as_of=as_of)) is not None]
    context: dict[str, Any] = {
        "as_of": as_of,
        "intro": ROLE_INTROS.get(role, ""),
        "tiles": tiles,
        "links": _links(role),
        "operators": [],
    }
    if role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        context.update(glance(user, as_of=as_of))
    if role == R.BUSINESS:
        from foodcredit.operators import selectors as operator_selectors

        context["operators"] = operator_selectors.operator_search(query="", for_user=user)
    return context
