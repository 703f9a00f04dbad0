"""Public site views: thin. Only the public view of a credit file, masked, and the class as disclosed (DOMAIN.md
Part I §4)."""

from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.models import ListEntry
from foodcredit.credit.selectors import lists as list_selectors
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.planning.selectors import public as plan_selectors
from foodcredit.risk import selectors as risk_selectors

from . import open_data as open_data_sets
from . import search, selectors, services
from .forms import ReportForm, SearchForm, TrackingForm

CURSOR_MAX = 200
HOME_ITEMS = 5
ROSTER_PER_PAGE = 20
PLAN_OBJECTS_PER_PAGE = 50


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
    if request.headers.get("HX-Request"):
        return render(request, "portal/_results.html", context)
    if result is None:
        today = timezone.localdate()
        context |= {
            "figures": search.district_figures(as_of=today),
            "cases": list_selectors.case_studies_public()[:HOME_ITEMS],
            "plans": [p for p in plan_selectors.plans_public()[: HOME_ITEMS * 4] if p.committed_at.year == today.year][
                :HOME_ITEMS
            ],
        }
    return render(request, "portal/home.html", context)


@require_GET
def list_roster(request: HttpRequest, list_kind: str) -> HttpResponse:
    """The public roster of the 经营异常名录 or the 严重违法失信名单: listings in force and disclosed today."""
    if list_kind not in ListEntry.ListKind.values:
        raise Http404("no such list")
    as_of = timezone.localdate()
    roster = list_selectors.list_roster_public(list_kind=list_kind, as_of=as_of)
    page = Paginator(roster, ROSTER_PER_PAGE).get_page(request.GET.get("page"))
    label = ListEntry.ListKind(list_kind).label
    return render(
        request, "portal/list_roster.html", {"page": page, "list_kind": list_kind, "label": label, "as_of": as_of}
    )


@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    """Published typical cases (典型案例), newest first; free text masked as everywhere public."""
    page = Paginator(list_selectors.case_studies_public(), ROSTER_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/cases.html", {"page": page})


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    """一公开: every 双随机 plan with its seed commitment; its draw once published."""
    page = Paginator(plan_selectors.plans_public(), ROSTER_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/plans.html", {"page": page})


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One plan: commitment, then (once published) the seed, the drawn operators with their inspectors by name and
    执法证号 (officials acting in office are public), and each task's result when it is published."""
    plan = plan_selectors.plan_get_public(plan_id=plan_id)
    tasks = plan_selectors.plan_objects_public(plan=plan).prefetch_related("inspectors")
    page = Paginator(tasks, PLAN_OBJECTS_PER_PAGE).get_page(request.GET.get("page"))
    published = plan.status in {"published", "superseded"}
    return render(request, "portal/plan_detail.html", {"plan": plan, "page": page, "published": published})


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
        "lists": list_selectors.list_memberships(operator=operator, as_of=as_of, public=True),
        "commitments": list_selectors.commitments_public(operator=operator),
        "is_producer": operator.sector == Operator.Sector.PRODUCTION,
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


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The public complaint and report form (no login; throttled per client by THROTTLE_RULES "public_report"): a
    valid post is registered and answered with its tracking number."""
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.report_submit(**form.cleaned_data)
        return render(request, "portal/report_done.html", {"report": created})
    return render(request, "portal/report.html", {"form": form}, status=400 if form.is_bound else 200)


@require_GET
def report_status(request: HttpRequest) -> HttpResponse:
    """A report's status and the bureau's reply by its tracking number; nothing about the reporter."""
    form = TrackingForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = selectors.report_by_tracking(tracking_no=form.cleaned_data["no"])
    verification = ""  # the result of the check, once staff closed an accepted report (nothing about the reporter)
    complaint = selectors.report_complaint(report=found, source_name=services.PORTAL_SOURCE) if found else None
    if complaint is not None and complaint.verification != complaint.Verification.PENDING:
        verification = complaint.get_verification_display()
    context = {"form": form, "found": found, "verification": verification}
    return render(request, "portal/report_status.html", context)


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """Open data: the downloadable datasets and their data dictionary."""
    context = {"datasets": list(open_data_sets.DATASETS.values()), "streets": open_data_sets.streets()}
    return render(request, "portal/open_data.html", context)


@require_GET
def open_data_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """One dataset as CSV (streamed) or XLSX; operators one street at a time (?street=)."""
    dataset = open_data_sets.DATASETS.get(key)
    street = request.GET.get("street", "")
    if dataset is None or fmt not in ("csv", "xlsx") or (dataset.by_street and street not in open_data_sets.streets()):
        raise Http404("no such dataset")
    as_of = timezone.localdate()
    filename = f"{key}{'-' + street if street else ''}-{as_of.isoformat()}.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            open_data_sets.csv_chunks(dataset, street=street, as_of=as_of), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            open_data_sets.xlsx_bytes(dataset, street=street, as_of=as_of),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
