"""Back-office page of the credit-risk classes: distribution by street and sector, and its trend (ECharts)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foodcredit.accounts.models import User
from foodcredit.core.choice_labels import label
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk.models import RiskClass
from foodcredit.risk.rules import CLASSES


def _operators_url(**params: str) -> str:
    return f"{reverse('office:operator_search')}?{urlencode(params | {'status': Operator.Status.ACTIVE})}"


def _chart(groups: dict[str, dict[str, int]], *, param: str = "") -> dict[str, object]:
    """{years: categories, series: one per class} — the shape core/static/js/app.js draws as stacked bars; with
    `param`, each bar opens the operator list of its group and class (links[series][category])."""
    names = list(groups)
    codes = {str(label): code for code, label in Operator.Sector.choices} if param == "sector" else {}
    chart: dict[str, object] = {
        "years": [label(g) for g in names],  # a sector's label in the reader's language (streets are names)
        "series": [
            {"name": f"{c} {label(RiskClass(c).label)}", "data": [groups[g].get(c, 0) for g in names]} for c in CLASSES
        ],
    }
    if param:
        chart["links"] = [[_operators_url(**{param: codes.get(g, g), "risk_class": c}) for g in names] for c in CLASSES]
    return chart


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
            by_street=_chart(risk_selectors.class_distribution(run=run, by="street"), param="street"),
            by_sector=_chart(risk_selectors.class_distribution(run=run, by="sector"), param="sector"),
            trend=_chart({f"{day:%Y-%m-%d}": counts for day, counts in trend}),
            totals=[(c, RiskClass(c).label, run.distribution.get(c, 0), _operators_url(risk_class=c)) for c in CLASSES],
            # issue 13 §4: the candidates the run's model was chosen from, by rolling-origin backtests
            selection=run.model.metrics.get("selection"),
            backtest=run.model.metrics.get("backtest"),
        )
    return render(request, "office/risk_dashboard.html", context)
