"""Back-office views: thin. Check the input, fetch through selectors (scope is theirs: 404 outside it), render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors as credit_selectors
from foodcredit.operators import selectors as operator_selectors
from foodcredit.risk import selectors as risk_selectors
from foodcredit.sharing import selectors as sharing_selectors

from .forms import CreditFileFilterForm

SEARCH_MAX = 100


@never_cache
@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page: operator search (htmx) over the caller's scope."""
    operators = operator_selectors.operator_search(query="", for_user=request.user)
    return render(request, "office/home.html", {"operators": operators, "q": ""})


@never_cache
@login_required
@require_GET
def operator_search(request: HttpRequest) -> HttpResponse:
    """Search results as a fragment (htmx live search) or as the whole page without JavaScript."""
    q = request.GET.get("q", "")[:SEARCH_MAX]
    operators = operator_selectors.operator_search(query=q, for_user=request.user)
    template = "office/_operator_results.html" if request.headers.get("HX-Request") else "office/home.html"
    return render(request, template, {"operators": operators, "q": q})


@never_cache
@login_required
@require_GET
def operator_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    """The internal credit file: operator header, credit-risk class, chart of entries per year, filters and the first
    page."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    as_of = timezone.localdate()
    form = CreditFileFilterForm(request.GET, sources=credit_selectors.credit_file_sources(operator=operator))
    try:
        page = credit_selectors.credit_file_page(
            operator=operator, view="internal", as_of=as_of, for_user=request.user, **form.filters()
        )
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    audience = credit_selectors.credit_file_audience(view="internal", for_user=request.user)
    counts = credit_selectors.credit_file_year_counts(operator=operator, as_of=as_of, audience=audience)
    chart = {"years": counts.years, "series": [{"name": s.label, "data": s.counts} for s in counts.series]}
    # Staff see the class with its date, model and explanation; the operator's own users what the public sees.
    risk_class: risk_selectors.CurrentClass | risk_selectors.PublicClass | None = (
        risk_selectors.class_current(operator.pk, as_of=as_of)
        if audience == "staff"
        else risk_selectors.class_public(operator.pk, as_of=as_of)
    )
    context = {
        "uscc": operator.uscc,
        "operator": credit_selectors.credit_file_operator(operator=operator, view="internal"),
        "page": page,
        "form": form,
        "chart": chart,
        "as_of": as_of,
        "audience": audience,
        "risk_class": risk_class,
        "risk_internal": audience == "staff",
        # What the class means when a licence application is handled (green channel for A; no 容缺受理/告知承诺 for D).
        "licence_handling": sharing_selectors.class_measures(operator_id=operator.pk, as_of=as_of)
        if risk_class
        else None,
    }
    return render(request, "office/operator_detail.html", context)


@never_cache
@login_required
@require_GET
def operator_timeline(request: HttpRequest, uscc: str) -> HttpResponse:
    """A page of timeline rows (htmx): after a filter change, or "load more" with the cursor."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    form = CreditFileFilterForm(request.GET, sources=credit_selectors.credit_file_sources(operator=operator))
    try:
        page = credit_selectors.credit_file_page(
            operator=operator, view="internal", as_of=timezone.localdate(), for_user=request.user, **form.filters()
        )
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    return render(request, "office/_timeline_rows.html", {"uscc": operator.uscc, "page": page})
