"""Back-office page of the credit-risk classes: distribution by street and sector, and its trend (ECharts)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foodcredit.accounts.models import User
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk.models import RiskClass

CLASSES = [c.value for c in RiskClass]


def _chart(groups: dict[str, dict[str, int]]) -> dict[str, object]:
    """{years: categories, series: one per class} — the shape core/static/js/app.js draws as stacked bars."""
    names = list(groups)
    return {
        "years": names,
        "series": [
            {"name": f"{c} {RiskClass(c).label}", "data": [groups[g].get(c, 0) for g in names]} for c in CLASSES
        ],
    }


@never_cache
@login_required
@require_GET
def risk_dashboard(request: HttpRequest) -> HttpResponse:
    """Class distribution of the latest run by street and by sector, and the distribution over the latest runs."""
    if getattr(request.user, "role", None) != User.Role.DISTRICT_REGULATOR:
        raise PermissionDenied
    run = risk_selectors.run_latest()
    context: dict[str, object] = {"run": run}
    if run is not None:
        trend = risk_selectors.class_trend()
        context.update(
            by_street=_chart(risk_selectors.class_distribution(run=run, by="street")),
            by_sector=_chart(risk_selectors.class_distribution(run=run, by="sector")),
            trend=_chart({f"{day:%Y-%m-%d}": counts for day, counts in trend}),
            totals=[(c, RiskClass(c).label, run.distribution.get(c, 0)) for c in CLASSES],
        )
    return render(request, "office/risk_dashboard.html", context)
