"""Public site views: thin. Only the public view of a credit file, masked, and the class as disclosed (DOMAIN.md
Part I §4)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors as credit_selectors
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors

from . import search
from .forms import SearchForm

CURSOR_MAX = 200


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The portal's start page and its search: name, USCC or licence number with filters, a count, pages and a
    sort (htmx swaps the results only)."""
    form = SearchForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        query = form.search_query()
        if not query.is_empty:
            result = search.operators_search_public(query=query, as_of=timezone.localdate())
    context = {"form": form, "result": result, "q": form["q"].value() or ""}
    template = "portal/_results.html" if request.headers.get("HX-Request") else "portal/home.html"
    return render(request, template, context)


def _page(
    request: HttpRequest, uscc: str
) -> tuple[Operator, credit_selectors.OperatorCard, credit_selectors.CreditFilePage]:
    operator = operator_selectors.operator_get_public(uscc=uscc)
    cursor = request.GET.get("cursor", "")[:CURSOR_MAX] or None
    page = credit_selectors.credit_file_page(
        operator=operator, view="public", as_of=timezone.localdate(), cursor=cursor
    )
    return operator, credit_selectors.credit_file_operator(operator=operator, view="public"), page


@require_GET
def operator_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    """An operator's public credit file: what is disclosed today on the district portal, and its credit-risk class
    with meaning and date when the deployment discloses classes (never the score)."""
    try:
        operator, card, page = _page(request, uscc)
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    as_of = timezone.localdate()
    context = {
        "operator": card,
        "page": page,
        "uscc": card.uscc,
        "as_of": as_of,
        "risk_class": risk_selectors.class_public(operator.pk, as_of=as_of),
    }
    return render(request, "portal/operator_detail.html", context)


@require_GET
def operator_timeline(request: HttpRequest, uscc: str) -> HttpResponse:
    """The next page of public timeline rows ("load more", htmx)."""
    try:
        _operator, card, page = _page(request, uscc)
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    return render(request, "portal/_timeline_rows.html", {"page": page, "uscc": card.uscc})
